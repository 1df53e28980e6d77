"""Hostile input at the edge (muang.core.input_guard): a NUL character anywhere in a request, a body past the
limit. Each is a 4xx naming the field in the surface's own format, never a 500 and never a write."""

import json

import pytest
from django.conf import settings
from django.test import Client

from muang.core.models import ApiToken
from muang.testing.fuzz import build_fuzz_town

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(areas):
    return build_fuzz_town()


@pytest.fixture
def staff(town) -> Client:
    client = Client()
    client.force_login(town.admin)
    return client


@pytest.mark.parametrize(
    "url, field",
    [
        ("/reports/?category=%00", "category"),
        ("/reports/map.geojson?bbox=102,16,102.1,16.1&category=%00", "category"),
        ("/r/nearby/?lat=16.5&lon=102.1&category=%00", "category"),
        ("/my-tax/?q=%00", "q"),
        ("/accounts/login/?next=%00", "next"),
        ("/reports/?x%00=1", "x\\0"),
    ],
)
def test_anonymous_pages_refuse_a_nul_naming_the_parameter_in_thai(url, field):
    response = Client().get(url)
    assert response.status_code == 400
    assert response.templates[0].name == "core/input_refused.html"
    page = response.content.decode()
    assert field in page and "ห้ามมีอักขระ NUL" in page and "โปรดตรวจสอบช่อง" in page


def test_a_nul_in_the_url_path_is_refused():
    response = Client().get("/r/AB%00CD")
    assert response.status_code == 400 and "path" in response.content.decode()


def test_a_nul_in_a_posted_form_field_is_refused_before_the_view(town, staff):
    response = staff.post("/tokens/", {"name": "x\x00y", "scopes": "reports:submit"})
    assert response.status_code == 400 and "name" in response.content.decode()
    assert ApiToken.objects.filter(organization=town.org).count() == 1  # the town's own, nothing new


def test_the_english_page_when_english_is_chosen():
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/reports/?category=%00").content.decode()
    assert "category: a NUL character (code 0) is not allowed." in page


@pytest.mark.parametrize(
    "path, field",
    [
        ("/api/v1/areas?q=%00", "q"),
        ("/api/v1/organizations/%00/owners", "path"),
        ("/api/v1/organizations/{slug}/owners?q=a%00", "q"),
    ],
)
def test_the_api_answers_a_nul_with_a_422_problem_naming_the_field(town, path, field):
    response = Client().get(path.format(slug=town.org.slug), HTTP_AUTHORIZATION=f"Bearer {town.token}")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "invalid_input" and body["errors"][0]["field"] == field


def test_a_nul_deep_in_a_json_body_is_named_by_its_path(town, staff):
    body = {
        "kind": "waste_fee",
        "year": 2026,
        "payer": {"name": "สมชาย\x00"},
        "lines": [{"description": "ค่าขยะ", "amount": "20.00"}],
        "due_date": "2026-06-30",
    }
    url = f"/api/v1/organizations/{town.org.slug}/bills"
    response = staff.post(url, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 422, response.content
    assert [e["field"] for e in response.json()["errors"]] == ["payer.name"]


def test_a_nul_in_a_json_key_is_refused(town, staff):
    url = f"/api/v1/organizations/{town.org.slug}"
    response = staff.patch(url, data=json.dumps({"phone\x00": "1"}), content_type="application/json")
    assert response.status_code == 422


def test_the_token_name_with_a_nul_is_refused_and_nothing_is_written(town, staff):
    url = f"/api/v1/organizations/{town.org.slug}/tokens"
    body = {"name": "x\x00", "scopes": ["reports:submit"]}
    response = staff.post(url, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "name"
    assert ApiToken.objects.filter(organization=town.org).count() == 1


def test_a_nul_in_the_session_cookie_is_ignored():
    client = Client()
    client.cookies["sessionid"] = "abcdefgh\x00ijklmnop"
    assert client.get("/reports/").status_code == 200


def test_a_json_body_past_the_limit_is_a_413_problem(town, staff):
    url = f"/api/v1/organizations/{town.org.slug}"
    body = json.dumps({"address": "x" * (11 * 1024 * 1024)})
    response = staff.patch(url, data=body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "payload_too_large"


def test_an_overlong_admin_username_is_a_form_error_not_a_500():
    response = Client().post("/admin/login/", {"username": "ก" * 3000, "password": "x"})
    assert response.status_code == 200
    assert "username" in response.context["form"].errors


def test_the_api_root_is_a_404_problem_not_a_500():
    response = Client().get("/api/v1/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
