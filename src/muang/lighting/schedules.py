"""A group's night plan as data (`ScheduleStep` rows), and the dimming level it asks for at a moment: pure, so it
is tested at fixed dates with astral's sunset and sunrise at the organisation's place.

The level in force at `at` is that of the latest step that has happened: each step is placed on the Bangkok
days before and of `at` (a 00:00 step belongs to the night that began the evening before), and the latest one
not after `at` wins. With no step, None: the group is not scheduled (its lamps follow their photocells)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from muang.core.thai_dates import BANGKOK
from muang.lighting.sun import sun_times


def step_time(step, day: dt.date, lat: float, lon: float) -> dt.datetime:
    if step.anchor == "fixed":
        return dt.datetime.combine(day, step.at, tzinfo=BANGKOK)
    sunrise, sunset = sun_times(lat, lon, day)
    base = sunset if step.anchor == "sunset" else sunrise
    return base + dt.timedelta(minutes=step.offset_minutes)


def planned_level(steps: Iterable, lat: float, lon: float, at: dt.datetime) -> int | None:
    steps = list(steps)
    if not steps:
        return None
    today = at.astimezone(BANGKOK).date()
    best: tuple[dt.datetime, int] | None = None
    for day in (today - dt.timedelta(days=1), today):
        for step in steps:
            when = step_time(step, day, lat, lon)
            if when <= at and (best is None or when > best[0]):
                best = (when, step.dim_level)
    return best[1] if best else None
