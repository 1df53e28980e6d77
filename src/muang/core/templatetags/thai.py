"""Thai presentation: dates in the Buddhist Era on Thai pages (B.E. = C.E. + 543), money in baht."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import timezone, translation
from django.utils.timesince import timesince
from django.utils.translation import npgettext_lazy

from muang.core.thai_dates import buddhist_era

register = template.Library()

THAI_MONTHS = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
THAI_MONTHS_ABBR = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)
EN_MONTHS_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_thai_date(
    value: dt.date | dt.datetime | None, style: str = "short", language: str | None = None
) -> str:
    """`short`: 21 พ.ย. 2569; `long`: 21 พฤศจิกายน 2569; `datetime`: 21 พ.ย. 2569 14:05 (Thai), C.E. in English."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        time_part = f" {value:%H:%M}" if style == "datetime" else ""
        value_date = value.date()
    else:
        time_part = ""
        value_date = value
    language = language or translation.get_language() or "th"
    if language.startswith("th"):
        months = THAI_MONTHS if style == "long" else THAI_MONTHS_ABBR
        return f"{value_date.day} {months[value_date.month - 1]} {buddhist_era(value_date.year)}{time_part}"
    return f"{value_date.day} {EN_MONTHS_ABBR[value_date.month - 1]} {value_date.year}{time_part}"


@register.filter
def thai_date(value, style: str = "short") -> str:
    return format_thai_date(value, style)


@register.filter
def be_year(value) -> str:
    """A C.E. year in the Buddhist Era: 2026 → 2569 (what Thai documents print); empty stays empty."""
    if value is None or value == "":
        return ""
    return str(buddhist_era(int(value)))


@register.filter
def baht(value) -> str:
    """1234.5 → 1,234.50"""
    if value is None or value == "":
        return ""
    amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{amount:,.2f}"


# Django's own Thai catalogue has no words for `timesince` ("5 minutes" stayed English on Thai pages): the same
# units from this project's catalogue (a context of their own, so Django's msgids are left alone).
TIME_STRINGS = {
    "year": npgettext_lazy("time since", "%(num)d year", "%(num)d years", "num"),
    "month": npgettext_lazy("time since", "%(num)d month", "%(num)d months", "num"),
    "week": npgettext_lazy("time since", "%(num)d week", "%(num)d weeks", "num"),
    "day": npgettext_lazy("time since", "%(num)d day", "%(num)d days", "num"),
    "hour": npgettext_lazy("time since", "%(num)d hour", "%(num)d hours", "num"),
    "minute": npgettext_lazy("time since", "%(num)d minute", "%(num)d minutes", "num"),
}


@register.filter
def since(value) -> str:
    """How long ago, in the page's language (Django's `timesince` with this project's words): 3 ชั่วโมง 5 นาที."""
    if not value:
        return ""
    return timesince(value, time_strings=TIME_STRINGS)
