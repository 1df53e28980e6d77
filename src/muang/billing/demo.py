"""Demo payments on whatever bills an organisation has: some paid at the counter, some through a bank's
bill-payment report imported by the reconciliation, the rest left open (overdue once their due date has
passed), and one more day's bank file saved for an officer to import by hand.

`demo_bank_statement` writes a statement file the way a Thai bank sends it, in one of the layouts of
:mod:`muang.billing.bank_formats`: one row per payment with Ref1 (bill number) and Ref2 (B.E. year) as the
payer scanned them, the amount due that day, payer, channel and branch, the bank's transaction number, and
the few odd rows a real file has: a short payment, a reference that names no bill (the payer typed a phone
number) and a row the bank repeated. Everything derives from a seed: the same bills give the same file.

Paths used (all audited like staff work): counter payments through `payment_record` (receipts numbered by
`issue_receipts`), the bank file through `bank_statement_import`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from muang.billing.bank_formats import FORMATS
from muang.billing.models import Bill, BillStatus, Payment, PaymentChannel
from muang.billing.permissions import BillingPerm
from muang.billing.selectors import amount_due_of
from muang.billing.services.payments import payment_record
from muang.billing.services.reconciliation import bank_statement_import
from muang.core.access import SYSTEM, Actor
from muang.core.models import Membership, Organization
from muang.core.thai_dates import BUDDHIST_ERA_OFFSET

SEED = 2569
SAMPLE_DIR = "demo/bank-statements"  # under MEDIA_ROOT
COUNTER_MAX = 200  # counter payments per organisation
# (channel as the bank writes it, weight, branch or "" when not at a branch)
CHANNELS = [("MOBILE", 52, ""), ("ATM", 14, ""), ("COUNTER", 22, "0623 สาขาชุมแพ"), ("INTERNET", 12, "")]
CHEQUE_BANKS = ["ธนาคารกรุงไทย", "ธนาคารออมสิน", "ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร", "ธนาคารกสิกรไทย"]
HEADINGS = {
    "muang": ["date", "time", "ref1", "ref2", "amount", "payer_name", "channel", "branch", "transaction_id"],
    "th_bank": [
        "วันที่ชำระ",
        "เวลา",
        "เลขอ้างอิง 1",
        "เลขอ้างอิง 2",
        "จำนวนเงิน",
        "ชื่อผู้ชำระ",
        "ช่องทาง",
        "สาขา",
        "เลขที่รายการ",
    ],
}


@dataclass(frozen=True)
class _Row:
    paid_at: dt.datetime
    ref1: str
    ref2: str
    amount: Decimal
    payer: str
    channel: str
    branch: str
    transaction_id: str


def demo_bank_statement(
    bills: Sequence[Bill],
    *,
    paid_on: dt.date,
    format: str = "muang",
    seed: int = SEED,
    odd_lines: bool = True,
) -> bytes:
    """One day's bill-payment report for ``bills``: each pays what keeps it in good standing on ``paid_on``
    (the whole balance with any charges, or the next instalment while the right holds). With ``odd_lines``,
    the last bill pays short, a payer types a phone number as Ref1, and the bank repeats the first row."""
    if format not in HEADINGS:
        raise ValueError(f"no demo layout for bank format {format!r}; one of {sorted(HEADINGS)}")
    rng = random.Random(f"{seed}-{paid_on}")  # noqa: S311 (demo data, deliberately reproducible)
    payable = []
    for bill in sorted(bills, key=lambda b: b.number):
        if bill.status == BillStatus.CANCELLED:
            continue
        due = amount_due_of(bill, paid_on)
        if due.total > 0:
            payable.append((bill, due.payable_now))
    rows: list[_Row] = []
    short = payable.pop() if odd_lines and len(payable) > 1 else None
    counter = 0

    def row(ref1: str, ref2: str, amount: Decimal, payer: str) -> _Row:
        nonlocal counter
        counter += 1
        channel, _w, branch = rng.choices(CHANNELS, weights=[c[1] for c in CHANNELS])[0]
        minute = rng.randint(8 * 60, 20 * 60 + 59)
        return _Row(
            paid_at=dt.datetime.combine(paid_on, dt.time(minute // 60, minute % 60, rng.randint(0, 59))),
            ref1=ref1,
            ref2=ref2,
            amount=amount,
            payer=payer,
            channel=channel,
            branch=branch,
            transaction_id=f"KTB{paid_on:%y%m%d}{counter:06d}",
        )

    for bill, amount in payable:
        rows.append(row(bill.number, bill.ref2, amount, bill.payer_name))
    if odd_lines:
        if short is not None:
            bill, amount = short
            rows.append(row(bill.number, bill.ref2, (amount / 2).quantize(Decimal("0.01")), bill.payer_name))
        ref2 = payable[0][0].ref2 if payable else str(paid_on.year + BUDDHIST_ERA_OFFSET)
        rows.append(
            row(f"08{rng.randint(10_000_000, 99_999_999)}", ref2, Decimal("1250.00"), "นายสมปอง ทองดี")
        )
        if rows:
            rows.append(rows[0])  # the bank sends one transaction twice
    rows.sort(key=lambda r: (r.paid_at, r.transaction_id))
    return _render(rows, format)


def _render(rows: list[_Row], format: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n" if format == "th_bank" else "\n")
    writer.writerow(HEADINGS[format])
    for r in rows:
        if format == "th_bank":  # dd/mm/B.E. dates, thousands separators, as Thai banks print them
            day = f"{r.paid_at.day:02d}/{r.paid_at.month:02d}/{r.paid_at.year + BUDDHIST_ERA_OFFSET}"
            amount = f"{r.amount:,.2f}"
        else:
            day, amount = r.paid_at.date().isoformat(), f"{r.amount:.2f}"
        writer.writerow(
            [
                day,
                r.paid_at.strftime("%H:%M:%S"),
                r.ref1,
                r.ref2,
                amount,
                r.payer,
                r.channel,
                r.branch,
                r.transaction_id,
            ]
        )
    text = out.getvalue()
    return ("\ufeff" + text).encode() if format == "th_bank" else text.encode()  # banks' UTF-8 carries a BOM


# --- the loader --------------------------------------------------------------------------------------------------


def _staff(organization: Organization, perm: str) -> Actor:
    """The organisation's first officer holding ``perm`` (receipts then name a person), else the system."""
    memberships = Membership.objects.filter(organization=organization).select_related("user").order_by("pk")
    for membership in memberships:
        actor = Actor(user=membership.user)
        if actor.has_perm(organization, perm):
            return actor
    return SYSTEM


