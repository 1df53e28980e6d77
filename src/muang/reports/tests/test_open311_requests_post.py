"""POST requests: an Open311 client files a report; every refusal is the specification's error array."""

import pytest
from django.test import Client

from muang.cases.models import Case, Channel
from muang.core.access import SYSTEM
from muang.core.models import ApiScope, Role
from muang.core.services import api_token_create, api_token_revoke
from muang.core.tests.factories import member
from muang.reports.permissions import ReportScope

from .test_open311_support import (
    assert_errors,
    english_client,
    inside,
    open311_town,
    post_request,
    xml,
)

pytestmark = pytest.mark.django_db
client = pytest.fixture(english_client, name="client")


@pytest.fixture
def world(areas):
    return open311_town()


def valid(world, **overrides) -> dict:
    lat, lon = inside(world.town)
    data = {
        "api_key": world.key,
        "jurisdiction_id": world.town.org.slug,
        "service_code": "noise",
        "lat": str(lat),
        "long": str(lon),
        "description": "คาราโอเกะเสียงดังทุกคืนถึงตีสอง",
        "attribute[when]": "night",
        "attribute[decibels]": "85",
        "first_name": "สมหญิง",
        "last_name": "ใจงาม",
        "phone": "0812345678",
        "email": "somying@example.com",
        "device_id": "tester-1",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_a_report_lands_in_the_right_organisation_and_department(client, world):
    response = post_request(client, **valid(world))
    assert response.status_code == 201, response.content
    (answer,) = response.json()
    assert set(answer) == {"service_request_id", "service_notice", "account_id"}
    case = Case.objects.get(tracking_code=answer["service_request_id"])
    assert (case.organization, case.department, case.category) == (
        world.town.org,
        world.town.health,
        world.noise,
    )
    assert case.channel == Channel.OPEN311 and case.status.code == "received"
    assert case.attributes == {"when": "night", "decibels": "85"}
    assert (case.contact_name, case.contact_phone, case.contact_email) == (
        "สมหญิง ใจงาม",
        "0812345678",
        "somying@example.com",
    )


def test_xml_answer(client, world):
    root = xml(post_request(client, "xml", **valid(world)))
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id") == Case.objects.get().tracking_code


def test_a_client_idempotency_key_returns_the_first_report(client, world):
    headers = {"HTTP_IDEMPOTENCY_KEY": "tap-1"}
    first = post_request(client, headers=headers, **valid(world))
    second = post_request(client, headers=headers, **valid(world))
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json() and Case.objects.count() == 1
    assert post_request(client, headers={"HTTP_IDEMPOTENCY_KEY": "tap-2"}, **valid(world)).status_code == 201


@pytest.mark.parametrize(
    ("overrides", "fragments"),
    [
        ({"service_code": None}, ["service_code is required"]),
        ({"lat": None, "long": None}, ["lat and long"]),
        ({"lat": None, "long": None, "address_string": "หน้าวัดโพธิ์"}, ["cannot geocode"]),
        ({"long": None}, ["lat and long"]),
        ({"description": " "}, ["description is required"]),
        ({"service_code": None, "lat": None, "long": None}, ["service_code", "lat and long"]),
        ({"service_code": "nope"}, ["nope"]),
        ({"lat": "north"}, ["lat must be a number"]),
        ({"lat": "48.85", "long": "2.35"}, ["48.85"]),
        ({"attribute[when]": None}, ["attribute[when] is required"]),
        ({"attribute[when]": "noon"}, ["night"]),
        ({"attribute[decibels]": "loud"}, ["attribute[decibels] must be a number"]),
        ({"email": "not-an-email"}, ["email: Enter a valid email address."]),
    ],
)
def test_bad_input_is_a_400_with_the_error_array_and_nothing_is_written(client, world, overrides, fragments):
    assert_errors(post_request(client, **valid(world, **overrides)), 400, *fragments)
    assert Case.objects.count() == 0


def test_a_point_outside_the_jurisdiction_is_refused_naming_who_serves_it(client, world, areas):
    other = open311_town()
    lat, lon = inside(other.town)
    assert_errors(post_request(client, **valid(world, lat=str(lat), long=str(lon))), 400, other.town.org.slug)
    assert_errors(post_request(client, **valid(world, lat="15.0", long="100.5")), 400, "nearest")
    assert Case.objects.count() == 0


def test_keys(client, world, areas):
    org = world.town.org
    assert_errors(post_request(client, **valid(world, api_key=None)), 401, "api_key")
    assert_errors(post_request(client, **valid(world, api_key="muang_nope_nope")), 401, "Invalid api_key")
    revoked, revoked_key = api_token_create(
        actor=SYSTEM, organization=org, name="old", scopes=[ReportScope.REPORTS_SUBMIT]
    )
    api_token_revoke(actor=SYSTEM, token=revoked)
    assert_errors(post_request(client, **valid(world, api_key=revoked_key)), 401, "Invalid api_key")
    _token, read_only = api_token_create(
        actor=SYSTEM, organization=org, name="ro", scopes=[ApiScope.ORG_READ]
    )
    assert_errors(post_request(client, **valid(world, api_key=read_only)), 403, "reports:submit")
    other = open311_town()
    assert_errors(post_request(client, **valid(world, api_key=other.key)), 403, org.slug)
    root = xml(post_request(client, "xml", **valid(world, api_key=None)))
    assert root.tag == "errors" and root.findtext("error/code") == "401"
    assert Case.objects.count() == 0


def test_post_needs_no_csrf_token_and_ignores_sessions(world):
    staff = Client(enforce_csrf_checks=True)
    staff.force_login(member(world.town.org, Role.SYSTEM_ADMIN))
    assert_errors(post_request(staff, **valid(world, api_key=None)), 401)
    assert post_request(staff, **valid(world)).status_code == 201
