"""Reopening within the category's window, and rating a resolution once (staff on behalf, or the reporter)."""

import datetime as dt

import pytest

from muang.cases.models import CaseEvent, EventKind, SystemStatus
from muang.cases.services import (
    case_assign,
    case_change_status,
    case_rate,
    case_rate_by_citizen,
    case_reopen,
    case_reopen_by_citizen,
)
from muang.cases.tests.conftest import MONDAY_9
from muang.cases.tests.factories import bkk, submit_case
from muang.core.errors import AccessDenied, Conflict, InvalidInput
from muang.core.models import AuditEntry, Citizen

pytestmark = pytest.mark.django_db
RESOLVED_AT = bkk(2026, 11, 24, 14, 0)  # Tuesday


@pytest.fixture
def reporter():
    return Citizen.objects.create(display_name="สมหญิง", line_user_id="U" + "1" * 32)


@pytest.fixture
def resolved(town, reporter):
    case = submit_case(town.category, reporter=reporter, now=MONDAY_9)
    case_assign(actor=town.head, case=case, assignee=town.officer.user, now=MONDAY_9)
    return case_change_status(actor=town.officer, case=case, status="resolved", now=RESOLVED_AT)


# --- reopen ------------------------------------------------------------------------------------------------------
def test_reopen_within_the_window_restarts_the_sla(town, resolved):
    reopened_at = bkk(2026, 11, 27, 15, 30)  # Friday, 3 days later
    case = case_reopen(actor=town.officer, case=resolved, reason="ไฟดับอีกแล้ว", now=reopened_at)
    assert case.is_open and case.status.code == SystemStatus.IN_PROGRESS  # it has an assignee
    assert case.closed_at is None and case.resolved_at is None and case.reopen_count == 1
    assert case.sla_started_at == reopened_at and case.due_at == bkk(2026, 11, 30, 15, 30)
    event = CaseEvent.objects.filter(case=case).latest("id")
    assert (event.kind, event.is_public, event.message) == (EventKind.REOPENED, True, "ไฟดับอีกแล้ว")
    assert AuditEntry.objects.filter(object_type="cases.Case", reason="reopen").count() == 1


def test_reopen_on_the_last_moment_of_the_window_and_not_after(town, resolved):
    window = dt.timedelta(days=town.category.reopen_window_days)
    with pytest.raises(Conflict, match="within 7 days"):
        case_reopen(
            actor=town.officer, case=resolved, reason="x", now=RESOLVED_AT + window + dt.timedelta(seconds=1)
        )
    assert case_reopen(actor=town.officer, case=resolved, reason="x", now=RESOLVED_AT + window).is_open


def test_the_window_is_per_category(town, resolved):
    town.category.reopen_window_days = 1
    town.category.save()
    with pytest.raises(Conflict, match="within 1 days"):
        case_reopen(actor=town.officer, case=resolved, reason="x", now=RESOLVED_AT + dt.timedelta(days=2))


def test_a_category_without_window_never_reopens(town, resolved):
    town.category.reopen_window_days = 0
    town.category.save()
    with pytest.raises(Conflict):
        case_reopen(actor=town.officer, case=resolved, reason="x", now=RESOLVED_AT + dt.timedelta(minutes=1))


def test_an_open_case_is_not_reopened(town):
    case = submit_case(town.category, now=MONDAY_9)
    with pytest.raises(Conflict, match="open already"):
        case_reopen(actor=town.officer, case=case, reason="x", now=MONDAY_9)


def test_reopen_needs_a_reason(town, resolved):
    with pytest.raises(InvalidInput) as e:
        case_reopen(actor=town.officer, case=resolved, reason=" ", now=RESOLVED_AT)
    assert "reason" in e.value.field_errors


def test_reopen_without_assignee_goes_back_to_received(town):
    case = submit_case(town.category, now=MONDAY_9)
    case_change_status(actor=town.officer, case=case, status="not_responsible", now=MONDAY_9)
    assert case_reopen(actor=town.officer, case=case, reason="x", now=MONDAY_9).status.code == "received"


