"""Values no column can hold are 422s naming the field (they were 500s): page numbers past any page, decimals
past their column, times without a zone where a time is stored, offsets PostgreSQL refuses, explicit nulls
in partial updates."""

import json

import pytest
from django.test import Client

from muang.core.models import ApiToken
from muang.property.models import LandPrice
from muang.testing.fuzz import YEAR, build_fuzz_town

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(areas):
    return build_fuzz_town()


@pytest.fixture
def staff(town) -> Client:
    client = Client()
    client.force_login(town.admin)
    return client


def fields(response) -> list[str]:
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    return [e["field"] for e in response.json()["errors"]]


@pytest.mark.parametrize(
    "path",
    [
        "/organizations",
        "/organizations/{slug}/owners",
        "/organizations/{slug}/cases",
        "/organizations/{slug}/bills",
        "/organizations/{slug}/tax-years/2026/assessments",
    ],
)
def test_a_page_number_past_any_page_is_a_422_naming_page(town, staff, path):
    url = "/api/v1" + path.format(slug=town.org.slug)
    assert fields(staff.get(url, {"page": "99999999999999999999"})) == ["page"]


def test_a_page_past_the_last_is_empty(town, staff):
    response = staff.get(f"/api/v1/organizations/{town.org.slug}/owners", {"page": 1000})
    assert response.status_code == 200 and response.json()["items"] == []


def test_the_public_list_clamps_a_huge_page_to_the_last_one():
    assert Client().get("/reports/", {"page": "99999999999999999999"}).status_code == 200


@pytest.mark.parametrize(
    "table, body, field",
    [
        ("land-prices", {"key": "01", "price_per_square_wah": "1e20"}, "price_per_square_wah"),
        ("building-prices", {"type_code": "100", "price_per_square_metre": "12345678901.5"}, "price_per_square_metre"),
        ("condo-prices", {"condominium_code": "C1", "price_per_square_metre": "1e12"}, "price_per_square_metre"),
        ("condo-prices", {"condominium_code": "C1", "floor": 99999, "price_per_square_metre": "10"}, "floor"),
    ],
)  # fmt: skip
def test_a_price_too_large_for_its_column_is_a_422(town, staff, table, body, field):
    url = f"/api/v1/organizations/{town.org.slug}/tax-years/{YEAR}/{table}"
    response = staff.put(url, data=json.dumps(body), content_type="application/json")
    assert fields(response) == [field]
    assert not LandPrice.objects.filter(price_per_square_wah__gt=10**11).exists()


def test_a_building_area_too_large_for_its_column_is_a_422(town, staff):
    url = f"/api/v1/organizations/{town.org.slug}/parcels/{town.known['parcel']}/buildings"
    body = {"type_code": "100", "construction": "masonry", "floor_area_m2": "99999999999.99",
            "year_built": 2010, "use": "residential"}  # fmt: skip
    assert fields(staff.post(url, data=json.dumps(body), content_type="application/json")) == [
        "floor_area_m2"
    ]


def test_use_shares_past_a_hundred_percent_are_a_422(town, staff):
    url = f"/api/v1/organizations/{town.org.slug}/parcels/{town.known['parcel']}"
    body = {
        "use": "mixed",
        "use_shares": {"agricultural": "1e30", "residential": "-1e30"},
        "reason": "survey",
    }
    response = staff.patch(url, data=json.dumps(body), content_type="application/json")
    assert set(fields(response)) == {"use_shares.agricultural", "use_shares.residential"}


def test_a_token_expiry_without_a_time_zone_is_a_422_and_no_token(town, staff):
    url = f"/api/v1/organizations/{town.org.slug}/tokens"
    body = {"name": "erp", "scopes": ["reports:submit"], "expires_at": "2030-01-01T00:00:00"}
    assert fields(staff.post(url, data=json.dumps(body), content_type="application/json")) == ["expires_at"]
    assert ApiToken.objects.filter(organization=town.org).count() == 1


def test_a_token_expiry_with_its_zone_is_stored_in_utc(town, staff):
    url = f"/api/v1/organizations/{town.org.slug}/tokens"
    body = {"name": "erp", "scopes": ["reports:submit"], "expires_at": "2030-01-01T07:00:00+07:00"}
    response = staff.post(url, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    assert ApiToken.objects.get(name="erp").expires_at.isoformat() == "2030-01-01T00:00:00+00:00"


@pytest.mark.parametrize("until", ["0257-02-23T01:50:01+21:05", "0001-01-01T00:00:00+05:00"])
def test_audit_filters_take_any_iso_offset(town, staff, until):
    response = staff.get(f"/api/v1/organizations/{town.org.slug}/audit", {"until": until})
    assert response.status_code in (200, 422), response.content
    if response.status_code == 422:
        assert fields(response) == ["until"]


def test_an_explicit_null_in_a_partial_update_is_a_422_naming_the_field(town, staff):
    url = f"/api/v1/organizations/{town.org.slug}"
    body = {"phone": None, "email": None}
    assert set(fields(staff.patch(url, data=json.dumps(body), content_type="application/json"))) == {
        "phone",
        "email",
    }


def test_null_still_clears_what_may_be_empty(town, staff):
    url = f"/api/v1/organizations/{town.org.slug}"
    response = staff.patch(url, data=json.dumps({"boundary": None}), content_type="application/json")
    assert response.status_code == 200 and response.json()["boundary"] is None
