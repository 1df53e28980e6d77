"""PDPA: health records read with a purpose and audited, the person's export, anonymisation on request, the
district and province seeing counts only, and every care page refused to staff without the duty."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from muang.care.models import Person
from muang.care.services import (
    assessment_record,
    enrolment_create,
    enrolment_end,
    person_anonymize,
    person_create,
    person_data_export,
)
from muang.care.tests.helpers import ITEMS_BED, TODAY, carer, person_data
from muang.core.access import Actor
from muang.core.errors import AccessDenied, Conflict, InvalidInput
from muang.core.models import AuditEntry, Duty, Role
from muang.core.tests.factories import DistrictOfficeFactory, OrganizationFactory, member

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 12, 5, 3, tzinfo=dt.UTC)


@pytest.fixture
def org(areas):
    return OrganizationFactory()


@pytest.fixture
def actor(org):
    return carer(org)


@pytest.fixture
def person(org, actor):
    p = person_create(actor=actor, organization=org, today=TODAY, **person_data())
    assessment_record(actor=actor, person=p, assessed_on=TODAY, items=ITEMS_BED, today=TODAY)
    return p


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_person_page_asks_for_a_purpose_and_logs_the_read(org, actor, person):
    client = _client(actor.user)
    url = reverse("care:person", args=[person.pk])
    before = AuditEntry.objects.filter(action="view").count()
    first = client.get(url)
    assert first.status_code == 200 and 'name="purpose"' in first.content.decode()
    assert AuditEntry.objects.filter(action="view").count() == before  # nothing health-related shown yet
    page = client.get(url + "?purpose=visit")
    assert page.status_code == 200 and "adl-trend" in page.content.decode()
    entry = AuditEntry.objects.filter(action="view").get()
    assert (entry.actor_user_id, entry.reason, entry.object_id) == (actor.user.pk, "visit", str(person.pk))


def test_the_purposes_offered_in_thai_are_the_care_registers_own(org, actor, person):
    """The ADL assessment is offered as such, not as the tax assessment (the catalogue's bare "assessment")."""
    client = _client(actor.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "th"
    page = client.get(reverse("care:person", args=[person.pk])).content.decode()
    assert "การประเมินสุขภาพและความสามารถ (ADL)" in page
    assert "ภาษี" not in page


@pytest.mark.parametrize(
    "name", ["care:list", "care:person", "care:map", "care:map-data", "care:import", "care:export"]
)
def test_every_care_page_refuses_staff_without_the_duty_and_the_overseer(org, person, name, caplog):
    caplog.set_level("WARNING", logger="muang.care.access")
    url = reverse(name, args=[person.pk]) if name == "care:person" else reverse(name)
    overseer = member(DistrictOfficeFactory(), Role.OVERSEER)
    before = AuditEntry.objects.count()
    for user in (
        member(org, Role.OFFICER, duties=[Duty.SOCIAL_WELFARE]),
        member(org, Role.SYSTEM_ADMIN),
        member(org, Role.EXECUTIVE),
        overseer,
    ):
        response = _client(user).get(url + "?purpose=care")
        assert response.status_code == 403, (name, user, response.status_code)
    assert AuditEntry.objects.count() == before
    if name == "care:person":
        assert sum("refused" in r.getMessage() for r in caplog.records) == 4


def test_the_persons_export_holds_everything_and_is_audited(actor, person):
    document = person_data_export(actor=actor, person=person)
    assert document["person"]["national_id"] == person.national_id
    assert [a["total"] for a in document["assessments"]] == [4]
    assert AuditEntry.objects.filter(action="view", reason="person_request").count() == 1


def test_anonymisation_waits_for_open_programmes_then_erases_what_identifies(org, actor, person):
    enrolment = enrolment_create(actor=actor, person=person, programme="elderly", started_on=TODAY)
    with pytest.raises(Conflict):
        person_anonymize(actor=actor, person=person, now=NOW)
    enrolment_end(actor=actor, enrolment=enrolment, ended_on=TODAY)
    done = person_anonymize(actor=actor, person=person, now=NOW)
    assert (done.first_name, done.phones, done.location, done.emergency_contacts) == ("-", [], None, [])
    assert done.birth_date == dt.date(1944, 7, 1) and done.adl_group == "bed"
    assert done.national_id != person_data()["national_id"]
    # The append-only audit log never held the name, so nothing identifying is left behind.
    assert "บัวผัน" not in str(list(AuditEntry.objects.values_list("changes", "object_repr")))
    with pytest.raises(InvalidInput):
        person_anonymize(actor=actor, person=done, now=NOW)
    assert not Person.objects.filter(anonymized_at__isnull=True).exists()


def test_staff_without_the_duty_cannot_export_or_anonymise(org, person):
    outsider = Actor(user=member(org, Role.SYSTEM_ADMIN))
    with pytest.raises(AccessDenied):
        person_data_export(actor=outsider, person=person)
    with pytest.raises(AccessDenied):
        person_anonymize(actor=outsider, person=person, now=NOW)
