"""Who may open which billing page, and who may write: every page and form × every kind of caller.
Another organisation's bills, receipts and statements are not found (404), and a refused write writes nothing."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.test import Client

from muang.billing.models import Bill, BillStatus, Objection, Payment, WarningLetter
from muang.billing.services.payments import payment_record
from muang.billing.services.reconciliation import bank_statement_import
from muang.billing.tests.factories import billing_organization, issue, muang_csv, revenue_member
from muang.core.access import SYSTEM
from muang.core.models import AuditEntry, Role
from muang.core.tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db

READERS = {"cashier", "head", "executive", "admin"}
COLLECTORS = {"cashier", "head", "admin"}
ISSUERS = {"head", "admin"}


@pytest.fixture
def world(org):
    other = billing_organization()
    users = {
        "outsider": UserFactory(),
        "officer": member(org, Role.OFFICER),  # not in the revenue department
        "overseer": member(org, Role.OVERSEER),
        "cashier": revenue_member(org),
        "head": revenue_member(org, Role.DEPARTMENT_HEAD),
        "executive": member(org, Role.EXECUTIVE),
        "admin": member(org, Role.SYSTEM_ADMIN),
        "other_org": member(other, Role.SYSTEM_ADMIN),
    }
    bill = issue(org, "1000.00", number="OURBILL1")
    paid = issue(org, "500.00")
    payment = payment_record(
        actor=SYSTEM, bill=paid, amount=D("500.00"), channel="cash", paid_on=dt.date(2026, 4, 1)
    )
    statement = bank_statement_import(
        actor=SYSTEM,
        organization=org,
        data=muang_csv([("2026-04-20", "10:00", "NOSUCHBILL", "2569", "10.00", "T1")]),
        filename="s.csv",
    )
    other_bill = issue(other, "100.00", number="OTHERORG1")
    return {
        "org": org,
        "users": users,
        "bill": bill,
        "receipt": payment.receipt.number,
        "statement": statement,
        "other_bill": other_bill,
    }


def client_for(world, principal: str) -> Client:
    client = Client()
    if principal in world["users"]:
        client.force_login(world["users"][principal])
    return client


PRINCIPALS = [
    "anonymous",
    "outsider",
    "officer",
    "overseer",
    "cashier",
    "head",
    "executive",
    "admin",
    "other_org",
]


def _read_pages(world) -> list[tuple[str, bool]]:
    """(url, whether it names one of the organisation's objects)."""
    bill, statement, receipt = world["bill"].number, world["statement"].pk, world["receipt"]
    return [
        ("/billing/bills/", False),
        (f"/billing/bills/{bill}/", True),
        (f"/billing/bills/{bill}/notice.pdf", True),
        (f"/billing/receipts/{receipt}/", True),
        (f"/billing/receipts/{receipt}/pdf", True),
        ("/billing/bank/", False),
        (f"/billing/bank/{statement}/", True),
        ("/billing/arrears/?as_of=2026-06-15", False),
        ("/billing/arrears/arrears.xlsx?as_of=2026-06-15", False),
        ("/billing/arrears/arrears.geojson?as_of=2026-06-15", False),
        ("/billing/letters/", False),
    ]


def _expected_read(principal: str, names_object: bool) -> int:
    if principal == "anonymous":
        return 302  # to the sign-in page
    if principal in READERS:
        return 200
    if principal == "other_org":  # works in its own organisation: our objects do not exist there
        return 404 if names_object else 200
    return 403


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_read_pages(world, principal):
    client = client_for(world, principal)
    for url, names_object in _read_pages(world):
        response = client.get(url)
        assert response.status_code == _expected_read(principal, names_object), (url, response.status_code)
        if principal == "other_org" and response.status_code == 200:
            assert world["bill"].number not in response.content.decode(errors="ignore"), url


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_the_back_office_address_leads_to_the_bills(world, principal):
    """/billing/ (named in the README) was a 404: it leads to the bills list, with that page's access rules."""
    response = client_for(world, principal).get("/billing/")
    assert response.status_code == 302 and response["Location"] == "/billing/bills/"
    final = client_for(world, principal).get("/billing/", follow=True)
    if principal == "anonymous":
        assert final.redirect_chain[-1][0].startswith("/accounts/login/") and final.status_code == 200
    else:
        assert final.status_code == _expected_read(principal, names_object=False)


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_counter_payment(world, principal):
    bill = world["bill"]
    before = AuditEntry.objects.count()
    response = client_for(world, principal).post(
        f"/billing/bills/{bill.number}/pay",
        {"channel": "cash", "amount": "1.00", "paid_on": "2026-04-10"},
    )
    allowed = principal in COLLECTORS
    expected = 302 if allowed or principal == "anonymous" else (404 if principal == "other_org" else 403)
    assert response.status_code == expected
    assert Payment.objects.filter(bill=bill).exists() == allowed
    if not allowed:
        assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_cancel_objection_letters(world, principal):
    bill = world["bill"]
    client = client_for(world, principal)
    client.post(f"/billing/bills/{bill.number}/objections", {"filed_on": "2026-03-01", "reason": "แพงไป"})
    client.post("/billing/arrears/letters", {"bills": [bill.number]})
    client.post(f"/billing/bills/{bill.number}/cancel", {"reason": "ประเมินใหม่"})
    bill.refresh_from_db()
    assert Objection.objects.filter(bill=bill).exists() == (principal in ISSUERS)
    assert WarningLetter.objects.filter(bill=bill).exists() == (principal in ISSUERS)
    # a bill with a warning letter may still be cancelled: nothing was paid on it
    assert (bill.status == BillStatus.CANCELLED) == (principal in ISSUERS)


def test_a_cashier_may_not_issue_or_adjust(world):
    client = client_for(world, "cashier")
    bill = world["bill"]
    assert client.post(f"/billing/bills/{bill.number}/cancel", {"reason": "x"}).status_code == 403
    assert (
        client.post(
            f"/billing/bills/{bill.number}/objections", {"filed_on": "2026-03-01", "reason": "x"}
        ).status_code
        == 403
    )
    page = client.get(f"/billing/bills/{bill.number}/").content.decode()
    assert (
        'id="payment-form"' in page and 'id="cancel-form"' not in page and 'id="objection-form"' not in page
    )
    assert Bill.objects.get(pk=bill.pk).status == BillStatus.OPEN


def test_another_organisations_bill_is_not_found(world):
    client = client_for(world, "admin")
    other = world["other_bill"]
    assert client.get(f"/billing/bills/{other.number}/").status_code == 404
    assert client.get(f"/billing/bills/{other.number}/notice.pdf").status_code == 404
    response = client.post(
        f"/billing/bills/{other.number}/pay", {"channel": "cash", "amount": "1.00", "paid_on": "2026-04-10"}
    )
    assert response.status_code == 404
    assert not Payment.objects.filter(bill=other).exists()
    # and its bills never show in our list, whatever the search
    listed = client.get("/billing/bills/", {"q": other.number}).content.decode()
    assert f'data-number="{other.number}"' not in listed and "0 bills" in listed


def test_the_menu_shows_billing_only_to_those_who_may_read_it(world):
    assert "/billing/bills/" in client_for(world, "cashier").get("/billing/bank/").content.decode()
    assert "/billing/bills/" not in client_for(world, "officer").get("/").content.decode()


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_delivery_extension_and_letter_receipt(world, principal):
    bill = world["bill"]
    letter = WarningLetter.objects.create(
        organization=world["org"], bill=bill, issued_on=dt.date(2026, 5, 10), amount_stated=D("1120.00")
    )
    client = client_for(world, principal)
    client.post(f"/billing/bills/{bill.number}/notified", {"notified_on": "2026-02-20"})
    client.post(f"/billing/bills/{bill.number}/extend", {"extension_until": "2026-07-31"})
    response = client.post(
        f"/billing/letters/{letter.pk}/received", {f"w{letter.pk}-received_on": "2026-05-12"}
    )
    allowed = principal in ISSUERS
    if not allowed and principal != "anonymous":
        assert response.status_code == (404 if principal == "other_org" else 403)
    bill.refresh_from_db()
    letter.refresh_from_db()
    assert (
        bill.notified_on is not None,
        bill.extension_until is not None,
        letter.received_on is not None,
    ) == (allowed,) * 3


@pytest.mark.parametrize("principal", ["officer", "overseer", "cashier", "head", "executive", "admin"])
def test_the_menus_rule_is_the_pages_rule(world, principal):
    """The menu decides from the membership alone; it must agree with the access check of the pages."""
    from muang.core.access import Actor, member_permissions
    from muang.core.models import Membership

    user = world["users"][principal]
    membership = Membership.objects.select_related("department").get(user=user)
    assert member_permissions(membership) == Actor(user=user).permissions_in(world["org"])
