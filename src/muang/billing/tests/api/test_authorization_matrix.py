"""Every billing endpoint × every kind of caller (muang.testing.authz), plus the finance department's staff
and an executive: billing rights come from the role or from the finance duty of the member's department
(the duty grants of the apps, muang.core.registry.duty_permissions())."""

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from muang.billing.models import BillingProfile
from muang.billing.services.reconciliation import bank_statement_import
from muang.billing.tests.factories import BILLER_ID, issue, muang_csv
from muang.core.access import SYSTEM
from muang.core.models import AuditEntry, Duty, Role
from muang.core.tests.factories import DepartmentFactory, member
from muang.testing.authz import PRINCIPALS, assert_matrix_cell, build_world

EXTRA = ("revenue_officer", "revenue_head", "executive")
VIEW = frozenset({"privileged", "revenue_officer", "revenue_head", "executive"})
ISSUE = frozenset({"privileged", "revenue_head"})
CASHIER = frozenset({"privileged", "revenue_officer", "revenue_head"})
NEW_BILL = {
    "kind": "waste_fee",
    "year": 2026,
    "payer": {"name": "ร้านค้าทดสอบ", "tax_id": "", "address": ""},
    "lines": [{"description": "ค่าเก็บขยะ 12 เดือน", "amount": "240.00"}],
    "due_date": "2026-12-31",
}


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    allowed: frozenset[str]
    body: dict | None = None
    upload: bool = False

    @property
    def writes(self) -> bool:
        return self.method == "POST"


ORG = "/api/v1/organizations/{org}"
ENDPOINTS = [
    Endpoint("GET", ORG + "/bills", VIEW),
    Endpoint("POST", ORG + "/bills", ISSUE, NEW_BILL),
    Endpoint("GET", ORG + "/bills/{bill}", VIEW),
    Endpoint("GET", ORG + "/bills/{bill}/notice.pdf", VIEW),
    Endpoint("POST", ORG + "/bills/{bill}/payments", CASHIER, {"amount": "100.00", "channel": "cash"}),
    Endpoint("GET", ORG + "/receipts/{receipt}.pdf", VIEW),
    Endpoint("POST", ORG + "/bank-statements", CASHIER, upload=True),
    Endpoint("GET", ORG + "/bank-statements", VIEW),
    Endpoint("GET", ORG + "/bank-statements/{statement}", VIEW),
    Endpoint("GET", ORG + "/bank-statements/{statement}/lines", VIEW),
    Endpoint(
        "POST",
        ORG + "/bank-statements/{statement}/lines/3/resolve",
        CASHIER,
        {"action": "reject", "note": "a bank reversal"},
    ),
    Endpoint("GET", ORG + "/arrears?as_of=2026-06-15", VIEW),
]


@pytest.fixture
def world(areas):
    world = build_world()
    revenue = DepartmentFactory(organization=world.org, code="revenue", duties=[Duty.FINANCE])
    BillingProfile.objects.create(organization=world.org, biller_id=BILLER_ID)
    BillingProfile.objects.create(organization=world.other_org, biller_id=BILLER_ID)
    world.users["revenue_officer"] = member(world.org, Role.OFFICER, department=revenue)
    world.users["revenue_head"] = member(world.org, Role.DEPARTMENT_HEAD, department=revenue)
    world.users["executive"] = member(world.org, Role.EXECUTIVE)
    world.bill = issue(world.org, "1000.00")
    paid = issue(world.org, "500.00")
    statement = bank_statement_import(
        actor=SYSTEM,
        organization=world.org,
        data=muang_csv([("2026-04-20", "10:00", paid.number, "2569", "500.00", "OLD1")])
        + b"2026-04-20,10:01,NOSUCHBILL,2569,10.00,x,ATM,1,OLD2\n",
        filename="old.csv",
    )
    world.statement = statement
    world.receipt = statement.lines.get(line_no=2).payment.receipt
    world.other_bill = issue(world.other_org, "100.00", number="OTHERORG1")
    return world


def _fill(path: str, world) -> str:
    return path.format(
        org=world.org.slug, bill=world.bill.number, receipt=world.receipt.number, statement=world.statement.pk
    )


def _call(world, principal: str, endpoint: Endpoint):
    path = _fill(endpoint.path, world)
    if endpoint.upload:
        client = world.client_for(principal)
        upload = SimpleUploadedFile(
            "ktb.csv", muang_csv([("2026-04-21", "09:00", world.bill.number, "2569", "1000.00", "NEW1")])
        )
        return client.post(
            path, data={"file": upload, "bank_format": "muang"}, **world.headers_for(principal)
        )
    return world.call(principal, endpoint.method, path, endpoint.body)


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
@pytest.mark.parametrize("principal", PRINCIPALS + EXTRA)
def test_endpoint_authorization(world, endpoint: Endpoint, principal: str):
    before = AuditEntry.objects.count()
    response = _call(world, principal, endpoint)
    assert_matrix_cell(world, principal, endpoint.allowed, response, writes=endpoint.writes)
    if principal not in endpoint.allowed:
        assert AuditEntry.objects.count() == before, "a refused call must write nothing"
    elif endpoint.writes:
        assert AuditEntry.objects.count() > before, "every staff write lands in the audit log"


@pytest.mark.django_db
def test_another_organisations_bill_is_not_found_through_this_one(world):
    response = world.call(
        "privileged", "GET", f"/api/v1/organizations/{world.org.slug}/bills/{world.other_bill.number}"
    )
    assert response.status_code == 404
