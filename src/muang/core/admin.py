"""Django admin for configuration, scoped to the organisations the admin administers, every write audited."""

import re

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, ReadOnlyPasswordHashWidget, UserChangeForm
from django.contrib.gis.admin import GISModelAdmin
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from muang.core import audit, services
from muang.core.access import Actor, administered_organization_ids, may_manage_user, users_managed_within
from muang.core.admin_labels import ThaiLabelsMixin, as_lines
from muang.core.errors import MuangError
from muang.core.form_errors import add_service_errors
from muang.core.models import (
    ApiToken,
    AuditEntry,
    Citizen,
    Department,
    District,
    Duty,
    Invitation,
    LineChannel,
    Membership,
    Notification,
    Organization,
    Province,
    Role,
    Subdistrict,
    User,
)
from muang.core.validation import validate_membership
from muang.core.views.auth import AdminSignInForm
from muang.core.widgets import OfflineMapWidget

admin.site.site_header = _("Muang administration")
admin.site.site_title = _("Muang")
admin.site.login_form = AdminSignInForm


def administered_org_ids(request: HttpRequest) -> frozenset[int] | None:
    """None for a superuser (everything); otherwise the organisations where the user is an active system
    administrator (muang.core.access.administered_organization_ids), once per request."""
    if not hasattr(request, "_muang_admin_orgs"):
        request._muang_admin_orgs = administered_organization_ids(request.user)
    return request._muang_admin_orgs


def _actor(request: HttpRequest) -> Actor:
    return Actor(
        user=request.user, ip_address=request.META.get("REMOTE_ADDR"), request_id=getattr(request, "id", "")
    )


def _scoped_choices(db_field, orgs: frozenset[int]):
    """The rows a foreign key may point at for the administrator of `orgs`: their organisations, the rows of
    their organisations, and no account they may not manage; None when the field is not tenant data."""
    related = db_field.related_model
    if related is Organization:
        return Organization.objects.filter(pk__in=orgs)
    if related is User:
        return users_managed_within(orgs)
    if any(f.name == "organization" for f in related._meta.get_fields()):
        return related._default_manager.filter(organization__in=orgs)
    return None


def _audited_save(save, request: HttpRequest, obj, form, change: bool, organization) -> None:
    """`save(request, obj, form, change)` (the ModelAdmin's own), then the audit entry of what changed;
    `organization()` is the row's organisation (None for platform data)."""
    before = audit.snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else {}
    save(request, obj, form, change)
    changes = audit.diff(before, audit.snapshot(obj))
    if changes or not change:
        audit.record(
            actor=_actor(request),
            organization=organization(),
            instance=obj,
            action=AuditEntry.Action.UPDATE if change else AuditEntry.Action.CREATE,
            changes=changes,
            reason="admin",
        )


class PlatformAdmin(ThaiLabelsMixin, admin.ModelAdmin):
    """Platform data, the same for every organisation (national rates, a catalogue): every staff account
    reads it, only the platform operator (superuser) adds and changes it, nobody deletes it from here (rows
    that records point at are ended, not removed); every change is in the audit log."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        _audited_save(super().save_model, request, obj, form, change, lambda: None)


class ScopedAdmin(ThaiLabelsMixin, admin.ModelAdmin):
    """Shows only rows of administered organisations and records every change in the audit log."""

    org_path = "organization"  # how to reach the organisation id from this model
    superuser_only_add = False
    # A web address typed without a scheme is taken as https (Django 6's default, asked for explicitly now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

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
        if orgs is not None and (choices := _scoped_choices(db_field, orgs)) is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        orgs = administered_org_ids(request)
        if orgs is not None and (choices := _scoped_choices(db_field, orgs)) is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        _audited_save(super().save_model, request, obj, form, change, lambda: self._org_of(obj, request))

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


class AxesAccessAttemptAdmin(AccessAttemptAdmin):
    """django-axes' own page of sign-in attempts (the platform operator's), whose clean-up action needs the
    attempt time that axes sets only on sign-in requests: without it the action was a server error."""

    @admin.action(description=AccessAttemptAdmin.cleanup_expired_attempts.short_description)
    def cleanup_expired_attempts(self, request, queryset):
        if not hasattr(request, "axes_attempt_time"):
            request.axes_attempt_time = timezone.now()
        return super().cleanup_expired_attempts(request, queryset)


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, AxesAccessAttemptAdmin)


class MapAdmin(GISModelAdmin):
    """Geometry fields on the installation's own base map, OpenLayers from the npm package (no CDN)."""

    gis_widget = OfflineMapWidget


