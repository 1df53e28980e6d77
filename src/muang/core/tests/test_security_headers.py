"""Hardening of issue 8, item 8: Content-Security-Policy, Permissions-Policy, `no-store` on staff answers, and
the admin's map without a CDN. (The browser side: core/tests/browser/test_csp_browser.py.)"""

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from muang.core.models import Role
from muang.core.tests.factories import OrganizationFactory, member
from muang.core.widgets import OfflineMapWidget, tile_url_for_openlayers

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in policy.split(";") if part.strip()}


def test_every_page_has_a_strict_content_security_policy(client):
    csp = directives(client.get("/accounts/login/"))
    assert csp["default-src"] == "default-src 'self'"
    assert csp["script-src"].startswith("script-src 'self'") and "unsafe" not in csp["script-src"]
    assert "unsafe" not in csp["style-src"]
    assert csp["object-src"] == "object-src 'none'" and csp["frame-ancestors"] == "frame-ancestors 'none'"
    assert "https://tile.openstreetmap.org" in csp["img-src"], "the base map's tiles"
    assert "cdn" not in str(csp)


def test_the_permissions_policy_allows_only_what_pages_use(client):
    policy = client.get("/accounts/login/")["Permissions-Policy"]
    features = dict(item.split("=") for item in policy.split(", "))
    assert features["geolocation"] == "(self)"  # the report form, the survey, the maps
    assert features["camera"] == features["microphone"] == features["payment"] == "()"


def test_staff_answers_are_never_stored(areas):
    client = Client()
    assert "no-store" not in client.get("/reports/").get("Cache-Control", ""), "public pages may be cached"
    client.force_login(member(OrganizationFactory(), Role.OFFICER))
    for path in ("/", "/work/cases/", "/invitations/"):
        response = client.get(path)
        assert response.status_code == 200 and "no-store" in response["Cache-Control"], path
    api = client.get("/api/v1/me")
    assert api.status_code == 200 and "no-store" in api["Cache-Control"]


def test_a_view_that_chose_its_own_caching_keeps_it(areas, rf):
    from django.http import HttpResponse

    from muang.core.middleware import PrivateNoStoreMiddleware

    request = rf.get("/tax/map/photos/1")
    request.user = member(OrganizationFactory(), Role.OFFICER)

    def photo(_request):
        response = HttpResponse(b"jpeg")
        response["Cache-Control"] = "private, max-age=3600"
        return response

    assert PrivateNoStoreMiddleware(photo)(request)["Cache-Control"] == "private, max-age=3600"


def test_the_admin_map_loads_openlayers_from_the_installed_package():
    media = str(OfflineMapWidget().media)
    assert "/static/vendor/ol/ol.js" in media and "/static/vendor/ol/ol.css" in media
    assert "http" not in media.replace('href="/', "").replace('src="/', "")
    assert finders.find("vendor/ol/ol.js").endswith("node_modules/ol/dist/ol.js")
    assert finders.find("vendor/ol/ol.css").endswith("node_modules/ol/ol.css")
    listed = {path for finder in finders.get_finders() for path, _storage in finder.list([])}
    assert {"ol.js", "ol.css"} <= listed
    assert tile_url_for_openlayers("https://{s}.tile.example.org/{z}/{x}/{y}.png") == (
        "https://{a-c}.tile.example.org/{z}/{x}/{y}.png"
    )


def test_the_map_widget_starts_without_an_inline_script():
    html = OfflineMapWidget(attrs={"geom_type": "MULTIPOLYGON"}).render(
        "boundary", None, {"id": "id_boundary"}
    )
    scripts = [chunk for chunk in html.split("<script")[1:]]
    assert scripts and all(
        chunk.lstrip().startswith('id="id_boundary_map_options" type="application/json"') for chunk in scripts
    ), html


def test_a_public_endpoint_never_loads_the_session_nor_the_user(areas):
    """Issue 11: the public map's data answered to a signed-in person (or a citizen who filed, whose browser has
    a session) reads no session and no user; a page that shows who is signed in still does, and is not stored."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(member(OrganizationFactory(), Role.OFFICER))
    with CaptureQueriesContext(connection) as q:
        data = client.get("/reports/map.geojson", {"bbox": "102.0,16.0,102.2,16.2", "zoom": "14"})
    assert data.status_code == 200 and data["Cache-Control"] == "public, max-age=30"
    assert "Cookie" not in data.get("Vary", "")
    assert not [
        x["sql"] for x in q.captured_queries if "django_session" in x["sql"] or "core_user" in x["sql"]
    ]
    with CaptureQueriesContext(connection) as q:
        page = client.get("/work/cases/")
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert [x["sql"] for x in q.captured_queries if "django_session" in x["sql"]]
