from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from muang.core.thai_dates import ThaiDateField
from muang.waste.models import AccountKind, Cycle

RATE_ROWS = 4


class AccountForm(forms.Form):
    number = forms.CharField(label=_("account number"), max_length=20)
    holder_name = forms.CharField(label=pgettext_lazy("waste", "holder"), max_length=300)
    kind = forms.ChoiceField(label=_("kind"), choices=AccountKind.choices)
    rate_class = forms.CharField(label=_("rate class"), max_length=20)
    cycle = forms.ChoiceField(label=_("billing cycle"), choices=Cycle.choices)
    opened_on = ThaiDateField(label=_("billed from"))
    house_number = forms.CharField(label=_("house number"), max_length=30, required=False)
    address = forms.CharField(label=_("address"), max_length=500, required=False)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    lat = forms.FloatField(label=_("latitude"), required=False)
    lon = forms.FloatField(label=_("longitude"), required=False)


class RateScheduleForm(forms.Form):
    ordinance = forms.CharField(label=_("ordinance"), max_length=300)
    effective_from = ThaiDateField(label=_("in force from"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(RATE_ROWS):
            required = i == 0
            self.fields[f"rates.{i}.code"] = forms.CharField(
                label=_("rate class"), max_length=20, required=required
            )
            self.fields[f"rates.{i}.name"] = forms.CharField(
                label=_("name"), max_length=200, required=required
            )
            self.fields[f"rates.{i}.litres_per_day"] = forms.IntegerField(
                label=_("litres a day"), required=required, min_value=1
            )
            self.fields[f"rates.{i}.monthly_fee"] = forms.DecimalField(
                label=_("monthly fee"), required=required, min_value=0, decimal_places=2
            )

    def rate_rows(self) -> list[list]:
        return [
            [self[f"rates.{i}.{name}"] for name in ("code", "name", "litres_per_day", "monthly_fee")]
            for i in range(RATE_ROWS)
        ]

    def rates(self) -> list[dict]:
        out = []
        for i in range(RATE_ROWS):
            row = {
                n: self.cleaned_data.get(f"rates.{i}.{n}")
                for n in ("code", "name", "litres_per_day", "monthly_fee")
            }
            if row["code"]:
                out.append(row)
        return out


class BillingRunForm(forms.Form):
    period = ThaiDateField(label=_("month billed (any day of it)"))
    cycle = forms.ChoiceField(label=_("billing cycle"), choices=Cycle.choices)


class TripForm(forms.Form):
    stops_collected = forms.IntegerField(label=_("stops collected"), min_value=0)
    note = forms.CharField(label=_("note"), max_length=500, required=False)
