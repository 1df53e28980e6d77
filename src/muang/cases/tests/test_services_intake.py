"""Creating cases: citizen channels and staff on a citizen's behalf; SLA, tracking code, photos, idempotency."""

import datetime as dt
import io

import pytest
from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from muang.cases.models import Attachment, Case, CaseEvent, Channel, EventKind, Holiday, SystemStatus
from muang.cases.services import (
    case_create,
    case_holiday_create,
    case_submit,
    case_working_hours_set,
)
from muang.cases.tests.conftest import MONDAY_9
from muang.cases.tests.factories import CaseCategoryFactory, bkk, submit_case
from muang.cases.tracking import organization_id_of
from muang.core.access import Actor
from muang.core.errors import AccessDenied, InvalidInput
from muang.core.jurisdiction import OutsideJurisdiction
from muang.core.models import AuditEntry, Citizen
from muang.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def photo(name: str = "p.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (32, 32), (10, 200, 10)).save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def test_a_citizen_report_is_received_with_sla_code_and_public_event(town):
    citizen = Citizen.objects.create(display_name="สมหญิง")
    case = submit_case(town.category, reporter=citizen, now=MONDAY_9, photos=[photo()])
    assert case.status.code == SystemStatus.RECEIVED and case.is_open
    assert case.department == town.works and case.channel == Channel.WEB
    assert organization_id_of(case.tracking_code) == town.org.pk
    assert case.sla_hours == 8
    assert case.due_at == bkk(2026, 11, 24, 9, 0)  # 7.5 h on Monday, 0.5 h on Tuesday
    event = CaseEvent.objects.get(case=case)
    assert event.kind == EventKind.CREATED and event.is_public and event.actor_citizen == citizen
    attachment = Attachment.objects.get(case=case)
    assert attachment.kind == "before" and attachment.event == event and attachment.width == 32
    # A citizen's report is not a staff write: nothing in the audit log.
    assert not AuditEntry.objects.filter(object_type="cases.Case").exists()


def test_due_time_skips_the_organisations_holidays(town):
    case_holiday_create(actor=town.admin, organization=town.org, date=dt.date(2026, 11, 24), name_th="วันหยุด")
    case = submit_case(town.category, now=MONDAY_9)
    assert case.due_at == bkk(2026, 11, 25, 9, 0)


def test_due_time_follows_the_organisations_working_hours(town):
    case_working_hours_set(
        actor=town.admin,
        organization=town.org,
        working_hours={"mon": [["08:00", "12:00"], ["13:00", "17:00"]], "tue": [["10:00", "17:00"]]},
    )
    town.org.refresh_from_db()
    case = submit_case(town.category, now=MONDAY_9)
    assert case.due_at == bkk(2026, 11, 24, 11, 0)  # Monday 3 + 4 hours, Tuesday 1 hour from 10:00


def test_holidays_of_another_organisation_do_not_count(town, other_town):
    Holiday.objects.create(organization=other_town.org, date=dt.date(2026, 11, 24), name_th="x")
    assert submit_case(town.category, now=MONDAY_9).due_at == bkk(2026, 11, 24, 9, 0)


def test_a_category_without_sla_gives_no_due_time(town):
    category = CaseCategoryFactory(organization=town.org, default_department=town.health, sla_hours=0)
    case = submit_case(category, now=MONDAY_9)
    assert case.due_at is None and case.department == town.health


def test_anonymous_reports_are_refused_where_the_category_says_so(town):
    town.category.allow_anonymous = False
    town.category.save()
    with pytest.raises(InvalidInput) as e:
        submit_case(town.category, now=MONDAY_9)
    assert "contact" in e.value.field_errors
    assert submit_case(town.category, now=MONDAY_9, contact_phone="0812345678").contact_phone == "0812345678"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"description": "   "}, "description"),
        ({"description": "ก" * 5001}, "description"),
        ({"title": "ก" * 201}, "title"),
        ({"location": Point(2.35, 48.85, srid=4326)}, "location"),  # Paris
        ({"location": Point(200, 16, srid=4326)}, "location"),
        ({"contact_email": "not-an-email"}, "contact_email"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(town, kwargs, field):
    with pytest.raises(InvalidInput) as e:
        submit_case(town.category, now=MONDAY_9, **kwargs)
    assert field in e.value.field_errors
    assert not Case.objects.exists()


def test_a_bad_photo_leaves_nothing_behind(town):
    bad = SimpleUploadedFile("x.jpg", b"not a photo", content_type="image/jpeg")
    with pytest.raises(InvalidInput):
        submit_case(town.category, now=MONDAY_9, photos=[photo(), bad])
    assert not Case.objects.exists() and not Attachment.objects.exists()


def test_at_most_five_photos(town):
    with pytest.raises(InvalidInput, match="5"):
        submit_case(town.category, now=MONDAY_9, photos=[photo() for _ in range(6)])


def test_a_category_of_another_organisation_is_refused(town, other_town):
    with pytest.raises(InvalidInput) as e:
        case_submit(
            organization=town.org,
            category=other_town.category,
            channel=Channel.WEB,
            description="x",
            now=MONDAY_9,
        )
    assert "category" in e.value.field_errors


def test_a_staff_channel_is_not_a_citizen_channel(town):
    with pytest.raises(InvalidInput):
        case_submit(
            organization=town.org,
            category=town.category,
            channel=Channel.PHONE,
            description="x",
            now=MONDAY_9,
        )


def test_a_double_submit_returns_the_first_case(town):
    first, created = case_submit(
        organization=town.org,
        category=town.category,
        channel=Channel.LINE,
        description="ถนนเป็นหลุม",
        idempotency_key="line:evt-1",
        now=MONDAY_9,
    )
    again, created_again = case_submit(
        organization=town.org,
        category=town.category,
        channel=Channel.LINE,
        description="ถนนเป็นหลุม",
        idempotency_key="line:evt-1",
        now=MONDAY_9,
    )
    assert created and not created_again and again.pk == first.pk
    assert Case.objects.count() == 1 and CaseEvent.objects.count() == 1


def test_staff_file_a_case_on_behalf_of_a_caller_and_it_is_audited(town):
    case, created = case_create(
        actor=town.officer,
        organization=town.org,
        category=town.category,
        description="โทรแจ้งไฟดับ",
        contact_name="ลุงสม",
        contact_phone="0811111111",
        location=town.org.boundary.point_on_surface,
        now=MONDAY_9,
    )
    assert created and case.channel == Channel.PHONE and case.created_by == town.officer.user
    entry = AuditEntry.objects.get(object_type="cases.Case", object_id=str(case.pk))
    assert (
        entry.action == "create" and entry.actor_user == town.officer.user and entry.organization == town.org
    )


def test_staff_may_not_file_a_case_at_a_place_another_organisation_is_responsible_for(town, other_town):
    """The one jurisdiction check of the staff desk and the API (issue 9, item 7)."""
    with pytest.raises(OutsideJurisdiction) as refused:
        case_create(
            actor=town.officer,
            organization=town.org,
            category=town.category,
            description="โทรแจ้งไฟดับ",
            location=other_town.org.boundary.point_on_surface,
            now=MONDAY_9,
        )
    assert refused.value.status == 422 and refused.value.responsible == other_town.org
    assert other_town.org.name_th in refused.value.field_errors["location"][0]
    assert not Case.objects.exists()


def test_staff_may_route_a_new_case_to_another_department(town):
    case, _ = case_create(
        actor=town.officer,
        organization=town.org,
        category=town.category,
        department=town.health,
        description="x",
        now=MONDAY_9,
    )
    assert case.department == town.health


def test_outsiders_cannot_file_staff_cases(town, other_town):
    for actor in (Actor(user=UserFactory()), other_town.admin):
        with pytest.raises(AccessDenied):
            case_create(actor=actor, organization=town.org, category=town.category, description="x")
    assert not Case.objects.exists()


def test_statuses_are_seeded_on_first_use(areas):
    category = CaseCategoryFactory()  # an organisation that never set up its statuses
    case = submit_case(category, now=MONDAY_9)
    assert case.status.code == "received"
    assert category.organization.case_statuses.count() == 8


@pytest.mark.parametrize("key", ["", "line:evt-clash"])
def test_a_taken_tracking_code_draws_another_without_aborting_the_transaction(town, monkeypatch, key):
    """The case's INSERT meets a taken tracking code (`ON CONFLICT DO NOTHING`, no savepoint): another code is
    drawn and the filing goes on in the same transaction, with or without an idempotency key."""
    from muang.cases.services import intake

    taken = submit_case(town.category, now=MONDAY_9).tracking_code
    fresh = intake.new_tracking_code(town.org.pk)
    codes = iter([taken, fresh])
    monkeypatch.setattr(intake, "new_tracking_code", lambda _org: next(codes))
    case, created = case_submit(
        organization=town.org,
        category=town.category,
        channel=Channel.LINE,
        description="ถนนเป็นหลุม",
        contact_phone="081-234-5678",
        idempotency_key=key,
        now=MONDAY_9,
    )
    assert created and case.tracking_code == fresh and case.contact_phone_digits == "0812345678"
    assert Case.objects.get(pk=case.pk).tracking_code == fresh
    assert CaseEvent.objects.filter(case=case, kind=EventKind.CREATED).count() == 1


def test_a_new_reporter_is_written_once_with_its_case_even_after_a_taken_code(town, monkeypatch):
    """The web form's new reporter comes with the case's INSERT: a second attempt (a taken tracking code) meets
    the row the first wrote, and the case names it."""
    from muang.cases.services import intake

    taken = submit_case(town.category, now=MONDAY_9).tracking_code
    fresh = intake.new_tracking_code(town.org.pk)
    codes = iter([taken, fresh])
    monkeypatch.setattr(intake, "new_tracking_code", lambda _org: next(codes))
    citizens = Citizen.objects.count()
    case, created = case_submit(
        organization=town.org,
        category=town.category,
        channel=Channel.WEB,
        description="ถนนเป็นหลุม",
        contact_phone="0812345678",
        new_reporter=True,
        idempotency_key="web-clash",
        now=MONDAY_9,
    )
    assert created and case.tracking_code == fresh
    assert Citizen.objects.count() == citizens + 1
    reporter = Citizen.objects.get(pk=Case.objects.get(pk=case.pk).reporter_id)
    assert reporter.display_name == "" and reporter.phone is None and reporter.preferred_language == "th"
    assert CaseEvent.objects.get(case=case, kind=EventKind.CREATED).actor_citizen_id == reporter.pk


def test_no_free_tracking_code_is_an_error_not_a_silent_loss(town, monkeypatch):
    from muang.cases.services import intake

    taken = submit_case(town.category, now=MONDAY_9).tracking_code
    monkeypatch.setattr(intake, "new_tracking_code", lambda _org: taken)
    with pytest.raises(RuntimeError, match="free tracking code"):
        case_submit(
            organization=town.org,
            category=town.category,
            channel=Channel.LINE,
            description="ถนนเป็นหลุม",
            now=MONDAY_9,
        )
    assert Case.objects.count() == 1
