"""The stations API: the staff's writes with their refusals (a precise 422, nothing written), the duties that
may manage, and the public endpoints that show public stations only, in their own organisation."""

import datetime as dt

import pytest
from django.utils import timezone

from muang.core.access import Actor
from muang.core.errors import AccessDenied
from muang.core.models import Duty, Role
from muang.core.tests.factories import member
from muang.environment.models import Station
from muang.environment.services import station_create
from muang.iot.tests.factories import device

from ..conftest import make_city, pm

pytestmark = pytest.mark.django_db


def fields(response) -> set[str]:
    return {e["field"] for e in response.json()["errors"]}


def test_the_public_reads_public_stations_and_their_charts_without_signing_in(client, city):
    pm(city, 40.0, timezone.now().replace(second=0, microsecond=0) - dt.timedelta(minutes=5))
    Station.objects.filter(pk=city.far.pk).update(is_public=False)
    response = client.get(f"/api/v1/environment/{city.org.slug}/stations")
    assert response.status_code == 200
    names = {s["name"]: s for s in response.json()}
    assert set(names) == {"สถานีอากาศ ตลาดสด", "ระดับน้ำ ลำน้ำเชิญ"}
    assert names["สถานีอากาศ ตลาดสด"]["colour"] == "orange"
    chart = client.get(f"/api/v1/environment/{city.org.slug}/stations/{city.air.pk}/history?range=30d")
    assert chart.status_code == 200 and chart.json()["pm25"] == [40.0]
    hidden = client.get(f"/api/v1/environment/{city.org.slug}/stations/{city.far.pk}/history")
    assert hidden.status_code == 404 and hidden["Content-Type"] == "application/problem+json"


def test_another_organisations_station_is_not_found_under_this_one(client, city, areas):
    other = make_city()
    response = client.get(f"/api/v1/environment/{city.org.slug}/stations/{other.air.pk}/history")
    assert response.status_code == 404
    assert client.get("/api/v1/environment/no-such-town/stations").status_code == 404
    bad = client.get(f"/api/v1/environment/{city.org.slug}/stations/{city.air.pk}/history?range=1y")
    assert bad.status_code == 422 and fields(bad) == {"range"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "water", "name": "ก", "alert_level": 4.0, "danger_level": 3.0}, "danger_level"),
        ({"kind": "water", "name": "ก", "danger_level": 3.0}, "alert_level"),
        ({"kind": "air", "name": "ก"}, "device_id"),  # a gauge is not an air station
        ({"kind": "smoke", "name": "ก"}, "kind"),
        ({"kind": "water", "name": "ระดับน้ำ ลำน้ำเชิญ", "alert_level": 1.0, "danger_level": 2.0}, "device_id"),
    ],
)
def test_bad_station_input_is_a_422_naming_the_field_and_writes_nothing(client, city, body, field):
    spare, _c = device(city.org, city.gauge_device.profile, serial="G-09")
    if body["name"] == "ระดับน้ำ ลำน้ำเชิญ":
        spare = city.gauge_device  # a station already
    admin = member(city.org, Role.SYSTEM_ADMIN)
    client.force_login(admin)
    before = Station.objects.count()
    response = client.post(
        f"/api/v1/organizations/{city.org.slug}/environment/stations",
        {"device_id": spare.pk, **body},
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert field in fields(response), response.json()
    assert Station.objects.count() == before


def test_the_heads_of_public_health_and_disaster_prevention_manage_stations_others_do_not(city, areas):
    org = city.org
    gauge, _c = device(org, city.gauge_device.profile, serial="G-02")
    air, _c = device(org, city.air_device.profile, serial="AQ-03")
    allowed = [Duty.PUBLIC_HEALTH, Duty.DISASTER_PREVENTION]
    for i, duty in enumerate(allowed):
        head = Actor(user=member(org, Role.DEPARTMENT_HEAD, duties=[duty]))
        station_create(actor=head, organization=org, device_id=gauge.pk if i == 0 else air.pk,
                       kind="water" if i == 0 else "air", name=f"สถานี {i}",
                       **({"alert_level": 1.0, "danger_level": 2.0} if i == 0 else {}))  # fmt: skip
    Station.objects.filter(name__startswith="สถานี ").delete()
    for actor in (
        Actor(user=member(org, Role.OFFICER, duties=[Duty.PUBLIC_HEALTH])),
        Actor(user=member(org, Role.DEPARTMENT_HEAD, duties=[Duty.ENGINEERING])),
    ):
        with pytest.raises(AccessDenied):
            station_create(actor=actor, organization=org, device_id=gauge.pk, kind="water", name="x",
                           alert_level=1.0, danger_level=2.0)  # fmt: skip
