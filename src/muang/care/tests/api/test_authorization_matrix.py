"""Every care endpoint × every kind of caller (muang.testing.authz), plus the two callers the care register is
about: `carer` (an officer whose department holds the care duty) and `overseer` (the district office above
the organisation, which sees counts only). The organisation's system administrator is refused: health records
are restricted, and no API scope carries them (a token with every scope reads the counts only)."""

from dataclasses import dataclass

import pytest

from muang.care.models import CarePlan, Enrolment
from muang.care.services import assessment_record, care_plan_create, enrolment_create, person_create
from muang.care.tests.helpers import ITEMS_BED, TODAY, person_data
from muang.core.access import SYSTEM
from muang.core.models import AuditEntry, Duty, Role
from muang.core.tests.factories import DistrictOfficeFactory, member
from muang.testing.authz import PRINCIPALS, assert_matrix_cell, build_world

CARE_PRINCIPALS = (*PRINCIPALS, "carer", "overseer")
CARE = frozenset({"carer"})
COUNTS = frozenset({"carer", "overseer", "privileged", "token"})


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    allowed: frozenset[str]
    body: dict | None = None


ORG = "/api/v1/organizations/{org}/care"
ASSESSMENT = {"assessed_on": "2026-12-01", **ITEMS_BED}
ENDPOINTS = [
    Endpoint("GET", ORG + "/people", CARE),
    Endpoint("POST", ORG + "/people", CARE, {**person_data(2, birth_date="1950-01-01")}),
    Endpoint("POST", ORG + "/people/import", CARE),  # multipart: see the test
    Endpoint("GET", ORG + "/people/{person}?purpose=care", CARE),
    Endpoint("PUT", ORG + "/people/{person}", CARE, {**person_data(1, birth_date="1944-03-01")}),
    Endpoint("GET", ORG + "/people/{person}/export", CARE),
    Endpoint("POST", ORG + "/people/{other_person}/anonymize", CARE),
    Endpoint(
        "POST",
        ORG + "/people/{person}/enrolments",
        CARE,
        {"programme": "elderly", "started_on": "2026-12-01"},
    ),
    Endpoint("POST", ORG + "/enrolments/{enrolment}/end", CARE, {"ended_on": "2026-12-05"}),
    Endpoint("POST", ORG + "/people/{person}/assessments", CARE, ASSESSMENT),
    Endpoint(
        "POST",
        ORG + "/people/{person}/care-plans",
        CARE,
        {"goals": "ป้องกันแผลกดทับ", "care_manager_id": 0, "caregivers": ["CG"], "fiscal_year": 2569},
    ),
    Endpoint(
        "POST",
        ORG + "/care-plans/{plan}/spending",
        CARE,
        {"spent_on": "2026-12-01", "amount": "500.00", "description": "x"},
    ),
    Endpoint("GET", ORG + "/counts", COUNTS),
]


@pytest.fixture
def world(areas):
    world = build_world()
    world.users["carer"] = member(world.org, Role.OFFICER, duties=[Duty.CARE])
    world.users["overseer"] = member(DistrictOfficeFactory(), Role.OVERSEER)
    person = person_create(actor=SYSTEM, organization=world.org, today=TODAY, **person_data(1))
    assessment_record(actor=SYSTEM, person=person, assessed_on=TODAY, items=ITEMS_BED, today=TODAY)
    world.person = person
    world.other_person = person_create(actor=SYSTEM, organization=world.org, today=TODAY, **person_data(3))
    world.enrolment = enrolment_create(actor=SYSTEM, person=person, programme="ltc", started_on=TODAY)
    world.plan = care_plan_create(
        actor=SYSTEM,
        person=person,
        goals="x",
        care_manager_id=world.users["carer"].pk,
        caregivers=["CG"],
        today=TODAY,
    )
    return world


def _path(world, endpoint: Endpoint) -> str:
    return endpoint.path.format(
        org=world.org.slug,
        person=world.person.pk,
        other_person=world.other_person.pk,
        enrolment=world.enrolment.pk,
        plan=world.plan.pk,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
@pytest.mark.parametrize("principal", CARE_PRINCIPALS)
def test_endpoint_authorization(world, endpoint: Endpoint, principal: str):
    before = AuditEntry.objects.count()
    path = _path(world, endpoint)
    body = endpoint.body
    if body and "care_manager_id" in body:
        body = {**body, "care_manager_id": world.users["carer"].pk}
    if path.endswith("/import"):
        client = world.client_for(principal)
        from django.core.files.uploadedfile import SimpleUploadedFile

        data = (
            "national_id,first_name,last_name,birth_date,sex\n"
            + f"{person_data(9)['national_id']},ก,ข,01/01/2490,หญิง\n"
        )
        upload = SimpleUploadedFile("people.csv", data.encode(), content_type="text/csv")
        response = client.post(path, {"file": upload, "dry_run": "true"}, **world.headers_for(principal))
    else:
        response = world.call(principal, endpoint.method, path, body)
    assert_matrix_cell(world, principal, endpoint.allowed, response, writes=endpoint.method != "GET")
    if principal not in endpoint.allowed:
        assert AuditEntry.objects.count() == before, "a refused call writes nothing"


@pytest.mark.django_db
def test_a_refused_read_of_a_health_record_is_logged(world, caplog):
    caplog.set_level("WARNING", logger="muang.care.access")
    response = world.call("officer", "GET", _path(world, ENDPOINTS[3]))
    assert response.status_code == 403
    assert any("refused" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db
def test_the_overseer_gets_counts_and_no_person(world):
    response = world.call("overseer", "GET", ORG.format(org=world.org.slug) + "/counts")
    body = response.json()
    assert body["people"] == 2 and body["by_group"]["bed"] == 1 and body["dependent_with_plan"] == 1
    assert "บัวผัน" not in response.content.decode()
    assert not CarePlan.objects.filter(person__organization=world.other_org).exists()
    assert Enrolment.objects.count() == 1
