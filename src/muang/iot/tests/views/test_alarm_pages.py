"""Alarm pages: the list with filters (newest first, paged), an alarm's page with its timeline, and the
acknowledge and clear buttons, audited; a clear without a reason names the field."""

import datetime as dt

from muang.core.models import AuditEntry
from muang.iot.models import Alarm
from muang.iot.tests.alarm_helpers import NOW, report, rule, station


def test_the_list_filters_alarms(pages):
    second = station(pages.org, pages.device.profile, serial="AQ-002")
    report(second, NOW + dt.timedelta(hours=1), pm25=90)
    client = pages.client("eng_officer")
    listed = client.get("/iot/alarms/").context["page"].object_list
    assert [a.device.serial for a in listed] == ["AQ-002", "AQ-001"]  # newest first
    assert [a.device.serial for a in client.get("/iot/alarms/?device=002").context["page"].object_list] == [
        "AQ-002"
    ]
    assert client.get("/iot/alarms/?status=cleared").context["page"].paginator.count == 0
    assert client.get("/iot/alarms/?acknowledged=no&severity=major").context["page"].paginator.count == 2
    assert client.get(f"/iot/alarms/?device_id={pages.device.pk}").context["page"].paginator.count == 1
    day = NOW.astimezone(dt.timezone(dt.timedelta(hours=7))).date()
    ranged = client.get(f"/iot/alarms/?started_from={day}&started_to={day}")
    assert ranged.context["page"].paginator.count == 2
    bad = client.get("/iot/alarms/?started_from=2026-03-05&started_to=2026-03-01&severity=boom")
    assert bad.status_code == 200 and set(bad.context["form"].errors) == {"started_to", "severity"}


def test_acknowledge_then_clear_from_the_list(pages):
    client = pages.client("eng_officer")
    alarm = pages.alarm
    back = "/iot/alarms/?status=active"
    response = client.post(f"/iot/alarms/{alarm.pk}/acknowledge", {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    again = client.post(f"/iot/alarms/{alarm.pk}/acknowledge", {"next": back}, follow=True)
    assert again.status_code == 200  # already acknowledged: said on the page, nothing written
    refused = client.post(f"/iot/alarms/{alarm.pk}/clear", {"reason": "  ", "next": back})
    assert refused.status_code == 422 and refused.context["clear_form"].errors["reason"]
    response = client.post(
        f"/iot/alarms/{alarm.pk}/clear", {"reason": "เปลี่ยนเซ็นเซอร์แล้ว", "next": "//evil.example"}
    )
    assert response.status_code == 302 and response["Location"] == f"/iot/alarms/{alarm.pk}/"
    alarm = Alarm.objects.get(pk=alarm.pk)
    assert alarm.status == "cleared_ack" and alarm.clear_reason == "เปลี่ยนเซ็นเซอร์แล้ว"
    assert AuditEntry.objects.filter(object_type="iot.Alarm", object_id=str(alarm.pk)).count() == 2
    page = client.get(f"/iot/alarms/{alarm.pk}/").content.decode()
    assert 'data-kind="acknowledged"' in page and 'data-kind="cleared"' in page
    assert 'id="alarm-clear"' not in page


def test_the_alarm_page_links_the_case_it_opened(areas):
    from django.test import Client

    from muang.cases.tests.conftest import make_town
    from muang.core.models import Role
    from muang.core.tests.factories import member

    town = make_town()
    d = station(town.org)
    rule(town.org, d.profile, case_category=town.category, case_department=town.health)
    report(d, NOW, pm25=60)
    alarm = Alarm.objects.get(organization=town.org, device=d)
    assert alarm.case is not None
    client = Client()
    client.force_login(member(town.org, Role.SYSTEM_ADMIN))
    html = client.get(f"/iot/alarms/{alarm.pk}/").content.decode()
    assert f'href="/work/cases/{alarm.case.tracking_code}/"' in html
    assert 'data-kind="case_opened"' in html
