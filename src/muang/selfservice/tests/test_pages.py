"""The taxpayer's pages: overview, properties, the explained assessment, the bill with its Thai QR code, the
notice and receipts as PDF."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageChops

from muang.billing import qr_picture, thaiqr
from muang.billing.selectors import amount_due_of
from muang.billing.services import notices
from muang.billing.services.bills import profile_of
from muang.billing.services.payments import payment_record
from muang.core.access import SYSTEM
from muang.core.models import AuditEntry
from muang.selfservice.tests.factories import YEAR, build_town, signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(areas, django_capture_on_commit_callbacks):
    return build_town(with_assessment=True, capture=django_capture_on_commit_callbacks)


@pytest.fixture
def client(town):
    return signed_in_client(town.owner)


def url(town, name, *args):
    return reverse(f"selfservice:{name}", args=[town.org.slug, *args])


def test_overview_lists_what_to_pay_bills_assessments_and_properties(town, client):
    response = client.get(url(town, "home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert {r.bill for r in response.context["rows"]} == {town.bill, town.late_bill}  # not the neighbour's
    assert town.bill.number in html and town.late_bill.number in html
    to_pay = response.context["to_pay"]
    late = next(r for r in to_pay if r.bill == town.late_bill)
    assert late.due.overdue and late.due.payable_now > Decimal("2000.00")  # penalty and surcharge added
    assert f"Year {YEAR + 543}" in html  # the assessment, in the Buddhist Era
    assert "Parcels, buildings and units: 2" in html


def test_the_overview_makes_a_fixed_number_of_queries(town, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        client.get(url(town, "home"))


def test_the_bill_page_makes_a_fixed_number_of_queries(town, client, django_assert_max_num_queries):
    payment_record(actor=SYSTEM, bill=town.bill, amount=Decimal("300.00"), channel="cash")
    with django_assert_max_num_queries(16):
        client.get(url(town, "bill", town.bill.number))


def test_properties_show_the_parcel_the_building_and_a_map(town, client):
    response = client.get(url(town, "properties"))
    html = response.content.decode()
    assert town.parcel.code in html and f"{town.parcel.code}/" in html  # the land and the building on it
    assert 'id="holdings-map"' in html and 'id="holdings-data"' in html
    assert len(response.context["points"]) == 2


def test_the_assessment_is_explained_step_by_step(town, client):
    response = client.get(url(town, "assessment", YEAR))
    assert response.status_code == 200
    sheet = response.context["sheet"]
    assert sheet.total_tax == town.assessment.total_tax > 0
    html = response.content.decode()
    # 400 sq. wah × 10,000 baht: commercial land, 0.3% of the first 50 million (THAI-RULES §1).
    assert "Land: 400.00 sq. wah × 10,000.00 baht per sq. wah" in html
    assert "Other use (commerce, industry, services)" in html
    assert re.search(r"less [\d.]+% depreciation for 16 years of age", html)
    assert "× 0.3%" in html
    assert f"year {YEAR + 543}" in html


def test_an_assessment_of_another_year_is_404(town, client):
    assert client.get(url(town, "assessment", YEAR - 5)).status_code == 404


def test_the_bill_shows_the_thai_qr_code_of_the_amount_due_today(town, client):
    response = client.get(url(town, "bill", town.bill.number))
    html = response.content.decode()
    assert response.status_code == 200
    payload = response.context["qr"]["payload"]
    # The same payload the notice prints: biller ID, Ref1 = bill number, Ref2 = B.E. year, the amount.
    assert payload == notices.qr_payload(profile_of(town.org), town.bill, Decimal("1000.00"))
    parsed = thaiqr.parse(payload)
    assert (parsed.biller_id, parsed.ref1, parsed.ref2) == (
        "099400016550100",
        town.bill.number,
        str(YEAR + 543),
    )
    assert parsed.amount == Decimal("1000.00") and parsed.one_time
    assert f'data-payload="{payload}"' in html and '<svg viewBox="0 0 ' in html  # scales with the screen
    assert "1,000.00" in html


def test_the_qr_code_saves_as_a_picture_for_the_banking_app(town, client):
    response = client.get(url(town, "qr", town.late_bill.number))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG") and "attachment" in response["Content-Disposition"]
    payment_record(actor=SYSTEM, bill=town.bill, amount=Decimal("1000.00"), channel="cash")
    assert client.get(url(town, "qr", town.bill.number)).status_code == 404  # nothing left to pay


def test_the_saved_qr_picture_says_what_it_pays(town, client):
    """A saved code used to be a bare square: in the gallery it said neither the bill nor the amount."""
    bill = town.late_bill
    response = client.get(url(town, "qr", bill.number))
    picture = Image.open(io.BytesIO(response.content)).convert("RGB")
    today = timezone.localdate()
    due = amount_due_of(bill, today)
    payload = notices.qr_payload(profile_of(town.org), bill, due.payable_now)
    code = Image.open(io.BytesIO(thaiqr.render_png(payload, scale=8))).convert("RGB")
    # The code itself, untouched (quiet zone included), on top.
    left = (picture.width - code.width) // 2
    assert (
        ImageChops.difference(picture.crop((left, 0, left + code.width, code.height)), code).getbbox() is None
    )
    # Under it, words (ink where there was none) ...
    assert picture.height > code.height + 100
    assert picture.crop((0, code.height, picture.width, picture.height)).convert("L").getextrema()[0] < 80
    # ... and they are the organisation, the bill number and the amount due today, in that order.
    lines = [
        (town.org.name_th, False),
        (f"Bill {bill.number}", False),
        (f"{due.payable_now:,.2f} baht", True),
        (f"Amount due on {today.day} {today:%b} {today.year}", False),
    ]
    assert response.content == qr_picture.labelled_qr_png(payload, lines=lines)


def test_an_overdue_bill_asks_for_the_tax_with_penalty_and_surcharge(town, client):
    response = client.get(url(town, "bill", town.late_bill.number))
    due = amount_due_of(town.late_bill, timezone.localdate())
    assert due.penalty > 0 and due.surcharge > 0
    assert response.context["qr"]["amount"] == due.payable_now
    assert response.context["qr"]["payload"] == notices.qr_payload(
        profile_of(town.org), town.late_bill, due.payable_now
    )
    html = response.content.decode()
    assert "Overdue" in html and f"{due.penalty:,.2f}" in html


def test_the_notice_downloads_as_pdf_and_is_audited_to_nobody_on_staff(town, client):
    response = client.get(url(town, "notice", town.bill.number))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Cache-Control"] == "no-store, private"


def test_a_paid_bill_shows_the_receipt_and_no_qr_code(town, client):
    payment = payment_record(actor=SYSTEM, bill=town.bill, amount=Decimal("1000.00"), channel="cash")
    response = client.get(url(town, "bill", town.bill.number))
    assert response.context["qr"] is None
    number = payment.receipt.number
    assert number in response.content.decode()
    pdf = client.get(url(town, "receipt", number))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_bill_numbers_are_case_insensitive(town, client):
    assert client.get(url(town, "bill", town.bill.number.lower())).status_code == 200


def test_the_session_ends_after_thirty_idle_minutes(town, client):
    session = client.session
    data = session["muang_taxpayer"]
    session["muang_taxpayer"] = {**data, "seen": (timezone.now() - dt.timedelta(minutes=31)).timestamp()}
    session.save()
    response = client.get(url(town, "home"))
    assert response.status_code == 302 and "next=" in response.url


def test_pages_are_thai_first_with_buddhist_era_dates(town, client, settings):
    settings.LANGUAGE_CODE = "th"
    html = client.get(url(town, "bill", town.bill.number)).content.decode()
    assert re.search(r"\d{1,2} [ก-๙\.]+ 25\d\d", html)  # e.g. 21 พ.ย. 2569
    assert not AuditEntry.objects.filter(
        actor_label__startswith="taxpayer"
    ).exists()  # reading writes nothing


def test_the_taxpayer_is_greeted_by_name_without_a_doubled_title(town, client, settings):
    """Issue 8 item 13: "สวัสดี คุณนางสมหญิง" put คุณ before the title นาง."""
    settings.LANGUAGE_CODE = "th"
    html = client.get(url(town, "home")).content.decode()
    assert "สวัสดี คุณสมหญิง รักเมือง" in html
    assert "คุณนาง" not in html
