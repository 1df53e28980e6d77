"""The staff forms that were API-only (add and edit a person, enrol, make a care plan) and the caregiver's phone
pages (the round for today, the visit form, its JSON answer): a refusal is a Thai form error on the field it
names (422) and writes nothing; staff without the care duty are refused."""

import datetime as dt
import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from muang.care.models import CarePlan, Enrolment, Person, Visit
from muang.care.services import assessment_record, person_create
from muang.care.tests.helpers import ITEMS_BED, carer, national_id, person_data
from muang.core.models import AuditEntry, Role
from muang.core.tests.factories import member
from muang.core.thai_dates import bangkok_date

pytestmark = pytest.mark.django_db
THAI = re.compile(r"[\u0e00-\u0e7f]")


@pytest.fixture(autouse=True)
def thai(settings):
    settings.LANGUAGE_CODE = "th"


@pytest.fixture
def org(areas):
    from muang.core.tests.factories import OrganizationFactory

    return OrganizationFactory()


@pytest.fixture
def nurse(org):
    return carer(org)


@pytest.fixture
def client(nurse):
    c = Client()
    c.force_login(nurse.user)
    return c


@pytest.fixture
def today():
    return bangkok_date(timezone.now())


@pytest.fixture
def elder(org, nurse, today):
    return person_create(actor=nurse, organization=org, today=today, **person_data(1))


WRONG_CHECK_DIGIT = national_id(7)[:-1] + str((int(national_id(7)[-1]) + 1) % 10)
PERSON_FORM = {
    "national_id": national_id(7),
    "title": "นาย",
    "first_name": "ทองดี",
    "last_name": "ภูผาทอง",
    "birth_date": "01/03/2487",
    "sex": "male",
    "address": "5 หมู่ 2",
    "subdistrict_code": "400512",
    "lat": "16.545",
    "lon": "102.1",
    "phones": "0812345678, 0898765432",
    "contact_name": "สมศรี ภูผาทอง",
    "contact_relation": "บุตร",
    "contact_phone": "0811111111",
}


def test_a_person_is_added_with_a_buddhist_era_birth_date(client, org):
    response = client.post(reverse("care:person-new"), PERSON_FORM)
    assert response.status_code == 302, response.content.decode()[:2000]
    person = Person.objects.get(organization=org)
    assert person.birth_date == dt.date(1944, 3, 1) and person.phones == ["0812345678", "0898765432"]
    assert person.emergency_contacts[0]["relation"] == "บุตร" and person.location.y == pytest.approx(16.545)
    assert response["Location"] == reverse("care:person", args=[person.pk])


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"national_id": WRONG_CHECK_DIGIT}, "national_id"),
        ({"birth_date": "31/02/2487"}, "birth_date"),
        ({"lon": ""}, "lat"),
        ({"phones": "12"}, "phones"),
        ({"subdistrict_code": "40"}, "subdistrict_code"),
    ],
)
def test_a_wrong_person_form_names_the_field_in_thai(client, org, change, field):
    response = client.post(reverse("care:person-new"), {**PERSON_FORM, **change})
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert field in errors and THAI.search(errors[field][0]), errors
    assert not Person.objects.exists() and not AuditEntry.objects.exists()


def test_a_duplicate_national_id_is_refused_on_its_field(client, org, elder):
    response = client.post(reverse("care:person-new"), {**PERSON_FORM, "national_id": elder.national_id})
    assert response.status_code == 422 and "national_id" in response.context["form"].errors
    assert Person.objects.count() == 1


def test_the_person_is_edited(client, elder):
    url = reverse("care:person-edit", args=[elder.pk])
    page = client.get(url)
    assert page.status_code == 200 and "2487" in page.content.decode()  # the birth date shown in B.E.
    form = {**page.context["form"].initial}
    form.update(birth_date="01/03/2487", address="99 หมู่ 9", lat="16.545", lon="102.1", phones="0812345678")
    form = {k: v for k, v in form.items() if v is not None and v is not False}
    response = client.post(url, form)
    assert response.status_code == 302, response.context and response.context["form"].errors
    elder.refresh_from_db()
    assert elder.address == "99 หมู่ 9" and elder.emergency_contacts[0]["name"] == "สมชาย ศรีสุข"


