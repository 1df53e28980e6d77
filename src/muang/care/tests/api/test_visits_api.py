"""/api/v1/organizations/{slug}/care/visits × every kind of caller (muang.testing.authz): the care duty only;
the overseeing district, the system administrator and every token refused; then what the API answers: the
same visit sent twice stored once with the same answer, vital signs read with a purpose (audited), bad input
named by field, another organisation's person refused."""

import uuid
from dataclasses import dataclass

import pytest

from muang.care.models import Visit
from muang.care.services import assessment_record, person_create
from muang.care.tests.helpers import ITEMS_BED, ITEMS_SOCIAL, TODAY, person_data
from muang.care.visits import visit_record
from muang.core.access import SYSTEM
from muang.core.models import AuditEntry, Duty, Role
from muang.core.tests.factories import DistrictOfficeFactory, member
from muang.testing.authz import PRINCIPALS, assert_matrix_cell, build_world

CARE_PRINCIPALS = (*PRINCIPALS, "carer", "overseer", "other_carer")
CARE = frozenset({"carer"})
ORG = "/api/v1/organizations/{org}/care"
UUID = "0b6f6f3e-7d0c-4d4e-9a35-0f1f2b9c7a11"


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    allowed: frozenset[str]
    body: dict | None = None


VISIT_ENDPOINTS = [
    Endpoint("GET", ORG + "/visits", CARE),
    Endpoint("POST", ORG + "/visits", CARE, {"client_uuid": UUID, "person_id": 0, "pulse": 80}),
    Endpoint("GET", ORG + "/visits/{visit}?purpose=visit", CARE),
    Endpoint(
        "POST",
        ORG + "/visits/teleconsultations",
        CARE,
        {
            "person_id": 0,
            "scheduled_at": "2099-01-05T10:00:00+07:00",
            "video_link": "https://meet.example/r/1",
        },
    ),
]


@pytest.fixture
def world(areas):
    world = build_world()
    world.users["carer"] = member(world.org, Role.OFFICER, duties=[Duty.CARE])
    world.users["overseer"] = member(DistrictOfficeFactory(), Role.OVERSEER)
    world.users["other_carer"] = member(world.other_org, Role.OFFICER, duties=[Duty.CARE])
    world.person = person_create(actor=SYSTEM, organization=world.org, today=TODAY, **person_data(1))
    assessment_record(actor=SYSTEM, person=world.person, assessed_on=TODAY, items=ITEMS_SOCIAL, today=TODAY)
    world.stranger = person_create(actor=SYSTEM, organization=world.other_org, today=TODAY, **person_data(4))
    from django.utils import timezone

    world.visit = visit_record(
        actor=SYSTEM,
        organization=world.org,
        data={"client_uuid": str(uuid.uuid4()), "person_id": world.person.pk, "pulse": "72"},
        now=timezone.now(),
    ).visit
    return world


def _path(world, endpoint: Endpoint) -> str:
    return endpoint.path.format(org=world.org.slug, visit=world.visit.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", VISIT_ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
@pytest.mark.parametrize("principal", CARE_PRINCIPALS)
def test_visit_endpoint_authorization(world, endpoint: Endpoint, principal: str):
    before = AuditEntry.objects.count()
    body = endpoint.body and {**endpoint.body, "person_id": world.person.pk}
    response = world.call(principal, endpoint.method, _path(world, endpoint), body)
    assert_matrix_cell(world, principal, endpoint.allowed, response, writes=endpoint.method != "GET")
    if principal not in endpoint.allowed:
        assert AuditEntry.objects.count() == before, "a refused call writes nothing"
        assert Visit.objects.count() == 1


@pytest.mark.django_db
def test_a_teleconsultation_is_scheduled_then_its_outcome_recorded(world):
    base = ORG.format(org=world.org.slug) + "/visits"
    body = {"person_id": world.person.pk, "scheduled_at": "2099-01-05T10:00:00+07:00", "video_link": "zoom"}
    refused = world.call("carer", "POST", base + "/teleconsultations", body)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "video_link"
    link = "https://meet.chumphae-hospital.go.th/r/7"
    scheduled = world.call("carer", "POST", base + "/teleconsultations", {**body, "video_link": link})
    assert scheduled.status_code == 201 and scheduled.json()["visit_type"] == "tele"
    call_id = scheduled.json()["id"]
    done = world.call(
        "carer",
        "POST",
        base,
        {
            "client_uuid": UUID,
            "person_id": world.person.pk,
            "visit_type": "tele",
            "planned_visit_id": call_id,
            "video_link": link,
            "outcome": "แพทย์นัดติดตามอาการ",
        },
    )
    assert done.status_code == 201 and done.json()["visit"]["id"] == call_id
    assert done.json()["visit"]["outcome"] == "แพทย์นัดติดตามอาการ"


@pytest.mark.django_db
def test_the_same_visit_sent_twice_is_stored_once_with_the_same_answer(world):
    path = ORG.format(org=world.org.slug) + "/visits"
    body = {
        "client_uuid": UUID,
        "person_id": world.person.pk,
        "bp_systolic": 150,
        "bp_diastolic": 95,
        "temperature": "37.2",
        "lat": 16.545,
        "lon": 102.1,
        "adl": ITEMS_BED,
    }
    first = world.call("carer", "POST", path, body)
    second = world.call("carer", "POST", path, body)
    assert (first.status_code, second.status_code) == (201, 201), first.content
    assert first.json() == second.json() and second["Idempotent-Replayed"] == "true"
    answer = first.json()
    assert answer["person_group"] == "bed" and answer["needs_care_plan"] is True
    assert answer["visit"]["adl_total"] == 4 and answer["visit"]["near_home"] is True
    assert Visit.objects.filter(client_uuid=UUID).count() == 1


@pytest.mark.django_db
def test_bad_input_is_a_problem_naming_the_field(world):
    path = ORG.format(org=world.org.slug) + "/visits"
    response = world.call(
        "carer", "POST", path, {"client_uuid": UUID, "person_id": world.person.pk, "pulse": 900}
    )
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == ["pulse"]
    response = world.call("carer", "POST", path, {"client_uuid": UUID, "person_id": world.stranger.pk})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "person_id"
    assert Visit.objects.count() == 1


@pytest.mark.django_db
def test_reading_vital_signs_needs_a_purpose_and_is_audited(world):
    path = ORG.format(org=world.org.slug) + f"/visits/{world.visit.pk}"
    assert world.call("carer", "GET", path).status_code == 422
    response = world.call("carer", "GET", path + "?purpose=care")
    assert response.status_code == 200 and response.json()["pulse"] == 72
    entry = AuditEntry.objects.get(action="view")
    assert (entry.actor_user_id, entry.reason, entry.object_type) == (
        world.users["carer"].pk,
        "care",
        "care.Visit",
    )
    listed = world.call("carer", "GET", ORG.format(org=world.org.slug) + "/visits").json()
    assert "pulse" not in str(listed)  # the list shows no vital signs
