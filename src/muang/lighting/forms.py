from django import forms
from django.utils.translation import gettext_lazy as _


class PoleImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV, Excel .xlsx or GeoJSON)"),
        help_text=_(
            "Columns: code, lat, lon, lamp_type, rated_watts, lantern_height, circuit, cabinet, group, "
            "installed_on, last_lamp_change, controller"
        ),
    )
    dry_run = forms.BooleanField(label=_("Check only (dry run): write nothing"), required=False, initial=True)
    skip_rejected = forms.BooleanField(
        label=_("Import the good rows and skip the rejected ones"), required=False
    )


class ScheduleStepForm(forms.Form):
    """One step of a group's night on the schedule page. A row left without a dimming level is no step."""

    anchor = forms.ChoiceField(
        label=_("from"),
        choices=[
            ("sunset", _("sunset")),
            ("sunrise", _("sunrise")),
            ("fixed", _("fixed time")),
        ],
    )
    offset_minutes = forms.IntegerField(
        label=_("offset (minutes)"), required=False, min_value=-180, max_value=180, initial=0
    )
    at = forms.TimeField(
        label=_("time"),
        required=False,
        input_formats=["%H:%M"],
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
    )
    dim_level = forms.IntegerField(label=_("dimming level (%)"), required=False, min_value=0, max_value=100)

    def clean(self):
        data = super().clean()
        if data.get("dim_level") is None:
            return data  # an empty row
        if data.get("anchor") == "fixed" and data.get("at") is None:
            self.add_error("at", _("A fixed step needs its time (HH:MM)."))
        return data

    def step(self) -> dict | None:
        data = self.cleaned_data
        if data.get("dim_level") is None:
            return None
        step = {"anchor": data["anchor"], "dim_level": data["dim_level"]}
        if data["anchor"] == "fixed":
            step["at"] = data["at"].strftime("%H:%M")
        else:
            step["offset_minutes"] = data.get("offset_minutes") or 0
        return step


ScheduleFormSet = forms.formset_factory(ScheduleStepForm, extra=0, max_num=12, absolute_max=12)


class TariffForm(forms.Form):
    effective_from = forms.DateField(
        label=_("effective from"), widget=forms.DateInput(attrs={"type": "date"}), input_formats=["%Y-%m-%d"]
    )
    baht_per_kwh = forms.DecimalField(
        label=_("baht per kWh"), max_digits=7, decimal_places=4, min_value=0, help_text=_("before VAT")
    )
    source = forms.CharField(
        label=_("source"),
        max_length=300,
        required=False,
        help_text=_("e.g. the electricity bill of the month, or the utility's notice"),
    )
