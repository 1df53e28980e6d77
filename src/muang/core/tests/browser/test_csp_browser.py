"""The Content-Security-Policy holds in a real browser (issue 8, item 8): the main pages, signed out and in, and
the admin's map, load without one console violation; and the boundary is still edited on the map, with
OpenLayers from the npm package (the CDN Django's own widget used is never asked)."""

import re

import pytest
from django.core.management import call_command

from muang.conftest import load_area_slice
from muang.core.models import Organization, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC_PAGES = [
    "/accounts/login/",
    "/r/",
    "/reports/",
    "/reports/map/",
    "/reports/stats/",
    "/my-tax/",
    "/my-tax/nonsaat/",
]
STAFF_PAGES = [
    "/",
    "/work/cases/",
    "{case}",
    "/tax/",
    "/tax/map/",
    "/tax/map/survey/",
    "/billing/bills/",
    "/billing/arrears/",
    "/invitations/",
]
ADMIN_PAGES = ["/", "/tokens/", "/admin/", "/admin/core/department/", "/admin/core/user/add/", "{org_admin}"]


class Console:
    """Everything the browser reports: CSP refusals arrive as console errors ("Refused to ...")."""

    def __init__(self, page):
        self.messages: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda m: self.messages.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: self.messages.append(f"pageerror: {e}"))
        page.on("request", lambda r: self.requests.append(r.url))

    def violations(self) -> list[str]:
        return [
            m
            for m in self.messages
            if "Content Security Policy" in m or "Refused to" in m or "pageerror" in m
        ]


def sign_in(page, url: str, username: str) -> None:
    page.set_default_timeout(90_000)  # a loaded test machine: the first pages render slowly
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "muang-demo-2569")
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")


def visit(page, console: Console, url: str, paths: list[str], tmp_path) -> None:
    for path in paths:
        response = page.goto(url + path)
        page.wait_for_load_state("networkidle")
        assert response.status == 200, (path, response.status)
        headers = response.headers
        assert "script-src 'self'" in headers["content-security-policy"], path
        assert (
            "geolocation=(self)" in headers["permissions-policy"]
            and "camera=()" in headers["permissions-policy"]
        )
        assert console.violations() == [], (path, console.violations())
    page.screenshot(path=tmp_path / "last.png", full_page=True)


@pytest.fixture
def demo(settings):
    settings.MUANG_DEMO_REPORTS = 20
    settings.MUANG_DEMO_PARCELS = 30
    load_area_slice()
    call_command("load_demo", verbosity=0)


def test_main_pages_load_without_a_csp_violation(live_server, page, demo, tmp_path):
    from muang.cases.models import Case

    console = Console(page)
    page.set_default_timeout(90_000)
    visit(page, console, live_server.url, PUBLIC_PAGES, tmp_path)

    sign_in(page, live_server.url, "officer.nonsaat")  # กองคลัง: cases, the tax office and the bills
    case = Case.objects.filter(organization__slug="nonsaat").order_by("pk").first()
    pages = [p.replace("{case}", f"/work/cases/{case.tracking_code}/") for p in STAFF_PAGES]
    visit(page, console, live_server.url, pages, tmp_path)
    response = page.goto(f"{live_server.url}/tax/")
    assert "no-store" in response.headers["cache-control"], "staff pages with personal data are never cached"

    page.context.clear_cookies()
    sign_in(page, live_server.url, "admin.nonsaat")
    org = Organization.objects.get(slug="nonsaat")
    pages = [p.replace("{org_admin}", f"/admin/core/organization/{org.pk}/change/") for p in ADMIN_PAGES]
    visit(page, console, live_server.url, pages, tmp_path)
    assert not [u for u in console.requests if "cdn" in u or "jsdelivr" in u], "no CDN"
    assert [u for u in console.requests if re.search(r"/static/vendor/ol/ol\.js$", u)], (
        "OpenLayers from the package"
    )


def test_the_boundary_is_edited_on_the_map(live_server, page, tmp_path):
    from muang.core.demo import load_demo

    load_area_slice()
    load_demo()
    org = Organization.objects.get(slug="chaiso")
    before = org.boundary.clone()
    console = Console(page)
    page.set_viewport_size({"width": 1280, "height": 900})  # the admin, on the office's desktop
    sign_in(page, live_server.url, "admin.chaiso")
    page.goto(f"{live_server.url}/admin/core/organization/{org.pk}/change/")
    page.wait_for_selector("#id_boundary_map .ol-viewport canvas", timeout=30_000)
    assert "MultiPolygon" in page.input_value("#id_boundary")

    page.click("#id_boundary_div_map .clear_features a")
    assert page.input_value("#id_boundary") == ""
    page.locator("#id_boundary_map").scroll_into_view_if_needed()
    box = page.locator("#id_boundary_map").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for dx, dy in ((-60, -40), (60, -40), (60, 40), (-60, 40), (-60, -40)):  # back on the first: closed
        page.mouse.click(cx + dx, cy + dy)
        page.wait_for_timeout(300)
    page.screenshot(path=tmp_path / "drawn.png", full_page=True)
    drawn = page.input_value("#id_boundary")
    assert '"MultiPolygon"' in drawn, drawn

    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r".*/admin/core/organization/$"))
    org.refresh_from_db()
    assert org.boundary.geom_type == "MultiPolygon" and len(org.boundary[0].exterior_ring) == 5
    assert not org.boundary.equals(before) and org.boundary.intersects(before), "redrawn where it was"
    assert console.violations() == [], console.violations()
    page.screenshot(path=tmp_path / "boundary.png", full_page=True)
    assert User.objects.filter(username="admin.chaiso").exists()
