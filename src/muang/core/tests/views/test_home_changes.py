"""The home pages' lists of recent changes read as sentences about people and things, never as codes
(issue 8 item 13: "สร้าง 1609.53 for 6278 on 2026-12-04" and usernames where people's names belong)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation

from muang.billing.services.payments import payment_record
from muang.billing.tests.factories import billing_organization, issue, revenue_member
from muang.cases.services import case_add_note
from muang.cases.services.setup import seed_statuses
from muang.cases.tests.factories import CaseCategoryFactory, submit_case
from muang.core.access import Actor
from muang.core.models import Role
from muang.core.tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def thai(settings):
    settings.LANGUAGE_CODE = "th"
    with translation.override("th"):
        yield


def test_a_payment_and_a_note_read_as_thai_sentences_with_peoples_names(areas, thai):
    org = billing_organization()
    seed_statuses(org)
    cashier = revenue_member(org)
    cashier.first_name, cashier.last_name = "สมใจ", "รักงาน"
    cashier.save()
    bill = issue(org, "1609.53")  # due 30 April 2026
    payment_record(
        actor=Actor(user=cashier),
        bill=bill,
        amount=Decimal("1609.53"),
        channel="cash",
        paid_on=dt.date(2026, 3, 2),
    )
    category = CaseCategoryFactory(organization=org, default_department=cashier.memberships.get().department)
    case = submit_case(category)
    case_add_note(actor=Actor(user=cashier), case=case, message="โทรหาผู้แจ้งแล้ว")

    mayor = Client()
    mayor.force_login(member(org, Role.EXECUTIVE))
    html = mayor.get("/").content.decode()
    assert f"สร้างการชำระเงิน ฿1,609.53 · {bill.number}" in html
    assert f"สร้างเหตุการณ์ของเรื่อง {case.tracking_code}" in html
    assert "สมใจ รักงาน" in html
    for raw in (cashier.username, f"for {bill.pk} on", "2026-03-02", f"{case.pk} note"):
        assert raw not in html, raw

    own = Client()
    own.force_login(cashier)
    html = own.get("/").content.decode()
    assert f"สร้างการชำระเงิน ฿1,609.53 · {bill.number}" in html
