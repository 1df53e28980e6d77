"""Months as the dashboards count them: a month is its first day; figures are over Bangkok days."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from muang.core.thai_dates import add_months, bangkok_date

# Adoption looks at a three-month window ending with the month (how actively a module is used).
ADOPTION_MONTHS = 3


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_last_day(month: dt.date) -> dt.date:
    return add_months(month_of(month), 1) - dt.timedelta(days=1)


def today(now: dt.datetime | None = None) -> dt.date:
    return bangkok_date(now or timezone.now())


def last_closed_month(day: dt.date) -> dt.date:
    """The last month that is over on `day`: its snapshot is final."""
    return add_months(month_of(day), -1)


def months_back(month: dt.date, count: int) -> list[dt.date]:
    """`count` months ending with `month`, oldest first."""
    return [add_months(month, -i) for i in range(count - 1, -1, -1)]


def month_label(month: dt.date | None) -> str:
    """ "มีนาคม 2569" on Thai pages (Buddhist Era), "Mar 2026" in English."""
    if month is None:
        return ""
    from muang.core.templatetags.thai import format_thai_date

    return format_thai_date(month, "long").split(" ", 1)[1]
