"""Dates as Thai people write them: day/month/year in the Buddhist Era (31/12/2569), read and shown on forms.

The browser's own date picker shows the Christian Era and a layout that follows the phone's settings, so date
fields are text fields that take and show dd/mm/yyyy (B.E. on Thai pages, C.E. under the English switch); a small
script (core/thai_date.js) adds a calendar button that opens the phone's picker and writes the day back in that
form. A year of 2400 or more is B.E., anything less C.E.: the two never overlap in practice.
"""

import datetime as dt
import re

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

BUDDHIST_ERA_OFFSET = 543
BE_YEARS_FROM = 2400  # a four-digit year from here on is B.E.
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})$")
_COMPACT = re.compile(r"^(\d{2})(\d{2})(\d{4})$")  # 31122569, as typed on a phone's number pad
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")  # links written before, and the browser's own format


def parse_thai_date(text: str) -> dt.date:
    """ "31/12/2569", "31-12-2026", "31.12.69", "31122569" or "2026-12-31" → 31 December 2026.

    Two-digit years are B.E. (69 → 2569), as on Thai forms. Raises ValueError for anything else.
    """
    text = (text or "").strip()
    if m := _ISO.match(text):
        year, month, day = (int(g) for g in m.groups())
    elif m := (_DAY_MONTH_YEAR.match(text) or _COMPACT.match(text)):
        day, month = int(m.group(1)), int(m.group(2))
        year = int(m.group(3))
        if len(m.group(3)) == 2:
            year += 2500
    else:
        raise ValueError(text)
    if year >= BE_YEARS_FROM:
        year -= BUDDHIST_ERA_OFFSET
    if not 1900 <= year <= 2200:
        raise ValueError(text)
    return dt.date(year, month, day)  # ValueError for 31/02


def uses_buddhist_era(language: str | None = None) -> bool:
    return (language or translation.get_language() or "th").startswith("th")


def format_day_month_year(value: dt.date, language: str | None = None) -> str:
    """31/12/2569 on Thai pages, 31/12/2026 in English."""
    year = value.year + (BUDDHIST_ERA_OFFSET if uses_buddhist_era(language) else 0)
    return f"{value.day:02d}/{value.month:02d}/{year}"


class ThaiDateInput(forms.TextInput):
    """A text field for dd/mm/yyyy; core/thai_date.js adds the calendar button (labels come as data)."""

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "data-thai-date": "", "size": 10, **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        be = uses_buddhist_era()
        context["widget"]["attrs"].update(
            {
                "placeholder": _("dd/mm/yyyy (B.E.)") if be else _("dd/mm/yyyy"),
                "data-era": "be" if be else "ce",
                "data-picker-label": _("Choose on a calendar"),
            }
        )
        return context

    def format_value(self, value):
        if isinstance(value, dt.date):
            return format_day_month_year(value)
        return super().format_value(value)


class ThaiDateField(forms.DateField):
    """A date typed as dd/mm/yyyy (B.E. or C.E.), or the ISO form of older links."""

    widget = ThaiDateInput
    default_error_messages = {
        "invalid": _("Write the date as day/month/year, e.g. 31/12/2569."),
    }

    def bound_data(self, data, initial):
        """A readable day is shown back in the page's own form (1/12/69 → 01/12/2569); anything else as typed."""
        try:
            return self.to_python(data) or data
        except forms.ValidationError:
            return data

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return parse_thai_date(str(value))
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


# --- periods of calendar months (Civil and Commercial Code s.193/3, s.193/5) ---------------------------------


def _last_day_of_month(year: int, month: int) -> int:
    first_of_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return (first_of_next - dt.timedelta(days=1)).day


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months, clamped to the month's last day (CCC s.193/5)."""
    month_index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(month_index, 12)
    return dt.date(year, month0 + 1, min(day.day, _last_day_of_month(year, month0 + 1)))


def months_late(due_date: dt.date, as_of: dt.date) -> int:
    """Months late on ``as_of`` for a payment due on ``due_date``; 0 if not late. A part month counts whole.

    The period runs as the Civil and Commercial Code counts one: from the day after the due date (s.193/3),
    by calendar month; a month that does not start on the 1st ends the day before the same day-number of the
    next month, or on that month's last day when it has no such day (s.193/5). Due 30 April: 1–31 May is one
    month, 1 June starts the second. Due 31 January: 1–28 February is one month, 1 March the second.
    """
    if as_of <= due_date:
        return 0
    start = due_date + dt.timedelta(days=1)
    months = max(1, (as_of.year - start.year) * 12 + as_of.month - start.month)
    while _month_period_end(start, months) < as_of:
        months += 1
    while months > 1 and _month_period_end(start, months - 1) >= as_of:
        months -= 1
    return months


def _month_period_end(start: dt.date, months: int) -> dt.date:
    """The last day of a period of ``months`` calendar months beginning on ``start`` (CCC s.193/5)."""
    month_index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(month_index, 12)
    if start.day <= _last_day_of_month(year, month0 + 1):
        return dt.date(year, month0 + 1, start.day) - dt.timedelta(days=1)
    return dt.date(year, month0 + 1, _last_day_of_month(year, month0 + 1))
