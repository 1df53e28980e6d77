"""The billing API's answers: amounts as of a day, the QR payload, refusals as problem+json."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from muang.billing import thaiqr
from muang.billing.models import Bill, Payment
from muang.billing.tests.factories import issue, muang_csv
from muang.core.models import AuditEntry, Role
from muang.core.tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_org(org, client):
    client.force_login(member(org, Role.SYSTEM_ADMIN))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client, org


def url(org, rest=""):
    return f"/api/v1/organizations/{org.slug}{rest}"


def test_bill_as_of_a_day_with_charges_and_its_qr_payload(client_org):
    client, org = client_org
    bill = issue(org, "1000.00")
    body = client.get(url(org, f"/bills/{bill.number}?as_of=2026-06-15")).json()
    assert body["amount_due"]["total"] == "1120.00" and body["amount_due"]["penalty"] == "100.00"
    assert body["amount_due"]["overdue"] is True
    qr = thaiqr.parse(body["qr_payload"])
    assert (qr.ref1, qr.ref2, qr.amount) == (bill.number, "2569", bill.amount)
    listed = client.get(url(org, "/bills?overdue_on=2026-06-15")).json()
    assert [b["number"] for b in listed["items"]] == [bill.number]


def test_payment_larger_than_due_is_a_422_and_writes_nothing(client_org):
    client, org = client_org
    bill = issue(org, "1000.00")
    before = (Payment.objects.count(), AuditEntry.objects.count())
    response = client.post(
        url(org, f"/bills/{bill.number}/payments"),
        data={"amount": "1000.01", "channel": "cash", "paid_on": "2026-04-20"},
        content_type="application/json",
    )
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "amount"
    assert (Payment.objects.count(), AuditEntry.objects.count()) == before
    ok = client.post(
        url(org, f"/bills/{bill.number}/payments"),
        data={"amount": "1000.00", "channel": "cash", "paid_on": "2026-04-20"},
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["bill_status"] == "paid"
    pdf = client.get(url(org, f"/receipts/{ok.json()['receipt_number']}.pdf"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_bill_number_with_forbidden_characters_is_a_422(client_org):
    client, org = client_org
    response = client.post(
        url(org, "/bills"),
        data={
            "kind": "service_fee",
            "year": 2026,
            "number": "inv-01/2569",
            "payer": {"name": "ก"},
            "lines": [{"description": "ค่าธรรมเนียม", "amount": "50.00"}],
            "due_date": "2026-12-31",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "number"
    assert Bill.objects.count() == 0


def test_statement_upload_reports_what_needs_staff(client_org):
    client, org = client_org
    bill = issue(org, "1000.00")
    data = muang_csv(
        [
            ("2026-04-20", "10:00", bill.number, "2569", "400.00", "T1"),
            ("2026-04-20", "10:05", "NOPE", "2569", "10.00", "T2"),
        ]
    )
    response = client.post(
        url(org, "/bank-statements"), data={"file": SimpleUploadedFile("s.csv", data), "bank_format": "muang"}
    )
    assert response.status_code == 201, response.content
    report = response.json()
    assert report["summary"]["partial"]["lines"] == 1 and report["summary"]["unmatched"]["lines"] == 1
    assert [line["status"] for line in report["attention"]] == ["partial", "unmatched"]
    assert report["attention_count"] == 2 and report["applied_amount"] == "0.00"
    again = client.post(
        url(org, "/bank-statements"), data={"file": SimpleUploadedFile("s.csv", data), "bank_format": "muang"}
    )
    assert again.status_code == 409
    resolved = client.post(
        url(org, f"/bank-statements/{report['id']}/lines/2/resolve"),
        data={"action": "apply"},
        content_type="application/json",
    )
    assert resolved.status_code == 200 and resolved.json()["resolution"] == "applied"
    arrears = client.get(url(org, "/arrears?as_of=2026-06-15")).json()
    assert arrears["count"] == 1 and arrears["principal"] == "600.00"
