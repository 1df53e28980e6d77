"""GET /organizations/{slug}/arrears: the same figures as the arrears page (one selector), scoped to the
organisation. Who may call it is in test_authorization_matrix.py."""

import datetime as dt
from decimal import Decimal as D

import pytest

from muang.billing.services.payments import payment_record
from muang.billing.tests.factories import billing_organization, issue
from muang.core.access import SYSTEM
from muang.core.models import Role
from muang.core.tests.factories import member

pytestmark = pytest.mark.django_db


def test_arrears_as_of_a_day(org, client):
    client.force_login(member(org, Role.SYSTEM_ADMIN))
    late = issue(org, "1000.00")
    part = issue(org, "9000.00", instalments=True)
    payment_record(actor=SYSTEM, bill=part, amount=D("3000.00"), channel="cash", paid_on=dt.date(2026, 4, 20))
    issue(org, "500.00", due_date=dt.date(2026, 12, 31))
    other = billing_organization()
    issue(other, "1000.00", number="OTHERORG1")

    body = client.get(f"/api/v1/organizations/{org.slug}/arrears?as_of=2026-06-15").json()
    assert body["count"] == 2 and body["as_of"] == "2026-06-15"
    rows = {r["bill_number"]: r for r in body["rows"]}
    assert set(rows) == {late.number, part.number}
    assert rows[late.number].items() >= {
        "principal": "1000.00", "penalty": "100.00", "surcharge": "20.00", "total": "1120.00",
        "days_overdue": 46, "status": "open", "oldest_due_date": "2026-04-30",
    }.items()  # fmt: skip
    assert rows[part.number]["status"] == "partly_paid" and rows[part.number]["days_overdue"] == 16
    assert body["total"] == "7450.00"  # 1,120.00 + 6,000.00 + 300.00 + 30.00

    # another organisation's caller cannot read ours, and ours never lists theirs
    client.force_login(member(other, Role.SYSTEM_ADMIN))
    assert client.get(f"/api/v1/organizations/{org.slug}/arrears").status_code == 403
    theirs = client.get(f"/api/v1/organizations/{other.slug}/arrears?as_of=2026-06-15").json()
    assert [r["bill_number"] for r in theirs["rows"]] == ["OTHERORG1"]
