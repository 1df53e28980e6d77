"""Thai time, once for every app: the Asia/Bangkok zone, the Buddhist Era, the government fiscal year (from
1 October), and dates as Thai people write them: day/month/year in the Buddhist Era (31/12/2569), read and
shown on forms.

The browser's own date picker shows the Christian Era and a layout that follows the phone's settings, so date
fields are text fields that take and show dd/mm/yyyy (B.E. on Thai pages, C.E. under the English switch); a small
script (core/thai_date.js) adds a calendar button that opens the phone's picker and writes the day back in that
form. A year of 2400 or more is B.E., anything less C.E.: the two never overlap in practice.
"""

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

BANGKOK = ZoneInfo("Asia/Bangkok")
# The same offset as a fixed zone: Thailand keeps no daylight saving time, and a fixed offset converts several
# times faster than a ZoneInfo in loops over 100,000 bank lines.
ICT = dt.timezone(dt.timedelta(hours=7), "ICT")
BUDDHIST_ERA_OFFSET = 543
FISCAL_YEAR_FIRST_MONTH = 10  # the Thai government's fiscal year runs 1 October – 30 September
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


def buddhist_era(year: int) -> int:
    """2026 → 2569."""
    return year + BUDDHIST_ERA_OFFSET


def christian_era(year_be: int) -> int:
    """2569 → 2026."""
    return year_be - BUDDHIST_ERA_OFFSET


def year_for_reader(year: int | None, language: str | None = None) -> int | None:
    """A C.E. year as the reader counts it: B.E. on Thai pages, C.E. in English; None stays None."""
    if year is None or not uses_buddhist_era(language):
        return year
    return buddhist_era(year)


def fiscal_year(day: dt.date) -> int:
    """The Thai government fiscal year (B.E.) containing ``day``: 1 October 2568 – 30 September 2569 is 2569."""
    return buddhist_era(day.year) + (1 if day.month >= FISCAL_YEAR_FIRST_MONTH else 0)


def fiscal_year_bounds(fiscal_year_be: int) -> tuple[dt.date, dt.date]:
    """(first day, last day) of a fiscal year (B.E.): 2569 → (1 October 2025, 30 September 2026)."""
    end_year = christian_era(fiscal_year_be)
    return dt.date(end_year - 1, FISCAL_YEAR_FIRST_MONTH, 1), dt.date(
        end_year, FISCAL_YEAR_FIRST_MONTH - 1, 30
    )


def bangkok_date(moment: dt.datetime) -> dt.date:
    """The calendar day in Thailand at an aware moment."""
    return moment.astimezone(BANGKOK).date()


def bangkok_midnight(day: dt.date) -> dt.datetime:
    """The aware moment a Thai calendar day starts."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=BANGKOK)


def bangkok_days(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The days `first` to `last` inclusive in Thailand, as the half-open range [first 00:00, the day after
    `last` 00:00) of aware moments: what a count "per day" or "in January" filters by."""
    return bangkok_midnight(first), bangkok_midnight(last + dt.timedelta(days=1))


def in_bangkok(moment: dt.datetime) -> dt.datetime:
    """An aware moment as-is; a naive one read as Bangkok wall-clock time."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=BANGKOK)
    return moment


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
