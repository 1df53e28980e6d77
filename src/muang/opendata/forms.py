from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from muang.opendata.vocab import Classification, DataType, Frequency, GeoCoverage, Licence, Objective


class DescriptionForm(forms.Form):
    """The Thai government data catalogue's fields of one published dataset."""

    title = forms.CharField(label=_("title"), max_length=200)
    description = forms.CharField(
        label=_("description"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    keywords = forms.CharField(
        label=_("keywords"), max_length=300, required=False, help_text=_("Separated by commas.")
    )
    data_type = forms.ChoiceField(label=_("data type"), choices=DataType.choices)
    objective = forms.ChoiceField(label=_("objective"), choices=Objective.choices)
    frequency = forms.ChoiceField(label=_("update frequency"), choices=Frequency.choices)
    geo_coverage = forms.ChoiceField(label=_("geographic coverage"), choices=GeoCoverage.choices)
    source = forms.CharField(label=_("source"), max_length=300)
    licence = forms.ChoiceField(label=pgettext_lazy("open data", "licence"), choices=Licence.choices)
    classification = forms.ChoiceField(label=_("classification"), choices=Classification.choices)
    contact_email = forms.EmailField(label=_("contact e-mail"), required=False)
