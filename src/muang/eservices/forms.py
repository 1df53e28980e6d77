"""The application form: the applicant, the service's own fields (declared as data in its manual) and one file
field per document. Checks here are only of shape; the services decide (and name the field they refuse)."""

from django import forms
from django.utils.translation import gettext_lazy as _

FILE_ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"


def _document_fields(form: forms.Form, service, *, only: list[str] | None = None) -> None:
    for doc in service.documents:
        if only is not None and doc["code"] not in only:
            continue
        form.fields[f"documents.{doc['code']}"] = forms.FileField(
            label=doc["name"],
            required=False,
            widget=forms.ClearableFileInput(attrs={"accept": FILE_ACCEPT}),
        )


class _Documents:
    def documents(self) -> dict:
        return {
            name.split(".", 1)[1]: upload
            for name, upload in self.cleaned_data.items()
            if name.startswith("documents.") and upload
        }


class ApplicationForm(_Documents, forms.Form):
    applicant_name = forms.CharField(label=_("Applicant's full name"), max_length=200)
    applicant_phone = forms.CharField(label=_("Mobile phone"), max_length=20)

    def __init__(self, service, *args, online: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.service = service
        if online:  # the signed-in applicant's proven number: not typed again
            del self.fields["applicant_phone"]
        for spec in service.fields:
            self.fields[spec["name"]] = forms.CharField(label=spec["label"], required=False, max_length=500)
        _document_fields(self, service)

    def service_data(self) -> dict:
        names = {spec["name"] for spec in self.service.fields}
        return {k: v for k, v in self.cleaned_data.items() if k in names and v not in (None, "")}


class DocumentsForm(_Documents, forms.Form):
    def __init__(self, service, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _document_fields(self, service)


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Your mobile phone number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "autofocus": True}),
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


class MissingDocumentsForm(forms.Form):
    """The one request for missing documents (s.8): which ones, and a note."""

    codes = forms.MultipleChoiceField(label=_("Missing documents"), widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(
        label=_("Note to the applicant"), required=False, max_length=1000, widget=forms.Textarea
    )

    def __init__(self, service, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["codes"].choices = [(d["code"], d["name"]) for d in service.documents]


class InspectionForm(forms.Form):
    at = forms.DateTimeField(
        label=_("Inspection appointment"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Approve")), ("0", _("Refuse"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(label=_("Reasons"), max_length=2000, widget=forms.Textarea)
