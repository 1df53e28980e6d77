"""A rule with a case category opens a repair case through the cases services; staff resolving it do not clear
the alarm (only the device does, by reporting normal again), and a device still at fault reopens the case with a
Thai note. The case page shows the device, its latest values and the alarm."""

import datetime as dt

import pytest

from muang.cases import desk
from muang.cases.models import Case, Channel, EventKind
from muang.cases.services import case_change_status
from muang.cases.tests.conftest import make_town
from muang.core.errors import InvalidInput
from muang.iot.alarms.services import alarms_evaluate_silence
from muang.iot.models import Alarm, AlarmEvent
from muang.iot.tests.alarm_helpers import NOW, report, rule, station

pytestmark = pytest.mark.usefixtures("areas")
MIN = dt.timedelta(minutes=1)


@pytest.fixture
def town(areas):
    return make_town()


@pytest.fixture
def air(town):
    d = station(town.org)
    # The rule names the health department although the category's default is works: the rule decides.
    rule(town.org, d.profile, case_category=town.category, case_department=town.health)
    return d


def kinds(alarm):
    return list(AlarmEvent.objects.filter(alarm=alarm).values_list("kind", flat=True))


def resolve(town, case, at):
    return case_change_status(
        actor=town.admin, case=case, status="resolved", message="เปลี่ยนเซ็นเซอร์แล้ว", now=at
    )


def test_an_alarm_opens_one_case_in_the_rules_department_at_the_devices_point(town, air):
    report(air, NOW, pm25=52.5)
    report(air, NOW + MIN, pm25=60.0)
    alarm = Alarm.objects.get()
    case = Case.objects.get(organization=town.org)
    assert alarm.case == case
    assert case.department == town.health and case.category == town.category
    assert case.channel == Channel.DEVICE and case.is_open
    assert case.location.equals_exact(air.location, 1e-9)
    assert air.name in case.description and "PM2.5 = 52.5 µg/m³ (" in case.description
    assert "ค่าที่อ่านได้" in case.description and "ระดับรุนแรง" in case.description  # written in Thai
    assert kinds(alarm) == ["created", "case_opened"]


def test_a_case_resolved_while_the_device_still_reports_the_fault_reopens_with_a_note(town, air):
    report(air, NOW, pm25=52.5)
    alarm = Alarm.objects.get()
    resolve(town, alarm.case, NOW + 5 * MIN)
    report(air, NOW + 10 * MIN, pm25=48.0)
    case = Case.objects.get(pk=alarm.case_id)
    assert case.is_open and case.reopen_count == 1
    note = case.events.filter(kind=EventKind.REOPENED).get().message
    assert air.name in note and "48" in note and "เปิด" in note  # the Thai note names the device and reading
    alarm.refresh_from_db()
    assert alarm.cleared_at is None
    assert kinds(alarm) == ["created", "case_opened", "case_reopened"]
    assert Case.objects.filter(organization=town.org).count() == 1  # the same case, not a new one


def test_a_case_resolved_after_normal_readings_stays_resolved_and_the_alarm_clears_on_the_reading(town, air):
    report(air, NOW, pm25=52.5)
    alarm = Alarm.objects.get()
    resolve(town, alarm.case, NOW + 5 * MIN)
    alarm.refresh_from_db()
    assert alarm.cleared_at is None  # resolving the case does not clear the alarm
    report(air, NOW + 10 * MIN, pm25=12.0)
    alarm.refresh_from_db()
    case = Case.objects.get(pk=alarm.case_id)
    assert alarm.cleared_at == NOW + 10 * MIN
    assert not case.is_open and case.reopen_count == 0
    report(air, NOW + 15 * MIN, pm25=11.0)
    assert not Case.objects.get(pk=case.pk).is_open


def test_a_silent_device_reopens_its_resolved_case_from_the_silence_task(town):
    d = station(town.org, serial="AQ-SILENT")
    rule(
        town.org,
        d.profile,
        alarm_type="silent",
        label="ไม่รายงาน",
        kind="silence",
        key="",
        operator="",
        value=None,
        silence_intervals=2,
        case_category=town.category,
    )
    report(d, NOW, pm10=3.0)
    alarms_evaluate_silence(now=NOW + 11 * MIN)
    alarm = Alarm.objects.get()
    assert alarm.case.department == town.works  # the category's department when the rule names none
    resolve(town, alarm.case, NOW + 20 * MIN)
    assert alarms_evaluate_silence(now=NOW + 30 * MIN) == 1
    assert Case.objects.get(pk=alarm.case_id).is_open
    assert alarms_evaluate_silence(now=NOW + 31 * MIN) == 0


