"""Forms of the allowance pages: the month to run (Thai month names, B.E. years) and the day it was paid."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from muang.core.templatetags.thai import THAI_MONTHS
from muang.core.thai_dates import ThaiDateField, add_months, buddhist_era


def month_choices(today: dt.date) -> list[tuple[str, str]]:
    """Next month, this month and the three before, newest first: "ธันวาคม 2569"."""
    first = today.replace(day=1)
    months = [add_months(first, n) for n in range(1, -4, -1)]
    return [(m.isoformat(), f"{THAI_MONTHS[m.month - 1]} {buddhist_era(m.year)}") for m in months]


class RunStartForm(forms.Form):
    month = forms.ChoiceField(label=_("Month to pay"))

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = month_choices(today)
        self.fields["month"].initial = today.replace(day=1).isoformat()

    def clean_month(self) -> dt.date:
        return dt.date.fromisoformat(self.cleaned_data["month"])


class RunPaidForm(forms.Form):
    paid_on = ThaiDateField(label=_("Paid on"))
