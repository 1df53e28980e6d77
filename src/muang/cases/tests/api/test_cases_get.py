"""GET /cases/{code}: the case with its whole timeline, photos and links; staff see contacts and notes."""

import pytest

from muang.cases.services import case_add_note, case_forward, case_invite, case_mark_duplicate
from muang.cases.tests.api.conftest import jpeg
from muang.cases.tests.conftest import MONDAY_9
from muang.cases.tests.factories import submit_case
from muang.core.models import Citizen

pytestmark = pytest.mark.django_db


def test_a_case_with_its_timeline(client, town, other_town):
    reporter = Citizen.objects.create(display_name="สมหญิง")
    case = submit_case(
        town.category, now=MONDAY_9, reporter=reporter, contact_phone="0812345678", photos=[jpeg()]
    )
    case_add_note(actor=town.officer, case=case, message="ภายใน", now=MONDAY_9)
    case_invite(actor=town.head, case=case, organization=other_town.org, now=MONDAY_9)
    client.force_login(town.officer.user)
    body = client.get(f"/api/v1/cases/{case.tracking_code.lower()}").json()
    assert body["tracking_code"] == case.tracking_code and body["organization"] == town.org.slug
    assert body["has_reporter"] is True and body["contact_phone"] == "0812345678"
    assert [(e["kind"], e["is_public"]) for e in body["events"]] == [
        ("created", True),
        ("note", False),
        ("invited", True),
    ]
    created = body["events"][0]
    assert created["actor"] == "citizen" and created["attachments"][0]["kind"] == "before"
    # A private file behind the access-checking view, named by its organisation and a random token.
    assert created["attachments"][0]["url"].startswith(f"/files/cases/{town.org.pk}/")
    assert body["events"][1]["actor"] == town.officer.user.username
    assert body["invitations"][0]["organization"] == other_town.org.slug
    assert body["forwarded_from"] is None and body["forwarded_to"] is None and body["duplicates"] == []


def test_links_between_cases(client, town, other_town):
    original = submit_case(town.category, now=MONDAY_9)
    copy = submit_case(town.category, now=MONDAY_9)
    case_mark_duplicate(actor=town.officer, case=copy, original=original)
    new = case_forward(actor=town.head, case=original, to_organization=other_town.org, reason="x")
    client.force_login(town.admin.user)
    body = client.get(f"/api/v1/cases/{original.tracking_code}").json()
    assert body["duplicates"] == [copy.tracking_code]
    assert body["forwarded_to"] == {
        "tracking_code": new.tracking_code,
        "organization": other_town.org.slug,
        "organization_name_th": other_town.org.name_th,
    }
    assert client.get(f"/api/v1/cases/{copy.tracking_code}").json()["duplicate_of"] == original.tracking_code
    client.force_login(other_town.officer.user)
    there = client.get(f"/api/v1/cases/{new.tracking_code}").json()
    assert there["forwarded_from"]["tracking_code"] == original.tracking_code


def test_unknown_and_malformed_codes_are_404(client, town):
    client.force_login(town.officer.user)
    for code in ("0001-0000-0000", "not-a-code"):
        response = client.get(f"/api/v1/cases/{code}")
        assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