def load_demo_payments(
    organization: Organization, *, seed: int = SEED, sample_format: str = "th_bank"
) -> dict[str, object]:
    """Pay a fifth of the organisation's open bills at the counter (at most COUNTER_MAX) and 45% through an
    imported bank file; leave the rest open, and save one more bank file (some of the open bills, paid
    today) under MEDIA_ROOT for an officer to import. Once per organisation: nothing happens when it has
    payments."""
    if Payment.objects.filter(organization=organization).exists():
        return {}
    bills = list(
        Bill.objects.filter(organization=organization, status=BillStatus.OPEN)
        .prefetch_related("instalments", "warning_letters")
        .order_by("number")
    )
    if not bills:
        return {}
    rng = random.Random(seed)  # noqa: S311 (demo data, deliberately reproducible)
    rng.shuffle(bills)
    # Most Thai taxpayers pay by mobile banking or at a bank; the counter serves the rest (capped: each
    # counter payment is a full service call with its receipt and audit entry).
    counter = min(len(bills) // 5, COUNTER_MAX)
    bank = len(bills) * 45 // 100
    at_counter, by_bank, left_open = bills[:counter], bills[counter : counter + bank], bills[counter + bank :]
    today = timezone.localdate()
    cashier = _staff(organization, BillingPerm.PAYMENT_RECORD)
    for bill in at_counter:
        _pay_at_counter(cashier, bill, rng, today)
    statement = None
    if by_bank:
        last_due = min(b.due_date for b in by_bank)
        paid_on = max(max(b.issued_on for b in by_bank), min(today, last_due - dt.timedelta(days=3)))
        data = demo_bank_statement(by_bank, paid_on=paid_on, format="muang", seed=seed)
        statement = bank_statement_import(
            actor=_staff(organization, BillingPerm.BANK_RECONCILE),
            organization=organization,
            data=data,
            filename=f"ktb-billpayment-{paid_on:%Y%m%d}.csv",
            bank_format="muang",
        )
    sample = _save_sample(organization, left_open[: max(1, len(left_open) // 4)], today, seed, sample_format)
    return {
        "counter": len(at_counter),
        "bank_statement": statement.pk if statement else None,
        "open": len(left_open),
        "sample_file": str(sample),
    }


def _pay_at_counter(cashier: Actor, bill: Bill, rng: random.Random, today: dt.date) -> None:
    """On time mostly (within the payment period), now and then late with the charges of that day; an
    instalment bill often pays only its first instalment."""
    last = min(today, bill.due_date)
    if bill.due_date < today and rng.random() < 0.2:
        paid_on = bill.due_date + dt.timedelta(days=rng.randint(1, (today - bill.due_date).days))
    else:
        paid_on = bill.issued_on + dt.timedelta(days=rng.randint(0, max(0, (last - bill.issued_on).days)))
    due = amount_due_of(bill, paid_on)
    if due.total <= 0:
        return
    amount = due.payable_now if bill.has_instalments and rng.random() < 0.6 else due.total
    channel = rng.choices(
        [PaymentChannel.CASH, PaymentChannel.TRANSFER, PaymentChannel.CHEQUE], weights=[70, 20, 10]
    )[0]
    cheque = {}
    if channel == PaymentChannel.CHEQUE:
        cheque = {
            "cheque_bank": rng.choice(CHEQUE_BANKS),
            "cheque_number": f"{rng.randint(1_000_000, 9_999_999)}",
        }
    payment_record(
        actor=cashier,
        bill=bill,
        amount=amount,
        channel=channel,
        paid_on=paid_on,
        reference=f"TRF{rng.randint(100_000, 999_999)}" if channel == PaymentChannel.TRANSFER else "",
        **cheque,
    )


def _save_sample(
    organization: Organization,
    bills: list[Bill],
    today: dt.date,
    seed: int,
    format: str,
) -> Path:
    """A bank file for the officer to import: some open bills paid today, with the usual odd rows."""
    if format not in FORMATS:
        raise ValueError(f"unknown bank format {format!r}")
    data = demo_bank_statement(bills, paid_on=today, format=format, seed=seed + 1)
    folder = Path(settings.MEDIA_ROOT) / SAMPLE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{organization.slug}-{format}-{today:%Y%m%d}.csv"
    path.write_bytes(data)
    return path


def load_demo_billing_payments(
    slugs: tuple[str, ...] = ("chumphae", "nonsaat", "nanongthum", "nonhan", "chaiso"),
) -> int:
    """`load_demo_payments` for each demo organisation that has open bills (the `billing.payments` demo
    loader, after the loader that issues the demo bills); returns how many organisations got payments."""
    done = 0
    for organization in Organization.objects.filter(slug__in=slugs).order_by("slug"):
        if load_demo_payments(organization, seed=SEED + organization.pk):
            done += 1
    return done
