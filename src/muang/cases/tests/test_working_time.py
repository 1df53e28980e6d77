"""SLA arithmetic in working hours: weekends, holidays, outside hours, lunch breaks, time zones (no database)."""

import datetime as dt

import pytest

from muang.cases.tests.factories import BANGKOK, bkk
from muang.cases.working_time import (
    WorkingWeek,
    WorkingWeekError,
    add_working_hours,
    calendar_days_needed,
    working_seconds_between,
)

WEEK = WorkingWeek.default()  # Monday to Friday 08:30–16:30, Asia/Bangkok
# November 2026: Monday 23 … Friday 27, Saturday 28, Sunday 29, Monday 30.


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        pytest.param(bkk(2026, 11, 23, 9, 0), 4, bkk(2026, 11, 23, 13, 0), id="within-one-day"),
        pytest.param(
            bkk(2026, 11, 23, 8, 30), 8, bkk(2026, 11, 23, 16, 30), id="exactly-one-day-ends-at-close"
        ),
        pytest.param(bkk(2026, 11, 23, 15, 0), 4, bkk(2026, 11, 24, 11, 0), id="into-the-next-day"),
        pytest.param(bkk(2026, 11, 23, 7, 0), 1, bkk(2026, 11, 23, 9, 30), id="before-opening"),
        pytest.param(bkk(2026, 11, 23, 18, 0), 1, bkk(2026, 11, 24, 9, 30), id="after-closing"),
        pytest.param(bkk(2026, 11, 27, 15, 30), 2, bkk(2026, 11, 30, 9, 30), id="friday-over-the-weekend"),
        pytest.param(bkk(2026, 11, 28, 10, 0), 1, bkk(2026, 11, 30, 9, 30), id="received-on-saturday"),
        pytest.param(bkk(2026, 11, 29, 23, 59), 8, bkk(2026, 11, 30, 16, 30), id="sunday-night"),
        pytest.param(bkk(2026, 11, 23, 9, 0), 40, bkk(2026, 11, 30, 9, 0), id="a-full-working-week"),
        pytest.param(bkk(2026, 11, 23, 9, 0), 0.5, bkk(2026, 11, 23, 9, 30), id="fractional-hours"),
        pytest.param(bkk(2026, 11, 23, 9, 0), 0, bkk(2026, 11, 23, 9, 0), id="zero-hours"),
    ],
)
def test_add_working_hours_default_week(start, hours, due):
    assert add_working_hours(start, hours, week=WEEK) == due


def test_holidays_are_skipped():
    holidays = {dt.date(2026, 11, 24), dt.date(2026, 11, 25)}  # Tuesday and Wednesday off
    due = add_working_hours(bkk(2026, 11, 23, 15, 0), 4, week=WEEK, holidays=holidays)
    assert due == bkk(2026, 11, 26, 11, 0)


def test_holiday_on_the_start_day_starts_the_clock_on_the_next_working_day():
    due = add_working_hours(bkk(2026, 12, 7, 10, 0), 2, week=WEEK, holidays={dt.date(2026, 12, 7)})
    assert due == bkk(2026, 12, 8, 10, 30)


def test_long_holiday_run_over_a_weekend():
    # Songkran 2027: Tuesday 13 to Thursday 15 April, plus a substitution Friday.
    holidays = {dt.date(2027, 4, d) for d in (13, 14, 15, 16)}
    due = add_working_hours(bkk(2027, 4, 12, 16, 0), 1, week=WEEK, holidays=holidays)
    assert due == bkk(2027, 4, 19, 9, 0)


def test_result_is_utc_and_input_may_be_any_zone():
    start_utc = bkk(2026, 11, 23, 9, 0).astimezone(dt.UTC)
    due = add_working_hours(start_utc, 1, week=WEEK)
    assert due.tzinfo == dt.UTC
    assert due == bkk(2026, 11, 23, 10, 0)


def test_naive_start_is_refused():
    with pytest.raises(ValueError, match="aware"):
        add_working_hours(dt.datetime(2026, 11, 23, 9, 0), 1, week=WEEK)  # noqa: DTZ001


def test_lunch_break_and_saturday_morning_from_settings():
    week = WorkingWeek.from_settings(
        {
            "working_hours": {
                "mon": [["08:30", "12:00"], ["13:00", "16:30"]],
                "sat": [["09:00", "12:00"]],
            }
        }
    )
    # Monday 11:00 + 2h: one hour before lunch, one after.
    assert add_working_hours(bkk(2026, 11, 23, 11, 0), 2, week=week) == bkk(2026, 11, 23, 14, 0)
    # Friday 16:00 + 2h: half an hour on Friday, 1.5 h on Saturday morning.
    assert add_working_hours(bkk(2026, 11, 27, 16, 0), 2, week=week) == bkk(2026, 11, 28, 10, 30)
    # Received during lunch: the clock starts at 13:00.
    assert add_working_hours(bkk(2026, 11, 23, 12, 15), 1, week=week) == bkk(2026, 11, 23, 14, 0)


