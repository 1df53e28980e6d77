"""Forwarding to another organisation (history kept, loops refused) and inviting a co-responsible one."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from muang.cases.models import Attachment, Case, CaseEvent, CaseInvitation, Channel, EventKind, SystemStatus
from muang.cases.selectors import case_detail, get_case_for
from muang.cases.services import (
    case_add_note,
    case_assign,
    case_change_status,
    case_forward,
    case_invite,
)
from muang.cases.tests.conftest import MONDAY_9, make_town
from muang.cases.tests.factories import CaseCategoryFactory, bkk, submit_case
from muang.core.errors import AccessDenied, Conflict, InvalidInput
from muang.core.models import AuditEntry

pytestmark = pytest.mark.django_db
LATER = MONDAY_9 + dt.timedelta(hours=2)


def photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="JPEG")
    return SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg")


# --- forward -----------------------------------------------------------------------------------------------------
def test_forward_creates_the_case_over_there_and_closes_it_here(town, other_town):
    case = submit_case(town.category, now=MONDAY_9, contact_phone="0812345678", photos=[photo()])
    new = case_forward(
        actor=town.head, case=case, to_organization=other_town.org, reason="ถนนของ อบจ.", now=LATER
    )
    case.refresh_from_db()
    assert case.status.code == SystemStatus.FORWARDED and not case.is_open
    assert (
        new.organization == other_town.org and new.forwarded_from == case and new.channel == Channel.FORWARD
    )
    assert new.category == other_town.category and new.department == other_town.works
    assert (
        new.status.code == "received"
        and new.contact_phone == "0812345678"
        and new.description == case.description
    )
    assert new.sla_started_at == LATER and new.due_at == bkk(2026, 11, 24, 11, 0)
    assert new.tracking_code != case.tracking_code
    # Photos travel with it (a copy filed under the other organisation), and each side's timeline says where it
    # went / came from.
    here, there = Attachment.objects.get(case=case), Attachment.objects.get(case=new)
    assert there.file.name.startswith(f"cases/{other_town.org.pk}/") and there.file.name != here.file.name
    assert there.file.read() == here.file.read() and (there.width, there.height) == (here.width, here.height)
    sent = CaseEvent.objects.get(case=case, kind=EventKind.FORWARDED)
    assert (
        sent.is_public and sent.data["tracking_code"] == new.tracking_code and sent.message == "ถนนของ อบจ."
    )
    received = CaseEvent.objects.get(case=new, kind=EventKind.FORWARD_RECEIVED)
    assert received.data["tracking_code"] == case.tracking_code and received.actor_organization == town.org
    # Audited in both organisations.
    assert AuditEntry.objects.filter(organization=town.org, object_id=str(case.pk), action="update").exists()
    assert AuditEntry.objects.filter(
        organization=other_town.org, object_id=str(new.pk), action="create"
    ).exists()


def test_history_is_kept_along_the_chain(town, other_town, areas):
    third = make_town()
    first = submit_case(town.category, now=MONDAY_9)
    second = case_forward(actor=town.head, case=first, to_organization=other_town.org, reason="a", now=LATER)
    last = case_forward(actor=other_town.head, case=second, to_organization=third.org, reason="b", now=LATER)
    assert last.forwarded_from == second and second.forwarded_from == first
    detail = case_detail(
        actor=town.admin, case=get_case_for(actor=town.admin, tracking_code=first.tracking_code)
    )
    assert detail.forwarded_to.tracking_code == second.tracking_code


@pytest.mark.parametrize("back_to", ["first", "second"])
def test_forwarding_loops_are_refused(town, other_town, areas, back_to):
    third = make_town()
    first = submit_case(town.category, now=MONDAY_9)
    second = case_forward(actor=town.head, case=first, to_organization=other_town.org, reason="a", now=LATER)
    last = case_forward(actor=other_town.head, case=second, to_organization=third.org, reason="b", now=LATER)
    target = town.org if back_to == "first" else other_town.org
    with pytest.raises(Conflict, match="loop"):
        case_forward(actor=third.head, case=last, to_organization=target, reason="c", now=LATER)
    assert Case.objects.count() == 3


def test_not_to_itself(town):
    case = submit_case(town.category, now=MONDAY_9)
    with pytest.raises(InvalidInput) as e:
        case_forward(actor=town.head, case=case, to_organization=town.org, reason="x")
    assert "organization" in e.value.field_errors


def test_the_target_needs_the_category(town, other_town):
    case = submit_case(town.category, now=MONDAY_9)
    other_town.category.is_active = False
    other_town.category.save()
    with pytest.raises(InvalidInput, match="no category") as e:
        case_forward(actor=town.head, case=case, to_organization=other_town.org, reason="x")
    assert "category" in e.value.field_errors
    roads = CaseCategoryFactory(
        organization=other_town.org, code="road", default_department=other_town.health
    )
    new = case_forward(
        actor=town.head, case=case, to_organization=other_town.org, reason="x", category_code="road"
    )
    assert new.category == roads and new.department == other_town.health


def test_only_open_cases_are_forwarded(town, other_town):
    case = submit_case(town.category, now=MONDAY_9)
    case_change_status(actor=town.officer, case=case, status="resolved")
    with pytest.raises(Conflict):
        case_forward(actor=town.head, case=case, to_organization=other_town.org, reason="x")


@pytest.mark.parametrize("who", ["officer", "other_head"])
def test_who_may_not_forward(town, other_town, who):
    case = submit_case(town.category, now=MONDAY_9)
    with pytest.raises(AccessDenied):
        case_forward(actor=getattr(town, who), case=case, to_organization=other_town.org, reason="x")
    assert Case.objects.count() == 1


# --- invite ------------------------------------------------------------------------------------------------------
def test_an_invited_organisation_sees_and_adds_notes_but_does_not_steer(town, other_town):
    case = submit_case(town.category, now=MONDAY_9)
    with pytest.raises(AccessDenied):
        get_case_for(actor=other_town.officer, tracking_code=case.tracking_code)
    invitation = case_invite(actor=town.head, case=case, organization=other_town.org, message="ช่วยตัดต้นไม้ด้วย")
    assert isinstance(invitation, CaseInvitation) and invitation.invited_by == town.head.user
    assert get_case_for(actor=other_town.officer, tracking_code=case.tracking_code) == case
    note = case_add_note(actor=other_town.officer, case=case, message="จะเข้าไปวันพรุ่งนี้", public=True)
    assert note.actor_organization == other_town.org
    assert AuditEntry.objects.filter(organization=other_town.org, object_type="cases.CaseEvent").exists()
    with pytest.raises(AccessDenied):
        case_change_status(actor=other_town.admin, case=case, status="in_progress")
    with pytest.raises(AccessDenied):
        case_assign(actor=other_town.admin, case=case, assignee=other_town.officer.user)
    event = CaseEvent.objects.get(case=case, kind=EventKind.INVITED)
    assert event.is_public and event.data["organization"] == other_town.org.slug


def test_invite_once(town, other_town):
    case = submit_case(town.category, now=MONDAY_9)
    case_invite(actor=town.head, case=case, organization=other_town.org)
    with pytest.raises(Conflict, match="already"):
        case_invite(actor=town.head, case=case, organization=other_town.org)


def test_invite_refusals(town, other_town):
    case = submit_case(town.category, now=MONDAY_9)
    with pytest.raises(InvalidInput):
        case_invite(actor=town.head, case=case, organization=town.org)
    with pytest.raises(AccessDenied):
        case_invite(actor=town.officer, case=case, organization=other_town.org)
    case_change_status(actor=town.officer, case=case, status="resolved")
    with pytest.raises(Conflict):
        case_invite(actor=town.head, case=case, organization=other_town.org)
    assert not CaseInvitation.objects.exists()