class ReadOnlyAdminMixin:
    """Rows that are viewed here but written only by the platform (tokens, the audit log, reference data)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Organization)
class OrganizationAdmin(ScopedAdmin, MapAdmin):
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


class DepartmentForm(forms.ModelForm):
    """The duties as ticks rather than the comma-separated text Django gives an ArrayField."""

    duties = forms.MultipleChoiceField(
        label=_("duties"),
        choices=Duty.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "What this department is responsible for; its staff get the permissions of these duties."
        ),
    )

    class Meta:
        model = Department
        fields = ("organization", "code", "name_th", "name_en", "phone", "duties", "is_active")


@admin.register(Department)
class DepartmentAdmin(ScopedAdmin):
    """Departments and the duties they hold: who works the tax registry (tax) and the bills (finance) follows
    from here, so every change is audited like any other admin write."""

    form = DepartmentForm
    list_display = ("name_th", "code", "organization", "duty_list", "phone", "is_active")
    list_filter = (("organization", admin.RelatedOnlyFieldListFilter), "is_active")
    search_fields = ("name_th", "name_en", "code")

    @admin.display(description=_("duties"))
    def duty_list(self, obj: Department) -> str:
        labels = dict(Duty.choices)
        return ", ".join(str(labels.get(d, d)) for d in obj.duties)


class MembershipInline(ThaiLabelsMixin, admin.TabularInline):
    """A managed account's memberships, in the organisations the administrator administers only."""

    model = Membership
    fk_name = "user"
    extra = 0
    fields = ("organization", "department", "role", "title", "is_active")

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        orgs = administered_org_ids(request)
        return qs if orgs is None else qs.filter(organization__in=orgs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        orgs = administered_org_ids(request)
        if orgs is not None and (choices := _scoped_choices(db_field, orgs)) is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # The account itself was checked by StaffUserAdmin (whose change page this is): memberships follow it.
    def _may(self, request, obj=None) -> bool:
        return obj is not None and may_manage_user(request.user, obj)

    def has_view_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may(request, obj)


class StaffUserCreationForm(AdminUserCreationForm):
    """A new staff account, created straight into one of the administrator's organisations: the account and its
    membership are written together. Existing accounts join an organisation only through an Invitation."""

    organization = forms.ModelChoiceField(label=_("organisation"), queryset=Organization.objects.none())
    role = forms.ChoiceField(label=_("role"), choices=Role.choices)
    department = forms.ModelChoiceField(
        label=_("department"), queryset=Department.objects.none(), required=False
    )
    title = forms.CharField(label=_("position title"), max_length=200, required=False)

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "first_name", "last_name", "email", "phone")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("organization") and not cleaned.get("role"):
            self.add_error("role", _("Choose the role in the organisation."))
        elif cleaned.get("organization"):
            membership = Membership(
                organization=cleaned["organization"],
                role=cleaned["role"],
                department=cleaned.get("department"),
                title=cleaned.get("title", ""),
            )
            try:
                validate_membership(membership)
            except ValidationError as e:
                self.add_error(None, e)
        return cleaned


