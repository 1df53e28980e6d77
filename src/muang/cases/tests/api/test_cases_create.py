"""POST /organizations/{slug}/cases: staff file a case on a citizen's behalf."""

import pytest

from muang.cases.models import Case
from muang.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def post(cw, body, principal="privileged"):
    return cw.world.call(principal, "POST", f"/api/v1/organizations/{cw.world.org.slug}/cases", body)


BODY = {
    "category": "streetlight",
    "description": "ป้าสมศรีโทรมาแจ้งไฟถนนดับ",
    "channel": "phone",
    "lat": 16.5447,
    "lon": 102.0988,
    "contact_phone": "0812345678",
    "idempotency_key": "call-123",
}


def test_a_phone_call_becomes_a_case_in_the_category_department(cw):
    response = post(cw, BODY)
    assert response.status_code == 201, response.content
    case = Case.objects.get(tracking_code=response.json()["tracking_code"])
    assert case.channel == "phone" and case.department.code == "works" and case.location.y == 16.5447
    assert AuditEntry.objects.filter(
        object_type="cases.Case", object_id=str(case.pk), action="create"
    ).exists()


def test_a_repeated_idempotency_key_returns_the_first_case(cw):
    first = post(cw, BODY).json()["tracking_code"]
    again = post(cw, BODY)
    assert again.status_code == 200 and again.json()["tracking_code"] == first
    assert (
        Case.objects.filter(organization=cw.world.org)
        .exclude(tracking_code=first)
        .filter(idempotency_key="call-123")
        .count()
        == 0
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"category": "nope"}, "category"),
        ({"lat": 48.85, "lon": 2.35}, "location"),
        ({"lat": 16.5, "lon": None}, "location"),
        ({"channel": "line"}, "channel"),
        ({"description": ""}, "description"),
    ],
)
def test_bad_input_is_refused_with_the_field_and_nothing_written(cw, change, field):
    before = Case.objects.count()
    response = post(cw, {**BODY, **change})
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] == field
    assert Case.objects.count() == before
