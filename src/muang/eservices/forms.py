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

    def __init__(self, service, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.service = service
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
