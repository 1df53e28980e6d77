"""Forms of the web side of citizen reports (intake, rating, reopen); the case desk's are in muang.cases.forms."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from muang.cases.forms import MultiplePhotoField, phone_field
from muang.cases.services.steps import MAX_DESCRIPTION, MAX_MESSAGE


class ReportForm(forms.Form):
    """The citizen's report. Where and which category are checked against the organisation in the view."""

    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180)
    category = forms.CharField(label=_("Category"), max_length=40)
    description = forms.CharField(
        label=_("What is the problem?"), max_length=MAX_DESCRIPTION, widget=forms.Textarea(attrs={"rows": 4})
    )
    photos = MultiplePhotoField(label=_("Photos (up to 5)"))
    contact_name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    contact_phone = phone_field()
    contact_email = forms.EmailField(label=_("Email"), required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64, min_length=16)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)


class RatingForm(forms.Form):
    stars = forms.TypedChoiceField(
        label=_("Rating"), choices=[(i, str(i)) for i in range(1, 6)], coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ClaimForm(forms.Form):
    """ "This is my report": the phone number given with it (checked, and throttled, by the service)."""

    phone = forms.CharField(
        label=_("The phone number you gave with the report"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it not fixed?"), max_length=MAX_MESSAGE, widget=forms.Textarea(attrs={"rows": 2})
    )
