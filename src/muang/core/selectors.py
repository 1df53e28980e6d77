"""Reads of the core domain. Every tenant read takes the actor and checks access."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.gis.db.models.functions import Area, Transform
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from muang.core.access import Actor, overseen_organizations, require
from muang.core.errors import InvalidInput, NotFound
from muang.core.geo import METRIC_SRID
from muang.core.models import (
    ApiToken,
    AuditEntry,
    Department,
    District,
    Invitation,
    Membership,
    Organization,
    Province,
    Subdistrict,
    WorkerHeartbeat,
)
from muang.core.permissions import CorePerm

AREA_CODE_LENGTHS = {2: "province", 4: "district", 6: "subdistrict"}


@dataclass(frozen=True)
class AreaHit:
    level: str
    code: str
    name_th: str
    name_en: str
    parent_code: str | None
    full_name_th: str


def area_search(*, q: str = "", code: str = "", level: str | None = None, limit: int = 20) -> list[AreaHit]:
    """Provinces, districts and subdistricts by DOPA code prefix or by Thai / English name."""
    from django.utils.translation import gettext as _

    q = q.strip()
    code = code.strip()
    if code and (not code.isdigit() or len(code) not in AREA_CODE_LENGTHS):
        raise InvalidInput.for_field(
            "code", _("A DOPA code has 2 (province), 4 (district) or 6 (subdistrict) digits.")
        )
    if q.isdigit() and not code:
        code, q = q, ""
    levels = [level] if level else ["province", "district", "subdistrict"]
    hits: list[AreaHit] = []

    def name_filter() -> Q:
        return Q(name_th__icontains=q) | Q(name_en__icontains=q) if q else Q()

    if "province" in levels:
        qs = Province.objects.filter(name_filter())
        if code:
            qs = qs.filter(code__startswith=code[:2]) if len(code) == 2 else qs.none()
        hits += [
            AreaHit("province", p.code, p.name_th, p.name_en, None, f"จังหวัด{p.name_th}") for p in qs[:limit]
        ]
    if "district" in levels:
        qs = District.objects.select_related("province").filter(name_filter())
        if code:
            qs = qs.filter(code__startswith=code) if len(code) <= 4 else qs.none()
        hits += [
            AreaHit(
                "district",
                d.code,
                d.name_th,
                d.name_en,
                d.province_id,
                f"อำเภอ{d.name_th} จังหวัด{d.province.name_th}",
            )
            for d in qs[:limit]
        ]
    if "subdistrict" in levels:
        qs = Subdistrict.objects.select_related("district__province").filter(name_filter())
        if code:
            qs = qs.filter(code__startswith=code)
        hits += [
            AreaHit(
                "subdistrict",
                s.code,
                s.name_th,
                s.name_en,
                s.district_id,
                f"ตำบล{s.name_th} อำเภอ{s.district.name_th} จังหวัด{s.district.province.name_th}",
            )
            for s in qs[:limit]
        ]
    # Exact and prefix matches first, then by level (province, district, subdistrict), then code.
    order = {"province": 0, "district": 1, "subdistrict": 2}
    hits.sort(
        key=lambda h: (not (q and (h.name_th == q or h.name_en.lower() == q.lower())), order[h.level], h.code)
    )
    return hits[:limit]


def area_get(code: str) -> AreaHit:
    hits = area_search(code=code, level=AREA_CODE_LENGTHS.get(len(code)), limit=1) if code.isdigit() else []
    if not hits or hits[0].code != code:
        raise NotFound(f"No area with DOPA code {code}.")
    return hits[0]


def departments_of(*, actor: Actor, organization: Organization) -> QuerySet[Department]:
    require(actor, organization, CorePerm.ORG_VIEW)
    return organization.departments.filter(is_active=True).order_by("code")


def get_department_for(*, actor: Actor, organization: Organization, code: str) -> Department:
    department = departments_of(actor=actor, organization=organization).filter(code=code).first()
    if department is None:
        raise NotFound(f"No department “{code}” in {organization}.")
    return department


def staff_of(*, actor: Actor, organization: Organization, department: Department | None = None):
    require(actor, organization, CorePerm.STAFF_VIEW)
    qs = Membership.objects.filter(organization=organization, is_active=True).select_related(
        "user", "department"
    )
    if department is not None:
        qs = qs.filter(department=department)
    return qs.order_by("department__code", "role", "user__username")


def audit_entries(
    *,
    actor: Actor,
    organization: Organization,
    action: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    actor_label: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[AuditEntry]:
    require(actor, organization, CorePerm.AUDIT_VIEW)
    qs = AuditEntry.objects.filter(organization=organization)
    if action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if actor_label:
        qs = qs.filter(actor_label=actor_label)
    if since:
        qs = qs.filter(at__gte=since)
    if until:
        qs = qs.filter(at__lt=until)
    return qs.select_related("actor_user", "actor_token").order_by("-at", "-id")


@dataclass(frozen=True)
class AuditLine:
    """An audit entry as a person reads it: who by name, what in words of the page's language."""

    at: dt.datetime
    who: str
    what: str
    fields: int  # how many fields changed


