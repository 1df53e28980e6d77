"""Django admin for the citizen-report configuration an organisation keeps as data: the extra questions of
each category (asked on the web form and published as Open311 service-definition attributes)."""

from django.contrib import admin

from muang.cases.models import CaseCategory
from muang.core.admin import ScopedAdmin, administered_org_ids

from .models import CategoryQuestion


@admin.register(CategoryQuestion)
class CategoryQuestionAdmin(ScopedAdmin):
    list_display = ("description", "code", "category", "datatype", "required", "order", "is_active")
    list_filter = (("organization", admin.RelatedOnlyFieldListFilter), "datatype", "required", "is_active")
    search_fields = ("description", "code", "category__name_th")
    ordering = ("organization", "category", "order", "code")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        orgs = administered_org_ids(request)
        if db_field.related_model is CaseCategory and orgs is not None:
            kwargs["queryset"] = CaseCategory.objects.filter(organization__in=orgs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
