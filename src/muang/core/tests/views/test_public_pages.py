"""The site's front door and its dead ends (issue 8, item 15): the root is a public home page for citizens with
the staff entrance beside it, a missing page is a Thai 404 with a way back, a server error a Thai 500 page,
and the sign-in page names the installation, not the host it was reached at."""

import pytest
from django.db import connection
from django.http import HttpRequest
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import path

from muang.core.models import Role
from muang.core.tests.factories import OrganizationFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def test_the_site_root_is_a_home_page_for_citizens_with_the_staff_entrance(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200  # no longer a redirect to the staff sign-in
    html = response.content.decode()
    assert 'lang="th"' in html
    for href in ('href="/r/"', 'action="/r/track/"', 'href="/my-tax/"', 'href="/reports/stats/"'):
        assert href in html, href
    assert 'id="home-figures"' in html and 'id="figure-total">0<' in html
    assert 'id="staff-entrance"' in html and 'href="/accounts/login/"' in html
    assert "แจ้งปัญหา" in html and "ชำระภาษีของฉัน" in html and "สำหรับเจ้าหน้าที่" in html
    assert len(queries) <= 3, [q["sql"] for q in queries]


def test_signed_in_staff_still_land_on_their_staff_home(client, areas):
    org = OrganizationFactory(name_th="เทศบาลตำบลทดสอบหน้าแรก")
    client.force_login(member(org, Role.OFFICER))
    html = client.get("/").content.decode()
    assert "เทศบาลตำบลทดสอบหน้าแรก" in html and 'id="staff-entrance"' not in html
    # A signed-in account with no membership still gets its own page, not the citizens' one.
    outsider = Client()
    outsider.force_login(UserFactory())
    assert outsider.get("/").status_code == 403


def test_an_unknown_address_is_a_thai_404_with_a_way_back(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "ไม่พบหน้าที่ต้องการ" in html
    assert 'id="way-back"' in html and 'href="/"' in html
    assert "Resolver404" not in html and "Not Found" not in html


def test_the_api_keeps_answering_problem_json_for_unknown_addresses(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"


def _boom(request: HttpRequest):
    raise RuntimeError("a bug")


urlpatterns = [path("boom", _boom)]
handler500 = "muang.core.views.errors.server_error"


@pytest.mark.urls(__name__)
def test_a_server_error_is_a_thai_page_with_a_way_back_and_a_reference():
    client = Client(raise_request_exception=False)
    response = client.get("/boom", HTTP_X_REQUEST_ID="req-12345678")
    assert response.status_code == 500
    html = response.content.decode()
    assert "เกิดข้อผิดพลาด" in html and 'id="way-back"' in html
    assert "req-12345678" in html  # the reference staff can find in the logs
    assert "a bug" not in html


def test_the_sign_in_page_names_the_installation_not_the_host(client, settings):
    settings.MUANG_SITE_NAME = "เมืองโนนสะอาด"
    html = client.get("/accounts/login/", HTTP_HOST="127.0.0.1").content.decode()
    assert "เมืองโนนสะอาด · " in html
    header = html[html.index('<header class="top">') : html.index("</header>")]
    assert "127.0.0.1" not in header and "testserver" not in header
