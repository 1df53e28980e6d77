"""The registry and the valuation tables in the Django admin: read-only, scoped to the administered
organisations. Writes go through the API and the staff UI, whose services check geometry, IDs and shares
and record every change with its reason; the admin would bypass that."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from muang.core.admin import MapAdmin, ReadOnlyAdminMixin, ScopedAdmin
from muang.property.models import (
    Building,
    BuildingPrice,
    CondoPrice,
    CondoUnit,
    HouseRegistration,
    ImportBatch,
    LandPrice,
    Owner,
    Ownership,
    Parcel,
    Signboard,
    TaxYear,
)

ORG_FILTER = ("organization", admin.RelatedOnlyFieldListFilter)


class RegistryAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_per_page = 50


@admin.register(Parcel)
class ParcelAdmin(RegistryAdmin, MapAdmin):
    list_display = (
        "code",
        "organization",
        "deed_type",
        "deed_number",
        "area_square_wah",
        "use",
        "survey_status",
    )
    list_filter = (ORG_FILTER, "use", "survey_status", "deed_type")
    search_fields = ("code", "deed_number", "land_number")


@admin.register(Building)
class BuildingAdmin(RegistryAdmin):
    list_display = (
        "__str__",
        "organization",
        "type_code",
        "construction",
        "floor_area_m2",
        "year_built",
        "use",
    )
    list_filter = (ORG_FILTER, "construction", "use")
    search_fields = ("parcel__code", "house_number", "house_id")
    list_select_related = ("parcel", "organization")


@admin.register(CondoUnit)
class CondoUnitAdmin(RegistryAdmin):
    list_display = ("__str__", "organization", "condominium_code", "floor", "area_m2", "use")
    list_filter = (ORG_FILTER,)
    search_fields = ("condominium_code", "condominium_name", "unit_number")


@admin.register(Owner)
class OwnerAdmin(RegistryAdmin):
    list_display = ("owner_name", "organization", "kind", "national_id", "tax_id", "is_farmer")
    list_filter = (ORG_FILTER, "kind", "is_farmer")
    search_fields = ("name", "last_name", "national_id", "tax_id")

    @admin.display(description=_("display name"), ordering="name")
    def owner_name(self, obj: Owner) -> str:
        return obj.display_name


@admin.register(Ownership)
class OwnershipAdmin(RegistryAdmin):
    list_display = ("__str__", "organization", "kind", "valid_from", "valid_to")
    list_filter = (ORG_FILTER, "kind")


@admin.register(HouseRegistration)
class HouseRegistrationAdmin(RegistryAdmin):
    list_display = ("__str__", "organization", "registered_on", "moved_out_on")
    list_filter = (ORG_FILTER,)


@admin.register(Signboard)
class SignboardAdmin(RegistryAdmin, MapAdmin):
    list_display = (
        "__str__",
        "organization",
        "sign_type",
        "moving",
        "area_cm2",
        "installed_on",
        "removed_on",
    )
    list_filter = (ORG_FILTER, "sign_type", "moving")


@admin.register(TaxYear)
class TaxYearAdmin(RegistryAdmin):
    list_display = ("year", "organization", "status", "reduction_percent", "updated_at")
    list_filter = (ORG_FILTER, "status")


@admin.register(LandPrice)
class LandPriceAdmin(RegistryAdmin):
    list_display = ("key", "tax_year", "organization", "price_per_square_wah")
    list_filter = (ORG_FILTER,)
    search_fields = ("key",)


@admin.register(BuildingPrice)
class BuildingPriceAdmin(RegistryAdmin):
    list_display = ("type_code", "tax_year", "organization", "description", "price_per_square_metre")
    list_filter = (ORG_FILTER,)


@admin.register(CondoPrice)
class CondoPriceAdmin(RegistryAdmin):
    list_display = ("condominium_code", "floor", "tax_year", "organization", "price_per_square_metre")
    list_filter = (ORG_FILTER,)


@admin.register(ImportBatch)
class ImportBatchAdmin(RegistryAdmin):
    list_display = (
        "created_at",
        "organization",
        "kind",
        "filename",
        "rows_imported",
        "rows_skipped",
        "actor_label",
    )
    list_filter = (ORG_FILTER, "kind")
