"""Django admin for configuration, scoped to the organisations the admin administers, every write audited."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.gis.admin import GISModelAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from muang.core import audit
from muang.core.access import Actor
from muang.core.models import (
    ApiToken,
    AuditEntry,
    Citizen,
    Department,
    District,
    LineChannel,
    Membership,
    Notification,
    Organization,
    Province,
    Role,
    Subdistrict,
    User,
)
from muang.core.views.auth import AdminSignInForm

admin.site.site_header = _("Muang administration")
admin.site.site_title = _("Muang")
admin.site.login_form = AdminSignInForm


def administered_org_ids(request: HttpRequest) -> set[int] | None:
    """None for a superuser (everything); otherwise the organisations where the user is a system admin."""
    if request.user.is_superuser:
        return None
    if not hasattr(request, "_muang_admin_orgs"):
        request._muang_admin_orgs = set(
            Membership.objects.filter(user=request.user, role=Role.SYSTEM_ADMIN, is_active=True).values_list(
                "organization_id", flat=True
            )
        )
    return request._muang_admin_orgs


def _actor(request: HttpRequest) -> Actor:
    return Actor(
        user=request.user, ip_address=request.META.get("REMOTE_ADDR"), request_id=getattr(request, "id", "")
    )


class ScopedAdmin(admin.ModelAdmin):
    """Shows only rows of administered organisations and records every change in the audit log."""

    org_path = "organization"  # how to reach the organisation id from this model
    superuser_only_add = False

    def _org_of(self, obj, request: HttpRequest) -> Organization | None:
        for part in self.org_path.split("__"):
            obj = getattr(obj, part, None) if obj is not None else None
        return obj if isinstance(obj, Organization) else None

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        orgs = administered_org_ids(request)
        return qs if orgs is None else qs.filter(**{f"{self.org_path}__in": orgs}).distinct()

    def _may(self, request, obj=None) -> bool:
        orgs = administered_org_ids(request)
        if orgs is None:
            return True
        if not orgs:
            return False
        if obj is None:
            return True
        org = self._org_of(obj, request)
        return org is not None and org.pk in orgs

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and self._may(request)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and self._may(request, obj)

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_add_permission(self, request):
        if self.superuser_only_add:
            return request.user.is_superuser
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        orgs = administered_org_ids(request)
        if orgs is not None:
            if db_field.related_model is Organization:
                kwargs["queryset"] = Organization.objects.filter(pk__in=orgs)
            elif db_field.related_model is Department:
                kwargs["queryset"] = Department.objects.filter(organization__in=orgs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        before = audit.snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else {}
        super().save_model(request, obj, form, change)
        changes = audit.diff(before, audit.snapshot(obj))
        if changes or not change:
            audit.record(
                actor=_actor(request),
                organization=self._org_of(obj, request),
                instance=obj,
                action=AuditEntry.Action.UPDATE if change else AuditEntry.Action.CREATE,
                changes=changes,
                reason="admin",
            )

    def delete_model(self, request, obj):
        audit.record(
            actor=_actor(request),
            organization=self._org_of(obj, request),
            instance=obj,
            action=AuditEntry.Action.DELETE,
            changes=audit.diff(audit.snapshot(obj), {}),
            reason="admin",
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class ReadOnlyAdminMixin:
    """Rows that are viewed here but written only by the platform (tokens, the audit log, reference data)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Organization)
class OrganizationAdmin(ScopedAdmin, GISModelAdmin):
    org_path = "pk"
    superuser_only_add = True
    list_display = ("name_th", "kind", "dla_code", "province", "district", "is_active")
    list_filter = ("kind", "is_active", "province")
    search_fields = ("name_th", "name_en", "dla_code", "slug")
    autocomplete_fields = ("province", "district", "subdistrict")

    def _org_of(self, obj, request):
        return obj

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request)
        orgs = administered_org_ids(request)
        return qs if orgs is None else qs.filter(pk__in=orgs)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        # Identity fields are set by the platform operator, not by the tenant's own admin.
        if request.user.is_superuser:
            return ()
        return ("slug", "kind", "dla_code", "province", "district", "subdistrict")


