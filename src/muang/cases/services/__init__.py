"""Writes of the case engine. Every other app (reports, e-services, lighting...) goes through these.

Services are keyword-only, atomic, check permissions with `muang.core.access.require` (plus the per-case
rules of `muang.cases.policy`), lock the case row for every transition, write a timeline event and, for staff,
an audit entry. They take `now=` so that tests and batch jobs control the clock.
"""

from .bulk import BulkResult, cases_bulk_update
from .escalation import case_escalate_overdue
from .intake import case_create, case_submit
from .lifecycle import (
    case_add_note,
    case_assign,
    case_change_category,
    case_change_status,
    case_mark_duplicate,
    case_rate,
    case_rate_by_citizen,
    case_reopen,
    case_reopen_by_citizen,
)
from .routing import case_forward, case_invite
from .setup import (
    case_category_create,
    case_category_update,
    case_holiday_create,
    case_holiday_delete,
    case_statuses_seed,
    case_working_hours_set,
)
from .sla import due_at_for, due_dates_for
from .steps import written_changes, written_events

__all__ = [
    "BulkResult",
    "case_add_note",
    "case_assign",
    "case_category_create",
    "case_category_update",
    "case_change_category",
    "case_change_status",
    "case_create",
    "case_escalate_overdue",
    "case_forward",
    "case_holiday_create",
    "case_holiday_delete",
    "case_invite",
    "case_mark_duplicate",
    "case_rate",
    "case_rate_by_citizen",
    "case_reopen",
    "case_reopen_by_citizen",
    "case_statuses_seed",
    "case_submit",
    "case_working_hours_set",
    "cases_bulk_update",
    "due_at_for",
    "due_dates_for",
    "written_changes",
    "written_events",
]