def test_the_case_page_panel_shows_the_device_its_latest_values_and_the_alarm(
    town, air, django_assert_max_num_queries
):
    report(air, NOW, pm25=52.5, pm10=80.0)
    case = Case.objects.get(organization=town.org)
    # The alarm with its device and profile, the latest values, and one read per other app's panel: reports'
    # answers, lighting's poles, waste's route.
    with django_assert_max_num_queries(6):
        panels = {p.key: p for p in desk.case_panels(actor=town.officer, case=case)}
    panel = panels["iot-alarm"]
    assert panel.context["device"]["name"] == air.name
    assert [(v["key"], v["value"], v["unit"]) for v in panel.context["latest"]] == [
        ("pm10", 80.0, "µg/m³"),
        ("pm25", 52.5, "µg/m³"),
    ]
    assert panel.context["alarm"]["label"] == "ฝุ่น PM2.5 เกินมาตรฐาน" and not panel.context["alarm"]["cleared"]
    # the alarm's and device's ids the case carries are this panel's links, not answers to list as raw codes
    assert case.attributes.keys() == {"iot_alarm", "iot_device"}
    assert panels["intake"].context["answers"] == []
    # the values named as people read them (well-known keys; a profile may name its own)
    assert [(v["name"], v["yes_no"]) for v in panel.context["latest"]] == [("PM10", False), ("PM2.5", False)]
    assert "pm25 =" not in case.description and "PM2.5 = 52.5 µg/m³" in case.description


def test_a_profiles_own_label_names_its_key_and_an_unknown_key_is_shown_as_it_is():
    from muang.iot.profiles import KeySpec, parse_keys

    keys = parse_keys(
        [{"key": "flow", "unit": "m³/s", "label": " อัตราการไหล "}, {"key": "turbidity"}, {"key": "dim"}]
    )
    assert [k.name for k in keys.values()] == ["อัตราการไหล", "turbidity", "dimming level"]
    # a key the profile no longer declares (a latest value kept from before) is shown as it is, unitless
    gone = KeySpec.of(keys, "salinity")
    assert (gone.name, gone.unit, gone.type) == ("salinity", "", "float")
    assert KeySpec.of(keys, "flow") is keys["flow"]
    with pytest.raises(InvalidInput) as e:
        parse_keys([{"key": "flow", "label": "x" * 101}])
    assert "keys[0]" in e.value.field_errors


def test_a_case_without_an_alarm_has_no_iot_panel(town):
    from muang.cases.services import case_create

    case, _ = case_create(actor=town.admin, organization=town.org, category=town.category, description="ไฟดับ")
    assert "iot-alarm" not in {p.key for p in desk.case_panels(actor=town.officer, case=case)}


def test_the_case_page_renders_the_panel_without_queries_in_its_template(town, air):
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    report(air, NOW, pm25=52.5)
    case = Case.objects.get(organization=town.org)
    client = Client()
    client.force_login(town.officer.user)
    html = client.get(f"/work/cases/{case.tracking_code}/").content.decode()
    assert 'id="panel-iot-alarm"' in html and air.name in html and "52.5" in html
    (panel,) = [p for p in desk.case_panels(actor=town.officer, case=case) if p.key == "iot-alarm"]
    with CaptureQueriesContext(connection) as ctx:
        render_to_string(panel.template, {"panel": panel.context})
    assert ctx.captured_queries == []


def test_a_case_category_made_inactive_leaves_the_alarm_and_the_next_reading_opens_the_case(town, air):
    town.category.is_active = False
    town.category.save(update_fields=["is_active"])
    report(air, NOW, pm25=52.5)
    alarm = Alarm.objects.get()
    assert alarm.case is None  # the reading and the alarm are kept; the case could not be opened
    town.category.is_active = True
    town.category.save(update_fields=["is_active"])
    report(air, NOW + MIN, pm25=53.0)
    alarm.refresh_from_db()
    assert alarm.case is not None and alarm.case.department == town.health


def test_a_device_back_to_normal_clears_the_alarm_and_notes_it_on_the_open_case(town, air):
    report(air, NOW, pm25=52.5)
    report(air, NOW + 5 * MIN, pm25=10.0)
    alarm = Alarm.objects.get()
    case = Case.objects.get(pk=alarm.case_id)
    assert alarm.cleared_at == NOW + 5 * MIN
    assert case.is_open  # resolving is staff's decision
    note = case.events.filter(kind=EventKind.NOTE).get()
    assert not note.is_public and air.name in note.message and "ปกติ" in note.message
