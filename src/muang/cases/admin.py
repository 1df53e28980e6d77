"""Django admin for an organisation's case configuration (categories, statuses, holidays), scoped and audited.

Cases themselves are worked through the services (API and staff pages), never edited here.
"""

from django.contrib import admin

from muang.core.admin import ScopedAdmin

from .models import CaseCategory, CaseStatus, Holiday


@admin.register(CaseCategory)
class CaseCategoryAdmin(ScopedAdmin):
    list_display = ("name_th", "code", "organization", "default_department", "sla_hours", "is_active")
    list_filter = (("organization", admin.RelatedOnlyFieldListFilter), "is_sensitive", "is_active")
    search_fields = ("name_th", "name_en", "code")


@admin.register(CaseStatus)
class CaseStatusAdmin(ScopedAdmin):
    list_display = ("name_th", "code", "organization", "kind", "is_resolution", "is_system", "is_active")
    list_filter = (("organization", admin.RelatedOnlyFieldListFilter), "kind")
    search_fields = ("name_th", "name_en", "code")

    def get_readonly_fields(self, request, obj=None):
        # Cases copy whether their status is open; services rely on the built-in codes.
        if obj is None:
            return ()
        fields = ["organization", "kind", "is_resolution"]
        return [*fields, "code"] if obj.is_system else fields

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.is_system)


@admin.register(Holiday)
class HolidayAdmin(ScopedAdmin):
    list_display = ("date", "name_th", "organization")
    list_filter = (("organization", admin.RelatedOnlyFieldListFilter),)
    date_hierarchy = "date"
