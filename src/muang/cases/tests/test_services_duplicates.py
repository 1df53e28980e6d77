"""Duplicates: closing a case as a duplicate links it to the original, one level deep, never in a circle."""

import pytest

from muang.cases.models import Case, CaseEvent, EventKind, SystemStatus
from muang.cases.services import (
    case_change_status,
    case_forward,
    case_mark_duplicate,
    case_reopen,
    case_reopen_by_citizen,
)
from muang.cases.tests.conftest import MONDAY_9
from muang.cases.tests.factories import submit_case
from muang.core.errors import AccessDenied, Conflict, InvalidInput
from muang.core.models import AuditEntry, Citizen

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(town):
    return [submit_case(town.category, now=MONDAY_9, description=f"ไฟดับ {i}") for i in range(3)]


def test_mark_a_duplicate(town, three):
    original, copy, _ = three
    copy = case_mark_duplicate(
        actor=town.officer, case=copy, original=original, message="ซ้ำกับเรื่องเดิม", now=MONDAY_9
    )
    assert copy.duplicate_of == original and copy.status.code == SystemStatus.DUPLICATE and not copy.is_open
    assert list(original.duplicates.all()) == [copy]
    marked = CaseEvent.objects.get(case=copy, kind=EventKind.DUPLICATE_MARKED)
    assert marked.is_public and marked.data == {"original": original.tracking_code}
    linked = CaseEvent.objects.get(case=original, kind=EventKind.DUPLICATE_LINKED)
    assert not linked.is_public and linked.data["duplicate"] == copy.tracking_code
    assert AuditEntry.objects.filter(object_type="cases.Case", object_id=str(copy.pk)).exists()


def test_a_duplicate_of_a_duplicate_points_at_the_first_original(town, three):
    a, b, c = three
    case_mark_duplicate(actor=town.officer, case=b, original=a)
    assert case_mark_duplicate(actor=town.officer, case=c, original=b).duplicate_of == a


def test_duplicates_move_to_the_new_original(town, three):
    a, b, c = three
    case_mark_duplicate(actor=town.officer, case=b, original=a)
    case_mark_duplicate(actor=town.officer, case=a, original=c)
    b.refresh_from_db()
    assert b.duplicate_of == c
    assert CaseEvent.objects.get(case=c, kind=EventKind.DUPLICATE_LINKED).data["moved"] == [b.tracking_code]


def test_no_circles(town, three):
    a, b, _ = three
    case_mark_duplicate(actor=town.officer, case=b, original=a)
    with pytest.raises(InvalidInput, match="itself"):
        case_mark_duplicate(actor=town.officer, case=a, original=b)
    with pytest.raises(InvalidInput, match="itself"):
        case_mark_duplicate(actor=town.officer, case=a, original=a)


def test_only_an_open_case_becomes_a_duplicate(town, three):
    a, b, _ = three
    case_change_status(actor=town.officer, case=b, status="resolved")
    with pytest.raises(Conflict):
        case_mark_duplicate(actor=town.officer, case=b, original=a)


def test_the_original_may_be_closed_already(town, three):
    a, b, _ = three
    case_change_status(actor=town.officer, case=a, status="resolved")
    assert case_mark_duplicate(actor=town.officer, case=b, original=a).duplicate_of == a


def test_not_across_organisations(town, other_town, three):
    theirs = submit_case(other_town.category, now=MONDAY_9)
    with pytest.raises(InvalidInput, match="same organisation"):
        case_mark_duplicate(actor=town.admin, case=three[0], original=theirs)


def test_not_onto_a_forwarded_case(town, other_town, three):
    a, b, _ = three
    case_forward(actor=town.head, case=a, to_organization=other_town.org, reason="ของ อบจ.")
    with pytest.raises(InvalidInput, match="forwarded"):
        case_mark_duplicate(actor=town.officer, case=b, original=Case.objects.get(pk=a.pk))


def test_other_departments_may_not(town, three):
    with pytest.raises(AccessDenied):
        case_mark_duplicate(actor=town.other_officer, case=three[1], original=three[0])
    assert not Case.objects.filter(duplicate_of__isnull=False).exists()


def test_staff_reopening_a_duplicate_unlinks_it(town, three):
    a, b, _ = three
    case_mark_duplicate(actor=town.officer, case=b, original=a, now=MONDAY_9)
    b = case_reopen(actor=town.officer, case=b, reason="คนละจุดกัน", now=MONDAY_9)
    assert b.is_open and b.duplicate_of is None and not a.duplicates.exists()


def test_the_reporter_of_a_duplicate_follows_the_original_instead(town):
    reporter = Citizen.objects.create(display_name="x")
    a = submit_case(town.category, now=MONDAY_9)
    b = submit_case(town.category, now=MONDAY_9, reporter=reporter)
    case_mark_duplicate(actor=town.officer, case=b, original=a, now=MONDAY_9)
    with pytest.raises(Conflict, match="merged"):
        case_reopen_by_citizen(citizen=reporter, case=b, reason="x", now=MONDAY_9)
