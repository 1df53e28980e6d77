"""Escalation picks open, overdue, not yet escalated cases only, and tells the department head."""

import datetime as dt

import pytest

from muang.cases.models import Case, CaseEvent, EventKind
from muang.cases.services import case_change_status, case_escalate_overdue, case_reopen
from muang.cases.tasks import escalate_overdue_cases
from muang.cases.tests.conftest import MONDAY_9
from muang.cases.tests.factories import CaseCategoryFactory, bkk, submit_case
from muang.core.models import AuditEntry, Role

pytestmark = pytest.mark.django_db
DUE = bkk(2026, 11, 24, 9, 0)  # an 8-hour case received Monday 09:00


@pytest.fixture
def cases(town):
    overdue = submit_case(town.category, now=MONDAY_9, description="overdue")
    resolved = submit_case(town.category, now=MONDAY_9, description="resolved in time")
    case_change_status(actor=town.officer, case=resolved, status="resolved", now=MONDAY_9)
    not_yet = submit_case(town.category, now=MONDAY_9 + dt.timedelta(hours=2), description="not due yet")
    no_sla = submit_case(
        CaseCategoryFactory(organization=town.org, default_department=town.works, sla_hours=0),
        now=MONDAY_9,
        description="no SLA",
    )
    return {"overdue": overdue, "resolved": resolved, "not_yet": not_yet, "no_sla": no_sla}


def test_picks_overdue_open_cases_only(town, cases):
    now = DUE + dt.timedelta(minutes=1)
    escalated = case_escalate_overdue(now=now)
    assert [c.pk for c in escalated] == [cases["overdue"].pk]
    case = Case.objects.get(pk=cases["overdue"].pk)
    assert case.escalated_at == now
    event = CaseEvent.objects.get(case=case, kind=EventKind.ESCALATED)
    assert not event.is_public and event.data["to"] == [town.head.user.username]
    assert event.data["role"] == Role.DEPARTMENT_HEAD
    entry = AuditEntry.objects.get(
        object_type="cases.Case", object_id=str(case.pk), reason="overdue: escalated"
    )
    assert entry.actor_label == "system" and entry.organization == town.org


def test_exactly_at_the_due_time_is_not_overdue(cases):
    assert case_escalate_overdue(now=DUE) == []


def test_once_only(cases):
    later = DUE + dt.timedelta(hours=1)
    assert [c.pk for c in case_escalate_overdue(now=later)] == [cases["overdue"].pk]
    next_day = [c.pk for c in case_escalate_overdue(now=later + dt.timedelta(days=1))]
    assert next_day == [cases["not_yet"].pk]  # due by now; the first one is not escalated twice


def test_a_reopened_case_can_escalate_again(town, cases):
    case = cases["overdue"]
    case_escalate_overdue(now=DUE + dt.timedelta(hours=1))
    case_change_status(actor=town.officer, case=case, status="resolved", now=DUE + dt.timedelta(hours=2))
    case_reopen(actor=town.officer, case=case, reason="x", now=DUE + dt.timedelta(hours=3))
    case.refresh_from_db()
    assert case.escalated_at is None
    escalated = case_escalate_overdue(now=case.due_at + dt.timedelta(seconds=1), organization=town.org)
    assert case.pk in [c.pk for c in escalated]


def test_without_a_department_head_the_executives_are_told(town, cases):
    town.head.user.memberships.update(is_active=False)
    case_escalate_overdue(now=DUE + dt.timedelta(hours=1))
    event = CaseEvent.objects.get(case=cases["overdue"], kind=EventKind.ESCALATED)
    assert event.data["to"] == [town.executive.user.username] and event.data["role"] == Role.EXECUTIVE


def test_one_organisation_at_a_time_and_in_batches(town, other_town, cases):
    theirs = submit_case(other_town.category, now=MONDAY_9)
    now = DUE + dt.timedelta(hours=1)
    assert [c.pk for c in case_escalate_overdue(now=now, organization=other_town.org)] == [theirs.pk]
    extra = [submit_case(town.category, now=MONDAY_9) for _ in range(3)]
    first = case_escalate_overdue(now=now, limit=2)
    second = case_escalate_overdue(now=now, limit=2)
    assert len(first) == 2 and len(second) == 2
    assert {c.pk for c in first + second} == {cases["overdue"].pk, *(c.pk for c in extra)}


def test_the_task_escalates_and_reports_how_many(town, cases, monkeypatch):
    from muang.cases.services import escalation

    monkeypatch.setattr(escalation, "current_time", lambda now: DUE + dt.timedelta(days=30))
    result = escalate_overdue_cases.enqueue()  # the immediate backend runs it in place under test
    assert result.return_value == 2  # overdue and not_yet; resolved and no_sla never
