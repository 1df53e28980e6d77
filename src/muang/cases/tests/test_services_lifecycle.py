"""Working a case: assign, change status, notes, re-categorise. Each transition allowed and refused."""

import datetime as dt

import pytest

from muang.cases.models import Case, CaseEvent, EventKind, SystemStatus
from muang.cases.services import (
    case_add_note,
    case_assign,
    case_change_category,
    case_change_status,
)
from muang.cases.tests.conftest import MONDAY_9
from muang.cases.tests.factories import CaseCategoryFactory, bkk, submit_case
from muang.core.access import SYSTEM, Actor
from muang.core.errors import AccessDenied, Conflict, InvalidInput
from muang.core.models import AuditEntry, Notification, Role
from muang.core.tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db
LATER = MONDAY_9 + dt.timedelta(hours=1)


@pytest.fixture
def case(town):
    return submit_case(town.category, now=MONDAY_9)


def kinds(case) -> list[tuple[str, bool]]:
    return [(e.kind, e.is_public) for e in CaseEvent.objects.filter(case=case).order_by("created_at", "id")]


# --- assign ------------------------------------------------------------------------------------------------------
def test_head_assigns_an_officer_of_the_department(town, case):
    case = case_assign(actor=town.head, case=case, assignee=town.officer.user, message="ด่วน", now=LATER)
    assert case.assignee == town.officer.user and case.assigned_at == LATER
    assert case.status.code == SystemStatus.ASSIGNED
    # The name of the assignee stays internal; the public timeline only sees the status move.
    assert kinds(case) == [("created", True), ("assigned", False), ("status_changed", True)]
    public = CaseEvent.objects.get(case=case, kind=EventKind.STATUS_CHANGED)
    assert public.data == {"from": "received", "to": "assigned"} and town.officer.user.username not in str(
        public.data
    )
    entry = AuditEntry.objects.get(object_type="cases.Case", object_id=str(case.pk))
    assert entry.reason == "assign" and entry.changes["assignee"] == [None, town.officer.user.pk]


@pytest.mark.parametrize("who", ["executive", "admin"])
def test_executives_and_admins_assign_across_departments(town, case, who):
    assert (
        case_assign(actor=getattr(town, who), case=case, assignee=town.head.user).assignee == town.head.user
    )


@pytest.mark.parametrize("who", ["officer", "other_officer", "other_head"])
def test_who_may_not_assign(town, case, who):
    with pytest.raises(AccessDenied):
        case_assign(actor=getattr(town, who), case=case, assignee=town.officer.user)
    assert not AuditEntry.objects.filter(object_type="cases.Case").exists()


def test_the_assignee_must_work_in_the_cases_department(town, case):
    with pytest.raises(InvalidInput) as e:
        case_assign(actor=town.admin, case=case, assignee=town.other_officer.user)
    assert "assignee" in e.value.field_errors


@pytest.mark.parametrize("who", ["executive", "admin"])
def test_the_mayor_and_the_it_administrator_are_not_given_a_road_repair(town, case, who):
    """Issue 8 item 12: the work goes to the department's officers and head, whoever assigns it."""
    for assigner in (town.head, town.executive, town.admin):
        with pytest.raises(InvalidInput) as e:
            case_assign(actor=assigner, case=case, assignee=getattr(town, who).user)
        assert "assignee" in e.value.field_errors
    case.refresh_from_db()
    assert case.assignee is None and case.status.code == SystemStatus.RECEIVED
    assert not AuditEntry.objects.filter(object_type="cases.Case").exists()


@pytest.mark.parametrize("stranger", ["no-membership", "overseer", "other-organisation"])
def test_the_assignee_must_be_staff_who_work_cases_here(town, other_town, case, stranger):
    user = {
        "no-membership": lambda: UserFactory(),
        "overseer": lambda: member(town.org, Role.OVERSEER),
        "other-organisation": lambda: other_town.officer.user,
    }[stranger]()
    with pytest.raises(InvalidInput):
        case_assign(actor=town.admin, case=case, assignee=user)


def test_taking_a_case_back_returns_it_to_received(town, case):
    case_assign(actor=town.head, case=case, assignee=town.officer.user, now=LATER)
    case = case_assign(actor=town.head, case=case, assignee=None, now=LATER)
    assert case.assignee is None and case.status.code == SystemStatus.RECEIVED


def test_reassigning_keeps_work_in_progress(town, case):
    case_assign(actor=town.head, case=case, assignee=town.officer.user)
    case_change_status(actor=town.officer, case=case, status="in_progress")
    case = case_assign(actor=town.head, case=case, assignee=town.head.user)
    assert case.status.code == "in_progress" and case.assignee == town.head.user


