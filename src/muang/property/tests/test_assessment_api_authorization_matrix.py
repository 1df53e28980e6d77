"""Every assessment endpoint × every kind of caller (see muang.testing.authz).

Reads need `property.view` (officers and system administrators); starting or abandoning a run needs
`valuation.edit` (system administrators); issuing bills needs billing's `bill.issue` (system administrators
here). API tokens get none (no token scope covers the tax registry).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from muang.billing.models import Bill, BillingProfile
from muang.billing.tests.factories import BILLER_ID
from muang.core.access import SYSTEM
from muang.core.models import Duty, Role
from muang.core.tests.factories import member
from muang.property.assessment.services.assessment import assessment_run_start
from muang.property.models import AssessmentRun, LandPrice, Ownership, TaxYear
from muang.property.tests.factories import OwnerFactory, ParcelFactory, SignboardFactory, tax_year_fields
from muang.testing.authz import PRINCIPALS, assert_matrix_cell, build_world, give_duties

STAFF = frozenset({"officer", "privileged"})
EDITORS = frozenset({"privileged"})
ORG = "/api/v1/organizations/{org}"


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    allowed: frozenset[str]
    creates_run: bool = False
    creates_bills: bool = False


ENDPOINTS = [
    Endpoint("POST", f"{ORG}/tax-years/2025/assessment-runs", EDITORS, creates_run=True),
    Endpoint("POST", f"{ORG}/assessment-runs/{{run}}/bills", EDITORS, creates_bills=True),
    Endpoint("POST", f"{ORG}/tax-years/2025/signboard-bills", EDITORS, creates_bills=True),
    Endpoint("GET", f"{ORG}/tax-years/2025/assessment-runs", STAFF),
    Endpoint("GET", f"{ORG}/assessment-runs/{{run}}", STAFF),
    Endpoint("GET", f"{ORG}/tax-years/2025/assessments", STAFF),
    Endpoint("GET", f"{ORG}/tax-years/2025/assessments/{{owner}}", STAFF),
]

# Abandoning needs a queued or running run: its own matrix, with a fresh queued run per cell.
ABANDON = Endpoint("POST", f"{ORG}/assessment-runs/{{active}}/abandon", EDITORS)
ABANDON_ENDPOINTS = [ABANDON]


@pytest.fixture
def fixtures(areas, django_capture_on_commit_callbacks):
    world = build_world()
    org = world.org
    give_duties(world, "officer", Duty.TAX)
    world.users["nurse"] = member(org, Role.OFFICER, duties=[Duty.PUBLIC_HEALTH])
    tax_year = TaxYear.objects.create(organization=org, year=2025, **tax_year_fields(2025))
    owner = OwnerFactory(organization=org)
    parcel = ParcelFactory(organization=org, use="other", share_residential=0, share_other=100)
    LandPrice.objects.create(
        organization=org, tax_year=tax_year, key=parcel.code, price_per_square_wah=Decimal(150000)
    )
    Ownership.objects.create(organization=org, owner=owner, parcel=parcel, valid_from=dt.date(2020, 1, 1))
    SignboardFactory(owner=owner, installed_on=dt.date(2020, 1, 1))
    BillingProfile.objects.create(organization=org, biller_id=BILLER_ID)
    with django_capture_on_commit_callbacks(execute=True):
        run = assessment_run_start(actor=SYSTEM, organization=org, year=2025)
    run.refresh_from_db()
    assert run.status == AssessmentRun.Status.DONE
    return world, {"org": org.slug, "run": run.pk, "owner": owner.pk}


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
@pytest.mark.parametrize("principal", [*PRINCIPALS, "nurse"])
def test_endpoint_authorization(fixtures, endpoint: Endpoint, principal: str):
    world, ids = fixtures
    runs_before = AssessmentRun.objects.count()
    writes = endpoint.method != "GET"
    body = {"issued_on": "2025-02-10"} if endpoint.creates_bills else None
    response = world.call(principal, endpoint.method, endpoint.path.format(**ids), body)
    assert_matrix_cell(world, principal, endpoint.allowed, response, writes=writes)
    allowed = principal in endpoint.allowed
    assert AssessmentRun.objects.count() == runs_before + (1 if allowed and endpoint.creates_run else 0)
    assert Bill.objects.exists() == (allowed and endpoint.creates_bills)


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ABANDON_ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
@pytest.mark.parametrize("principal", PRINCIPALS)
def test_abandon_authorization(fixtures, endpoint: Endpoint, principal: str):
    world, ids = fixtures
    org = world.org
    active = AssessmentRun.objects.create(
        organization=org, tax_year=TaxYear.objects.get(organization=org), year=2025, started_by_label="x"
    )
    path = endpoint.path.format(**ids, active=active.pk)

    response = world.call(principal, "POST", path, {"reason": "the worker crashed"})

    assert_matrix_cell(world, principal, ABANDON.allowed, response, writes=True)
    active.refresh_from_db()
    if principal in ABANDON.allowed:
        assert active.status == AssessmentRun.Status.FAILED
        assert response.json()["error"] == "the worker crashed"
    else:
        assert active.status == AssessmentRun.Status.QUEUED


@pytest.mark.django_db
def test_the_sheet_and_progress_over_http(fixtures):
    world, ids = fixtures
    run = world.call("officer", "GET", f"{ORG}/assessment-runs/{{run}}".format(**ids)).json()
    assert run["status"] == "done" and run["progress_done"] == run["progress_total"] == 1
    assert run["progress_percent"] == 100.0
    sheet = world.call("officer", "GET", f"{ORG}/tax-years/2025/assessments/{{owner}}".format(**ids)).json()
    assert Decimal(sheet["total_tax"]) == Decimal("190000.00")
    assert sheet["sheet"]["properties"][0]["classes"][0]["class"] == "other"
    listed = world.call("officer", "GET", f"{ORG}/tax-years/2025/assessments".format(**ids)).json()
    assert listed["count"] == 1


@pytest.mark.django_db
def test_a_second_run_while_one_is_queued_is_409(fixtures):
    world, ids = fixtures
    org = world.org
    AssessmentRun.objects.create(
        organization=org, tax_year=TaxYear.objects.get(organization=org), year=2025, started_by_label="x"
    )
    response = world.call("privileged", "POST", f"{ORG}/tax-years/2025/assessment-runs".format(**ids))
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_issuing_bills_over_http_and_its_errors(fixtures):
    world, ids = fixtures
    path = f"{ORG}/assessment-runs/{{run}}/bills".format(**ids)
    response = world.call("privileged", "POST", path, {"issued_on": "2025-02-10"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["issued"], body["unchanged"], body["conflicts"]) == (1, 0, [])
    assert Decimal(body["issued_total"]) == Decimal("190000.00")
    bill = Bill.objects.get(organization=world.org)
    assert bill.source_ref == f"property:owner:{ids['owner']}" and bill.due_date == dt.date(2025, 4, 30)
    again = world.call("privileged", "POST", path, {"issued_on": "2025-02-10"}).json()
    assert (again["issued"], again["unchanged"]) == (0, 1)
    late = world.call("privileged", "POST", path, {"issued_on": "2025-05-10", "due_date": "2025-05-01"})
    assert late.status_code == 422 and late["Content-Type"] == "application/problem+json"
    # another organisation's run id through this organisation: 404, not someone else's run
    other_run = AssessmentRun.objects.create(
        organization=world.other_org,
        tax_year=TaxYear.objects.create(organization=world.other_org, year=2025, **tax_year_fields(2025)),
        year=2025,
        status=AssessmentRun.Status.DONE,
        started_by_label="x",
    )
    crossing = world.call(
        "privileged",
        "POST",
        f"/api/v1/organizations/{world.org.slug}/assessment-runs/{other_run.pk}/bills",
        {},
    )
    assert crossing.status_code == 404 and crossing["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_bills_from_a_run_still_queued_is_409(fixtures):
    world, ids = fixtures
    org = world.org
    queued = AssessmentRun.objects.create(
        organization=org, tax_year=TaxYear.objects.get(organization=org), year=2025, started_by_label="x"
    )
    response = world.call("privileged", "POST", f"{ORG}/assessment-runs/{queued.pk}/bills".format(**ids), {})
    assert response.status_code == 409 and response.json()["detail"]
    assert not Bill.objects.exists()


def test_every_assessment_operation_is_in_the_matrix():
    from muang.property.assessment.api import router

    operations = {
        (method, f"/api/v1{path}")
        for path, view in router.path_operations.items()
        for op in view.operations
        for method in op.methods
    }
    covered = set()
    for e in [*ENDPOINTS, ABANDON]:
        path = e.path.replace("{org}", "{slug}").replace("{owner}", "{owner_id}")
        path = path.replace("{run}", "{run_id}").replace("{active}", "{run_id}")
        covered.add((e.method, path.replace("2025", "{year}")))
    assert operations <= covered, operations - covered
