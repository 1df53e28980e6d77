"""Forms of the property pages: the field survey of a parcel."""

from django import forms
from django.utils.translation import gettext_lazy as _

from muang.core.errors import MuangError
from muang.core.form_errors import add_service_errors
from muang.property.models import PURE_USES, Parcel, Use
from muang.property.registry.services.survey import MAX_NOTE, SURVEYED_STATES


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultiplePhotoField, self).clean(item, initial) for item in items]


class SurveyForm(forms.Form):
    use = forms.ChoiceField(label=_("use"), choices=Use.choices)
    share_agricultural = forms.DecimalField(
        label=_("agricultural share %"), required=False, min_value=0, max_value=100, decimal_places=2
    )
    share_residential = forms.DecimalField(
        label=_("residential share %"), required=False, min_value=0, max_value=100, decimal_places=2
    )
    share_other = forms.DecimalField(
        label=_("other-use share %"), required=False, min_value=0, max_value=100, decimal_places=2
    )
    share_vacant = forms.DecimalField(
        label=_("vacant share %"), required=False, min_value=0, max_value=100, decimal_places=2
    )
    survey_status = forms.ChoiceField(
        label=_("survey status"),
        choices=[(s.value, s.label) for s in Parcel.SurveyStatus if s in SURVEYED_STATES],
        initial=Parcel.SurveyStatus.SURVEYED,
    )
    note = forms.CharField(
        label=_("note"), required=False, max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = MultiplePhotoField(
        label=_("photos"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    reason = forms.CharField(
        label=_("reason for the change"),
        max_length=300,
        initial=_("field survey"),
        help_text=_("Kept in the parcel's history."),
    )
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    accuracy = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=0)

    SHARE_FIELDS = tuple(f"share_{u.value}" for u in PURE_USES)

    def use_shares(self) -> dict | None:
        data = self.cleaned_data
        if data["use"] != Use.MIXED:
            return None
        return {f.removeprefix("share_"): data[f] or 0 for f in self.SHARE_FIELDS}

    def add_service_errors(self, error: MuangError) -> None:
        """Put a service's field errors on the form fields (use_shares on the share fields' group)."""
        add_service_errors(self, error, aliases={"use_shares": "use"})