def test_assigning_the_same_person_again_is_a_conflict(town, case):
    case_assign(actor=town.head, case=case, assignee=town.officer.user)
    with pytest.raises(Conflict):
        case_assign(actor=town.head, case=case, assignee=town.officer.user)


def test_a_closed_case_cannot_be_assigned(town, case):
    case_change_status(actor=town.officer, case=case, status="resolved")
    with pytest.raises(Conflict, match="reopen"):
        case_assign(actor=town.head, case=case, assignee=town.officer.user)


# --- status ------------------------------------------------------------------------------------------------------
def test_an_officer_of_the_department_resolves_with_a_public_message(town, case):
    case = case_change_status(actor=town.officer, case=case, status="in_progress", now=LATER)
    assert case.is_open and case.closed_at is None
    resolved_at = LATER + dt.timedelta(hours=2)
    case = case_change_status(
        actor=town.officer, case=case, status="resolved", message="เปลี่ยนหลอดแล้วค่ะ", now=resolved_at
    )
    assert not case.is_open and case.closed_at == resolved_at and case.resolved_at == resolved_at
    event = CaseEvent.objects.filter(case=case).latest("id")
    assert event.is_public and event.message == "เปลี่ยนหลอดแล้วค่ะ"
    assert event.data == {"from": "in_progress", "to": "resolved"}
    assert AuditEntry.objects.filter(object_type="cases.Case", reason="status: resolved").count() == 1


def test_resolved_then_closed_keeps_the_resolution_time(town, case):
    case = case_change_status(actor=town.officer, case=case, status="resolved", now=LATER)
    case = case_change_status(
        actor=town.officer, case=case, status="closed", now=LATER + dt.timedelta(days=3)
    )
    assert case.resolved_at == LATER and case.closed_at == LATER


def test_not_responsible_closes_without_resolution(town, case):
    case = case_change_status(actor=town.officer, case=case, status="not_responsible")
    assert not case.is_open and case.resolved_at is None


def test_an_officer_of_another_department_may_not(town, case):
    with pytest.raises(AccessDenied, match="another department"):
        case_change_status(actor=town.other_officer, case=case, status="in_progress")


def test_an_officer_moved_to_another_department_still_works_the_cases_assigned_to_them(town, case):
    case_assign(actor=town.head, case=case, assignee=town.officer.user)
    town.officer.user.memberships.update(department=town.health)
    moved = Actor(user=town.officer.user)
    assert case_change_status(actor=moved, case=case, status="in_progress").status.code == "in_progress"


@pytest.mark.parametrize("actor", ["outsider", "other_org_admin", "system"])
def test_status_by_outsiders_and_the_system(town, other_town, case, actor):
    a = {"outsider": Actor(user=UserFactory()), "other_org_admin": other_town.admin, "system": SYSTEM}[actor]
    if actor == "system":
        assert case_change_status(actor=a, case=case, status="in_progress").status.code == "in_progress"
        return
    with pytest.raises(AccessDenied):
        case_change_status(actor=a, case=case, status="in_progress")


def test_a_closed_case_does_not_go_back_to_open_by_status(town, case):
    case_change_status(actor=town.officer, case=case, status="resolved")
    with pytest.raises(Conflict, match="reopen"):
        case_change_status(actor=town.officer, case=case, status="in_progress")


@pytest.mark.parametrize("status", ["duplicate", "forwarded"])
def test_statuses_with_their_own_service(town, case, status):
    with pytest.raises(InvalidInput) as e:
        case_change_status(actor=town.officer, case=case, status=status)
    assert "status" in e.value.field_errors


def test_unknown_status(town, case):
    with pytest.raises(InvalidInput) as e:
        case_change_status(actor=town.officer, case=case, status="teleported")
    assert "status" in e.value.field_errors


def test_same_status_without_a_message_is_a_conflict(town, case):
    with pytest.raises(Conflict):
        case_change_status(actor=town.officer, case=case, status="received")


def test_a_progress_update_on_the_current_status_moves_nothing(town, case):
    """Issue 8 item 10: a public message sent with the case's own status is an update, never a transition."""
    Case.objects.filter(pk=case.pk).update(contact_phone="0812345678")  # a reporter who can be reached by SMS
    case_assign(actor=town.head, case=case, assignee=town.officer.user, now=MONDAY_9)
    case = case_change_status(actor=town.officer, case=case, status="in_progress", now=MONDAY_9)
    updates = Notification.objects.filter(subject__startswith=f"case:{case.pk}:")
    assert updates.count() == 2  # assigned, in progress: the notify step ran for each transition
    case = case_change_status(
        actor=town.officer, case=case, status="in_progress", message="รออะไหล่ 2 วัน", now=LATER
    )
    case.refresh_from_db()
    assert case.status.code == "in_progress" and case.is_open and case.assignee == town.officer.user
    assert updates.count() == 2  # no "status changed" message to the reporter
    last = CaseEvent.objects.filter(case=case).latest("created_at", "id")
    assert (last.kind, last.is_public, last.message) == (EventKind.NOTE, True, "รออะไหล่ 2 วัน")
    assert [k for k, _public in kinds(case)].count("status_changed") == 2  # assigned, in progress: no third


