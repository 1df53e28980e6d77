"""Due times: an organisation's working week and holiday calendar applied to a category's SLA."""

import datetime as dt
import logging
from collections.abc import Sequence

from muang.core.models import Organization
from muang.core.stamps import StampedCache

from ..models import Holiday
from ..working_time import (
    MAX_DAYS_SCANNED,
    WorkingWeek,
    WorkingWeekError,
    add_days,
    add_working_hours,
    calendar_days_needed,
    next_working_day,
)

logger = logging.getLogger("muang.cases")


def working_week_of(organization: Organization) -> WorkingWeek:
    """The organisation's working week; a broken setting falls back to the default rather than stop intake."""
    try:
        return WorkingWeek.from_settings((organization.settings or {}).get("cases"))
    except WorkingWeekError:
        logger.warning("organisation %s has unusable working hours; using the default", organization.slug)
        return WorkingWeek.default()


# Each organisation's holiday calendar (a few dozen dates a year), loaded once per process and stamp.
_holidays: StampedCache[frozenset[dt.date]] = StampedCache("case_holidays", tables=("cases_holiday",))


def holidays_between(organization: Organization, first: dt.date, last: dt.date) -> frozenset[dt.date]:
    every = _holidays.get(
        organization.pk,
        lambda: frozenset(Holiday.objects.filter(organization=organization).values_list("date", flat=True)),
    )
    return frozenset(day for day in every if first <= day <= last)


def due_at_for(organization: Organization, start: dt.datetime, sla_hours: int) -> dt.datetime | None:
    """`sla_hours` working hours after `start` in the organisation's calendar; None when there is no SLA."""
    if not sla_hours:
        return None
    week = working_week_of(organization)
    first = start.astimezone(week.timezone).date()
    horizon = calendar_days_needed(sla_hours, week)
    while True:
        last = first + dt.timedelta(days=horizon)
        due = add_working_hours(
            start, sla_hours, week=week, holidays=holidays_between(organization, first, last)
        )
        # Holidays were loaded up to `last`; a due time beyond it may have skipped unknown holidays: widen.
        if due.astimezone(week.timezone).date() <= last or horizon >= MAX_DAYS_SCANNED:
            return due
        horizon *= 2


def due_dates_for(
    organization: Organization, start: dt.date, periods: Sequence[tuple[int, str]]
) -> list[dt.date]:
    """The due day of each of a sequence of periods (days, unit) run one after another from `start`, in the
    organisation's working week and holiday calendar: a manual's steps, each counted in its own unit.

    Each step counts on from the previous step's raw last day; a due day that falls on a weekend or holiday
    moves to the next working day (s.193/8), so the last one is the legal time limit of the whole manual."""
    week = working_week_of(organization)
    total = sum(days for days, _unit in periods)
    horizon = 2 * total + 62  # generous: weekends, long holiday runs (Songkran, New Year)
    while True:
        last = start + dt.timedelta(days=horizon)
        holidays = holidays_between(organization, start, last)
        due: list[dt.date] = []
        cursor = start
        for days, unit in periods:
            cursor = add_days(cursor, days, unit, week=week, holidays=holidays)
            due.append(next_working_day(cursor, week, holidays))
        if not due or due[-1] <= last or horizon >= MAX_DAYS_SCANNED:
            return due
        horizon *= 2