@admin.register(Department)
class DepartmentAdmin(ScopedAdmin):
    list_display = ("name_th", "code", "organization", "phone", "is_active")
    list_filter = (("organization", admin.RelatedOnlyFieldListFilter), "is_active")
    search_fields = ("name_th", "name_en", "code")


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 1

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        orgs = administered_org_ids(request)
        return qs if orgs is None else qs.filter(organization__in=orgs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        orgs = administered_org_ids(request)
        if orgs is not None:
            if db_field.related_model is Organization:
                kwargs["queryset"] = Organization.objects.filter(pk__in=orgs)
            elif db_field.related_model is Department:
                kwargs["queryset"] = Department.objects.filter(organization__in=orgs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(User)
class StaffUserAdmin(ScopedAdmin, UserAdmin):
    org_path = "memberships__organization"
    inlines = [MembershipInline]
    list_display = ("username", "first_name", "last_name", "email", "is_active")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "phone")}),
        (_("Access"), {"fields": ("is_active", "is_staff")}),
    )

    def _org_of(self, obj, request):
        orgs = administered_org_ids(request)
        memberships = [m for m in obj.memberships.all() if orgs is None or m.organization_id in orgs]
        return memberships[0].organization if memberships else None

    def _may(self, request, obj=None):
        orgs = administered_org_ids(request)
        if orgs is None:
            return True
        if not orgs:
            return False
        if obj is None or not obj.pk:
            return True
        return obj.memberships.filter(organization__in=orgs).exists()

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and request.user.is_superuser:
            fieldsets = (*fieldsets, (_("Platform"), {"fields": ("is_superuser",)}))
        return fieldsets


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin):
    list_display = ("user", "organization", "department", "role", "title", "is_active")
    list_filter = ("role", ("organization", admin.RelatedOnlyFieldListFilter), "is_active")
    search_fields = ("user__username", "user__first_name", "user__last_name", "title")
    autocomplete_fields = ("user",)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    """Read-only here: tokens are created (secret shown once) and revoked on the staff page /tokens/."""

    list_display = ("name", "prefix", "organization", "scopes", "created_at", "last_used_at", "revoked_at")
    list_filter = (("organization", admin.RelatedOnlyFieldListFilter),)
    readonly_fields = [f.name for f in ApiToken._meta.fields]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    """The audit log: filterable, never editable (a database trigger also refuses UPDATE and DELETE)."""

    list_display = ("at", "organization", "actor_label", "action", "object_type", "object_repr")
    list_filter = (
        "action",
        "object_type",
        ("organization", admin.RelatedOnlyFieldListFilter),
        ("at", admin.DateFieldListFilter),
    )
    search_fields = ("actor_label", "object_repr", "object_id", "request_id")
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]


class ReferenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """DOPA reference data: searchable by everyone in the admin, changed only by `manage.py load_areas`."""

    search_fields = ("code", "name_th", "name_en")
    list_display = ("code", "name_th", "name_en")

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)


admin.site.register(Province, ReferenceAdmin)
admin.site.register(District, ReferenceAdmin)
admin.site.register(Subdistrict, ReferenceAdmin)


@admin.register(Citizen)
class CitizenAdmin(admin.ModelAdmin):
    """Citizen accounts hold personal data: only the platform operator sees them here."""

    list_display = ("id", "display_name", "created_at")

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(LineChannel)
class LineChannelAdmin(ScopedAdmin):
    list_display = ("organization", "channel_id", "is_active")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    """What was sent to citizens, and what could not be (status "gave up", with the last error)."""

    list_display = ("created_at", "organization", "channel", "subject", "status", "attempts", "last_error")
    list_filter = ("status", "channel", ("organization", admin.RelatedOnlyFieldListFilter))
    readonly_fields = [f.name for f in Notification._meta.fields]