def test_other_departments_may_not_reopen(town, resolved):
    with pytest.raises(AccessDenied):
        case_reopen(actor=town.other_officer, case=resolved, reason="x", now=RESOLVED_AT)


def test_the_reporter_reopens_their_own_case(resolved, reporter):
    case = case_reopen_by_citizen(citizen=reporter, case=resolved, reason="ยังไม่ได้แก้", now=RESOLVED_AT)
    assert case.is_open
    assert CaseEvent.objects.filter(case=case).latest("id").actor_citizen == reporter


def test_someone_else_may_not_reopen_it(resolved):
    stranger = Citizen.objects.create(display_name="x")
    with pytest.raises(AccessDenied):
        case_reopen_by_citizen(citizen=stranger, case=resolved, reason="x", now=RESOLVED_AT)


# --- rating ------------------------------------------------------------------------------------------------------
def test_staff_record_a_rating_once(town, resolved):
    case = case_rate(actor=town.officer, case=resolved, stars=4, comment="เร็วดี", now=RESOLVED_AT)
    assert (case.rating, case.rating_comment, case.rated_at) == (4, "เร็วดี", RESOLVED_AT)
    event = CaseEvent.objects.get(case=case, kind=EventKind.RATED)
    assert event.data == {"stars": 4} and not event.is_public  # the comment may name people
    with pytest.raises(Conflict, match="rated already"):
        case_rate(actor=town.officer, case=resolved, stars=1, now=RESOLVED_AT)
    assert AuditEntry.objects.filter(object_type="cases.Case", reason__startswith="rating").count() == 1


def test_only_after_resolution(town):
    case = submit_case(town.category, now=MONDAY_9)
    with pytest.raises(Conflict, match="resolved"):
        case_rate(actor=town.officer, case=case, stars=5, now=MONDAY_9)
    case_change_status(actor=town.officer, case=case, status="not_responsible", now=MONDAY_9)
    with pytest.raises(Conflict, match="resolved"):
        case_rate(actor=town.officer, case=case, stars=5, now=MONDAY_9)


def test_resolved_then_closed_may_still_be_rated(town, resolved):
    case_change_status(actor=town.officer, case=resolved, status="closed", now=RESOLVED_AT)
    assert case_rate(actor=town.officer, case=resolved, stars=5, now=RESOLVED_AT).rating == 5


@pytest.mark.parametrize("stars", [0, 6, -1])
def test_stars_are_one_to_five(town, resolved, stars):
    with pytest.raises(InvalidInput) as e:
        case_rate(actor=town.officer, case=resolved, stars=stars, now=RESOLVED_AT)
    assert "stars" in e.value.field_errors


def test_a_reopened_case_is_rated_afresh_after_its_next_resolution(town, resolved):
    case_rate(actor=town.officer, case=resolved, stars=1, comment="ยังดับอยู่", now=RESOLVED_AT)
    case = case_reopen(actor=town.officer, case=resolved, reason="ยังดับ", now=RESOLVED_AT)
    assert case.rating is None
    case_change_status(
        actor=town.officer, case=case, status="resolved", now=RESOLVED_AT + dt.timedelta(days=1)
    )
    assert (
        case_rate(actor=town.officer, case=case, stars=5, now=RESOLVED_AT + dt.timedelta(days=1)).rating == 5
    )
    assert [e.data["stars"] for e in CaseEvent.objects.filter(case=case, kind="rated").order_by("id")] == [
        1,
        5,
    ]


def test_the_reporter_rates_their_own_case(resolved, reporter):
    case = case_rate_by_citizen(citizen=reporter, case=resolved, stars=5, comment="ขอบคุณค่ะ", now=RESOLVED_AT)
    assert case.rating == 5
    stranger = Citizen.objects.create(display_name="x")
    with pytest.raises(AccessDenied):
        case_rate_by_citizen(citizen=stranger, case=resolved, stars=1, now=RESOLVED_AT)


def test_other_departments_may_not_rate_on_behalf(town, resolved):
    with pytest.raises(AccessDenied):
        case_rate(actor=town.other_officer, case=resolved, stars=3, now=RESOLVED_AT)
