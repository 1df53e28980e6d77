"""The forms of the KPI pages: the service checks the figures (range, evidence, month, year); the forms only
carry them, and its refusals land on the field they name (`core.form_errors.add_service_errors`)."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from muang.core.templatetags.thai import format_thai_date
from muang.kpi import periods
from muang.kpi.selectors import indicators_entered_by_hand, localized

MONTHS_OFFERED = 24


def month_choices(today: dt.date) -> list[tuple[str, str]]:
    """The months that are over, newest first, as "มี.ค. 2569" (the day dropped)."""
    last = periods.last_closed_month(today)
    return [
        (m.isoformat(), format_thai_date(m).split(" ", 1)[1])
        for m in reversed(periods.months_back(last, MONTHS_OFFERED))
    ]


def _month(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


class ManualValueForm(forms.Form):
    indicator = forms.ChoiceField(label=_("Indicator"))
    month = forms.ChoiceField(label=_("Month"))
    value = forms.CharField(label=_("Value"), max_length=30)
    evidence = forms.FileField(
        label=_("Evidence"),
        required=False,
        help_text=_("A photo or scan of the document the figure comes from."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    # The school's code, checked by the service (an unknown code or another organisation's school is an error
    # on this field that says which): offered as a list of the organisation's schools.
    school = forms.CharField(
        label=_("School"),
        max_length=20,
        required=False,
        help_text=_("Only for a figure of one school: leave empty for the whole organisation's figure."),
    )

    def __init__(self, *args, today: dt.date, schools=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].widget = forms.Select(
            choices=[("", _("The whole organisation"))]
            + [(s.code, f"{s.name_th} ({s.code})") for s in schools]
        )
        if not schools:
            del self.fields["school"]
        self.fields["indicator"].choices = [
            (i.code, f"{localized(i)} ({i.unit_label})" if i.unit_label else localized(i))
            for i in indicators_entered_by_hand()
        ]
        self.fields["month"].choices = month_choices(today)

    def month_value(self) -> dt.date | None:
        return _month(self.cleaned_data.get("month"))


class CsvImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns indicator, month and value; a month is written 2569-03. An optional column school holds "
            "a school's 10-digit code for a figure of that school."
        ),
    )


class TargetForm(forms.Form):
    indicator = forms.ChoiceField(label=_("Indicator"))
    fiscal_year = forms.IntegerField(label=_("Fiscal year (B.E.)"), min_value=2400, max_value=2700)
    value = forms.CharField(label=_("Target"), max_length=30)

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [
            (i.code, f"{localized(i)} ({i.unit_label})" if i.unit_label else localized(i)) for i in indicators
        ]


class RecomputeForm(forms.Form):
    month = forms.ChoiceField(label=_("Month"))
    reason = forms.CharField(label=_("Why"), max_length=250, required=False)

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = month_choices(today)

    def month_value(self) -> dt.date | None:
        return _month(self.cleaned_data.get("month"))


class SchoolForm(forms.Form):
    code = forms.CharField(
        label=_("School code"),
        max_length=20,
        help_text=_("The 10 digits of its Ministry of Education / DLA code."),
    )
    name_th = forms.CharField(label=_("Name in Thai"), max_length=200)
    name_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