def test_another_time_zone():
    week = WorkingWeek.from_settings({"timezone": "Asia/Tokyo"})
    start = dt.datetime(2026, 11, 23, 16, 0, tzinfo=BANGKOK)  # 18:00 in Tokyo: closed
    due = add_working_hours(start, 1, week=week)
    assert due == dt.datetime(2026, 11, 24, 9, 30, tzinfo=week.timezone)


def test_working_seconds_between():
    start, end = bkk(2026, 11, 27, 15, 30), bkk(2026, 11, 30, 9, 30)  # Friday afternoon to Monday morning
    assert working_seconds_between(start, end, week=WEEK) == 2 * 3600
    assert working_seconds_between(end, start, week=WEEK) == 0
    assert working_seconds_between(start, end, week=WEEK, holidays={dt.date(2026, 11, 30)}) == 3600


def test_working_seconds_between_inverts_add_working_hours():
    start = bkk(2026, 11, 25, 14, 10)
    holidays = {dt.date(2026, 12, 1)}
    due = add_working_hours(start, 21.5, week=WEEK, holidays=holidays)
    assert working_seconds_between(start, due, week=WEEK, holidays=holidays) == 21.5 * 3600


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"timezone": "Mars/Olympus"}, "time zone"),
        ({"working_hours": {"funday": []}}, "Unknown day"),
        ({"working_hours": {"mon": "08:30-16:30"}}, "list"),
        ({"working_hours": {"mon": [["16:30", "08:30"]]}}, "end after"),
        ({"working_hours": {"mon": [["8h", "9h"]]}}, "HH:MM"),
        ({"working_hours": {"mon": [["08:00", "12:00"], ["11:00", "13:00"]]}}, "overlap"),
        ({"working_hours": {d: [] for d in ("mon", "tue", "wed", "thu", "fri")}}, "no working hours"),
    ],
)
def test_unusable_settings_say_why(config, message):
    with pytest.raises(WorkingWeekError, match=message):
        WorkingWeek.from_settings(config)


def test_settings_round_trip():
    week = WorkingWeek.from_settings({"working_hours": {"sat": [["09:00", "12:00"]]}})
    assert WorkingWeek.from_settings(week.to_settings()) == week


def test_holiday_horizon_covers_the_sla():
    # 200 working hours is five weeks of the default week: the horizon must reach well past that.
    assert calendar_days_needed(200, WEEK) >= 70


# --- periods in whole days (the one-stop counter's manuals, ADR 0018) ------------------------------------------

SONGKRAN = {dt.date(2026, 4, 13), dt.date(2026, 4, 14), dt.date(2026, 4, 15)}  # Monday to Wednesday


def test_working_days_skip_the_weekend_and_holidays_and_not_the_day_of_receipt():
    from muang.cases.working_time import add_days

    week = WorkingWeek.default()
    thursday = dt.date(2026, 4, 9)
    assert add_days(thursday, 1, "working_days", week=week) == dt.date(2026, 4, 10)  # Friday
    assert add_days(thursday, 2, "working_days", week=week) == dt.date(2026, 4, 13)  # over the weekend
    assert add_days(thursday, 2, "working_days", week=week, holidays=SONGKRAN) == dt.date(2026, 4, 16)
    assert add_days(dt.date(2026, 4, 11), 1, "working_days", week=week) == dt.date(
        2026, 4, 13
    )  # from Saturday
    assert add_days(thursday, 0, "working_days", week=week) == thursday


def test_calendar_days_end_on_the_next_working_day_when_the_last_falls_on_a_day_off():
    from muang.cases.working_time import add_days, is_working_day, next_working_day

    week = WorkingWeek.default()
    last = add_days(dt.date(2026, 3, 5), 30, "days", week=week)
    assert last == dt.date(2026, 4, 4)  # a Saturday: counted, not moved
    assert next_working_day(last, week) == dt.date(2026, 4, 6)
    assert next_working_day(last, week, {dt.date(2026, 4, 6)}) == dt.date(2026, 4, 7)  # Chakri Day too
    assert next_working_day(dt.date(2026, 4, 8), week) == dt.date(2026, 4, 8)
    assert not is_working_day(dt.date(2026, 4, 14), week, SONGKRAN)


def test_an_unknown_unit_or_a_negative_period_is_a_programming_error():
    from muang.cases.working_time import add_days

    with pytest.raises(ValueError):
        add_days(dt.date(2026, 4, 9), 3, "weeks", week=WorkingWeek.default())
    with pytest.raises(ValueError):
        add_days(dt.date(2026, 4, 9), -1, "days", week=WorkingWeek.default())
