"""The staff alarm API: the authorisation matrix of every operation, the acknowledge / clear lifecycle with its
timeline, filters, problem+json on bad input, and tenant isolation (another organisation's alarm is 404)."""

from dataclasses import dataclass

import pytest

from muang.core.models import AuditEntry, Role
from muang.core.tests.factories import member
from muang.iot.models import Alarm
from muang.iot.tests.alarm_helpers import NOW, report, rule, station
from muang.testing.authz import PRINCIPALS, assert_matrix_cell, build_world, give_duties

pytestmark = pytest.mark.usefixtures("areas")


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    allowed: frozenset[str]
    body: dict | None = None


ALARMS = "/api/v1/organizations/{org}/iot/alarms"
RULES = "/api/v1/organizations/{org}/iot/profiles/{profile}/alarm-rules"
# The engineering duty's officer (and head) read and work alarms; the administrator holds every permission; no
# token scope reaches alarms.
STAFF = frozenset({"officer", "privileged"})
ALARM_ENDPOINTS = [
    Endpoint("GET", ALARMS + "?status=active", STAFF),
    Endpoint("GET", ALARMS + "/{alarm}", STAFF),
    Endpoint("GET", ALARMS + "/{alarm}/events", STAFF),
    Endpoint("POST", ALARMS + "/{alarm}/acknowledge", STAFF),
    Endpoint("POST", ALARMS + "/{alarm}/clear", STAFF, {"reason": "เปลี่ยนเซ็นเซอร์"}),
    # Rules are read like devices (iot.view, also an iot:read token) and declared by the engineering head.
    Endpoint("GET", RULES, frozenset({"officer", "privileged", "token"})),
    Endpoint(
        "POST",
        RULES,
        frozenset({"privileged"}),
        {
            "alarm_type": "pm10_high",
            "label": "PM10 สูง",
            "severity": "minor",
            "kind": "threshold",
            "key": "pm10",
            "operator": "gte",
            "value": 120,
            "duration_seconds": 3600,
        },
    ),
]


def alarm_in(org, serial="AQ-001", pm25=52.5):
    from muang.iot.models import DeviceProfile

    profile = DeviceProfile.objects.filter(organization=org).first()
    d = station(org, profile, serial=serial)
    if profile is None:
        rule(org, d.profile)
    report(d, NOW, pm25=pm25)
    return Alarm.objects.get(organization=org, device=d)


@pytest.fixture
def world(areas):
    world = build_world()
    give_duties(world, "officer", "engineering")  # the officer of กองช่าง
    world.alarm = alarm_in(world.org)
    return world


def url(world, path, alarm=None):
    alarm = alarm or world.alarm
    return path.format(org=world.org.slug, alarm=alarm.pk, profile=alarm.device.profile_id)


@pytest.mark.parametrize("endpoint", ALARM_ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
@pytest.mark.parametrize("principal", PRINCIPALS)
def test_endpoint_authorization(world, endpoint: Endpoint, principal: str):
    before = AuditEntry.objects.count()
    response = world.call(principal, endpoint.method, url(world, endpoint.path), endpoint.body)
    assert_matrix_cell(world, principal, endpoint.allowed, response, writes=endpoint.method != "GET")
    if principal not in endpoint.allowed or endpoint.method == "GET":
        assert AuditEntry.objects.count() == before, "a refused call or a read writes nothing"


def test_the_executive_reads_alarms_but_does_not_work_them(world):
    world.users["executive"] = member(world.org, Role.EXECUTIVE)
    assert world.call("executive", "GET", url(world, ALARMS)).status_code == 200
    response = world.call("executive", "POST", url(world, ALARMS + "/{alarm}/acknowledge"))
    assert response.status_code == 403


def test_an_officer_of_another_department_reads_no_alarm(world):
    membership = world.users["officer"].memberships.select_related("department").get(organization=world.org)
    membership.department.duties = ["finance"]
    membership.department.save(update_fields=["duties"])
    assert world.call("officer", "GET", url(world, ALARMS)).status_code == 403


def test_acknowledge_then_clear_with_a_reason_and_the_timeline_says_so(world):
    ack = world.call("officer", "POST", url(world, ALARMS + "/{alarm}/acknowledge"))
    assert ack.status_code == 200 and ack.json()["status"] == "active_ack"
    again = world.call("officer", "POST", url(world, ALARMS + "/{alarm}/acknowledge"))
    assert again.status_code == 409 and again["Content-Type"] == "application/problem+json"
    cleared = world.call(
        "officer", "POST", url(world, ALARMS + "/{alarm}/clear"), {"reason": "ค่าผิดพลาดจากการสอบเทียบ"}
    )
    body = cleared.json()
    assert cleared.status_code == 200 and body["status"] == "cleared_ack"
    assert body["clear_reason"] == "ค่าผิดพลาดจากการสอบเทียบ"
    events = world.call("officer", "GET", url(world, ALARMS + "/{alarm}/events")).json()
    assert [(e["kind"], e["user"]) for e in events] == [
        ("created", None),
        ("acknowledged", world.users["officer"].username),
        ("cleared", world.users["officer"].username),
    ]
    assert events[2]["message"] == "ค่าผิดพลาดจากการสอบเทียบ"
    assert (
        AuditEntry.objects.filter(object_id=str(world.alarm.pk), reason__in=["acknowledge", "clear"]).count()
        == 2
    )
    twice = world.call("officer", "POST", url(world, ALARMS + "/{alarm}/clear"), {"reason": "อีกครั้ง"})
    assert twice.status_code == 409


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "x" * 501}])
def test_clearing_without_a_reason_is_refused_as_problem_json(world, body):
    response = world.call("officer", "POST", url(world, ALARMS + "/{alarm}/clear"), body)
    assert response.status_code in (400, 422)
    assert response["Content-Type"] == "application/problem+json"
    assert Alarm.objects.get(pk=world.alarm.pk).cleared_at is None