def test_enrolment_in_a_programme(client, elder):
    url = reverse("care:enrol", args=[elder.pk])
    refused = client.post(url, {"programme": "disability", "started_on": "01/12/2569"})
    assert refused.status_code == 422
    assert {"disability_type", "card_number"} <= set(refused.context["form"].errors)
    assert not Enrolment.objects.exists()
    response = client.post(url, {"programme": "elderly", "started_on": "01/12/2569"})
    assert response.status_code == 302
    assert Enrolment.objects.get().started_on == dt.date(2026, 12, 1)


def test_a_care_plan_for_a_dependent_person(client, nurse, elder, today):
    url = reverse("care:care-plan-new", args=[elder.pk])
    form = {"goals": "ป้องกันแผลกดทับ", "care_manager_id": nurse.user.pk, "caregivers": "CG สมใจ\nอสม. ทองใบ"}
    refused = client.post(url, form)  # not assessed yet: not known to be dependent
    assert refused.status_code == 422 and THAI.search(str(refused.context["form"].non_field_errors()))
    assessment_record(actor=nurse, person=elder, assessed_on=today, items=ITEMS_BED, today=today)
    assert client.post(url, form).status_code == 302
    plan = CarePlan.objects.get()
    assert plan.caregivers == ["CG สมใจ", "อสม. ทองใบ"] and plan.visits_per_month == 4


def test_staff_without_the_care_duty_are_refused_the_forms(org, elder):
    c = Client()
    c.force_login(member(org, Role.OFFICER))
    for url in (
        reverse("care:person-new"),
        reverse("care:person-edit", args=[elder.pk]),
        reverse("care:care-plan-new", args=[elder.pk]),
        reverse("care:visits"),
        reverse("care:visit-form", args=[elder.pk]),
    ):
        assert c.get(url).status_code == 403, url
    assert c.post(reverse("care:visit-submit"), {"person_id": elder.pk}).status_code == 403
    assert not Visit.objects.exists()


def test_the_visit_form_is_an_audited_read_and_its_answer_is_json(client, nurse, elder):
    page = client.get(reverse("care:visit-form", args=[elder.pk]))
    assert page.status_code == 200 and "2487" in page.content.decode()
    entry = AuditEntry.objects.get(action="view")
    assert (entry.reason, entry.actor_user_id) == ("visit", nurse.user.pk)
    form = {"client_uuid": str(uuid.uuid4()), "person_id": elder.pk, "visit_type": "home", "pulse": "300"}
    refused = client.post(reverse("care:visit-submit"), form)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "pulse"
    assert THAI.search(refused.json()["errors"][0]["message"])
    answer = client.post(
        reverse("care:visit-submit"), {**form, "pulse": "80", **{f"adl_{k}": v for k, v in ITEMS_BED.items()}}
    )
    assert answer.status_code == 201
    body = answer.json()
    assert body["group"] == "bed" and body["group_label"] == "ติดเตียง" and body["needs_care_plan"] is True
    again = client.post(reverse("care:visit-submit"), {**form, "pulse": "80"})
    assert again.status_code == 201 and again.json()["replayed"] and Visit.objects.count() == 1