class PasswordHashSummary(ReadOnlyPasswordHashWidget):
    """The password's summary with its values (the hasher's name, the hash's first letters) as literals: each
    value is handed to Django's own template already inside <code>."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for entry in context["summary"]:
            if entry.get("value"):
                entry["value"] = format_html("<code>{}</code>", entry["value"])
        return context


class StaffUserChangeForm(UserChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if password := self.fields.get("password"):
            password.widget = PasswordHashSummary()


@admin.register(User)
class StaffUserAdmin(ScopedAdmin, UserAdmin):
    """Staff accounts. An organisation's administrator sees and manages only the accounts whose every membership
    is in organisations they administer (muang.core.access.users_managed_within): the password page, the change
    form, history, deletion and bulk actions included. Superusers and platform staff are out of their reach."""

    form = StaffUserChangeForm
    add_form = StaffUserCreationForm
    inlines = [MembershipInline]
    list_display = ("username", "first_name", "last_name", "email", "is_active")
    list_filter = ("is_active", "is_staff")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "phone")}),
        (_("Access"), {"fields": ("is_active", "is_staff")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "usable_password", "password1", "password2")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "phone")}),
        (_("Membership"), {"fields": ("organization", "department", "role", "title")}),
    )

    def get_queryset(self, request):
        return users_managed_within(administered_org_ids(request)).prefetch_related("memberships")

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
        return obj is None or may_manage_user(request.user, obj)

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None:
            orgs = administered_org_ids(request)
            organizations = (
                Organization.objects.all() if orgs is None else Organization.objects.filter(pk__in=orgs)
            )
            form.base_fields["organization"].queryset = organizations
            form.base_fields["department"].queryset = Department.objects.filter(
                organization__in=organizations
            )
            # Only the platform operator creates an account outside every organisation (platform staff).
            form.base_fields["organization"].required = orgs is not None
            form.base_fields["role"].required = orgs is not None
        return form

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and request.user.is_superuser:
            fieldsets = (*fieldsets, (_("Platform"), {"fields": ("is_superuser",)}))
        return fieldsets

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        data = form.cleaned_data
        admin.ModelAdmin.save_model(self, request, obj, form, change)
        actor = _actor(request)
        organization = data.get("organization")
        audit.record_create(actor=actor, organization=organization, instance=obj, reason="admin")
        if organization is not None:
            membership = Membership.objects.create(
                user=obj,
                organization=organization,
                department=data.get("department"),
                role=data["role"],
                title=data.get("title", ""),
            )
            audit.record_create(actor=actor, organization=organization, instance=membership, reason="admin")

    def log_change(self, request, obj, message):
        # The password page saves through its own form: the reset is audited here (the hash never is).
        if request.path.endswith("/password/"):
            audit.record(
                actor=_actor(request),
                organization=self._org_of(obj, request),
                instance=obj,
                action=AuditEntry.Action.UPDATE,
                changes={"password": ["***", "***"]},
                reason="admin: password reset",
            )
        return super().log_change(request, obj, message)

    def save_formset(self, request, form, formset, change):
        """Membership rows added, changed or removed on the account's page, each audited."""
        actor = _actor(request)
        # The forms changed the queryset's rows in memory while validating: "before" is read again, in one query.
        ids = [m.pk for m in formset.queryset]
        befores = {m.pk: audit.snapshot(m) for m in Membership.objects.filter(pk__in=ids)}
        instances = formset.save(commit=False)
        for membership in formset.deleted_objects:
            audit.record(
                actor=actor,
                organization=membership.organization,
                instance=membership,
                action=AuditEntry.Action.DELETE,
                changes=audit.diff(befores.get(membership.pk, {}), {}),
                reason="admin",
            )
            membership.delete()
        for membership in instances:
            before = befores.get(membership.pk, {})
            membership.save()
            changes = audit.diff(before, audit.snapshot(membership))
            if changes:
                audit.record(
                    actor=actor,
                    organization=membership.organization,
                    instance=membership,
                    action=AuditEntry.Action.UPDATE if before else AuditEntry.Action.CREATE,
                    changes=changes,
                    reason="admin",
                )
        formset.save_m2m()


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin):
    """Memberships of the administered organisations: role, department, title, active. Nobody is attached here
    by typing an account: a new person is added as a staff user (with their membership), an existing account
    is invited (Invitations) and joins when it accepts. Only the platform operator adds memberships directly."""

    list_display = ("user", "organization", "department", "role", "title", "is_active")
    list_filter = ("role", ("organization", admin.RelatedOnlyFieldListFilter), "is_active")
    search_fields = ("user__username", "user__first_name", "user__last_name", "title")
    superuser_only_add = True

    def get_autocomplete_fields(self, request):
        return ("user",) if request.user.is_superuser else ()

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ()
        return ("user", "organization") if obj is not None else ()


