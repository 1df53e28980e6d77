"""Schedules: steps at offsets from sunset / sunrise (astral, Khon Kaen, a fixed date) and fixed times; the worker
sends the planned level through the iot downlink once, and a controller confirms by reporting that level."""

import datetime as dt
from types import SimpleNamespace

import pytest

from muang.core.access import SYSTEM
from muang.core.errors import InvalidInput
from muang.core.thai_dates import BANGKOK
from muang.lighting.models import Command, PoleGroup
from muang.lighting.schedules import planned_level
from muang.lighting.services.schedules import schedule_set, schedules_send
from muang.lighting.sun import sun_times
from muang.lighting.tests.helpers import lit, lit_town, pole

KHON_KAEN = (16.4419, 102.8360)
NIGHT_PLAN = [
    SimpleNamespace(anchor="sunset", offset_minutes=0, at=None, dim_level=100),
    SimpleNamespace(anchor="fixed", offset_minutes=0, at=dt.time(0, 0), dim_level=50),
    SimpleNamespace(anchor="sunrise", offset_minutes=15, at=None, dim_level=0),
]


def bkk(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BANGKOK)


def test_the_plan_follows_sunset_midnight_and_sunrise_in_khon_kaen():
    _sunrise, sunset = sun_times(*KHON_KAEN, dt.date(2026, 3, 2))  # about 06:26 and 18:15
    level = lambda at: planned_level(NIGHT_PLAN, *KHON_KAEN, at)  # noqa: E731
    assert level(sunset - dt.timedelta(minutes=1)) == 0  # the morning's "off" still holds
    assert level(sunset + dt.timedelta(minutes=1)) == 100
    assert level(bkk(2026, 3, 2, 23, 59)) == 100
    assert level(bkk(2026, 3, 3, 0, 1)) == 50
    next_sunrise, _ = sun_times(*KHON_KAEN, dt.date(2026, 3, 3))
    assert level(next_sunrise + dt.timedelta(minutes=14)) == 50
    assert level(next_sunrise + dt.timedelta(minutes=16)) == 0
    assert planned_level([], *KHON_KAEN, bkk(2026, 3, 3, 1)) is None


@pytest.mark.django_db
def test_the_worker_sends_the_level_once_and_the_next_report_confirms_it(areas):
    lt = lit_town()
    p = pole(lt, 1)
    group = PoleGroup.objects.create(organization=lt.org, name="ถนนหลัก")
    p.group = group
    p.save(update_fields=["group"])
    schedule_set(
        actor=SYSTEM,
        organization=lt.org,
        group=group,
        steps=[
            {"anchor": "sunset", "dim_level": 100},
            {"anchor": "fixed", "at": "00:00", "dim_level": 50},
            {"anchor": "sunrise", "offset_minutes": 15, "dim_level": 0},
        ],
    )
    calls = []

    def send(**kwargs):
        calls.append((kwargs["device_id"], kwargs["downlink"].data))
        return "mqtt"

    at = bkk(2026, 3, 3, 0, 30)
    assert schedules_send(now=at, send=send) == 1
    assert calls == [(p.device_id, b'{"dim": 50}')]
    assert schedules_send(now=at + dt.timedelta(minutes=1), send=send) == 0  # told already
    lit(p, at + dt.timedelta(minutes=2), dim=100)  # not yet the commanded level
    assert Command.objects.get().confirmed_at is None
    lit(p, at + dt.timedelta(minutes=3), dim=50)
    assert Command.objects.get().confirmed_at == at + dt.timedelta(minutes=3)
    assert schedules_send(now=at + dt.timedelta(minutes=30), send=send) == 0  # confirmed: nothing to resend


@pytest.mark.django_db
def test_a_bad_step_is_refused_naming_it(areas):
    lt = lit_town()
    group = PoleGroup.objects.create(organization=lt.org, name="ซอย")
    with pytest.raises(InvalidInput) as e:
        schedule_set(
            actor=SYSTEM, organization=lt.org, group=group, steps=[{"anchor": "noon", "dim_level": 1}]
        )
    assert "steps.0.anchor" in e.value.field_errors
    with pytest.raises(InvalidInput) as e:
        schedule_set(
            actor=SYSTEM,
            organization=lt.org,
            group=group,
            steps=[{"anchor": "fixed", "at": "25:00", "dim_level": 1}],
        )
    assert "steps.0.at" in e.value.field_errors


@pytest.mark.django_db
def test_the_dashboard_overview_counts_the_controllers_that_confirmed(areas):
    from muang.lighting.selectors import schedule_overview

    lt = lit_town()
    group = PoleGroup.objects.create(organization=lt.org, name="ถนนหลัก")
    poles = [pole(lt, i) for i in (1, 2)]
    for p in poles:
        p.group = group
        p.save(update_fields=["group"])
    schedule_set(
        actor=SYSTEM,
        organization=lt.org,
        group=group,
        steps=[{"anchor": "fixed", "at": "00:00", "dim_level": 50}],
    )
    at = bkk(2026, 3, 3, 0, 30)
    assert schedules_send(now=at, send=lambda **kw: "mqtt") == 2
    lit(poles[0], at + dt.timedelta(minutes=1), dim=50)
    (row,) = schedule_overview(actor=SYSTEM, organization=lt.org)
    assert (row.name, row.steps, row.controllers, row.level, row.confirmed) == (
        "ถนนหลัก",
        ("00:00 → 50%",),
        2,
        50,
        1,
    )
