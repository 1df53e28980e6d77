"""The monthly run through billing's bill sync, paying by Thai QR (a bank statement line) or at the counter,
paying twice, arrears and reminders."""

import datetime as dt
from decimal import Decimal

import pytest

from muang.billing.models import Bill, BillKind, BillStatus, MatchStatus, Payment, Refund
from muang.billing.services.notices import qr_payload
from muang.billing.services.payments import payment_record
from muang.billing.services.reconciliation import bank_line_resolve, bank_statement_import
from muang.billing.tests.factories import muang_csv
from muang.billing.thaiqr import parse as parse_qr
from muang.core.errors import AccessDenied, Conflict, InvalidInput
from muang.core.models import Notification
from muang.waste.models import Reminder
from muang.waste.selectors import arrears_by_account
from muang.waste.services.billing import waste_billing_run
from muang.waste.services.rates import rate_schedule_create
from muang.waste.services.reminders import reminders_send

pytestmark = pytest.mark.django_db
JAN, FEB, MAR = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)


def run(town, period, **kwargs):
    return waste_billing_run(
        actor=town.finance_head, organization=town.org, period=period, issued_on=period, **kwargs
    )


def bill_of(town, account, period):
    return Bill.objects.get(
        organization=town.org,
        source_ref=f"waste:account:{period:%Y%m}.{account.pk}",
        cancelled_at__isnull=True,
    )


def test_the_monthly_run_bills_each_account_once_and_a_second_run_changes_nothing(town):
    result = run(town, JAN)
    assert (result.issued, result.issued_total) == (2, Decimal("170.00"))
    bill = bill_of(town, town.home, JAN)
    assert bill.kind == BillKind.WASTE_FEE and bill.year == 2026 and bill.amount == Decimal("20.00")
    assert bill.due_date == dt.date(2026, 1, 31) and bill.number.startswith("WF2569")
    assert "01/2569" in bill.lines.get().description and "(H001)" in bill.lines.get().description
    again = run(town, dt.date(2026, 1, 15))
    assert (again.issued, again.unchanged) == (0, 2)
    # The next month leaves January's bills alone.
    feb = run(town, FEB)
    assert (feb.issued, feb.cancelled) == (2, 0)
    assert Bill.objects.filter(kind=BillKind.WASTE_FEE, cancelled_at__isnull=True).count() == 4


def test_a_changed_rate_reissues_unpaid_bills_and_never_touches_paid_ones(town):
    run(town, MAR)
    home = bill_of(town, town.home, MAR)
    payment_record(
        actor=town.finance_officer,
        bill=home,
        amount=Decimal("20.00"),
        channel="cash",
        paid_on=dt.date(2026, 3, 5),
    )
    rate_schedule_create(
        actor=town.health_officer,
        organization=town.org,
        ordinance="เทศบัญญัติ แก้ไข",
        effective_from=MAR,
        rates=[
            {"code": "home", "name": "บ้าน", "litres_per_day": 20, "monthly_fee": "30"},
            {"code": "shop", "name": "ร้านค้า", "litres_per_day": 100, "monthly_fee": "200"},
        ],
    )
    result = run(town, MAR)
    assert (result.reissued, len(result.conflicts)) == (1, 1)
    assert result.conflicts[0].bill_id == home.pk and result.conflicts[0].wanted == Decimal("30.00")
    assert bill_of(town, town.shop, MAR).amount == Decimal("200.00")
    home.refresh_from_db()
    assert home.status == BillStatus.PAID and home.amount == Decimal("20.00")


def test_accounts_of_a_yearly_cycle_get_one_bill_for_the_fee_year_of_the_schedule(town):
    """The town's ordinance is in force from 1 October 2025: its fee year is the fiscal year, October–September,
    named by the year it ends in (2569); the run asked for any day of it bills it once, beside the months."""
    town.shop.cycle = "yearly"
    town.shop.save(update_fields=["cycle"])
    monthly = run(town, JAN)
    assert monthly.issued == 1
    yearly = run(town, JAN, cycle="yearly")
    bill = Bill.objects.get(source_ref=f"waste:account:Y202510.{town.shop.pk}")
    assert (
        yearly.issued == 1 and bill.amount == Decimal("1800.00") and (bill.year, bill.ref2) == (2026, "2569")
    )
    assert "10/2568–09/2569" in bill.lines.get().description
    assert bill.due_date == JAN + dt.timedelta(days=15)  # billed after the year began: 15 days to pay
    # Any other day of the same fee year changes nothing, and the monthly bills were left alone (within=).
    again = run(town, dt.date(2026, 9, 30), cycle="yearly")
    assert (again.issued, again.unchanged, again.cancelled) == (0, 1, 0)
    assert (
        Bill.objects.filter(source_ref__startswith="waste:account:202601.", cancelled_at__isnull=True).count()
        == 1
    )
    # October starts the next fee year (fiscal 2570), billed on time: due at the end of its first month.
    oct_run = waste_billing_run(
        actor=town.finance_head,
        organization=town.org,
        period=dt.date(2026, 10, 5),
        cycle="yearly",
        issued_on=dt.date(2026, 10, 1),
    )
    nxt = Bill.objects.get(source_ref=f"waste:account:Y202610.{town.shop.pk}")
    assert oct_run.issued == 1 and (nxt.year, nxt.due_date) == (2027, dt.date(2026, 10, 31))


