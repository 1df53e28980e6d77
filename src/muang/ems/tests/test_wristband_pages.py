"""Giving a band to a person from the staff pages (issue 13, the care centre): the person, the device id and the
wearer's rules; refusals on the field (a device id already registered, an unknown person, a person who already
wears a band, impossible rules); the rules changed, a band replaced or taken off; the person's alert history
(who took each alert, how it ended, the incident) as an audited health read; only the care duty's staff."""

import pytest
from django.test import Client

from muang.core.access import SYSTEM
from muang.core.models import AuditEntry, Duty, Role
from muang.core.tests.factories import OrganizationFactory, member
from muang.ems.models import AlertKind, AlertStatus, Wristband
from muang.ems.services import alerts
from muang.ems.services.wristbands import (
    on_telemetry,
    wristband_create,
    wristband_replace,
    wristband_unregister,
    wristband_update_rules,
)
from muang.ems.tests.conftest import NOW, make_band, make_person
from muang.iot.models import Device

pytestmark = pytest.mark.django_db

RULES = {
    "heart_rate_min": "45",
    "heart_rate_max": "120",
    "geofence_radius_m": "300",
    "still_hours": "4",
    "battery_low": "15",
    "medical_summary": "โรคสมองเสื่อม",
}


def client_for(org, *duties):
    user = member(org, Role.OFFICER, duties=list(duties))
    user.first_name, user.last_name = "วิไล", "ใจดี"
    user.save()
    client = Client()
    client.force_login(user)
    return client, user


def test_a_carer_gives_a_band_to_a_person_with_their_rules(org, settings):
    settings.LANGUAGE_CODE = "th"
    person = make_person(org)
    client, _user = client_for(org, Duty.CARE)
    page = client.get("/ems/care/bands/new/").content.decode()
    assert f'value="{person.pk}"' in page and person.display_name in page
    r = client.post("/ems/care/bands/new/", {"person": person.pk, "serial": "860000000000001", **RULES})
    band = Wristband.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/ems/care/bands/{band.pk}/"
    assert (band.person, band.device.serial, band.heart_rate_min, band.heart_rate_max) == (
        person,
        "860000000000001",
        45,
        120,
    )
    assert (band.geofence_radius_m, band.still_hours, band.battery_low) == (300, 4, 15)
    assert AuditEntry.objects.filter(object_type="ems.Wristband", action=AuditEntry.Action.CREATE).exists()
    listing = client.get("/ems/care/bands/").content.decode()
    assert 'data-serial="860000000000001"' in listing and person.display_name in listing
    # the person wears a band now: not offered again
    assert f'value="{person.pk}"' not in client.get("/ems/care/bands/new/").content.decode()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"serial": "IMEI0001"}, "serial", "ลงทะเบียนไว้อยู่แล้ว"),  # the band of make_band below
        ({"person": "999999"}, "person", "ไม่พบ"),
        ({"person": "abc"}, "person", "ไม่พบ"),
        ({"heart_rate_min": "130"}, "heart_rate_max", ""),
        ({"battery_low": "0"}, "battery_low", ""),
        ({"serial": "bad id/with slash"}, "serial", ""),
    ],
    ids=["duplicate-id", "unknown-person", "not-a-person-id", "heart-range", "battery", "bad-id"],
)
def test_refusals_name_the_field_and_write_nothing(org, settings, change, field, message):
    settings.LANGUAGE_CODE = "th"
    make_band(org, n=1)  # IMEI0001
    person = make_person(org, 2)
    client, _user = client_for(org, Duty.CARE)
    before = (Wristband.objects.count(), Device.objects.count())
    r = client.post("/ems/care/bands/new/", {"person": person.pk, "serial": "IMEI0002", **RULES, **change})
    assert r.status_code == 422
    form = r.context["form"]
    assert field in form.errors, form.errors
    assert message in " ".join(form.errors[field])
    assert (Wristband.objects.count(), Device.objects.count()) == before


