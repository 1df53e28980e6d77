"""The world of the page tests: a town (inside the DOPA slice) with an engineering department, its officer and
head, an executive, an officer of another department, the system administrator, another organisation's
administrator; an air station with readings, an attribute and an open alarm; and another organisation's device
and alarm."""

from dataclasses import dataclass, field

import pytest
from django.test import Client

from muang.core.access import SYSTEM
from muang.core.models import Duty, Role
from muang.core.tests.factories import OrganizationFactory, UserFactory, member
from muang.iot.models import Alarm, Device
from muang.iot.services.devices import device_attribute_set
from muang.iot.tests.alarm_helpers import NOW, report, rule, station


@dataclass
class PageWorld:
    org: object
    other: object
    device: Device
    alarm: Alarm
    other_device: Device
    other_alarm: Alarm
    users: dict = field(default_factory=dict)

    def client(self, principal: str) -> Client:
        client = Client()
        if principal in self.users:
            client.force_login(self.users[principal])
        return client


def alarmed_station(org, serial):
    d = station(org, serial=serial)
    rule(org, d.profile)
    report(d, NOW, pm25=52.5, pm10=80)
    d.refresh_from_db()
    return d, Alarm.objects.get(organization=org, device=d)


@pytest.fixture
def pages(areas, settings):
    settings.LANGUAGE_CODE = "th"
    org, other = OrganizationFactory(), OrganizationFactory()
    d, alarm = alarmed_station(org, "AQ-001")
    device_attribute_set(actor=SYSTEM, device=d, key="firmware", value="2.1.0")
    other_device, other_alarm = alarmed_station(other, "AQ-900")
    world = PageWorld(org, other, d, alarm, other_device, other_alarm)
    world.users = {
        "outsider": UserFactory(),
        "officer": member(org, Role.OFFICER, duties=[Duty.FINANCE]),  # not the engineering duty
        "eng_officer": member(org, Role.OFFICER, duties=[Duty.ENGINEERING]),
        "eng_head": member(org, Role.DEPARTMENT_HEAD, duties=[Duty.ENGINEERING]),
        "executive": member(org, Role.EXECUTIVE),
        "admin": member(org, Role.SYSTEM_ADMIN),
        "other_org": member(other, Role.SYSTEM_ADMIN),
    }
    return world
