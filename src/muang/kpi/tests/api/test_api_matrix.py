"""Every KPI endpoint × every kind of caller (muang.testing.authz), and bad input as problem+json."""

import pytest

from muang.kpi.models import Target
from muang.testing.authz import PRINCIPALS, Endpoint, build_world, check_endpoint

READERS = frozenset({"officer", "privileged", "token"})
BASE = "/api/v1/organizations/{org}/kpi"
ENDPOINTS = [
    Endpoint("GET", BASE + "/indicators", READERS),
    Endpoint("GET", BASE + "/targets", READERS),
    Endpoint(
        "PUT",
        BASE + "/targets",
        frozenset({"privileged", "token"}),
        {"indicator": "cases.resolved_within_sla", "fiscal_year": 2570, "value": "85"},
    ),
    Endpoint("GET", BASE + "/values", READERS),
    Endpoint("GET", BASE + "/snapshots", READERS),
]


@pytest.fixture
def world(areas):
    return build_world()


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
@pytest.mark.parametrize("principal", PRINCIPALS)
def test_endpoint_authorization(world, endpoint: Endpoint, principal: str):
    check_endpoint(world, principal, endpoint)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"indicator": "cases.resolved_within_sla", "fiscal_year": 2026, "value": "85"}, "fiscal_year"),
        ({"indicator": "no.such", "fiscal_year": 2570, "value": "85"}, "indicator"),
        ({"indicator": "cases.resolved_within_sla", "fiscal_year": 2570, "value": "185"}, "value"),
    ],
)
def test_a_bad_target_is_a_precise_422(world, body, field):
    response = world.call("privileged", "PUT", BASE.format(org=world.org.slug) + "/targets", body)
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    assert field in str(response.json()), response.json()
    assert not Target.objects.exists()


@pytest.mark.django_db
def test_the_catalogue_and_snapshots_read_back(world):
    path = BASE.format(org=world.org.slug)
    indicators = world.call("token", "GET", path + "/indicators?page_size=100").json()["items"]
    sla = next(i for i in indicators if i["code"] == "cases.resolved_within_sla")
    assert sla["source"] == "computed" and {a["framework"] for a in sla["areas"]} == {"khonkaen", "depa"}
    assert world.call("token", "GET", path + "/snapshots?since=not-a-date").status_code == 422
    assert world.call("token", "GET", path + "/values?status=nope").status_code == 422


@pytest.mark.django_db
def test_a_schools_figure_reads_back_with_its_schools_code(world):
    """A hand-entered figure of one school names the school (its code); the organisation's own names none."""
    from muang.core.access import Actor
    from muang.core.models import Membership
    from muang.kpi import periods, services
    from muang.kpi.models import Indicator, School
    from muang.kpi.tests.conftest import evidence_png

    School.objects.create(organization=world.org, code="1040050001", name_th="โรงเรียนเทศบาล 1")
    officer = Membership.objects.filter(organization=world.org, role="officer").first()
    assert officer is not None
    for school_code in ("1040050001", ""):
        services.manual_value_submit(
            actor=Actor(user=officer.user),
            organization=world.org,
            indicator=Indicator.objects.get(code="education.attendance"),
            month=periods.last_closed_month(periods.today()),
            value="95",
            evidence=evidence_png(),
            school_code=school_code,
        )
    items = world.call("token", "GET", BASE.format(org=world.org.slug) + "/values").json()["items"]
    assert sorted(i["school"] or "" for i in items) == ["", "1040050001"]