def test_the_service_worker_is_served_for_the_visit_pages(client):
    response = client.get(reverse("care:visit-sw"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/care/visits/"
    assert "/static/care/visit_outbox.js" in response.content.decode()


def test_a_visit_photo_is_served_to_the_care_duty_only(client, org, nurse, elder):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from muang.care.visits import visit_record

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(buffer, "JPEG")
    photo = SimpleUploadedFile("wound.jpg", buffer.getvalue(), content_type="image/jpeg")
    visit = visit_record(
        actor=nurse,
        organization=org,
        data={"client_uuid": str(uuid.uuid4()), "person_id": elder.pk},
        now=timezone.now(),
        photo=photo,
    ).visit
    url = visit.photo.url
    assert url.startswith(f"/files/care-visits/{org.pk}/")
    response = client.get(url)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    officer = Client()
    officer.force_login(member(org, Role.OFFICER))
    assert officer.get(url).status_code == 403


def test_the_district_sees_counts_only(org, nurse, elder, today, client):
    from muang.core.tests.factories import DistrictOfficeFactory

    assessment_record(actor=nurse, person=elder, assessed_on=today, items=ITEMS_BED, today=today)
    overseer = Client()
    overseer.force_login(member(DistrictOfficeFactory(), Role.OVERSEER))
    response = overseer.get(reverse("care:counts"))
    assert response.status_code == 200
    page = response.content.decode()
    assert org.name_th in page and "ติดเตียง" in page
    assert elder.first_name not in page and elder.national_id not in page
    assert response.context["rows"][0]["counts"].by_group["bed"] == 1
    executive = Client()
    executive.force_login(member(org, Role.EXECUTIVE))
    assert executive.get(reverse("care:counts")).context["rows"][0]["counts"].people == 1
    assert client.get(reverse("care:counts")).status_code == 403  # the nurse: the register, not the roll-up
    assert not AuditEntry.objects.filter(action="view").exists()


def test_the_round_links_a_teleconsultation_to_its_call(client, org, nurse, elder):
    from muang.care.visits import teleconsultation_schedule

    now = timezone.now()
    call = teleconsultation_schedule(
        actor=nurse,
        organization=org,
        person_id=elder.pk,
        scheduled_at=now + dt.timedelta(minutes=30),
        video_link="https://meet.chumphae-hospital.go.th/r/9",
        now=now,
    )
    page = client.get(reverse("care:visit-form", args=[elder.pk]) + f"?planned={call.pk}").content.decode()
    assert 'value="tele" checked' in page and 'id="visit-call-link"' in page
    assert f'name="planned_visit_id" value="{call.pk}"' in page


def test_a_teleconsultation_is_scheduled_from_the_person_page(client, elder):
    url = reverse("care:tele-new", args=[elder.pk])
    refused = client.post(url, {"day": "05/01/2642", "time": "10:30", "video_link": "zoom"})
    assert refused.status_code == 422 and THAI.search(refused.context["form"].errors["video_link"][0])
    link = "https://meet.chumphae-hospital.go.th/r/11"
    past = client.post(url, {"day": "05/01/2560", "time": "10:30", "video_link": link})
    assert past.status_code == 422 and "day" in past.context["form"].errors
    assert client.post(url, {"day": "05/01/2642", "time": "10:30", "video_link": link}).status_code == 302
    call = Visit.objects.get()
    assert call.visit_type == "tele" and call.planned_on == dt.date(2099, 1, 5) and call.done_at is None
    assert timezone.localtime(call.scheduled_at).strftime("%H:%M") == "10:30"


def test_the_round_shows_a_person_owed_two_visits_once_opened_on_the_oldest(client, org, elder, today):
    """Two missed home visits of one person are one stop of the round (the form completes the oldest)."""
    older, newer = (
        Visit.objects.create(
            organization=org, person=elder, visit_type="home", planned_on=today - dt.timedelta(d)
        )
        for d in (9, 2)
    )
    other = person_create(actor=carer(org), organization=org, today=today, **person_data(2))
    Visit.objects.create(organization=org, person=other, visit_type="home", planned_on=today)
    page = client.get(reverse("care:visits")).content.decode()
    assert page.count(f'data-person="{elder.pk}"') == 1 and page.count(f'data-person="{other.pk}"') == 1
    assert f"?planned={older.pk}" in page and f"?planned={newer.pk}" not in page
    assert "ค้างเยี่ยม 2 ครั้ง" in page and "ต้องเยี่ยม 2 ราย" in page
