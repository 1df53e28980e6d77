"""The staff's station form (/env/staff/stations/…): a station's name, whether the public sees it, and a
gauge's own levels. Checked again by the services (`station_create`, `station_update`), whose refusals land on
these fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from muang.environment.models import Station

WATER_FIELDS = ("bank_level", "alert_level", "danger_level", "rise_alert")


class StationForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    is_public = forms.BooleanField(label=_("Shown on the public page"), required=False)
    bank_level = forms.FloatField(label=_("bank level (m)"), required=False)
    alert_level = forms.FloatField(label=_("alert level (m)"), required=False)
    danger_level = forms.FloatField(label=_("danger level (m)"), required=False)
    rise_alert = forms.FloatField(label=_("rising-rate alert (m/h)"), required=False)
    hysteresis = forms.FloatField(
        label=_("hysteresis"),
        required=False,
        min_value=0,
        help_text=_("How far under a level's threshold the value must fall before the station leaves it."),
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind != Station.Kind.WATER:
            for name in WATER_FIELDS:
                del self.fields[name]

    def data_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        data["name_en"] = data.get("name_en") or ""
        if data.get("hysteresis") is None:
            data.pop("hysteresis", None)  # the service's default (new) or the kept value (edit)
        return data


class StationNewForm(StationForm):
    device_id = forms.TypedChoiceField(label=_("device"), coerce=int)
    kind = forms.ChoiceField(label=_("kind"), choices=Station.Kind.choices)

    field_order = ["device_id", "kind", "name", "name_en", "is_public"]

    def __init__(self, *args, devices, **kwargs):
        super().__init__(*args, kind=Station.Kind.WATER, **kwargs)
        self.fields["device_id"].choices = [(d.pk, f"{d.name} ({d.serial})") for d in devices]
        self.fields["is_public"].initial = True
        self.order_fields(self.field_order)

    def clean(self):
        data = super().clean()
        if data.get("kind") == Station.Kind.AIR:
            for name in WATER_FIELDS:  # a gauge's levels mean nothing for an air station: not sent
                data.pop(name, None)
        return data
