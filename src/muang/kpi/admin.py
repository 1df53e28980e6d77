"""The KPI catalogue in the Django admin: frameworks, areas and indicators are the platform's (one catalogue for
every organisation), so only the platform operator changes them, and any staff account may read them; an
organisation's yearly targets are its own, read here by its administrator and set on the targets page
(kpi:manage), whose service checks the year and the indicator's range. Every change is audited (ScopedAdmin).

A formula indicator's formula is checked against the catalogue when it is saved (`services.formula_check`): an
unknown code, a circle of formulas or a malformed expression is an error on the field, nothing saved."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from muang.core.admin import PlatformAdmin, ReadOnlyAdminMixin, ScopedAdmin
from muang.core.errors import InvalidInput
from muang.core.form_errors import add_service_errors
from muang.kpi import services
from muang.kpi.models import Area, Framework, Indicator, School, Source, Target


class CatalogueAdmin(PlatformAdmin):
    """The catalogue is platform data (an indicator is made inactive, never deleted: its history stays)."""


@admin.register(Framework)
class FrameworkAdmin(CatalogueAdmin):
    list_display = ("code", "name_th", "name_en", "order")


@admin.register(Area)
class AreaAdmin(CatalogueAdmin):
    list_display = ("code", "name_th", "framework", "order")
    list_filter = ("framework",)


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = (
            "code",
            "name_th",
            "name_en",
            "definition",
            "unit",
            "direction",
            "source",
            "formula",
            "owner_duty",
            "reference",
            "min_value",
            "max_value",
            "areas",
            "is_active",
        )

    def clean(self):
        cleaned = super().clean()
        source, formula = cleaned.get("source"), (cleaned.get("formula") or "").strip()
        code = cleaned.get("code") or (self.instance.code if self.instance.pk else "")
        if source == Source.FORMULA:
            try:
                services.formula_check(code=code, text=formula)
            except InvalidInput as e:
                add_service_errors(self, e)
        elif formula:
            self.add_error("formula", Indicator._meta.get_field("formula").help_text)
        if self.instance.pk and self.instance.source == Source.COMPUTED and source != Source.COMPUTED:
            self.add_error("source", forms.ValidationError(_computed_message()))
        return cleaned


def _computed_message():
    from django.utils.translation import gettext

    return gettext("An indicator computed from its module stays computed: its app's contract defines it.")


@admin.register(Indicator)
class IndicatorAdmin(CatalogueAdmin):
    form = IndicatorForm
    list_display = ("code", "name_th", "unit_shown", "source", "owner_duty", "is_active")
    list_filter = ("source", "is_active", "owner_duty")
    search_fields = ("code", "name_th", "name_en")
    filter_horizontal = ("areas",)

    @admin.display(description=_("unit"), ordering="unit")
    def unit_shown(self, obj: Indicator) -> str:
        # As a page reads it (บาท, วัน); a count has no word after it, so it is named here.
        return obj.unit_label or pgettext_lazy("indicator unit", "count")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.source == Source.COMPUTED:
            return ("code", "unit", "direction", "has_places")  # its app's contract says these
        return ("has_places",)


@admin.register(Target)
class TargetAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    """An organisation's targets, read here; set on the targets page (kpi:manage) through `target_set`."""

    list_display = ("indicator", "organization", "fiscal_year", "value")
    list_filter = ("fiscal_year",)


@admin.register(School)
class SchoolAdmin(ScopedAdmin):
    """The organisation's schools, added and edited by its administrator (the code checked: 10 digits, one
    school per code in the country); ended (inactive), never deleted: their figures keep them."""

    list_display = ("code", "name_th", "organization", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name_th", "name_en")
    fields = ("organization", "code", "name_th", "name_en", "is_active")

    def has_delete_permission(self, request, obj=None):
        return False
