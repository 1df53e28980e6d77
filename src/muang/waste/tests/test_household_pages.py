"""The household's own waste-fee pages (/my-tax/<organisation>/waste/): signed in as the taxpayer self-service
does, it sees its account, its bills and what it owes, pays a bill by Thai QR, and gets the receipt once paid;
another household's bill is a 404, and nobody without the citizen's session sees anything."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from muang.billing.models import Bill
from muang.billing.services.bills import profile_of
from muang.billing.services.notices import qr_payload
from muang.billing.services.payments import payment_record
from muang.core.models import Notification
from muang.core.thai_dates import add_months
from muang.property.tests.factories import OwnerFactory
from muang.selfservice.tests.factories import signed_in_client
from muang.waste.models import Account
from muang.waste.services.billing import waste_billing_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def household(town):
    """The holder of account H001 as a taxpayer of the town (same national ID), billed for the last two months."""
    owner = OwnerFactory(organization=town.org, phone="0812345678", title="นาง", name="สมศรี", last_name="ใจดี")
    Account.objects.filter(pk=town.home.pk).update(holder_tax_id=owner.national_id)
    this_month = timezone.localdate().replace(day=1)
    months = [add_months(this_month, -2), add_months(this_month, -1)]
    for month in months:
        waste_billing_run(actor=town.finance_head, organization=town.org, period=month, issued_on=month)
    bills = [
        Bill.objects.get(organization=town.org, source_ref=f"waste:account:{m:%Y%m}.{town.home.pk}")
        for m in months
    ]
    return owner, bills


def url(town, name, *args):
    return reverse(f"waste-household:{name}", args=[town.org.slug, *args])


def test_the_household_sees_its_account_its_bills_and_what_it_owes(town, household, settings):
    settings.LANGUAGE_CODE = "th"
    owner, (older, newer) = household
    page = signed_in_client(owner).get(url(town, "home"), HTTP_ACCEPT_LANGUAGE="th")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-account="H001"' in html and 'data-account="B001"' not in html  # the shop is not theirs
    assert f'data-bill="{older.number}"' in html and f'data-bill="{newer.number}"' in html
    assert page.context["owed"] == Decimal("40.00") and page.context["accounts"][0].overdue == 2
    assert "<h1>ค่าเก็บขยะของฉัน</h1>" in html and "ค่าเก็บขยะ</a>" in html
    assert "ค้างชำระ 2 ฉบับ" in html


def test_the_bill_page_shows_the_thai_qr_code_and_after_payment_the_receipt(town, household):
    owner, (older, _newer) = household
    client = signed_in_client(owner)
    page = client.get(url(town, "bill", older.number))
    assert page.status_code == 200
    payload = qr_payload(profile_of(town.org), older, Decimal("20.00"))
    assert f'data-payload="{payload}"' in page.content.decode()
    picture = client.get(url(town, "qr", older.number))
    assert picture.status_code == 200 and picture["Content-Type"] == "image/png"

    payment_record(
        actor=town.finance_officer,
        bill=older,
        amount=Decimal("20.00"),
        channel="cash",
        paid_on=timezone.localdate(),
    )
    page = client.get(url(town, "bill", older.number))
    html = page.content.decode()
    assert 'id="paid-in-full"' in html and "data-payload" not in html
    receipt = older.payments.get().receipt
    assert url(town, "receipt", receipt.number) in html
    pdf = client.get(url(town, "receipt", receipt.number))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    home = client.get(url(town, "home"))
    assert home.context["owed"] == Decimal("20.00") and home.context["accounts"][0].overdue == 1


def test_another_households_bill_and_other_kinds_are_not_found(town, household):
    owner, _bills = household
    shop_bill = Bill.objects.filter(organization=town.org, source_ref__contains=f".{town.shop.pk}").first()
    client = signed_in_client(owner)
    assert client.get(url(town, "bill", shop_bill.number)).status_code == 404
    assert client.get(url(town, "bill", "WF0000000000")).status_code == 404
    neighbour = OwnerFactory(organization=town.org, phone="0899999999")
    page = signed_in_client(neighbour).get(url(town, "home"))
    assert page.status_code == 200 and 'id="no-waste-account"' in page.content.decode()


def test_without_the_citizens_session_the_pages_send_to_sign_in(town, household):
    _owner, (older, _newer) = household
    for target in (url(town, "home"), url(town, "bill", older.number), url(town, "qr", older.number)):
        response = Client().get(target)
        assert response.status_code == 302
        assert response["Location"] == url(town, "sign-in")
    choice = Client().get(url(town, "sign-in")).content.decode()
    home = url(town, "home")
    assert f"{reverse('selfservice:sign-in', args=[town.org.slug])}?next={home}" in choice
    assert f"{reverse('eservices:sign-in', args=[town.org.slug])}?next={home}" in choice


# --- a household not on the property register: the mobile number the waste register has ----------------------


def phone_sign_in(client, town, phone="0812345678"):
    """The phone sign-in as a browser does it, from the waste page's sign-in choice back to the waste page."""
    home = url(town, "home")
    response = client.post(
        reverse("eservices:sign-in", args=[town.org.slug]) + f"?next={home}", {"phone": phone, "next": home}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    sms = Notification.objects.filter(recipient=phone, subject__startswith="otp:").latest("pk")
    code = re.search(r"\d{6}", sms.messages[0]["text"]).group()
    response = client.post(response["Location"], {"code": code, "next": home})
    assert response.status_code == 302 and response["Location"] == home
    return client


@pytest.fixture
def billed(town):
    """Accounts H001 (phone 081-234-5678, no national ID: not on the property register) and B001, billed for
    the last two months."""
    Account.objects.filter(pk=town.home.pk).update(phone="081-234-5678")
    this_month = timezone.localdate().replace(day=1)
    months = [add_months(this_month, -2), add_months(this_month, -1)]
    for month in months:
        waste_billing_run(actor=town.finance_head, organization=town.org, period=month, issued_on=month)
    return [
        Bill.objects.get(organization=town.org, source_ref=f"waste:account:{m:%Y%m}.{town.home.pk}")
        for m in months
    ]


def test_a_household_not_on_the_register_signs_in_with_its_mobile_and_pays_by_qr(town, billed):
    older, newer = billed
    assert not Account.objects.get(pk=town.home.pk).holder_tax_id
    client = phone_sign_in(Client(), town)
    page = client.get(url(town, "home"))
    html = page.content.decode()
    assert page.status_code == 200 and 'data-account="H001"' in html and 'data-account="B001"' not in html
    assert f'data-bill="{older.number}"' in html and f'data-bill="{newer.number}"' in html
    assert page.context["owed"] == Decimal("40.00") and 'id="signed-in-phone"' in html
    bill_page = client.get(url(town, "bill", older.number))
    payload = qr_payload(profile_of(town.org), older, Decimal("20.00"))
    assert f'data-payload="{payload}"' in bill_page.content.decode()
    assert client.get(url(town, "qr", older.number))["Content-Type"] == "image/png"
    payment_record(
        actor=town.finance_officer,
        bill=older,
        amount=Decimal("20.00"),
        channel="cash",
        paid_on=timezone.localdate(),
    )
    receipt = older.payments.get().receipt
    pdf = client.get(url(town, "receipt", receipt.number))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(url(town, "home")).context["owed"] == Decimal("20.00")


def test_a_mobile_household_sees_no_one_elses_bill_or_receipt(town, billed):
    older, _newer = billed
    shop_bill = Bill.objects.get(
        organization=town.org,
        source_ref=f"waste:account:{older.source_ref.split(':')[2].split('.')[0]}.{town.shop.pk}",
    )
    payment_record(
        actor=town.finance_officer,
        bill=shop_bill,
        amount=shop_bill.amount,
        channel="cash",
        paid_on=timezone.localdate(),
    )
    client = phone_sign_in(Client(), town)
    assert client.get(url(town, "bill", shop_bill.number)).status_code == 404
    assert client.get(url(town, "qr", shop_bill.number)).status_code == 404
    assert client.get(url(town, "receipt", shop_bill.payments.get().receipt.number)).status_code == 404
    stranger = phone_sign_in(Client(), town, phone="0899999999")  # a number no account has
    page = stranger.get(url(town, "home"))
    assert page.status_code == 200 and 'id="no-waste-account"' in page.content.decode()
    assert stranger.get(url(town, "bill", older.number)).status_code == 404


def test_the_phone_sign_in_returns_only_to_this_organisations_pages(town):
    client = Client()
    response = client.post(
        reverse("eservices:sign-in", args=[town.org.slug]),
        {"phone": "0812345678", "next": "https://evil.example/"},
    )
    sms = Notification.objects.filter(subject__startswith="otp:").latest("pk")
    code = re.search(r"\d{6}", sms.messages[0]["text"]).group()
    done = client.post(response["Location"], {"code": code, "next": "/my-tax/other-town/waste/"})
    assert done["Location"] == reverse("eservices:my", args=[town.org.slug])


def test_the_pages_make_a_fixed_number_of_queries(town, household, django_assert_max_num_queries):
    owner, (older, _newer) = household
    client = signed_in_client(owner)
    client.get(url(town, "home"))
    with django_assert_max_num_queries(20):
        client.get(url(town, "home"))
    with django_assert_max_num_queries(20):
        client.get(url(town, "bill", older.number))


def test_the_mobile_households_pages_make_a_fixed_number_of_queries(
    town, billed, django_assert_max_num_queries
):
    older, _newer = billed
    client = phone_sign_in(Client(), town)
    client.get(url(town, "home"))
    with django_assert_max_num_queries(20):
        client.get(url(town, "home"))
    with django_assert_max_num_queries(20):
        client.get(url(town, "bill", older.number))
