"""Escalation: an open case past its due time goes to its department head's attention, once."""

import datetime as dt
from collections import defaultdict

from django.db import transaction

from muang.core import audit
from muang.core.access import SYSTEM
from muang.core.models import AuditEntry, Membership, Organization, Role

from ..models import Case, CaseEvent, EventKind
from .steps import current_time

DEFAULT_BATCH = 500


def _recipients(cases: list[Case]) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """Usernames of the active heads of each department and, as a fallback, the executives of each organisation."""
    heads: dict[int, list[str]] = defaultdict(list)
    executives: dict[int, list[str]] = defaultdict(list)
    memberships = (
        Membership.objects.filter(is_active=True, user__is_active=True)
        .filter(
            organization_id__in={c.organization_id for c in cases},
            role__in=[Role.DEPARTMENT_HEAD, Role.EXECUTIVE],
        )
        .select_related("user")
        .order_by("user__username")
    )
    for m in memberships:
        if m.role == Role.DEPARTMENT_HEAD and m.department_id is not None:
            heads[m.department_id].append(m.user.username)
        elif m.role == Role.EXECUTIVE:
            executives[m.organization_id].append(m.user.username)
    return heads, executives


@transaction.atomic
def case_escalate_overdue(
    *, now: dt.datetime | None = None, organization: Organization | None = None, limit: int = DEFAULT_BATCH
) -> list[Case]:
    """Escalate up to `limit` open cases whose due time has passed and that were not escalated yet.

    Run by the platform (the `escalate_overdue_cases` task), as SYSTEM. Rows another worker holds are
    skipped, so two runners never escalate a case twice. Each escalation is an internal timeline event naming
    the department heads (or, without a head, the executives), and an audit entry.
    """
    now = current_time(now)
    qs = Case.objects.filter(is_open=True, escalated_at__isnull=True, due_at__lt=now)
    if organization is not None:
        qs = qs.filter(organization=organization)
    cases = list(
        qs.select_for_update(of=("self",), skip_locked=True)
        .select_related("organization", "department")
        .order_by("pk")[:limit]
    )
    if not cases:
        return []
    heads, executives = _recipients(cases)
    events = []
    for case in cases:
        before = audit.snapshot(case)
        case.escalated_at = now
        to = heads.get(case.department_id) or executives.get(case.organization_id) or []
        events.append(
            CaseEvent(
                organization_id=case.organization_id,
                case=case,
                kind=EventKind.ESCALATED,
                is_public=False,
                data={
                    "to": to,
                    "role": Role.DEPARTMENT_HEAD if case.department_id in heads else Role.EXECUTIVE,
                    "due_at": case.due_at.isoformat(),
                },
                created_at=now,
            )
        )
        audit.record(
            actor=SYSTEM,
            organization=case.organization,
            instance=case,
            action=AuditEntry.Action.UPDATE,
            changes=audit.diff(before, audit.snapshot(case)),
            reason="overdue: escalated",
        )
    # updated_at stays: escalation is the platform's bookkeeping, not work done on the case.
    Case.objects.filter(
        organization_id__in={c.organization_id for c in cases}, pk__in=[c.pk for c in cases]
    ).update(escalated_at=now)  # by the tenants and the rows, never the primary keys alone
    CaseEvent.objects.bulk_create(events)
    return cases
