"""Home visits and teleconsultations: recorded once however often the phone sends them, vital signs in plausible
ranges (each refusal naming its field), the location checked against the home, the ADL re-score moving the
person's group, the month's visits planned from the care plans, the round for today (overdue first)."""

import datetime as dt
import io
import uuid
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from muang.care.models import Assessment, Visit
from muang.care.services import assessment_record, care_plan_create, person_create
from muang.care.tests.helpers import ITEMS_BED, ITEMS_SOCIAL, TODAY, carer, person_data
from muang.care.visit_selectors import visits_due
from muang.care.visits import planned_days, teleconsultation_schedule, visit_record, visits_plan_month
from muang.core.errors import AccessDenied, Conflict, InvalidInput
from muang.core.models import AuditEntry, Role
from muang.core.tests.factories import OrganizationFactory, member
from muang.core.thai_dates import bangkok_midnight

pytestmark = pytest.mark.django_db
NOW = bangkok_midnight(TODAY) + dt.timedelta(hours=10)  # 10:00 in Bangkok on TODAY


@pytest.fixture
def org(areas):
    return OrganizationFactory()


@pytest.fixture
def nurse(org):
    return carer(org)


@pytest.fixture
def elder(org, nurse):
    return person_create(actor=nurse, organization=org, today=TODAY, **person_data())


def form(person, **fields):
    return {"client_uuid": str(uuid.uuid4()), "person_id": person.pk, "visit_type": "home", **fields}


def adl(items):
    return {f"adl_{k}": str(v) for k, v in items.items()}


def test_the_same_form_sent_twice_is_stored_once_and_answered_again(org, nurse, elder):
    data = form(elder, bp_systolic="132", bp_diastolic="84", pulse="76", weight="51.35", temperature="36.6")
    first = visit_record(actor=nurse, organization=org, data=data, now=NOW)
    again = visit_record(actor=nurse, organization=org, data=data, now=NOW + dt.timedelta(minutes=5))
    assert not first.replayed and again.replayed
    assert again.visit.pk == first.visit.pk and Visit.objects.count() == 1
    visit = Visit.objects.get()
    assert (visit.bp_systolic, visit.bp_diastolic, visit.pulse) == (132, 84, 76)
    assert visit.weight == Decimal("51.4") and visit.temperature == Decimal("36.6")
    assert visit.caregiver == nurse.user and visit.done_at == NOW
    assert AuditEntry.objects.filter(object_type="care.Visit").count() == 1


