"""An alarm rule is data validated against its profile: every refusal names the field."""

import pytest

from muang.core.access import SYSTEM
from muang.core.errors import InvalidInput
from muang.core.tests.factories import OrganizationFactory
from muang.iot.alarms.rules import describe, holds
from muang.iot.models import AlarmRule
from muang.iot.tests.alarm_helpers import rule
from muang.iot.tests.factories import air_profile

pytestmark = pytest.mark.usefixtures("areas")


@pytest.fixture
def profile():
    return air_profile(OrganizationFactory())


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"key": "co2"}, "key"),
        ({"operator": "eq"}, "operator"),
        ({"value": None}, "value"),
        ({"operator": "outside", "low": 10, "high": 5}, "high"),
        ({"duration_seconds": 8 * 86400}, "duration_seconds"),
        ({"kind": "state", "operator": "eq", "value": 1}, "key"),  # pm25 is a float, not a flag
        ({"kind": "silence", "key": "", "operator": "", "value": None}, "silence_intervals"),
        ({"kind": "silence", "silence_intervals": 3}, "key"),
        ({"alarm_type": "PM 2.5"}, "alarm_type"),
        ({"severity": "fatal"}, "severity"),
        ({"kind": "script"}, "kind"),
    ],
)
def test_a_rule_the_profile_cannot_evaluate_is_refused_naming_the_field(profile, fields, field):
    with pytest.raises(InvalidInput) as refused:
        rule(profile.organization, profile, **fields)
    assert field in refused.value.field_errors
    assert not AlarmRule.objects.exists()


def test_a_rule_of_another_organisations_profile_is_refused(profile):
    from muang.iot.alarms.services import alarm_rule_create

    with pytest.raises(InvalidInput):
        alarm_rule_create(
            actor=SYSTEM,
            organization=OrganizationFactory(),
            profile=profile,
            alarm_type="x",
            label="x",
            severity="minor",
            kind="threshold",
            key="pm25",
            operator="gt",
            value=1,
        )


def test_the_same_type_and_severity_twice_is_refused(profile):
    rule(profile.organization, profile)
    with pytest.raises(InvalidInput) as refused:
        rule(profile.organization, profile, value=50)
    assert "severity" in refused.value.field_errors


@pytest.mark.parametrize(
    ("operator", "extra", "value", "expected"),
    [
        ("gt", {"value": 37.5}, 37.5, False),
        ("gt", {"value": 37.5}, 37.6, True),
        ("gte", {"value": 37.5}, 37.5, True),
        ("lt", {"value": 0}, -0.1, True),
        ("lte", {"value": 0}, 0.1, False),
        ("outside", {"low": 1, "high": 3}, 2, False),
        ("outside", {"low": 1, "high": 3}, 3.5, True),
        ("outside", {"low": 1, "high": 3}, 0.5, True),
    ],
)
def test_thresholds(profile, operator, extra, value, expected):
    r = rule(profile.organization, profile, operator=operator, **({"value": None} | extra))
    assert holds(r, value) is expected
    assert describe(r).startswith("pm25")


def test_a_state_rule_on_a_flag(profile):
    r = rule(
        profile.organization,
        profile,
        alarm_type="offline",
        kind="state",
        key="online",
        operator="eq",
        value=0,
    )
    assert holds(r, 0.0) and not holds(r, 1.0)