def test_a_person_wears_one_band_and_another_organisations_person_is_unknown(org):
    band = make_band(org)
    carer = member(org, Role.OFFICER, duties=[Duty.CARE])
    from muang.core.access import Actor
    from muang.core.errors import InvalidInput

    actor = Actor(user=carer)
    with pytest.raises(InvalidInput) as e:
        wristband_create(actor=actor, organization=org, person=band.person, serial="IMEI0009")
    assert "person" in e.value.field_errors
    # and the database says so too: a second band in use by one person is refused by the partial unique index
    from django.db import IntegrityError, transaction

    other = make_band(org, n=5, serial="IMEI0005")
    with pytest.raises(IntegrityError), transaction.atomic():
        Wristband.objects.filter(pk=other.pk).update(person=band.person)
    elsewhere = make_person(OrganizationFactory(boundary=None), 3)
    with pytest.raises(InvalidInput) as e:
        wristband_create(actor=actor, organization=org, person=elsewhere, serial="IMEI0009")
    assert "person" in e.value.field_errors


def test_only_the_care_duty_registers_bands(org):
    person = make_person(org)
    for duties in ([Duty.EMERGENCY_MEDICAL], []):
        client, _user = client_for(org, *duties)
        assert client.get("/ems/care/bands/").status_code == 403
        r = client.post("/ems/care/bands/new/", {"person": person.pk, "serial": "IMEI0003", **RULES})
        assert r.status_code == 403
    assert not Wristband.objects.exists()


def test_rules_are_changed_and_refused_on_the_field(org):
    band = make_band(org, heart_rate_min=50, heart_rate_max=110)
    client, _user = client_for(org, Duty.CARE)
    r = client.post(
        f"/ems/care/bands/{band.pk}/rules/", {**RULES, "heart_rate_min": "60", "heart_rate_max": "100"}
    )
    assert r.status_code == 302
    band.refresh_from_db()
    assert (band.heart_rate_min, band.heart_rate_max, band.battery_low) == (60, 100, 15)
    r = client.post(
        f"/ems/care/bands/{band.pk}/rules/", {**RULES, "heart_rate_min": "100", "heart_rate_max": "60"}
    )
    assert r.status_code == 422 and "heart_rate_max" in r.context["rules_form"].errors
    band.refresh_from_db()
    assert band.heart_rate_min == 60


def test_a_lost_band_is_replaced_with_the_same_rules_and_a_band_taken_off_raises_nothing(org):
    band = make_band(org, heart_rate_min=50, heart_rate_max=110, still_hours=4)
    client, _user = client_for(org, Duty.CARE)
    r = client.post(f"/ems/care/bands/{band.pk}/replace/", {"serial": "IMEI0001"})  # its own old id
    assert r.status_code == 422 and "serial" in r.context["replace_form"].errors
    r = client.post(f"/ems/care/bands/{band.pk}/replace/", {"serial": "IMEI0777"})
    new = Wristband.objects.get(active=True)
    assert r.status_code == 302 and r["Location"] == f"/ems/care/bands/{new.pk}/"
    assert (new.person_id, new.heart_rate_max, new.still_hours) == (band.person_id, 110, 4)
    band.refresh_from_db()
    assert not band.active and band.device.state == Device.State.RETIRED
    # taken off: the device retired, its readings raise no alert
    r = client.post(f"/ems/care/bands/{new.pk}/unregister/")
    assert r.status_code == 302
    new.refresh_from_db()
    assert not new.active and new.device.state == Device.State.RETIRED
    assert client.post(f"/ems/care/bands/{new.pk}/unregister/").status_code == 302  # twice: no harm

    class Reading:
        device, time, values = new.device, NOW, {"alarm_fall": 1}

    on_telemetry(organization=org, readings=[Reading()], now=NOW)
    assert not new.alerts.exists()


def test_the_services_refuse_a_band_no_longer_in_use(org):
    from muang.core.errors import Conflict

    band = make_band(org)
    wristband_unregister(actor=SYSTEM, band=band)
    with pytest.raises(Conflict):
        wristband_update_rules(actor=SYSTEM, band=band, battery_low=10)
    with pytest.raises(Conflict):
        wristband_replace(actor=SYSTEM, band=band, serial="IMEI0100")


