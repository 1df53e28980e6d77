"""Bulk actions of the case desk: each ticked case goes through its own service, and one refusal stops only it."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction

from muang.core.access import Actor
from muang.core.errors import MuangError
from muang.core.models import User

from ..models import Case
from .lifecycle import case_assign, case_change_status


@dataclass
class BulkResult:
    done: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (tracking code, why)


def cases_bulk_update(
    *,
    actor: Actor,
    cases_to_update: Sequence[Case],
    assignee: User | None = None,
    status: str | None = None,
    message: str = "",
) -> BulkResult:
    """Assign and / or change the status of each case through its service; one case's refusal stops only it."""
    result = BulkResult()
    for case in cases_to_update:
        try:
            with transaction.atomic():
                if assignee is not None and case.assignee_id != assignee.pk:
                    case = case_assign(actor=actor, case=case, assignee=assignee)
                if status and case.status.code != status:
                    case_change_status(actor=actor, case=case, status=status, message=message)
        except MuangError as e:
            result.failed.append((case.tracking_code, e.detail))
        else:
            result.done.append(case.tracking_code)
    return result
