"""Forms of the taxpayer pages. Domain rules live in the services; these only shape the input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from muang.property.models import Use


class SignInForm(forms.Form):
    tax_id = forms.CharField(
        label=_("National ID or tax ID (13 digits)"),
        max_length=30,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "1-2345-67890-12-3"}
        ),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code from the SMS"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9 ]*",
                "autofocus": True,
            }
        ),
    )


class UseChangeForm(forms.Form):
    property = forms.ChoiceField(label=_("Which property"))
    use = forms.ChoiceField(label=_("New use"), choices=Use.choices)
    share_agricultural = forms.DecimalField(
        label=_("Agricultural %"), required=False, min_value=0, max_value=100
    )
    share_residential = forms.DecimalField(
        label=_("Residential %"), required=False, min_value=0, max_value=100
    )
    share_other = forms.DecimalField(label=_("Other use %"), required=False, min_value=0, max_value=100)
    share_vacant = forms.DecimalField(label=_("Vacant %"), required=False, min_value=0, max_value=100)
    changed_on = forms.DateField(label=_("Since when"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(
        label=_("What changed (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # Its content is checked and re-encoded by the service (muang.core.images), like every upload.
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )

    def __init__(self, *args, holdings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["property"].choices = [("", "—")] + [
            (h.key, f"{h.label} ({h.use_display})") for h in holdings
        ]


class ObjectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the assessment is wrong"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "For example: the area or the use is wrong, the building was demolished, you were not the owner on 1 January."
        ),
    )
