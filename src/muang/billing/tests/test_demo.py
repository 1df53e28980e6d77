"""Demo payments: a realistic bank file for any bills, and an organisation's bills paid at the counter, by
bank file, or left open and overdue."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.conf import settings
from django.utils import timezone

from muang.billing.bank_formats import get_format
from muang.billing.demo import demo_bank_statement, load_demo_payments
from muang.billing.models import BankStatementImport, Bill, BillStatus, MatchStatus, Payment, PaymentChannel
from muang.billing.services.payments import receipts_per_fiscal_year
from muang.billing.services.reconciliation import bank_statement_import
from muang.billing.tests.factories import cashier_actor, issue

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def bills(org, n, *, issued_on=dt.date(2026, 2, 15), due_date=dt.date(2026, 4, 30)):
    out = [issue(org, f"{900 + 250 * i}.50", issued_on=issued_on, due_date=due_date) for i in range(n)]
    out.append(issue(org, "4500.00", issued_on=issued_on, due_date=due_date, instalments=True))
    return out


@pytest.mark.parametrize("fmt", ["muang", "th_bank"])
def test_the_statement_pays_each_bill_and_has_the_usual_odd_lines(org, fmt):
    given = bills(org, 4)
    data = demo_bank_statement(given, paid_on=dt.date(2026, 4, 20), format=fmt)
    assert data == demo_bank_statement(given, paid_on=dt.date(2026, 4, 20), format=fmt)  # deterministic
    lines = get_format(fmt).parse(data)
    assert len(lines) == 4 + 3  # four paid, one short, one unknown reference, one repeated row
    if fmt == "th_bank":
        assert data.startswith("\ufeff".encode()) and "วันที่ชำระ,เวลา".encode() in data
        assert b"20/04/2569" in data and b'"1,400.50"' in data
    statement = bank_statement_import(
        actor=cashier_actor(org), organization=org, data=data, filename="demo.csv", bank_format=fmt
    )
    counts = {k: v["lines"] for k, v in statement.summary.items() if v["lines"]}
    assert counts == {
        MatchStatus.MATCHED: 4,
        MatchStatus.PARTIAL: 1,
        MatchStatus.UNMATCHED: 1,
        MatchStatus.DUPLICATE: 1,
    }
    statuses = dict(Bill.objects.filter(organization=org).values_list("number", "status"))
    short = max(statuses)  # the last bill paid short: reported, not applied
    assert statuses.pop(short) == BillStatus.OPEN
    assert set(statuses.values()) == {BillStatus.PAID}


def test_an_instalment_bill_pays_its_next_instalment(org):
    given = bills(org, 1)
    data = demo_bank_statement(given[1:], paid_on=dt.date(2026, 4, 20), odd_lines=False)
    (line,) = get_format("muang").parse(data)
    assert line.amount == D("1500.00")
    bank_statement_import(actor=cashier_actor(org), organization=org, data=data, filename="i.csv")
    bill = Bill.objects.get(pk=given[1].pk)
    assert bill.status == BillStatus.PARTLY_PAID and bill.paid_principal == D("1500.00")


def test_late_payers_pay_the_charges_of_their_day(org):
    (bill, _inst) = bills(org, 1)
    data = demo_bank_statement([bill], paid_on=dt.date(2026, 6, 15), odd_lines=False)
    (line,) = get_format("muang").parse(data)
    assert line.amount > bill.amount  # penalty and surcharge added
    statement = bank_statement_import(
        actor=cashier_actor(org), organization=org, data=data, filename="late.csv", bank_format="muang"
    )
    assert statement.summary[MatchStatus.MATCHED]["lines"] == 1


def test_demo_payments_leave_paid_partly_paid_and_overdue_bills(org):
    issued, due = TODAY - dt.timedelta(days=200), TODAY - dt.timedelta(days=100)
    bills(org, 14, issued_on=issued, due_date=due)
    summary = load_demo_payments(org, seed=7)
    assert summary["counter"] == 3 and summary["open"] == 6
    channels = set(Payment.objects.filter(organization=org).values_list("channel", flat=True))
    assert PaymentChannel.BANK in channels and channels & {PaymentChannel.CASH, PaymentChannel.TRANSFER}
    statement = BankStatementImport.objects.get(pk=summary["bank_statement"])
    assert statement.summary[MatchStatus.MATCHED]["lines"] >= 4
    assert statement.lines.exclude(status=MatchStatus.MATCHED).count() == 3  # left for the officer
    (seqs,) = receipts_per_fiscal_year(org).values()
    assert seqs == list(range(1, len(seqs) + 1))
    open_bills = Bill.objects.filter(organization=org, status=BillStatus.OPEN)
    assert open_bills.count() >= 5 and all(b.due_date < TODAY for b in open_bills)  # overdue
    # The sample file for the officer: today's payments of some open bills, in the Thai bank layout.
    path = settings.MEDIA_ROOT / "demo" / "bank-statements" / f"{org.slug}-th_bank-{TODAY:%Y%m%d}.csv"
    assert str(path) == summary["sample_file"]
    sample = get_format("th_bank").parse(path.read_bytes())
    numbers = set(open_bills.values_list("number", flat=True))
    assert sum(line.ref1 in numbers for line in sample) >= 1
    # Once only.
    assert load_demo_payments(org, seed=7) == {}
