"""The queries of one case lifecycle (create → assign → resolve → rate), through the API and through the
services, per step: the budget of issue 11, asserted so that it does not creep back. Measured on the second
lifecycle of the test (the first warms the per-process caches of statuses, categories and holidays)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from muang.cases.services import case_assign, case_change_status, case_create, case_rate
from muang.core.access import Actor

pytestmark = pytest.mark.django_db

STEPS = ("create", "assign", "resolve", "rate")
# Each API call: the session with the stamps of the per-process caches in one statement (1: the signed-in user
# and the actor's memberships come from those caches), then the work. A transition's work: BEGIN, the one locked
# fetch of the case, UPDATE, INSERT of its event(s), INSERT of the audit entry, COMMIT. `create`: BEGIN, the
# case's INSERT (ON CONFLICT DO NOTHING: no savepoint around it), its event, its audit entry, COMMIT. `assign` finds the assignee's
# membership once (the API hands it to the service, which does not read it again). Telling the reporter reads
# nothing: the locked fetch says whether any citizen's report joined the case (none here).
API_BUDGET = {"create": 6, "assign": 8, "resolve": 7, "rate": 7}
# The same through the services (no session, no user; the actor's memberships once per Actor). Outside a web
# request the stamps of the cached statuses and holidays are read at each use (two small reads in `create`).
SERVICE_BUDGET = {"create": 8, "assign": 7, "resolve": 6, "rate": 6}


def _api_lifecycle(client: Client, town, n: int) -> dict[str, int]:
    counts = {}
    with CaptureQueriesContext(connection) as q:
        r = client.post(
            f"/api/v1/organizations/{town.org.slug}/cases",
            {"category": town.category.code, "description": f"ไฟดับ {n}", "channel": "phone"},
            content_type="application/json",
        )
    assert r.status_code == 201, r.content
    counts["create"] = len(q)
    code = r.json()["tracking_code"]
    for step, path, body in (
        ("assign", "assign", {"assignee": town.officer.user.username}),
        ("resolve", "status", {"status": "resolved", "message": "ซ่อมแล้ว"}),
        ("rate", "rating", {"stars": 5}),
    ):
        with CaptureQueriesContext(connection) as q:
            r = client.post(f"/api/v1/cases/{code}/{path}", body, content_type="application/json")
        assert r.status_code == 200, r.content
        counts[step] = len(q)
    return counts


def _service_lifecycle(town, n: int) -> dict[str, int]:
    counts = {}
    actor = Actor(user=town.head.user)
    with CaptureQueriesContext(connection) as q:
        case, _ = case_create(
            actor=actor, organization=town.org, category=town.category, description=f"ไฟดับ {n}"
        )
    counts["create"] = len(q)
    with CaptureQueriesContext(connection) as q:
        case = case_assign(actor=actor, case=case, assignee=town.officer.user)
    counts["assign"] = len(q)
    with CaptureQueriesContext(connection) as q:
        case = case_change_status(actor=actor, case=case, status="resolved", message="ซ่อมแล้ว")
    counts["resolve"] = len(q)
    with CaptureQueriesContext(connection) as q:
        case_rate(actor=actor, case=case, stars=5)
    counts["rate"] = len(q)
    return counts


def test_a_lifecycle_through_the_api_stays_within_its_query_budget(town):
    client = Client()
    client.force_login(town.head.user)
    _api_lifecycle(client, town, 1)
    assert _api_lifecycle(client, town, 2) == API_BUDGET


def test_a_lifecycle_through_the_services_stays_within_its_query_budget(town):
    _service_lifecycle(town, 1)
    assert _service_lifecycle(town, 2) == SERVICE_BUDGET


def test_a_transition_answers_with_what_changed(town):
    client = Client()
    client.force_login(town.head.user)
    code = client.post(
        f"/api/v1/organizations/{town.org.slug}/cases",
        {"category": town.category.code, "description": "ไฟดับ", "channel": "phone"},
        content_type="application/json",
    ).json()["tracking_code"]
    r = client.post(
        f"/api/v1/cases/{code}/assign",
        {"assignee": town.officer.user.username},
        content_type="application/json",
    )
    body = r.json()
    assert body["assignee"] == town.officer.user.username and body["status"]["code"] == "assigned"
    assert {"assignee", "status", "assigned_at"} <= set(body["changed"])
    assert [e["kind"] for e in body["events"]] == ["assigned", "status_changed"]
    assert "contact_phone" not in body  # the whole case is GET /cases/{code}
    full = client.get(f"/api/v1/cases/{code}").json()
    assert [e["kind"] for e in full["events"]] == ["created", "assigned", "status_changed"]


def test_a_transition_on_an_unknown_code_is_not_found(town):
    client = Client()
    client.force_login(town.head.user)
    code = client.post(
        f"/api/v1/organizations/{town.org.slug}/cases",
        {"category": town.category.code, "description": "ไฟดับ", "channel": "phone"},
        content_type="application/json",
    ).json()["tracking_code"]
    unknown = code[:-1] + ("A" if code[-1] != "A" else "B")
    r = client.post(f"/api/v1/cases/{unknown}/rating", {"stars": 5}, content_type="application/json")
    assert r.status_code == 404 and r["Content-Type"] == "application/problem+json"