def audit_lines(entries: Iterable[AuditEntry]) -> list[AuditLine]:
    """Entries (read with `actor_user` and `actor_token` joined) for the home pages: people by their names
    rather than usernames, the kind of thing by its translated name ("updated case 00XZ-F7J4-VQ4C")."""
    lines = []
    for e in entries:
        if e.actor_user_id is not None and e.actor_user is not None:
            who = e.actor_user.display_name
        elif e.actor_token_id is not None and e.actor_token is not None:
            who = _("API token “%(name)s”") % {"name": e.actor_token.name}
        elif e.actor_label == "system":
            who = _("the platform")
        else:
            who = e.actor_label
        try:
            model = apps.get_model(e.object_type)
        except (LookupError, ValueError):
            model, thing = None, e.object_type
        else:
            thing = model._meta.verbose_name
        # A model whose text in the log is a placeholder rather than a name (a person cared for is logged by
        # number, never by name) is shown by its number, not by the English placeholder.
        shown = f"#{e.object_id}" if getattr(model, "AUDIT_BY_NUMBER", False) else e.object_repr
        what = _("%(action)s %(thing)s %(object)s") % {
            "action": e.get_action_display(),
            "thing": thing,
            "object": shown,
        }
        lines.append(AuditLine(at=e.at, who=who, what=what, fields=len(e.changes or {})))
    return lines


def api_tokens_of(*, actor: Actor, organization: Organization) -> QuerySet[ApiToken]:
    require(actor, organization, CorePerm.TOKEN_MANAGE)
    return organization.api_tokens.select_related("created_by").order_by("-created_at")


def get_api_token_for(*, actor: Actor, organization: Organization, token_id: int) -> ApiToken:
    token = api_tokens_of(actor=actor, organization=organization).filter(pk=token_id).first()
    if token is None:
        raise NotFound(f"No API token {token_id} in {organization}.")
    return token


@dataclass(frozen=True)
class RollupRow:
    """Aggregate figures of one overseen organisation: counts only, never personal data."""

    organization: Organization
    area_km2: float | None
    departments: int
    staff: int


def oversight_rollup(*, actor: Actor, overseer: Organization) -> list[RollupRow]:
    require(actor, overseer, CorePerm.ROLLUP_VIEW)
    qs = (
        overseen_organizations(overseer)
        .select_related("province", "district")
        .annotate(
            n_departments=Count("departments", filter=Q(departments__is_active=True), distinct=True),
            n_staff=Count("memberships", filter=Q(memberships__is_active=True), distinct=True),
            area_m2=Area(Transform("boundary", METRIC_SRID)),
        )
        .order_by("kind", "name_th")
    )
    return [
        RollupRow(
            organization=o,
            area_km2=round(o.area_m2.sq_m / 1_000_000, 2) if o.area_m2 is not None else None,
            departments=o.n_departments,
            staff=o.n_staff,
        )
        for o in qs
    ]


def organization_area_km2(organization: Organization) -> float | None:
    row = (
        Organization.objects.filter(pk=organization.pk)
        .annotate(area_m2=Area(Transform("boundary", METRIC_SRID)))
        .values_list("area_m2", flat=True)
        .first()
    )
    return round(row.sq_m / 1_000_000, 2) if row is not None else None


def recent_actions_of(*, actor: Actor, organization: Organization, limit: int = 10) -> list[AuditEntry]:
    """A staff member's own recent writes: everyone may see what they did themselves."""
    if actor.user is None:
        return []
    return list(
        AuditEntry.objects.filter(organization=organization, actor_user=actor.user)
        .select_related("actor_user", "actor_token")
        .order_by("-at", "-id")[:limit]
    )


def department_staff_counts(*, actor: Actor, organization: Organization) -> list[tuple[Department, int]]:
    require(actor, organization, CorePerm.STAFF_VIEW)
    rows = organization.departments.filter(is_active=True).annotate(
        n=Count("memberships", filter=Q(memberships__is_active=True))
    )
    return [(d, d.n) for d in rows.order_by("code")]


def pending_invitations_for(*, actor: Actor, now: dt.datetime | None = None) -> QuerySet[Invitation]:
    """The invitations waiting for the signed-in person's answer (their own only, unexpired)."""
    if actor.user is None:
        return Invitation.objects.none()
    return (
        Invitation.objects.filter(
            user=actor.user,
            status=Invitation.Status.PENDING,
            expires_at__gt=now or timezone.now(),
            organization__is_active=True,
        )
        .select_related("organization", "department", "invited_by")
        .order_by("expires_at", "pk")
    )


def last_worker_heartbeat() -> WorkerHeartbeat | None:
    return WorkerHeartbeat.objects.order_by("-seen_at").first()


def worker_status(newest: WorkerHeartbeat | None = None) -> tuple[bool, str]:
    """Is a background worker alive? (its heartbeat is fresh) The detail is for the health endpoint's operators;
    a page says it in the reader's language from the heartbeat itself."""
    newest = newest or last_worker_heartbeat()
    if newest is None:
        return False, "no worker has ever reported"
    age = (timezone.now() - newest.seen_at).total_seconds()
    stale = age > settings.MUANG_WORKER_STALE_SECONDS
    return (not stale), f"last heartbeat {age:.0f}s ago from {newest.worker_id}"