class InvitationForm(forms.ModelForm):
    """Invite an existing account by its username or e-mail address; checked by the service."""

    invitee = forms.CharField(
        label=_("username or e-mail address"),
        max_length=254,
        help_text=_("The account is asked to join; it becomes a member only when it accepts."),
    )

    request: HttpRequest | None = None  # set by InvitationAdmin.get_form: the service checks who is inviting

    class Meta:
        model = Invitation
        fields = ("organization", "role", "department", "title")

    def clean(self):
        cleaned = super().clean()
        if self.errors or self.request is None:
            return cleaned
        try:
            self.draft = services.invitation_check(
                actor=_actor(self.request),
                organization=cleaned["organization"],
                invitee=cleaned.get("invitee", ""),
                role=cleaned.get("role", ""),
                department=cleaned.get("department"),
                title=cleaned.get("title", ""),
            )
        except MuangError as e:
            add_service_errors(self, e)
        return cleaned


@admin.register(Invitation)
class InvitationAdmin(ScopedAdmin):
    """Invitations to existing accounts: sent here, answered by the invited person on /invitations/, expiring,
    withdrawn with the action; never edited or deleted (they are the record of who was asked to join)."""

    form = InvitationForm
    list_display = ("user", "organization", "role", "department", "status", "created_at", "expires_at")
    list_filter = ("status", ("organization", admin.RelatedOnlyFieldListFilter))
    search_fields = ("user__username", "user__email")
    actions = ["revoke"]
    readonly_fields = ("user", "status", "invited_by", "created_at", "expires_at", "decided_at")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.request = request
        return form

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("invitee", "organization", "role", "department", "title")
        return (
            "user",
            "organization",
            "role",
            "department",
            "title",
            "status",
            "invited_by",
            "created_at",
            "expires_at",
            "decided_at",
        )

    def has_add_permission(self, request):
        # The platform operator adds memberships directly; invitations are an organisation's own act.
        return not request.user.is_superuser and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        if request.user.is_superuser:
            actions.pop("revoke", None)
        return actions

    def save_model(self, request, obj, form, change):
        draft = form.draft
        invitation = services.invitation_create(
            actor=_actor(request),
            organization=draft.organization,
            invitee=draft.user.username,
            role=draft.role,
            department=draft.department,
            title=draft.title,
        )
        for (
            field
        ) in Invitation._meta.concrete_fields:  # the admin's message and redirect name what was written
            setattr(obj, field.attname, getattr(invitation, field.attname))

    @admin.action(description=_("Withdraw the selected invitations"))
    def revoke(self, request, queryset):
        done = 0
        for invitation in queryset:
            try:
                services.invitation_revoke(actor=_actor(request), invitation=invitation)
            except MuangError as e:
                self.message_user(request, f"{invitation}: {e.detail}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, _("%(n)s invitations withdrawn.") % {"n": done}, messages.SUCCESS)


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


class ReferenceAdmin(ThaiLabelsMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
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


_URL = re.compile(r"https?://\S+")


def _message_text(message: dict) -> str:
    if message.get("type") != "text":
        return format_html("<code>{}</code>", message.get("type", ""))
    text = message.get("text", "")
    parts, last = [], 0
    for url in _URL.finditer(text):
        parts.append(format_html("{}<code>{}</code>", text[last : url.start()], url.group()))
        last = url.end()
    return mark_safe("".join([*parts, conditional_escape(text[last:])]))  # noqa: S308 -- each part escaped


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    """What was sent to citizens, and what could not be (status "gave up", with the last error)."""

    list_display = ("created_at", "organization", "channel", "subject", "status", "attempts", "last_error")
    list_filter = ("status", "channel", ("organization", admin.RelatedOnlyFieldListFilter))
    readonly_fields = [f.name for f in Notification._meta.fields]
    literal_fields = ("subject", "reply_token", "retry_key")
    readonly_shown_as = {"messages": "message_texts"}

    @admin.display(description=_("messages"))
    def message_texts(self, obj: Notification):
        """The messages as the citizen reads them (stored as LINE message objects): a text message's text, with
        its links as literals; another kind of message by its type."""
        return as_lines((_message_text(m) for m in obj.messages if isinstance(m, dict)), pre_line=True)