def test_a_schedule_in_force_from_january_bills_yearly_accounts_by_calendar_year(town):
    rate_schedule_create(
        actor=town.health_officer,
        organization=town.org,
        ordinance="เทศบัญญัติ (ปีปฏิทิน)",
        effective_from=dt.date(2027, 1, 1),
        rates=[
            {"code": "home", "name": "บ้าน", "litres_per_day": 20, "monthly_fee": "25"},
            {"code": "shop", "name": "ร้านค้า", "litres_per_day": 100, "monthly_fee": "100"},
        ],
    )
    town.shop.cycle = "yearly"
    town.shop.save(update_fields=["cycle"])
    run(town, dt.date(2027, 1, 1), cycle="yearly")
    bill = Bill.objects.get(source_ref=f"waste:account:Y202701.{town.shop.pk}")
    assert (bill.amount, bill.year, bill.due_date) == (Decimal("1200.00"), 2027, dt.date(2027, 1, 31))
    assert "01/2570–12/2570" in bill.lines.get().description


def test_bad_runs_are_refused_and_only_the_finance_head_runs_bills(town):
    with pytest.raises(InvalidInput) as e:
        run(town, dt.date(2025, 1, 1))
    assert "period" in e.value.field_errors
    town.home.rate_class = "castle"
    town.home.save(update_fields=["rate_class"])
    with pytest.raises(InvalidInput) as e:
        run(town, JAN)
    assert "H001" in e.value.field_errors["rate_class"][0]
    assert not Bill.objects.exists()
    for actor in (town.health_officer, town.finance_officer):
        with pytest.raises(AccessDenied):
            waste_billing_run(actor=actor, organization=town.org, period=JAN)


def test_a_household_pays_by_thai_qr_and_leaves_the_arrears_list_and_paying_twice_is_never_lost(town):
    run(town, JAN)
    run(town, FEB)
    as_of = dt.date(2026, 3, 10)
    before = {
        e.account.number: e
        for e in arrears_by_account(actor=town.finance_officer, organization=town.org, as_of=as_of)
    }
    assert before["H001"].months == 2 and before["H001"].total == Decimal("40.00")
    jan = bill_of(town, town.home, JAN)
    # The household scans the bill's Thai QR: Ref1 is the bill number, Ref2 the B.E. year.
    qr = parse_qr(qr_payload(jan.organization.billing_profile, jan, jan.amount))
    assert (qr.ref1, qr.ref2) == (jan.number, "2569")
    # The bank's statement reports the payment (and, the next day, the same household paying it again).
    rows = [
        ("2026-03-08", "09:00", jan.number, "2569", "20.00", "QR1"),
        ("2026-03-09", "09:00", jan.number, "2569", "20.00", "QR2"),
    ]
    st = bank_statement_import(
        actor=town.finance_officer, organization=town.org, data=muang_csv(rows), filename="qr.csv"
    )
    first, second = st.lines.order_by("line_no")
    assert (first.status, second.status) == (MatchStatus.MATCHED, MatchStatus.DUPLICATE)
    assert Payment.objects.filter(bill=jan).count() == 1
    # The second payment is not applied, and not lost: it is refunded.
    bank_line_resolve(actor=town.finance_officer, line=second, action="refund", note="จ่ายซ้ำ")
    assert Refund.objects.get().amount == Decimal("20.00")
    # At the counter, paying the paid bill again is refused.
    with pytest.raises((Conflict, InvalidInput)):
        payment_record(
            actor=town.finance_officer, bill=jan, amount=Decimal("20.00"), channel="cash", paid_on=as_of
        )
    after = {
        e.account.number: e
        for e in arrears_by_account(actor=town.finance_officer, organization=town.org, as_of=as_of)
    }
    assert after["H001"].months == 1 and after["H001"].total == Decimal("20.00")


def test_reminders_go_once_a_month_to_accounts_in_arrears_with_a_phone(
    town, django_capture_on_commit_callbacks
):
    run(town, JAN)
    as_of = dt.date(2026, 2, 10)
    assert reminders_send(actor=town.finance_officer, organization=town.org, as_of=as_of) == 1
    assert reminders_send(actor=town.finance_officer, organization=town.org, as_of=as_of) == 0
    n = Notification.objects.get()
    assert n.recipient == "0812345678" and "H001" in n.messages[0]["text"]
    assert Reminder.objects.get().amount == Decimal("20.00")
    with pytest.raises(AccessDenied):
        reminders_send(actor=town.health_officer, organization=town.org, as_of=as_of)
