"""Notice and receipt PDFs: Thai text (shaped, extractable), B.E. dates, baht, and a scannable Thai QR."""

import datetime as dt
import subprocess
import unicodedata
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from muang.billing import thaiqr
from muang.billing.models import BillKind, PaymentChannel
from muang.billing.services.notices import bill_notice_pdf, bill_notices_pdf, receipt_pdf
from muang.billing.services.payments import payment_record
from muang.billing.tests.factories import cashier_actor, issue
from muang.core.access import Actor
from muang.core.errors import AccessDenied
from muang.core.models import Role
from muang.core.tests.factories import member

pytestmark = pytest.mark.django_db
# pdftotext / pdftoppm (poppler-utils) and zbarimg (zbar-tools) are installed by scripts/setup.sh: a missing
# tool fails these tests rather than skipping them, so CI always reads the PDFs back.


def fold(text: str) -> str:
    """Thai shaping draws SARA AM (ำ) as NIKHAHIT + SARA AA, and a PDF maps each glyph back to one
    character, so SARA AA's glyph extracts as either า or ำ. Compare with both folded to า."""
    return unicodedata.normalize("NFC", text).replace("\u0e33", "\u0e32").replace("\u0e4d", "")


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(  # noqa: S603
        ["pdftotext", "-raw", str(path), "-"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return fold(text)


def has(text: str, *needles: str) -> bool:
    return all(fold(n) in text for n in needles)


def qr_codes(pdf: bytes, tmp_path) -> list[str]:
    """Every QR code on the first page, decoded from a 200 dpi raster (what a phone camera sees)."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    subprocess.run(  # noqa: S603
        ["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],  # noqa: S607
        check=True,
    )
    (png,) = tmp_path.glob("page*.png")
    out = subprocess.run(  # noqa: S603
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(png)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return [line for line in out.splitlines() if line]


def test_land_building_notice_has_thai_text_be_dates_and_baht(org, admin, tmp_path):
    bill = issue(org, "10000.00", instalments=True)
    pdf = bill_notice_pdf(actor=admin, bill=bill)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf, tmp_path)
    assert has(text, "หนังสือแจ้งการประเมินภาษีที่ดินและสิ่งปลูกสร้าง", "ภ.ด.ส.6", "ประจำปี พ.ศ. 2569")
    assert has(text, "นางสาวสมหญิง รักเมือง")  # vowels and tone marks survive shaping and extraction
    assert has(text, "30 เมษายน 2569")  # the due date in the Buddhist Era
    assert has(text, "10,000.00", "3,333.34", bill.number, "1-1017-00230-70-8")
    assert text.count("\f") == 1, "one page"


def test_notice_qr_codes_pay_the_bill_and_each_instalment(org, admin, tmp_path):
    bill = issue(org, "10000.00", instalments=True)
    payloads = [thaiqr.parse(p) for p in qr_codes(bill_notice_pdf(actor=admin, bill=bill), tmp_path)]
    assert sorted(p.amount for p in payloads) == [D("3333.33"), D("3333.33"), D("3333.34"), D("10000.00")]
    for qr in payloads:
        assert qr.kind == thaiqr.QRKind.BILL_PAYMENT
        assert (qr.biller_id, qr.ref1, qr.ref2) == ("099400016550100", bill.number, "2569")


def test_signboard_notice_is_a_por_por_3(org, admin, tmp_path):
    bill = issue(org, "1040.00", kind=BillKind.SIGNBOARD_TAX)
    text = pdf_text(bill_notice_pdf(actor=admin, bill=bill), tmp_path)
    assert has(text, "ภ.ป.3", "หนังสือแจ้งการประเมินภาษีป้าย", "1,040.00", "15 วัน")


def test_many_notices_in_one_document_one_page_each(org, admin, tmp_path):
    bills = [issue(org, "500.00"), issue(org, "700.00", kind=BillKind.SIGNBOARD_TAX)]
    text = pdf_text(bill_notices_pdf(actor=admin, organization=org, bills=bills), tmp_path)
    assert text.count("\f") == 2 and bills[0].number in text and bills[1].number in text


def test_templates_do_not_query(org, admin, monkeypatch):
    """Everything the notice shows is loaded before rendering: a fixed number of queries per bill."""
    import muang.billing.services.notices as notices

    monkeypatch.setattr(notices, "render_pdf", lambda html: b"%PDF-stub")
    bills = [issue(org, "5000.00", instalments=True) for _ in range(5)]
    bill_notices_pdf(actor=admin, organization=org, bills=bills[:1])  # the actor's memberships are cached
    with CaptureQueriesContext(connection) as one:
        bill_notices_pdf(actor=admin, organization=org, bills=bills[:1])
    with CaptureQueriesContext(connection) as five:
        bill_notices_pdf(actor=admin, organization=org, bills=bills)
    assert len(five) == len(one) == 4  # profile, bills, lines, instalments


def test_receipt_pdf_is_numbered_and_spells_the_amount_in_thai(org, tmp_path):
    bill = issue(org, "1000.00")
    payment = payment_record(
        actor=cashier_actor(org),
        bill=bill,
        amount=D("1120.00"),
        channel=PaymentChannel.CASH,
        paid_on=dt.date(2026, 6, 15),
    )
    text = pdf_text(receipt_pdf(actor=cashier_actor(org), receipt=payment.receipt), tmp_path)
    assert has(text, "ใบเสร็จรับเงินภาษีที่ดินและสิ่งปลูกสร้าง", payment.receipt.number, "เงินสด")
    assert has(text, "หนึ่งพันหนึ่งร้อยยี่สิบบาทถ้วน")
    assert has(text, "15 มิถุนายน 2569", "1,120.00", "100.00", "20.00")


def test_officer_of_another_department_may_not_print(org):
    bill = issue(org)
    with pytest.raises(AccessDenied):
        bill_notice_pdf(actor=Actor(user=member(org, Role.OFFICER)), bill=bill)
