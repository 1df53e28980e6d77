"""A mistyped tracking code is a page that helps, never a bare "Not Found" or a 500 (issue 8, item 15); the
public home page shows the city's figures from the reports."""

import pytest

from muang.cases.services import case_assign, case_change_status
from muang.cases.tests.conftest import make_town
from muang.cases.tests.factories import submit_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(areas):
    return make_town()


def test_an_unknown_tracking_code_is_a_404_with_the_code_to_correct(client, town):
    response = client.get("/r/0001-ABCD-EFGH")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Report not found" in html and "No case 0001-ABCD-EFGH." in html
    assert 'value="0001-ABCD-EFGH"' in html and 'action="/r/track/"' in html
    assert 'id="way-back"' in html


def test_something_that_is_not_a_code_is_a_form_error_not_a_server_error(client, town):
    for typed in ("hello/world", "0001-ABCD", "ข้อความ"):
        response = client.get("/r/track/", {"code": typed})
        assert response.status_code == 422, typed
        assert "is not a tracking code" in response.content.decode()
    response = client.get("/r/not-a-code")
    assert response.status_code == 404 and "is not a tracking code" in response.content.decode()


def test_any_spelling_of_a_real_code_finds_the_report(client, town):
    case = submit_case(town.category)
    sloppy = case.tracking_code.replace("-", " ").lower()
    response = client.get("/r/track/", {"code": sloppy})
    assert response.status_code == 302 and response["Location"] == f"/r/{case.tracking_code}"


def test_the_home_page_shows_every_organisation_s_figures(client, town):
    other = make_town()
    for category in (town.category, town.category, other.category):
        submit_case(category)
    done = case_assign(actor=town.head, case=submit_case(town.category), assignee=town.officer.user)
    case_change_status(actor=town.officer, case=done, status="resolved")
    html = client.get("/").content.decode()
    assert 'id="figure-total">4<' in html and 'id="figure-resolved">1<' in html
