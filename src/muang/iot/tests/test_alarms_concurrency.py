"""Two ingest workers evaluating the same device at the same moment: one open alarm, one case, one "created"
event (the partial unique index refuses the second insert; the loser locks and joins the winner's alarm)."""

import datetime as dt

import pytest

from muang.cases.models import Case
from muang.cases.tests.conftest import make_town
from muang.cases.tests.test_services_concurrency import race
from muang.iot.alarms.services import Reading, alarms_evaluate
from muang.iot.models import Alarm, AlarmEvent, Device
from muang.iot.tests.alarm_helpers import NOW, rule, station

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_rule_firing_on_two_workers_at_once_opens_one_alarm_and_one_case(areas):
    town = make_town()
    d = station(town.org)
    rule(town.org, d.profile, case_category=town.category)
    device = Device.objects.select_related("profile", "organization").get(pk=d.pk)

    def evaluate(seconds):
        return lambda: alarms_evaluate(
            organization=town.org,
            readings=[Reading(device, NOW + dt.timedelta(seconds=seconds), {"pm25": 50.0 + seconds})],
            now=NOW,
        )

    results = race(evaluate(0), evaluate(1), evaluate(2))
    assert all(isinstance(r, list) for r in results), results
    alarm = Alarm.objects.get(organization=town.org, device=d)
    assert alarm.cleared_at is None
    assert AlarmEvent.objects.filter(alarm=alarm, kind="created").count() == 1
    assert AlarmEvent.objects.filter(alarm=alarm, kind="case_opened").count() == 1
    assert Case.objects.filter(organization=town.org).count() == 1
