"""Django admin for the catalogue an organisation keeps as data: each service's manual (s.7 of the Licensing
Facilitation Act B.E. 2558: legal basis, criteria, steps with their department and time, documents, fees,
channels). Only the organisation's system administrators (and the platform superuser) edit it; every change is
in the audit log (ScopedAdmin), and a manual missing what s.7 asks is refused on its field."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _

from muang.core.admin import ScopedAdmin
from muang.core.errors import InvalidInput
from muang.core.form_errors import add_service_errors

from .models import Service
from .services import SERVICE_FIELDS, check_manual


class ServiceForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = ("organization", "code", "published", *SERVICE_FIELDS)

    def clean(self):
        cleaned = super().clean()
        entry = {name: cleaned.get(name) for name in ("code", *SERVICE_FIELDS)}
        try:
            check_manual({k: v for k, v in entry.items() if v is not None})
        except InvalidInput as e:
            add_service_errors(self, e)
        except (TypeError, ValueError, AttributeError, KeyError):
            self.add_error(None, _("The steps, documents and fees must be lists as in the seeded catalogue."))
        return cleaned


@admin.register(Service)
class ServiceAdmin(ScopedAdmin):
    form = ServiceForm
    list_display = ("name", "code", "organization", "validity_months", "published")
    list_filter = (("organization", admin.RelatedOnlyFieldListFilter), "published")
    search_fields = ("name", "code")
    ordering = ("organization", "name")