@pytest.mark.parametrize("query", ["status=open", "severity=fatal", "acknowledged=perhaps", "device=x"])
def test_a_bad_filter_is_refused_as_problem_json(world, query):
    response = world.call("officer", "GET", url(world, ALARMS) + "?" + query)
    assert response.status_code in (400, 422)
    assert response["Content-Type"] == "application/problem+json"


def test_filters(world):
    second = alarm_in(world.org, serial="AQ-002", pm25=60.0)
    world.call("officer", "POST", url(world, ALARMS + "/{alarm}/acknowledge", second))

    def ids(query):
        response = world.call("officer", "GET", url(world, ALARMS) + "?" + query)
        assert response.status_code == 200
        return {a["id"] for a in response.json()["items"]}

    both = {world.alarm.pk, second.pk}
    assert ids("status=active") == both
    assert ids("status=cleared") == set()
    assert ids("acknowledged=true") == {second.pk}
    assert ids("acknowledged=false") == {world.alarm.pk}
    assert ids("severity=major") == both and ids("severity=critical") == set()
    assert ids("type=pm25_high") == both and ids("type=other") == set()
    assert ids(f"device={second.device_id}") == {second.pk}


def test_another_organisations_alarm_is_not_found(world):
    other = alarm_in(world.other_org, serial="AQ-9")
    for method, path, body in [
        ("GET", "/{alarm}", None),
        ("GET", "/{alarm}/events", None),
        ("POST", "/{alarm}/acknowledge", None),
        ("POST", "/{alarm}/clear", {"reason": "x"}),
    ]:
        response = world.call("privileged", method, url(world, ALARMS + path, other), body)
        assert response.status_code == 404, (method, path)
        assert response["Content-Type"] == "application/problem+json"
    listed = world.call("privileged", "GET", url(world, ALARMS)).json()["items"]
    assert {a["id"] for a in listed} == {world.alarm.pk}
    other.refresh_from_db()
    assert other.acknowledged_at is None and other.cleared_at is None


def test_the_engineering_head_declares_a_rule_that_opens_cases(world):
    from muang.cases.tests.factories import CaseCategoryFactory
    from muang.core.tests.factories import DepartmentFactory

    works = DepartmentFactory(organization=world.org, code="works")
    CaseCategoryFactory(organization=world.org, code="air", default_department=works)
    body = {
        "alarm_type": "pm25_high",
        "label": "PM2.5 วิกฤต",
        "severity": "critical",
        "kind": "threshold",
        "key": "pm25",
        "operator": "outside",
        "low": 0,
        "high": 75,
        "case_category": "air",
        "case_department": "works",
    }
    response = world.call("privileged", "POST", url(world, RULES), body)
    assert response.status_code == 201, response.content
    assert response.json()["case_category"] == "air" and response.json()["case_department"] == "works"
    listed = world.call("officer", "GET", url(world, RULES)).json()
    assert [(r["alarm_type"], r["severity"]) for r in listed] == [
        ("pm25_high", "major"),
        ("pm25_high", "critical"),
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"key": "co2"}, "key"),
        ({"operator": "eq"}, "operator"),
        ({"case_category": "nope"}, "case_category"),
        ({"severity": "fatal"}, None),
    ],
)
def test_a_bad_rule_is_refused_as_problem_json_naming_the_field(world, change, field):
    body = {
        "alarm_type": "pm10_high",
        "label": "PM10",
        "severity": "minor",
        "kind": "threshold",
        "key": "pm10",
        "operator": "gt",
        "value": 120,
    } | change
    response = world.call("privileged", "POST", url(world, RULES), body)
    assert response.status_code in (400, 422) and response["Content-Type"] == "application/problem+json"
    if field:
        assert field in str(response.json())


def test_another_organisations_profile_has_no_rules_here(world):
    other = alarm_in(world.other_org, serial="AQ-9")
    response = world.call("privileged", "GET", url(world, RULES, other))
    assert response.status_code == 404


def test_the_list_costs_the_same_queries_for_two_alarms_or_five(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    alarm_in(world.org, serial="AQ-002")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert world.call("officer", "GET", url(world, ALARMS)).status_code == 200
        return len(ctx.captured_queries)

    count()  # the first request of a session warms per-process caches
    two = count()
    for serial in ("AQ-003", "AQ-004", "AQ-005"):
        alarm_in(world.org, serial=serial)
    assert count() == two
