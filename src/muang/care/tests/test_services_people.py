import datetime as dt

import pytest

from muang.care.models import Enrolment, Person
from muang.care.services import enrolment_create, enrolment_end, person_create, person_update
from muang.care.tests.helpers import TODAY, carer, national_id, person_data
from muang.core.access import Actor
from muang.core.errors import AccessDenied, InvalidInput
from muang.core.models import AuditEntry, Duty, Role
from muang.core.tests.factories import OrganizationFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(areas):
    return OrganizationFactory()


def test_a_carer_registers_a_person_and_the_audit_keeps_no_name(org):
    actor = carer(org)
    person = person_create(actor=actor, organization=org, today=TODAY, **person_data())
    assert person.full_name == "บัวผัน ศรีสุข1" and person.location.x == 102.1
    entry = AuditEntry.objects.get(object_type="care.Person", object_id=str(person.pk))
    assert entry.changes["first_name"] == ["***", "***"] and "บัวผัน" not in str(entry.changes)
    assert entry.object_repr == f"care person {person.pk}"


def test_a_wrong_check_digit_and_a_duplicate_are_refused_naming_the_field(org):
    actor = carer(org)
    wrong = national_id(1)[:12] + str((int(national_id(1)[12]) + 1) % 10)
    with pytest.raises(InvalidInput) as e:
        person_create(actor=actor, organization=org, today=TODAY, **person_data(national_id=wrong))
    assert list(e.value.field_errors) == ["national_id"]
    person_create(actor=actor, organization=org, today=TODAY, **person_data())
    with pytest.raises(InvalidInput) as e:
        person_create(actor=actor, organization=org, today=TODAY, **person_data(first_name="อื่น"))
    assert "national_id" in e.value.field_errors
    assert Person.objects.count() == 1
    # The same ID in another organisation is another register.
    other = OrganizationFactory()
    person_create(actor=carer(other), organization=other, today=TODAY, **person_data())


def test_every_bad_field_is_named_at_once_and_nothing_is_written(org):
    bad = person_data(
        first_name=" ",
        birth_date=TODAY + dt.timedelta(days=1),
        sex="x",
        subdistrict_code="12",
        lat=1.0,
        lon=1.0,
        phones=["12"],
        line_user_id="nope",
    )
    with pytest.raises(InvalidInput) as e:
        person_create(actor=carer(org), organization=org, today=TODAY, **bad)
    assert {
        "first_name",
        "birth_date",
        "sex",
        "subdistrict_code",
        "location",
        "phones",
        "line_user_id",
    } <= set(e.value.field_errors)
    assert not Person.objects.exists() and not AuditEntry.objects.exists()


def test_staff_without_the_care_duty_may_not_register(org):
    for actor in (
        Actor(user=member(org, Role.OFFICER, duties=[Duty.SOCIAL_WELFARE])),
        Actor(user=member(org, Role.SYSTEM_ADMIN)),  # health records are restricted
        Actor(user=member(org, Role.EXECUTIVE)),
    ):
        with pytest.raises(AccessDenied):
            person_create(actor=actor, organization=org, today=TODAY, **person_data())
    assert not Person.objects.exists()


def test_programmes_elderly_from_60_disability_with_type_and_card_one_open_each(org):
    actor = carer(org)
    person = person_create(actor=actor, organization=org, today=TODAY, **person_data())  # born 1944
    with pytest.raises(InvalidInput) as e:
        enrolment_create(actor=actor, person=person, programme="elderly", started_on=dt.date(2003, 1, 1))
    assert "started_on" in e.value.field_errors
    elderly = enrolment_create(
        actor=actor, person=person, programme="elderly", started_on=dt.date(2004, 3, 1)
    )
    with pytest.raises(InvalidInput) as e:
        enrolment_create(actor=actor, person=person, programme="elderly", started_on=dt.date(2010, 1, 1))
    assert "programme" in e.value.field_errors
    with pytest.raises(InvalidInput) as e:
        enrolment_create(actor=actor, person=person, programme="disability", started_on=TODAY)
    assert {"disability_type", "card_number"} <= set(e.value.field_errors)
    enrolment_create(
        actor=actor,
        person=person,
        programme="disability",
        started_on=TODAY,
        disability_type="physical",
        card_number="1234",
        card_expires_on=dt.date(2030, 1, 1),
    )
    enrolment_end(actor=actor, enrolment=elderly, ended_on=TODAY)
    enrolment_create(actor=actor, person=person, programme="elderly", started_on=TODAY)
    assert Enrolment.objects.filter(person=person).count() == 3


def test_an_update_changes_only_what_changed(org):
    actor = carer(org)
    person = person_create(actor=actor, organization=org, today=TODAY, **person_data())
    updated = person_update(actor=actor, person=person, today=TODAY, **person_data(lives_alone=False))
    assert updated.lives_alone is False
    entry = AuditEntry.objects.filter(object_type="care.Person", action="update").get()
    assert entry.changes == {"lives_alone": [True, False]}