def test_the_alert_history_shows_who_took_each_alert_and_how_it_ended(org, settings):
    settings.LANGUAGE_CODE = "th"
    band = make_band(org)
    client, user = client_for(org, Duty.CARE, Duty.EMERGENCY_MEDICAL)
    from muang.core.access import Actor

    actor = Actor(user=user)
    fall = alerts.alert_raise(wristband=band, kind=AlertKind.FALL, at=NOW, now=NOW)
    alerts.alert_acknowledge(actor=actor, alert=fall, now=NOW)
    incident = alerts.alert_to_incident(actor=actor, alert=fall, criterion="24-red-1")
    battery = alerts.alert_raise(wristband=band, kind=AlertKind.LOW_BATTERY, at=NOW, now=NOW)
    alerts.alert_close(actor=actor, alert=battery, reason="ชาร์จแล้ว", false_alarm=False)
    seen = AuditEntry.objects.filter(action=AuditEntry.Action.VIEW).count()
    page = client.get(f"/ems/care/bands/{band.pk}/").content.decode()
    assert f'href="/ems/incidents/{incident.pk}/"' in page and incident.dispatch_code in page
    assert "วิไล ใจดี" in page and "ชาร์จแล้ว" in page
    assert "วิกฤต" in page  # the fall's severity, in words
    assert AuditEntry.objects.filter(action=AuditEntry.Action.VIEW).count() == seen + 1
    read = AuditEntry.objects.filter(action=AuditEntry.Action.VIEW).latest("pk")
    assert read.object_type == "care.Person" and read.reason == "care"
    assert read.changes == {"read": "wristband alert history"}
    # the board's card of a new alert shows the same history
    sos = alerts.alert_raise(wristband=band, kind=AlertKind.SOS, at=NOW, now=NOW)
    card = client.get(f"/ems/care/alerts/{sos.pk}/").content.decode()
    assert 'id="alert-history"' in card and f'href="/ems/incidents/{incident.pk}/"' in card
    assert str(AlertStatus.INCIDENT.label) in card


def test_the_care_page_of_a_person_with_a_band_links_to_the_band_and_its_alert_history(org, settings):
    settings.LANGUAGE_CODE = "th"
    band = make_band(org)
    without = make_person(org, 2)
    client, _user = client_for(org, Duty.CARE)
    page = client.get(f"/care/people/{band.person.pk}/?purpose=care").content.decode()
    assert f'<p id="care-wristband"><a href="/ems/care/bands/{band.pk}/">' in page
    assert "ประวัติการแจ้งเตือน" in page  # Thai label
    assert (
        'id="care-wristband"' not in client.get(f"/care/people/{without.pk}/?purpose=care").content.decode()
    )

    # The history stays reachable once the band is taken off; a new band is the one linked.
    wristband_unregister(actor=SYSTEM, band=band)
    page = client.get(f"/care/people/{band.person.pk}/?purpose=care").content.decode()
    assert f'href="/ems/care/bands/{band.pk}/"' in page and "เลิกใช้" in page
    assert client.get(f"/ems/care/bands/{band.pk}/").status_code == 200


def test_the_band_link_is_only_for_whom_the_band_page_opens(org):
    from muang.core.access import Actor
    from muang.ems.selectors import band_of_person

    band = make_band(org)
    for role, duties, linked in (
        (Role.OFFICER, [Duty.CARE], True),
        (Role.OFFICER, [Duty.EMERGENCY_MEDICAL], False),  # the dispatcher answers alerts, not bands
        (Role.SYSTEM_ADMIN, [], False),  # restricted: not the organisation's system administrator
    ):
        user = member(org, role, duties=duties)
        actor = Actor(user=user)
        assert (band_of_person(actor=actor, organization=org, person=band.person) == band) is linked
        client = Client()
        client.force_login(user)
        assert (client.get(f"/ems/care/bands/{band.pk}/").status_code == 200) is linked
