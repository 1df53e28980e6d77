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
