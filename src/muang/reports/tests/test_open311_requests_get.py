"""GET requests, requests/{id} and tokens/{token}: public fields only, filters as GeoReport v2 defines them."""

import datetime as dt
import math

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from muang.cases.services import case_add_note, case_change_status
from muang.cases.tests.factories import submit_case
from muang.testing.images import jpeg_with_gps, upload

from .test_open311_support import (
    BASE,
    assert_errors,
    english_client,
    inside,
    open311_town,
    xml,
)

pytestmark = pytest.mark.django_db
client = pytest.fixture(english_client, name="client")

FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}
PERSONAL = ("สมหญิง", "0812345678", "somying@example.com")


@pytest.fixture
def world(areas):
    w = open311_town()
    lat, lon = inside(w.town)
    here = Point(lon, lat, srid=4326)
    now = timezone.now()
    contact = {"contact_name": "สมหญิง", "contact_phone": "0812345678", "contact_email": "somying@example.com"}
    w.light = submit_case(w.town.category, location=here, now=now - dt.timedelta(days=2), **contact)
    w.noisy = submit_case(
        w.noise,
        location=here,
        now=now - dt.timedelta(days=1),
        description="เสียงดัง",
        address="ซอย 5",
        **contact,
    )
    w.old = submit_case(w.town.category, location=here, now=now - dt.timedelta(days=120))
    case_change_status(actor=w.town.admin, case=w.light, status="resolved", message="เปลี่ยนหลอดแล้ว")
    case_add_note(actor=w.town.admin, case=w.noisy, message="internal: the neighbour again", public=False)
    w.here = here
    return w


def get(client, world, path="requests.json", **params):
    return client.get(f"{BASE}/{path}", {"jurisdiction_id": world.town.org.slug, **params})


def codes(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {r["service_request_id"] for r in response.json()}


def test_default_is_the_last_90_days_with_public_fields_only(client, world):
    response = get(client, world)
    assert codes(response) == {world.light.tracking_code, world.noisy.tracking_code}
    rows = {r["service_request_id"]: r for r in response.json()}
    light = rows[world.light.tracking_code]
    assert set(light) == FIELDS
    assert light["status"] == "closed" and light["status_notes"] == "เปลี่ยนหลอดแล้ว"
    assert light["service_code"] == "streetlight" and light["agency_responsible"] == world.town.works.name_th
    assert light["requested_datetime"].endswith("+07:00")
    assert dt.datetime.fromisoformat(light["requested_datetime"]) == world.light.created_at.replace(
        microsecond=0
    )
    assert rows[world.noisy.tracking_code]["status"] == "open"
    assert "internal" not in response.content.decode()
    for secret in PERSONAL:
        assert secret not in response.content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "open"}, {"noisy"}),
        ({"status": "closed"}, {"light"}),
        ({"status": "open,closed"}, {"noisy", "light"}),
        ({"service_code": "noise"}, {"noisy"}),
        ({"service_code": "noise,streetlight"}, {"noisy", "light"}),
        ({"start_date": "2000-01-01T00:00:00Z"}, set()),  # then a 90 day window from that start
        ({"end_date": "2100-01-01T00:00:00+07:00"}, set()),
        ({"start_date": "OLD", "end_date": "NOW"}, {"old", "noisy", "light"}),
    ],
)
def test_filters(client, world, params, expected):
    for key, value in params.items():
        if value == "OLD":
            params[key] = (world.old.created_at - dt.timedelta(minutes=1)).isoformat()
        elif value == "NOW":
            params[key] = timezone.now().isoformat()
    assert codes(get(client, world, **params)) == {getattr(world, name).tracking_code for name in expected}


def test_service_request_ids_override_every_other_filter(client, world):
    ids = f"{world.old.tracking_code},{world.light.tracking_code.lower()},NOT-A-CODE"
    assert codes(get(client, world, service_request_id=ids, status="open")) == {
        world.old.tracking_code,
        world.light.tracking_code,
    }


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"start_date": "yesterday"}, "start_date"),
        ({"status": "pending"}, "status"),
        ({"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"}, "after"),
    ],
)
def test_bad_filters_are_400(client, world, params, fragment):
    assert_errors(get(client, world, **params), 400, fragment)


def test_a_sensitive_location_is_blurred_the_same_way_every_time(client, world):
    first = get(client, world, f"requests/{world.noisy.tracking_code}.json").json()[0]
    again = get(client, world, f"requests/{world.noisy.tracking_code}.json").json()[0]
    assert (first["lat"], first["long"]) == (again["lat"], again["long"])
    assert (first["lat"], first["long"]) != (round(world.here.y, 6), round(world.here.x, 6))
    metres = math.hypot(
        (first["lat"] - world.here.y) * 110_574,
        (first["long"] - world.here.x) * 111_320 * math.cos(math.radians(world.here.y)),
    )
    assert 1 < metres < 150
    assert first["address"] is None, "an address would undo the blur"
    plain = get(client, world, f"requests/{world.light.tracking_code}.json").json()[0]
    assert (plain["lat"], plain["long"]) == (round(world.here.y, 6), round(world.here.x, 6))


def test_one_request_in_xml(client, world):
    root = xml(get(client, world, f"requests/{world.light.tracking_code}.xml"))
    assert root.tag == "service_requests"
    (request,) = root.findall("request")
    assert {child.tag for child in request} == FIELDS
    assert request.findtext("status") == "closed" and request.findtext("long")
    assert request.findtext("service_notice") == ""


def test_list_in_xml_is_well_formed(client, world):
    root = xml(get(client, world, "requests.xml"))
    assert len(root.findall("request")) == 2


def test_unknown_request_is_404(client, world):
    assert_errors(get(client, world, "requests/0000-0000-0000.json"), 404)
    assert_errors(get(client, world, "requests/nope.json"), 404)


def test_a_request_of_another_jurisdiction_is_not_found_here(client, world, areas):
    other = open311_town()
    response = client.get(
        f"{BASE}/requests/{world.light.tracking_code}.json", {"jurisdiction_id": other.town.org.slug}
    )
    assert_errors(response, 404)


def test_tokens_resolve_to_the_request_id(client, world):
    code = world.light.tracking_code
    assert get(client, world, f"tokens/{code}.json").json() == [{"service_request_id": code, "token": code}]
    root = xml(get(client, world, f"tokens/{code}.xml"))
    assert root.findtext("request/service_request_id") == code and root.findtext("request/token") == code
    assert_errors(get(client, world, "tokens/unknown.json"), 404)


def test_the_list_costs_the_same_few_queries_at_any_size(client, world, django_assert_max_num_queries):
    for _i in range(15):
        submit_case(world.noise, location=world.here)
    with django_assert_max_num_queries(3):
        response = get(client, world)
    assert len(response.json()) == 17


def test_media_url_is_the_public_photo_and_never_a_sensitive_categorys(client, world):
    here = world.here
    lit = submit_case(world.town.category, location=here, photos=[upload(jpeg_with_gps())])
    noisy = submit_case(world.noise, location=here, photos=[upload(jpeg_with_gps())], description="เสียงดังมาก")
    rows = {r["service_request_id"]: r for r in get(client, world).json()}
    name = lit.attachments.get().file.name
    assert rows[lit.tracking_code]["media_url"] == f"http://testserver/files/{name}"
    assert rows[noisy.tracking_code]["media_url"] is None
    assert client.get(rows[lit.tracking_code]["media_url"]).status_code == 200
    assert client.get(f"/files/{noisy.attachments.get().file.name}").status_code == 403
