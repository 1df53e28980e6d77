"""The staff's station pages (/env/staff/stations/…): the department head edits a station's name, publicity and
a gauge's levels, or adds a station on a device; refusals land on the fields in Thai and write nothing; officers
see the list but not the forms."""

import pytest

from muang.core.models import AuditEntry, Duty, Role
from muang.core.tests.factories import member
from muang.environment.models import Station
from muang.iot.tests.factories import air_profile, device

from .conftest import make_city

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("areas")]


@pytest.fixture
def city():
    return make_city()


def test_the_head_sets_a_gauges_levels_and_hides_a_station(client, city, settings):
    settings.LANGUAGE_CODE = "th"
    client.force_login(member(city.org, Role.DEPARTMENT_HEAD, duties=[Duty.DISASTER_PREVENTION]))
    staff = client.get("/env/staff/").content.decode()
    assert f"/env/staff/stations/{city.gauge.pk}/" in staff and "/env/staff/stations/new" in staff
    page = client.get(f"/env/staff/stations/{city.gauge.pk}/")
    assert page.status_code == 200 and "ระดับน้ำ ลำน้ำเชิญ" in page.content.decode()
    response = client.post(
        f"/env/staff/stations/{city.gauge.pk}/",
        {
            "name": "ระดับน้ำ ลำน้ำเชิญ (สะพาน)",
            "name_en": "Chern river gauge",
            "bank_level": "5.0",
            "alert_level": "3.8",
            "danger_level": "4.6",
            "rise_alert": "0.4",
            "hysteresis": "0.1",
        },
    )
    assert response.status_code == 302
    gauge = Station.objects.get(pk=city.gauge.pk)
    assert (gauge.name, gauge.alert_level, gauge.danger_level, gauge.is_public) == (
        "ระดับน้ำ ลำน้ำเชิญ (สะพาน)",
        3.8,
        4.6,
        False,  # the box left unticked
    )
    assert AuditEntry.objects.filter(organization=city.org, action=AuditEntry.Action.UPDATE).exists()
    # An air station's form has no gauge levels.
    air = client.get(f"/env/staff/stations/{city.air.pk}/").content.decode()
    assert "alert_level" not in air


def test_a_refused_edit_says_why_on_the_field_in_thai_and_writes_nothing(client, city, settings):
    settings.LANGUAGE_CODE = "th"
    client.force_login(member(city.org, Role.DEPARTMENT_HEAD, duties=[Duty.DISASTER_PREVENTION]))
    response = client.post(
        f"/env/staff/stations/{city.gauge.pk}/",
        {"name": city.air.name, "alert_level": "abc", "is_public": "on"},  # a taken name, a word for a level
    )
    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode()
    response = client.post(
        f"/env/staff/stations/{city.gauge.pk}/", {"name": city.air.name, "is_public": "on"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "There is already" not in html and 'role="alert"' in html  # the service's refusal, in Thai
    assert Station.objects.get(pk=city.gauge.pk).name == "ระดับน้ำ ลำน้ำเชิญ"


def test_the_head_adds_a_station_on_a_free_device(client, city):
    free, _c = device(city.org, air_profile(city.org, name="air 3"), serial="AQ-03", lat=16.6, lon=102.2)
    client.force_login(member(city.org, Role.DEPARTMENT_HEAD, duties=[Duty.PUBLIC_HEALTH]))
    page = client.get("/env/staff/stations/new").content.decode()
    assert "AQ-03" in page and "AQ-01" not in page  # only devices that are not a station yet
    response = client.post(
        "/env/staff/stations/new",
        {"device_id": str(free.pk), "kind": "air", "name": "สถานีอากาศ โรงเรียน", "is_public": "on"},
    )
    assert response.status_code == 302
    station = Station.objects.get(device=free)
    assert station.kind == "air" and station.is_public and station.name == "สถานีอากาศ โรงเรียน"


def test_an_officer_sees_the_list_but_not_the_forms(client, city):
    client.force_login(member(city.org, Role.OFFICER, duties=[Duty.DISASTER_PREVENTION]))
    assert client.get("/env/staff/").status_code == 200
    assert "/env/staff/stations/" not in client.get("/env/staff/").content.decode()
    assert client.get(f"/env/staff/stations/{city.gauge.pk}/").status_code == 403
    assert client.post(f"/env/staff/stations/{city.gauge.pk}/", {"name": "x"}).status_code == 403
    assert client.get("/env/staff/stations/new").status_code == 403
    assert Station.objects.get(pk=city.gauge.pk).name == "ระดับน้ำ ลำน้ำเชิญ"
