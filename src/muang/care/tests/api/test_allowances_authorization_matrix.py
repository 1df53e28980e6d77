"""Every allowance endpoint × every kind of caller: only `carer` (an officer whose department holds the care
duty) succeeds. The organisation's system administrator, an officer without the duty, the overseeing
district office (`overseer`), another organisation and every token are refused, and a refused call writes
nothing."""

import datetime as dt
from dataclasses import dataclass

import pytest

from muang.care import allowances_api
from muang.care.models import ConfirmationWindow
from muang.care.services import enrolment_create, person_create
from muang.care.tests.allowance_helpers import (
    DECEMBER,
    IN_DECEMBER,
    REGISTERED_ON,
    elder,
    payer,
    run,
)
from muang.care.tests.helpers import person_data
from muang.core.access import SYSTEM
from muang.core.models import AuditEntry, Duty, Role
from muang.core.tests.factories import DistrictOfficeFactory, member
from muang.testing.authz import PRINCIPALS, assert_matrix_cell, build_world

PRINCIPALS_HERE = (*PRINCIPALS, "carer", "overseer")
CARE = frozenset({"carer"})


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    body: dict | None = None
    allowed: frozenset[str] = CARE


A = "/api/v1/organizations/{org}/care/allowances"
P = "/api/v1/organizations/{org}/care/people"
ENDPOINTS = [
    Endpoint("GET", A + "/rates"),
    Endpoint("GET", A + "/rights"),
    Endpoint("POST", P + "/{applicant}/allowances", {"kind": "elderly", "method": "cash"}),
    Endpoint("GET", P + "/{person}/allowances"),
    Endpoint("PUT", A + "/rights/{right}", {"welfare_card": True}),
    Endpoint("POST", A + "/rights/{right}/confirm", {"fiscal_year": 2570}),
    Endpoint("POST", A + "/rights/{right}/adjustments", {"amount": "-100.00", "reason": "จ่ายเกิน"}),
    Endpoint(
        "POST", A + "/windows", {"fiscal_year": 2571, "opens_on": "2027-06-01", "closes_on": "2027-08-31"}
    ),
    Endpoint(
        "PUT",
        A + "/payer",
        {"bank_code": "006", "branch_code": "0412", "account_number": "4120012345", "account_name": "เทศบาล"},
    ),
    Endpoint("GET", A + "/runs"),
    Endpoint("POST", A + "/runs", {"month": "2027-01-01"}),
    Endpoint("GET", A + "/runs/{run}"),
    Endpoint("GET", A + "/runs/{run}/lines"),
    Endpoint("POST", A + "/runs/{run}/paid", {"paid_on": "2026-12-08"}),
    Endpoint("GET", A + "/runs/{run}/files/csv"),
    Endpoint("GET", A + "/runs/{run}/files/ktb"),
    Endpoint("GET", A + "/runs/{run}/files/cash-pdf"),
]


@pytest.fixture
def world(areas, monkeypatch):
    monkeypatch.setattr(allowances_api, "_today", lambda: IN_DECEMBER)
    world = build_world()
    world.users["carer"] = member(world.org, Role.OFFICER, duties=[Duty.CARE])
    world.users["overseer"] = member(DistrictOfficeFactory(), Role.OVERSEER)
    payer(world.org)
    world.person, world.right = elder(world.org, 1, dt.date(1946, 12, 14))
    elder(world.org, 2, dt.date(1950, 1, 1), method="cash")
    applicant = person_create(actor=SYSTEM, organization=world.org, today=REGISTERED_ON, **person_data(3))
    enrolment_create(actor=SYSTEM, person=applicant, programme="elderly", started_on=REGISTERED_ON)
    world.applicant = applicant
    ConfirmationWindow.objects.create(
        organization=world.org, fiscal_year=2570, opens_on=DECEMBER, closes_on=dt.date(2026, 12, 31)
    )
    world.run = run(world.org, DECEMBER, IN_DECEMBER)
    return world


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
@pytest.mark.parametrize("principal", PRINCIPALS_HERE)
def test_allowance_endpoint_authorization(world, endpoint: Endpoint, principal: str):
    before = AuditEntry.objects.count()
    path = endpoint.path.format(
        org=world.org.slug,
        person=world.person.pk,
        applicant=world.applicant.pk,
        right=world.right.pk,
        run=world.run.pk,
    )
    response = world.call(principal, endpoint.method, path, endpoint.body)
    assert_matrix_cell(world, principal, endpoint.allowed, response, writes=endpoint.method != "GET")
    if principal not in endpoint.allowed:
        assert AuditEntry.objects.count() == before, "a refused call writes nothing"