def test_a_form_identifier_reused_for_another_person_is_refused(org, nurse, elder):
    other = person_create(actor=nurse, organization=org, today=TODAY, **person_data(2))
    data = form(elder)
    visit_record(actor=nurse, organization=org, data=data, now=NOW)
    with pytest.raises(Conflict):
        visit_record(actor=nurse, organization=org, data={**data, "person_id": other.pk}, now=NOW)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"bp_systolic": "1200", "bp_diastolic": "80"}, "bp_systolic"),
        ({"bp_systolic": "120", "bp_diastolic": "130"}, "bp_diastolic"),
        ({"bp_systolic": "120"}, "bp_diastolic"),
        ({"pulse": "5"}, "pulse"),
        ({"glucose": "abc"}, "glucose"),
        ({"weight": "420"}, "weight"),
        ({"temperature": "50"}, "temperature"),
        ({"pulse": "72.5"}, "pulse"),
        ({"done_at": "2026-12-31T10:00:00+07:00"}, "done_at"),
        ({"lat": "16.5"}, "location"),
        ({"visit_type": "phone"}, "visit_type"),
        ({**adl(ITEMS_BED), "adl_transfer": "4"}, "adl_transfer"),
        ({"adl_feeding": "1"}, "adl_grooming"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_writes_nothing(org, nurse, elder, fields, field):
    with pytest.raises(InvalidInput) as e:
        visit_record(actor=nurse, organization=org, data=form(elder, **fields), now=NOW)
    assert field in e.value.field_errors, e.value.field_errors
    assert not Visit.objects.exists() and not Assessment.objects.exists()


def test_a_visit_for_a_person_of_another_organisation_is_refused(org, nurse, areas):
    other_org = OrganizationFactory()
    stranger = person_create(actor=carer(other_org), organization=other_org, today=TODAY, **person_data(5))
    with pytest.raises(InvalidInput) as e:
        visit_record(actor=nurse, organization=org, data=form(stranger), now=NOW)
    assert "person_id" in e.value.field_errors
    with pytest.raises(AccessDenied):  # and another organisation's register is not reachable at all
        visit_record(actor=nurse, organization=other_org, data=form(stranger), now=NOW)
    assert not Visit.objects.exists()


def test_staff_without_the_care_duty_cannot_record_a_visit(org, elder):
    officer = carer(org).__class__(user=member(org, Role.OFFICER))
    with pytest.raises(AccessDenied):
        visit_record(actor=officer, organization=org, data=form(elder), now=NOW)


def test_the_location_is_checked_against_the_home_as_a_flag(org, nurse, elder):
    near = visit_record(
        actor=nurse, organization=org, data=form(elder, lat="16.5452", lon="102.1001"), now=NOW
    )
    assert near.visit.near_home is True and near.visit.distance_from_home_m < 50
    far = visit_record(actor=nurse, organization=org, data=form(elder, lat="16.56", lon="102.1"), now=NOW)
    assert far.visit.near_home is False and 1600 < far.visit.distance_from_home_m < 1700
    unknown = visit_record(actor=nurse, organization=org, data=form(elder), now=NOW)
    assert unknown.visit.near_home is None


def test_an_adl_rescore_moves_the_group_and_asks_for_a_care_plan(org, nurse, elder):
    assessment_record(
        actor=nurse, person=elder, assessed_on=dt.date(2026, 6, 1), items=ITEMS_SOCIAL, today=TODAY
    )
    result = visit_record(actor=nurse, organization=org, data=form(elder, **adl(ITEMS_BED)), now=NOW)
    assert result.visit.assessment.total == 4 and result.visit.assessment.assessed_on == TODAY
    elder.refresh_from_db()
    assert elder.adl_group == "bed" and result.needs_care_plan
    care_plan_create(
        actor=nurse,
        person=elder,
        goals="พลิกตัว",
        care_manager_id=nurse.user.pk,
        caregivers=["CG"],
        today=TODAY,
    )
    later = visit_record(actor=nurse, organization=org, data=form(elder, **adl(ITEMS_BED)), now=NOW)
    assert not later.needs_care_plan


def test_the_photo_is_re_encoded_under_a_random_name(org, nurse, elder):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(buffer, "PNG")
    upload = SimpleUploadedFile("ยายบัวผัน.png", buffer.getvalue(), content_type="image/png")
    result = visit_record(actor=nurse, organization=org, data=form(elder), now=NOW, photo=upload)
    name = result.visit.photo.name
    assert name.startswith(f"care-visits/{org.pk}/") and name.endswith(".jpg") and "บัวผัน" not in name
    with pytest.raises(InvalidInput) as e:
        bad = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
        visit_record(actor=nurse, organization=org, data=form(elder), now=NOW, photo=bad)
    assert "photo" in e.value.field_errors


def test_the_month_is_planned_from_the_care_plans_once(org, nurse, elder):
    assessment_record(actor=nurse, person=elder, assessed_on=TODAY, items=ITEMS_BED, today=TODAY)
    care_plan_create(
        actor=nurse,
        person=elder,
        goals="พลิกตัว",
        care_manager_id=nurse.user.pk,
        caregivers=["CG"],
        today=TODAY,
    )
    assert planned_days(dt.date(2026, 12, 1), 4) == [dt.date(2026, 12, d) for d in (1, 8, 16, 24)]
    assert visits_plan_month(organization=org, month=dt.date(2026, 12, 1)) == 4  # bed-bound: weekly
    assert visits_plan_month(organization=org, month=dt.date(2026, 12, 1)) == 0

    # The round for the 10th: the 1st and the 8th are overdue, oldest first.
    due = visits_due(actor=nurse, organization=org, today=dt.date(2026, 12, 10))
    assert [(d.visit.planned_on.day, d.overdue) for d in due] == [(1, True), (8, True)]
    # A visit done completes the oldest due one; the round shrinks.
    result = visit_record(actor=nurse, organization=org, data=form(elder), now=NOW)
    assert result.visit.planned_on == dt.date(2026, 12, 1) and Visit.objects.count() == 4
    due = visits_due(actor=nurse, organization=org, today=dt.date(2026, 12, 10))
    assert [d.visit.planned_on.day for d in due] == [8]


def test_a_planned_visit_already_done_is_not_done_twice(org, nurse, elder):
    assessment_record(actor=nurse, person=elder, assessed_on=TODAY, items=ITEMS_BED, today=TODAY)
    care_plan_create(
        actor=nurse, person=elder, goals="x", care_manager_id=nurse.user.pk, caregivers=["CG"], today=TODAY
    )
    visits_plan_month(organization=org, month=TODAY)
    planned = Visit.objects.order_by("planned_on").first()
    visit_record(actor=nurse, organization=org, data=form(elder, planned_visit_id=planned.pk), now=NOW)
    with pytest.raises(Conflict):
        visit_record(actor=nurse, organization=org, data=form(elder, planned_visit_id=planned.pk), now=NOW)


def test_a_teleconsultation_is_scheduled_with_its_link_then_its_outcome_recorded(org, nurse, elder):
    at = NOW + dt.timedelta(hours=3)
    with pytest.raises(InvalidInput) as e:
        teleconsultation_schedule(
            actor=nurse, organization=org, person_id=elder.pk, scheduled_at=at, video_link="zoom", now=NOW
        )
    assert "video_link" in e.value.field_errors
    call = teleconsultation_schedule(
        actor=nurse,
        organization=org,
        person_id=elder.pk,
        scheduled_at=at,
        video_link="https://meet.chumphae-hospital.go.th/r/abc",
        now=NOW,
    )
    assert [d.visit for d in visits_due(actor=nurse, organization=org, today=TODAY)] == [call]
    data = form(elder, visit_type="tele", planned_visit_id=call.pk, video_link=call.video_link)
    with pytest.raises(InvalidInput) as e:
        visit_record(actor=nurse, organization=org, data=data, now=at + dt.timedelta(minutes=20))
    assert "outcome" in e.value.field_errors
    done = visit_record(
        actor=nurse,
        organization=org,
        data={**data, "outcome": "แพทย์ปรับยาความดัน นัดติดตาม 2 สัปดาห์"},
        now=at + dt.timedelta(minutes=20),
    )
    assert (
        done.visit.pk == call.pk and done.visit.outcome.startswith("แพทย์") and done.visit.scheduled_at == at
    )
