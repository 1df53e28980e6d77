"""Every assessment endpoint × every kind of caller (see muang.testing.authz).

Reads need `property.view` (officers and system administrators); starting or abandoning a run needs
`valuation.edit` (system administrators). API tokens get neither (no token scope covers the tax registry).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from muang.core.access import SYSTEM
from muang.property.models import AssessmentRun, LandPrice, Ownership, TaxYear
from muang.property.services.assessment import assessment_run_start
from muang.property.tests.factories import OwnerFactory, ParcelFactory, tax_year_fields
from muang.testing.authz import PRINCIPALS, assert_matrix_cell, build_world

STAFF = frozenset({"officer", "privileged"})
EDITORS = frozenset({"privileged"})
ORG = "/api/v1/organizations/{org}"


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    allowed: frozenset[str]


ENDPOINTS = [
    Endpoint("POST", f"{ORG}/tax-years/2025/assessment-runs", EDITORS),
    Endpoint("GET", f"{ORG}/tax-years/2025/assessment-runs", STAFF),
    Endpoint("GET", f"{ORG}/assessment-runs/{{run}}", STAFF),
    Endpoint("GET", f"{ORG}/tax-years/2025/assessments", STAFF),
    Endpoint("GET", f"{ORG}/tax-years/2025/assessments/{{owner}}", STAFF),
]

# Abandoning needs a queued or running run: its own matrix, with a fresh queued run per cell.
ABANDON = Endpoint("POST", f"{ORG}/assessment-runs/{{active}}/abandon", EDITORS)


@pytest.fixture
def fixtures(areas, django_capture_on_commit_callbacks):
    world = build_world()
    org = world.org
    tax_year = TaxYear.objects.create(organization=org, year=2025, **tax_year_fields(2025))
    owner = OwnerFactory(organization=org)
    parcel = ParcelFactory(organization=org, use="other", share_residential=0, share_other=100)
    LandPrice.objects.create(
        organization=org, tax_year=tax_year, key=parcel.code, price_per_square_wah=Decimal(150000)
    )
    Ownership.objects.create(organization=org, owner=owner, parcel=parcel, valid_from=dt.date(2020, 1, 1))
    with django_capture_on_commit_callbacks(execute=True):
        run = assessment_run_start(actor=SYSTEM, organization=org, year=2025)
    run.refresh_from_db()
    assert run.status == AssessmentRun.Status.DONE
    return world, {"org": org.slug, "run": run.pk, "owner": owner.pk}


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
@pytest.mark.parametrize("principal", PRINCIPALS)
def test_endpoint_authorization(fixtures, endpoint: Endpoint, principal: str):
    world, ids = fixtures
    runs_before = AssessmentRun.objects.count()
    response = world.call(principal, endpoint.method, endpoint.path.format(**ids))
    writes = endpoint.method != "GET"
    assert_matrix_cell(world, principal, endpoint.allowed, response, writes=writes)
    if writes:
        expected = runs_before + (1 if principal in endpoint.allowed else 0)
        assert AssessmentRun.objects.count() == expected


@pytest.mark.django_db
@pytest.mark.parametrize("principal", PRINCIPALS)
def test_abandon_authorization(fixtures, principal: str):
    world, ids = fixtures
    org = world.org
    active = AssessmentRun.objects.create(
        organization=org, tax_year=TaxYear.objects.get(organization=org), year=2025, started_by_label="x"
    )
    path = ABANDON.path.format(**ids, active=active.pk)

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


def test_every_assessment_operation_is_in_the_matrix():
    from muang.property.api_assessment import router

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
