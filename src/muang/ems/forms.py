"""The call-taker's form and the dispatcher's small forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from muang.ems import cbd
from muang.ems.models import Step

STAMPED_STEPS = [(s.value, s.label) for s in Step if s not in (Step.RECEIVED, Step.DISPATCHED)]


class IncidentForm(forms.Form):
    caller_name = forms.CharField(label=_("caller"), max_length=200)
    caller_phone = forms.CharField(label=_("caller's phone"), max_length=40)
    criterion = forms.ChoiceField(label=_("symptom group and criterion (CBD)"), choices=())
    lat = forms.FloatField(label=_("Latitude"), required=False, widget=forms.HiddenInput)
    lon = forms.FloatField(label=_("Longitude"), required=False, widget=forms.HiddenInput)
    address = forms.CharField(label=_("address"), max_length=300, required=False)
    description = forms.CharField(
        label=_("what the caller said"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    patient_name = forms.CharField(label=_("patient"), max_length=200, required=False)
    patient_age = forms.IntegerField(label=_("age"), required=False, min_value=0, max_value=130)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].choices = [("", _("— choose —")), *cbd.choices()]


class StepForm(forms.Form):
    step = forms.ChoiceField(label=_("step"), choices=STAMPED_STEPS)
    hospital = forms.CharField(label=_("receiving hospital"), max_length=200, required=False)


class CareForm(forms.Form):
    patient_name = forms.CharField(label=_("patient"), max_length=200, required=False)
    patient_age = forms.IntegerField(label=_("age"), required=False, min_value=0, max_value=130)
    care_notes = forms.CharField(
        label=_("care given"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    hospital = forms.CharField(label=_("receiving hospital"), max_length=200, required=False)


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("from"))
    end = forms.DateField(label=_("to"))


class RulesForm(forms.Form):
    """The wearer's own rules; an empty rule is not checked."""

    heart_rate_min = forms.IntegerField(label=_("lowest heart rate"), required=False)
    heart_rate_max = forms.IntegerField(label=_("highest heart rate"), required=False)
    geofence_radius_m = forms.IntegerField(
        label=_("geofence radius around the home (m)"),
        required=False,
        help_text=_("for a person with dementia: an alert when the band leaves this circle"),
    )
    still_hours = forms.IntegerField(label=_("no movement for (hours, daytime)"), required=False)
    battery_low = forms.IntegerField(label=_("battery low below (%)"), initial=20)
    medical_summary = forms.CharField(
        label=_("medical summary"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class WristbandForm(RulesForm):
    person = forms.ChoiceField(label=_("worn by"), choices=())
    serial = forms.CharField(label=_("band's device id (IMEI or tracker id)"), max_length=64)
    field_order = ["person", "serial"]

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The posted id is checked by the service (an unknown person is an error on the field, not a 500).
        self.fields["person"] = forms.CharField(
            label=_("worn by"),
            widget=forms.Select(choices=[("", _("— choose —")), *[(p.pk, p.display_name) for p in people]]),
        )
        self.order_fields(self.field_order)


class ReplaceForm(forms.Form):
    serial = forms.CharField(label=_("the new band's device id"), max_length=64)


class OnCallForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    phone = forms.CharField(label=_("mobile phone"), max_length=40)
    line_user_id = forms.CharField(
        label=_("LINE account"),
        max_length=64,
        required=False,
        help_text=_("optional: the alert is also sent on LINE"),
    )