def test_assigned_needs_an_assignee(town, case):
    with pytest.raises(InvalidInput, match="Assign"):
        case_change_status(actor=town.officer, case=case, status="assigned")


def test_a_custom_open_status_of_the_organisation(town, case):
    from muang.cases.models import CaseStatus

    CaseStatus.objects.create(
        organization=town.org,
        code="waiting_budget",
        name_th="รองบประมาณ",
        name_en="Waiting for budget",
        kind="open",
    )
    case = case_change_status(actor=town.officer, case=case, status="waiting_budget")
    assert case.is_open and case.status.code == "waiting_budget"


def test_status_of_another_organisation_is_unknown_here(town, other_town, case):
    from muang.cases.models import CaseStatus

    CaseStatus.objects.create(
        organization=other_town.org, code="theirs", name_th="x", name_en="x", kind="open"
    )
    with pytest.raises(InvalidInput):
        case_change_status(actor=town.officer, case=case, status="theirs")


# --- notes -------------------------------------------------------------------------------------------------------
def test_internal_note_and_public_update(town, case):
    note = case_add_note(actor=town.officer, case=case, message="รออะไหล่", now=LATER)
    update = case_add_note(actor=town.officer, case=case, message="กำลังดำเนินการค่ะ", public=True, now=LATER)
    assert (note.kind, note.is_public, update.is_public) == ("note", False, True)
    assert note.actor_user == town.officer.user and note.actor_organization == town.org
    assert AuditEntry.objects.filter(object_type="cases.CaseEvent", action="create").count() == 2
    case.refresh_from_db()
    assert case.updated_at == LATER


def test_an_empty_note_is_refused(town, case):
    with pytest.raises(InvalidInput) as e:
        case_add_note(actor=town.officer, case=case, message="  ")
    assert "message" in e.value.field_errors


def test_notes_by_others(town, other_town, case):
    with pytest.raises(AccessDenied):
        case_add_note(actor=town.other_officer, case=case, message="x")
    with pytest.raises(AccessDenied):
        case_add_note(actor=other_town.admin, case=case, message="x")
    with pytest.raises(AccessDenied, match="another department"):
        case_add_note(actor=town.other_head, case=case, message="x")
    assert not CaseEvent.objects.filter(kind=EventKind.NOTE).exists()


def test_notes_may_be_added_to_closed_cases(town, case):
    case_change_status(actor=town.officer, case=case, status="resolved")
    assert case_add_note(actor=town.officer, case=case, message="ตรวจซ้ำแล้ว").pk


# --- category ----------------------------------------------------------------------------------------------------
def test_recategorising_moves_department_sla_and_unassigns(town, case):
    case_assign(actor=town.head, case=case, assignee=town.officer.user, now=LATER)
    dogs = CaseCategoryFactory(
        organization=town.org, code="stray_animal", default_department=town.health, sla_hours=16
    )
    case = case_change_category(actor=town.head, case=case, category=dogs, now=LATER)
    assert case.category == dogs and case.department == town.health and case.sla_hours == 16
    assert case.due_at == bkk(2026, 11, 25, 9, 0)  # still counted from receipt: Monday 09:00 + 16 h
    assert case.assignee is None and case.status.code == SystemStatus.RECEIVED
    event = CaseEvent.objects.get(case=case, kind=EventKind.CATEGORY_CHANGED)
    assert event.data["from"] == {"category": "streetlight", "department": "works"} and not event.is_public


def test_recategorising_within_the_department_keeps_the_assignee(town, case):
    case_assign(actor=town.head, case=case, assignee=town.officer.user)
    potholes = CaseCategoryFactory(organization=town.org, default_department=town.works)
    assert case_change_category(actor=town.head, case=case, category=potholes).assignee == town.officer.user


def test_officers_cannot_recategorise(town, case):
    dogs = CaseCategoryFactory(organization=town.org, default_department=town.health)
    with pytest.raises(AccessDenied):
        case_change_category(actor=town.officer, case=case, category=dogs)


def test_a_category_of_another_organisation(town, other_town, case):
    with pytest.raises(InvalidInput):
        case_change_category(actor=town.admin, case=case, category=other_town.category)


def test_same_category_is_a_conflict(town, case):
    with pytest.raises(Conflict):
        case_change_category(actor=town.admin, case=case, category=town.category)
