"""Working-hours arithmetic for SLAs: pure functions over an organisation's working week and holidays.

An organisation keeps its week in ``Organization.settings["cases"]``::

    {"timezone": "Asia/Bangkok",
     "working_hours": {"mon": [["08:30", "12:00"], ["13:00", "16:30"]], ..., "sat": [], "sun": []}}

Days left out of ``working_hours`` take the default (Monday to Friday 08:30–16:30, the Thai civil service
day); an empty list is a day off. Holidays come from the `Holiday` table and are passed in as dates.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils.translation import gettext as _

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_TIMEZONE = "Asia/Bangkok"
DEFAULT_DAY = ((dt.time(8, 30), dt.time(16, 30)),)
DEFAULT_PERIODS: dict[int, tuple[tuple[dt.time, dt.time], ...]] = {d: DEFAULT_DAY for d in range(5)} | {
    5: (),
    6: (),
}
MAX_DAYS_SCANNED = 3 * 366  # a safety stop: no SLA should reach three years


class WorkingWeekError(ValueError):
    """The organisation's working week in its settings is not usable; the message says why."""


@dataclass(frozen=True)
class WorkingWeek:
    timezone: ZoneInfo
    periods: Mapping[int, tuple[tuple[dt.time, dt.time], ...]]  # weekday (0 = Monday) -> working periods

    @classmethod
    def default(cls) -> WorkingWeek:
        return cls(ZoneInfo(DEFAULT_TIMEZONE), DEFAULT_PERIODS)

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None) -> WorkingWeek:
        """From an organisation's `settings["cases"]`; raises WorkingWeekError with a readable reason."""
        settings = settings or {}
        tz_name = settings.get("timezone", DEFAULT_TIMEZONE)
        try:
            tz = ZoneInfo(str(tz_name))
        except (ZoneInfoNotFoundError, ValueError) as e:
            raise WorkingWeekError(_("Unknown time zone “%(tz)s”.") % {"tz": tz_name}) from e
        raw = settings.get("working_hours") or {}
        if not isinstance(raw, Mapping):
            raise WorkingWeekError(_("Working hours must map day names (mon … sun) to lists of periods."))
        if unknown := set(raw) - set(DAY_NAMES):
            raise WorkingWeekError(_("Unknown day “%(day)s”; use mon … sun.") % {"day": sorted(unknown)[0]})
        periods = dict(DEFAULT_PERIODS)
        for weekday, name in enumerate(DAY_NAMES):
            if name in raw:
                periods[weekday] = _parse_day(name, raw[name])
        week = cls(tz, periods)
        if week.weekly_seconds == 0:
            raise WorkingWeekError(_("The working week has no working hours at all."))
        return week

    @property
    def weekly_seconds(self) -> float:
        return sum(_seconds(s, e) for day in self.periods.values() for s, e in day)

    def to_settings(self) -> dict[str, Any]:
        return {
            "timezone": self.timezone.key,
            "working_hours": {
                name: [[s.strftime("%H:%M"), e.strftime("%H:%M")] for s, e in self.periods.get(i, ())]
                for i, name in enumerate(DAY_NAMES)
            },
        }


def _parse_day(name: str, value: Any) -> tuple[tuple[dt.time, dt.time], ...]:
    if not isinstance(value, list | tuple):
        raise WorkingWeekError(_("%(day)s: give a list of [start, end] periods.") % {"day": name})
    periods = []
    for item in value:
        try:
            start, end = (dt.time.fromisoformat(str(t)) for t in item)
        except (TypeError, ValueError) as e:
            raise WorkingWeekError(
                _("%(day)s: “%(period)s” is not a [“HH:MM”, “HH:MM”] period.") % {"day": name, "period": item}
            ) from e
        if start >= end:
            raise WorkingWeekError(_("%(day)s: a period must end after it starts.") % {"day": name})
        periods.append((start, end))
    periods.sort()
    for (_s1, e1), (s2, _e2) in itertools.pairwise(periods):
        if s2 < e1:
            raise WorkingWeekError(_("%(day)s: periods overlap.") % {"day": name})
    return tuple(periods)


def _seconds(start: dt.time, end: dt.time) -> float:
    return (dt.datetime.combine(dt.date.min, end) - dt.datetime.combine(dt.date.min, start)).total_seconds()


