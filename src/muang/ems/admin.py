"""The EMS units and their crews in the Django admin, for the people whose duty they are: whoever holds
`ems.manage` in the organisation (the EMS department's head, the organisation's system administrator) and the
platform operator. A staff flag alone (an officer of another department) opens nothing.

A unit is added and changed with the checks of its service (`units.unit_create`: a call sign unique in the
organisation, a base inside Thailand); its status and position are not edited here (they follow its incidents and its tracker),
and a unit is never deleted (its incidents keep it: it is taken out of service on the board). Every change is
audited (ScopedAdmin)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from muang.core.access import Actor
from muang.core.admin import ScopedAdmin, _scoped_choices
from muang.core.errors import InvalidInput
from muang.core.form_errors import add_service_errors
from muang.core.validation import point_from
from muang.ems.models import Unit
from muang.ems.permissions import EmsPerm


def ems_managed_org_ids(request) -> frozenset[int] | None:
    """None for the platform operator (every organisation); else the organisations where the user holds
    `ems.manage` (its duty, or the organisation's administration), once per request."""
    if not hasattr(request, "_muang_ems_orgs"):
        user = request.user
        if not user.is_authenticated or not user.is_active:
            orgs: frozenset[int] | None = frozenset()
        elif user.is_superuser:
            orgs = None
        else:
            actor = Actor(user=user)
            orgs = frozenset(
                org_id
                for org_id, m in actor.memberships.items()
                if actor.has_perm(m.organization, EmsPerm.EMS_MANAGE)
            )
        request._muang_ems_orgs = orgs
    return request._muang_ems_orgs


class UnitForm(forms.ModelForm):
    base_lat = forms.FloatField(label=_("base latitude"))
    base_lon = forms.FloatField(label=_("base longitude"))

    class Meta:
        model = Unit
        fields = ("organization", "call_sign", "kind", "level", "crew", "phone")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.base is not None:
            self.fields["base_lat"].initial = self.instance.base.y
            self.fields["base_lon"].initial = self.instance.base.x

    def clean(self):
        data = super().clean()
        call_sign = (data.get("call_sign") or "").strip()
        organization = data.get("organization") or getattr(self.instance, "organization", None)
        if call_sign and organization is not None:
            others = Unit.objects.filter(organization=organization, call_sign=call_sign).exclude(
                pk=self.instance.pk
            )
            if others.exists():
                self.add_error("call_sign", _("Another unit already has this call sign."))
        lat, lon = data.get("base_lat"), data.get("base_lon")
        if lat is not None and lon is not None:
            try:
                self.instance.base = point_from(lat=lat, lon=lon)
            except InvalidInput as e:
                add_service_errors(self, e, aliases={"location": "base_lat"})
        return data


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    form = UnitForm
    list_display = ("call_sign", "kind", "level", "status", "organization")
    list_filter = ("kind", "level", "status")
    search_fields = ("call_sign", "crew")
    readonly_fields = ("status", "location", "position_at", "device")

    def get_fields(self, request, obj=None):
        fields = [
            "call_sign",
            "kind",
            "level",
            "crew",
            "phone",
            "base_lat",
            "base_lon",
            *self.readonly_fields,
        ]
        return fields if obj is not None else ["organization", *fields[:7]]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ()

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request)
        orgs = ems_managed_org_ids(request)
        return qs if orgs is None else qs.filter(organization__in=orgs)

    def _may(self, request, obj=None) -> bool:
        orgs = ems_managed_org_ids(request)
        if orgs is None:
            return True
        if not orgs:
            return False
        return obj is None or obj.organization_id in orgs

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        orgs = ems_managed_org_ids(request)
        if orgs is not None and (choices := _scoped_choices(db_field, orgs)) is not None:
            kwargs["queryset"] = choices
        return admin.ModelAdmin.formfield_for_foreignkey(self, db_field, request, **kwargs)
