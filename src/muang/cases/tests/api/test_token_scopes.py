"""API tokens on the case endpoints, scope by scope: `cases:read` reads, `cases:write` files and works cases,
other scopes get nothing, and a token never reaches another organisation's cases."""

import pytest

from muang.cases.models import Case, CaseEvent
from muang.core.access import SYSTEM
from muang.core.models import AuditEntry
from muang.core.services import api_token_create

pytestmark = pytest.mark.django_db


def token(org, *scopes: str) -> dict:
    _, secret = api_token_create(actor=SYSTEM, organization=org, name="integration", scopes=list(scopes))
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_a_read_token_reads_the_queue_and_a_case_but_changes_nothing(cw, client):
    headers = token(cw.world.org, "cases:read")
    queue = client.get(f"/api/v1/organizations/{cw.world.org.slug}/cases", **headers)
    assert queue.status_code == 200 and queue.json()["count"] == 3
    case = client.get(f"/api/v1/cases/{cw.case.tracking_code}", **headers)
    assert case.status_code == 200 and case.json()["tracking_code"] == cw.case.tracking_code
    events = CaseEvent.objects.count()
    refused = client.post(
        f"/api/v1/cases/{cw.case.tracking_code}/status",
        data={"status": "in_progress"},
        content_type="application/json",
        **headers,
    )
    assert refused.status_code == 403 and refused["Content-Type"] == "application/problem+json"
    assert CaseEvent.objects.count() == events


def test_a_write_token_files_a_call_and_works_the_case_and_is_named_in_the_audit(cw, client):
    headers = token(cw.world.org, "cases:write")
    created = client.post(
        f"/api/v1/organizations/{cw.world.org.slug}/cases",
        data={"category": "streetlight", "description": "ระบบคอลเซ็นเตอร์ส่งต่อ ไฟดับ", "channel": "phone"},
        content_type="application/json",
        **headers,
    )
    assert created.status_code == 201, created.content
    code = created.json()["tracking_code"]
    moved = client.post(
        f"/api/v1/cases/{code}/status",
        data={"status": "in_progress", "message": "ผู้รับเหมาออกตรวจแล้ว"},
        content_type="application/json",
        **headers,
    )
    assert moved.status_code == 200 and moved.json()["status"]["code"] == "in_progress"
    case = Case.objects.get(tracking_code=code)
    labels = set(AuditEntry.objects.filter(object_id=str(case.pk)).values_list("actor_label", flat=True))
    assert labels and all(label.startswith("token:") for label in labels)


def test_tokens_without_a_case_scope_get_nothing(cw, client):
    headers = token(cw.world.org, "org:read", "audit:read", "reports:submit")
    assert client.get(f"/api/v1/organizations/{cw.world.org.slug}/cases", **headers).status_code == 403
    assert client.get(f"/api/v1/cases/{cw.case.tracking_code}", **headers).status_code in (403, 404)


def test_a_write_token_never_reaches_another_organisations_cases(cw, client):
    theirs = token(cw.world.other_org, "cases:read", "cases:write")
    assert client.get(f"/api/v1/organizations/{cw.world.org.slug}/cases", **theirs).status_code in (403, 404)
    assert client.get(f"/api/v1/cases/{cw.case.tracking_code}", **theirs).status_code in (403, 404)
    response = client.post(
        f"/api/v1/cases/{cw.case.tracking_code}/status",
        data={"status": "closed"},
        content_type="application/json",
        **theirs,
    )
    assert response.status_code in (403, 404)
    cw.case.refresh_from_db()
    assert cw.case.status.code == "received"