def _windows(day: dt.date, week: WorkingWeek, holidays: Collection[dt.date]):
    """The working periods of one local day, as aware UTC datetimes (none on a holiday)."""
    if day in holidays:
        return
    for start, end in week.periods.get(day.weekday(), ()):
        yield (
            dt.datetime.combine(day, start, tzinfo=week.timezone).astimezone(dt.UTC),
            dt.datetime.combine(day, end, tzinfo=week.timezone).astimezone(dt.UTC),
        )


def add_working_hours(
    start: dt.datetime, hours: float, *, week: WorkingWeek, holidays: Collection[dt.date] = ()
) -> dt.datetime:
    """The moment `hours` working hours after `start` (aware). Outside hours, the clock starts at the next period.

    The result is in UTC. When the hours run out exactly at the end of a period, that end is the answer
    (not the start of the next one): "due by 16:30", not "due by 08:30 the next working day".
    """
    if start.tzinfo is None:
        raise ValueError("start must be an aware datetime")
    if hours < 0:
        raise ValueError("hours must not be negative")
    remaining = dt.timedelta(hours=hours)
    cursor = start.astimezone(dt.UTC)
    day = start.astimezone(week.timezone).date()
    if not remaining:
        return cursor
    for _i in range(MAX_DAYS_SCANNED):
        for window_start, window_end in _windows(day, week, holidays):
            begin = max(cursor, window_start)
            if begin >= window_end:
                continue
            available = window_end - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
        day += dt.timedelta(days=1)
    raise WorkingWeekError(
        _("The due time is more than three years away; check the working week and holidays.")
    )


def working_seconds_between(
    start: dt.datetime, end: dt.datetime, *, week: WorkingWeek, holidays: Collection[dt.date] = ()
) -> float:
    """Working seconds from `start` to `end` (0 if end <= start): for time-to-resolve statistics."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be aware datetimes")
    if end <= start:
        return 0.0
    total = 0.0
    day = start.astimezone(week.timezone).date()
    last = end.astimezone(week.timezone).date()
    while day <= last:
        for window_start, window_end in _windows(day, week, holidays):
            overlap = min(end, window_end) - max(start, window_start)
            total += max(overlap.total_seconds(), 0.0)
        day += dt.timedelta(days=1)
    return total


def calendar_days_needed(hours: float, week: WorkingWeek) -> int:
    """A generous number of calendar days that `hours` working hours can span: how far to load holidays."""
    weeks = hours * 3600 / week.weekly_seconds
    return math.ceil(weeks * 7 * 2) + 31


# --- periods counted in whole days (the one-stop counter's manuals, ADR 0018) ----------------------------------

DAY_UNITS = ("working_days", "days")  # วันทำการ (working days) · วัน (calendar days, as the law counts them)


def is_working_day(day: dt.date, week: WorkingWeek, holidays: Collection[dt.date] = ()) -> bool:
    """A day with working hours in the week that is not in the holiday calendar."""
    return day not in holidays and bool(week.periods.get(day.weekday()))


def next_working_day(day: dt.date, week: WorkingWeek, holidays: Collection[dt.date] = ()) -> dt.date:
    """`day` itself when it is a working day, else the first working day after it: where a period counted in
    calendar days ends on a weekend or holiday, it ends on the next working day (Civil and Commercial Code
    s.193/8)."""
    for _i in range(MAX_DAYS_SCANNED):
        if is_working_day(day, week, holidays):
            return day
        day += dt.timedelta(days=1)
    raise WorkingWeekError(_("No working day within three years; check the working week and holidays."))


def add_days(
    start: dt.date, days: int, unit: str, *, week: WorkingWeek, holidays: Collection[dt.date] = ()
) -> dt.date:
    """The last day of a period of `days` days that starts counting the day after `start` (the day of receipt
    is not counted, Civil and Commercial Code s.193/3).

    `unit` "days": calendar days, the raw last day (the caller rolls it with `next_working_day` when it is the
    end of a legal time limit); "working_days": only working days of `week` outside `holidays` are counted.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    if unit == "days":
        return start + dt.timedelta(days=days)
    if unit != "working_days":
        raise ValueError(f"unknown unit {unit!r}")
    day = start
    counted = 0
    for _i in range(MAX_DAYS_SCANNED):
        if counted == days:
            return day
        day += dt.timedelta(days=1)
        if is_working_day(day, week, holidays):
            counted += 1
    raise WorkingWeekError(
        _("The due day is more than three years away; check the working week and holidays.")
    )
