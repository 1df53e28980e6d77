"""Notices (ภ.ด.ส.6, ภ.ป.3, fee bills) and receipts as PDF, with WeasyPrint and a Thai font.

Every notice carries a Thai QR bill-payment code (tag 30: the organisation's biller ID, Ref1 = bill number,
Ref2 = B.E. year, the amount) drawn as inline SVG; instalment bills get one code per instalment as well.
Amounts are printed in baht with satang, dates in the Buddhist Era, and the receipt spells its amount out
in Thai words.

The templates get fully prepared data (:class:`NoticeData`, :class:`ReceiptData`) and never query.
The property app fills in the generic notice by passing its own ``template_name`` (extending
``billing/notice.html`` and overriding ``{% block details %}``) and ``extra`` context (parcels, buildings,
signs, the calculation).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from muang.billing import thaiqr
from muang.billing.access import require_on_bill
from muang.billing.models import Bill, BillingProfile, BillKind, PaymentChannel, Receipt
from muang.billing.permissions import BillingPerm
from muang.core.access import Actor, CitizenActor, require
from muang.core.errors import InvalidInput
from muang.core.models import Organization
from muang.core.thai_dates import BUDDHIST_ERA_OFFSET
from muang.core.thai_id import format_thai_id, is_valid_tax_id

MAX_NOTICES_PER_DOCUMENT = 2000
CHANNEL_TH = {
    PaymentChannel.CASH: "เงินสด",
    PaymentChannel.CHEQUE: "เช็ค",
    PaymentChannel.TRANSFER: "โอนเงิน",
    PaymentChannel.BANK: "ชำระผ่านธนาคาร",
}
_XML_DECLARATION = re.compile(r"^<\?xml[^>]*\?>\s*")


@dataclass(frozen=True)
class KindText:
    title: str
    form: str  # the official form code printed in the corner, if any
    charge: str  # what is owed, in a sentence
    template: str
    receipt_title: str


KIND_TEXT: dict[str, KindText] = {
    BillKind.LAND_BUILDING_TAX: KindText(
        "หนังสือแจ้งการประเมินภาษีที่ดินและสิ่งปลูกสร้าง",
        "ภ.ด.ส.6",
        "ภาษีที่ดินและสิ่งปลูกสร้าง",
        "billing/notice_land_building.html",
        "ใบเสร็จรับเงินภาษีที่ดินและสิ่งปลูกสร้าง",
    ),
    BillKind.SIGNBOARD_TAX: KindText(
        "หนังสือแจ้งการประเมินภาษีป้าย",
        "ภ.ป.3",
        "ภาษีป้าย",
        "billing/notice_signboard.html",
        "ใบเสร็จรับเงินภาษีป้าย (ภ.ป.7)",
    ),
    BillKind.WASTE_FEE: KindText(
        "ใบแจ้งค่าธรรมเนียมเก็บและขนมูลฝอย",
        "",
        "ค่าธรรมเนียมเก็บและขนมูลฝอย",
        "billing/notice.html",
        "ใบเสร็จรับเงินค่าธรรมเนียม",
    ),
    BillKind.SERVICE_FEE: KindText(
        "ใบแจ้งค่าธรรมเนียม", "", "ค่าธรรมเนียม", "billing/notice.html", "ใบเสร็จรับเงินค่าธรรมเนียม"
    ),
}


def qr_payload(profile: BillingProfile, bill: Bill, amount: Decimal) -> str:
    return thaiqr.build_bill_payment(
        biller_id=profile.biller_id, ref1=bill.number, ref2=bill.ref2, amount=amount
    )


def qr_svg(payload: str) -> SafeString:
    svg = thaiqr.render_svg(payload, scale=3, border=4).decode("ascii")
    return mark_safe(_XML_DECLARATION.sub("", svg))  # noqa: S308 (segno's own SVG, from a validated payload)


def _tax_id(value: str) -> str:
    return format_thai_id(value) if value and is_valid_tax_id(value) else value


@dataclass(frozen=True)
class InstalmentData:
    seq: int
    amount: Decimal
    due_date: dt.date
    payload: str
    svg: SafeString


@dataclass(frozen=True)
class NoticeData:
    organization: Organization
    profile: BillingProfile
    bill: Bill
    text: KindText
    year_be: int
    payer_tax_id: str
    lines: list
    payload: str
    svg: SafeString
    instalments: list[InstalmentData]
    printed_on: dt.date
    extra: dict[str, Any] = field(default_factory=dict)


def notice_data(*, bill: Bill, profile: BillingProfile, extra: dict[str, Any] | None = None) -> NoticeData:
    payload = qr_payload(profile, bill, bill.amount)
    instalments = []
    if bill.has_instalments:
        for inst in bill.instalments.all():
            p = qr_payload(profile, bill, inst.amount)
            instalments.append(InstalmentData(inst.seq, inst.amount, inst.due_date, p, qr_svg(p)))
    return NoticeData(
        organization=bill.organization,
        profile=profile,
        bill=bill,
        text=KIND_TEXT[bill.kind],
        year_be=bill.year + BUDDHIST_ERA_OFFSET,
        payer_tax_id=_tax_id(bill.payer_tax_id),
        lines=list(bill.lines.all()),
        payload=payload,
        svg=qr_svg(payload),
        instalments=instalments,
        printed_on=timezone.localdate(),
        extra=extra or {},
    )


def _weasyprint():
    import weasyprint  # imported late: it loads Pango and fonts, which only PDF requests need

    # Its per-step progress messages are INFO; they would fill the logs with every notice printed.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    return weasyprint


def render_pdf(html_documents: Sequence[str]) -> bytes:
    """One PDF from several HTML documents (each starts on a new page)."""
    weasyprint = _weasyprint()
    documents = [weasyprint.HTML(string=html, base_url=None).render() for html in html_documents]
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()


def _load_notice_bills(organization: Organization, bills: Sequence[Bill]) -> list[Bill]:
    ids = [b.pk for b in bills]
    loaded = (
        Bill.objects.filter(organization=organization, pk__in=ids)
        .select_related("organization")
        .prefetch_related("lines", "instalments")
    )
    by_id = {b.pk: b for b in loaded}
    return [by_id[i] for i in ids if i in by_id]


def notice_html(data: NoticeData, template_name: str | None = None) -> str:
    return render_to_string(template_name or data.text.template, {"n": data, **data.extra})


def bill_notice_pdf(
    *,
    actor: Actor,
    bill: Bill,
    template_name: str | None = None,
    extra: dict[str, Any] | None = None,
) -> bytes:
    """The notice of one bill as PDF."""
    return bill_notices_pdf(
        actor=actor,
        organization=bill.organization,
        bills=[bill],
        template_name=template_name,
        extra={bill.pk: extra} if extra else None,
    )


def bill_notices_pdf(
    *,
    actor: Actor,
    organization: Organization,
    bills: Sequence[Bill],
    template_name: str | None = None,
    extra: dict[int, dict[str, Any]] | None = None,
) -> bytes:
    """Notices of many bills in one PDF, for printing and mailing (``extra`` per bill id). A citizen gets only
    notices of bills their grant covers."""
    if isinstance(actor, CitizenActor):
        for bill in bills:
            require_on_bill(actor, bill, BillingPerm.BILL_VIEW)
    else:
        require(actor, organization, BillingPerm.BILL_VIEW)
    if not bills:
        raise InvalidInput.for_field("bills", "Choose at least one bill.")
    if len(bills) > MAX_NOTICES_PER_DOCUMENT:
        raise InvalidInput.for_field("bills", f"At most {MAX_NOTICES_PER_DOCUMENT} notices per document.")
    from muang.billing.services.bills import profile_of

    profile = profile_of(organization)
    extra = extra or {}
    html = [
        notice_html(notice_data(bill=b, profile=profile, extra=extra.get(b.pk)), template_name)
        for b in _load_notice_bills(organization, bills)
    ]
    return render_pdf(html)


@dataclass(frozen=True)
class ReceiptData:
    organization: Organization
    profile: BillingProfile | None
    receipt: Receipt
    bill: Bill
    payment: Any
    text: KindText
    year_be: int
    payer_tax_id: str
    amount_words: str
    allocations: list[dict]
    channel: str


def receipt_data(receipt: Receipt) -> ReceiptData:
    from pythainlp.util import bahttext

    payment = receipt.payment
    bill = payment.bill
    allocations = [
        {
            "seq": a["seq"],
            "principal": Decimal(a["principal"]),
            "penalty": Decimal(a["penalty"]),
            "surcharge": Decimal(a["surcharge"]),
            "months_late": a.get("months_late", 0),
            "total": Decimal(a["principal"]) + Decimal(a["penalty"]) + Decimal(a["surcharge"]),
        }
        for a in payment.allocations
    ]
    return ReceiptData(
        organization=bill.organization,
        profile=BillingProfile.objects.filter(organization=bill.organization).first(),
        receipt=receipt,
        bill=bill,
        payment=payment,
        text=KIND_TEXT[bill.kind],
        year_be=bill.year + BUDDHIST_ERA_OFFSET,
        payer_tax_id=_tax_id(bill.payer_tax_id),
        amount_words=bahttext(float(payment.amount)) if payment.amount < 10**12 else "",
        allocations=allocations,
        channel=CHANNEL_TH.get(payment.channel, payment.channel),
    )


def receipt_pdf(*, actor: Actor, receipt: Receipt) -> bytes:
    """A receipt as PDF: for staff who may read the organisation's bills, or the citizen whose bill it paid."""
    receipt = Receipt.objects.select_related("payment__bill__organization", "issued_by", "organization").get(
        organization_id=receipt.organization_id, pk=receipt.pk
    )
    require_on_bill(actor, receipt.payment.bill, BillingPerm.BILL_VIEW)
    html = render_to_string("billing/receipt.html", {"r": receipt_data(receipt)})
    return render_pdf([html])
