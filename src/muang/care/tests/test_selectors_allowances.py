"""Reads of a run: totals by allowance and tier, the transfers of its bank file (net of recoveries), the
cash list to sign as a Thai PDF, a person's allowance history; each export audited."""

import datetime as dt
from decimal import Decimal

import pytest

from muang.care import allowances as selectors
from muang.care.services import person_death_record
from muang.care.services.allowances import adjustment_create
from muang.care.tests.allowance_helpers import DECEMBER, IN_DECEMBER, IN_JANUARY, JANUARY, elder, payer, run
from muang.core.access import SYSTEM
from muang.core.models import AuditEntry
from muang.core.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(areas):
    return OrganizationFactory()


def test_totals_transfers_and_files_of_a_run(org):
    payer(org)
    a, a_right = elder(org, 1, dt.date(1960, 5, 1))  # 600, bank
    b, _ = elder(org, 2, dt.date(1940, 5, 1))  # 800, bank
    c, _ = elder(org, 3, dt.date(1930, 5, 1), method="cash")  # 1,000, cash
    d, _ = elder(org, 4, dt.date(1945, 5, 1))  # 700, dies
    adjustment_create(actor=SYSTEM, organization=org, right_id=a_right.pk, amount="-100.00", reason="เกิน")
    person_death_record(actor=SYSTEM, person=d, died_on=dt.date(2026, 11, 30), today=IN_DECEMBER)
    the_run = run(org, DECEMBER, IN_DECEMBER)

    totals = {
        (t.kind, t.line_type, t.amount_each, t.stop_reason): (t.count, t.total)
        for t in selectors.totals_of(actor=SYSTEM, run=the_run)
    }
    assert totals[("elderly", "payment", Decimal("600.00"), "")] == (1, Decimal("600.00"))
    assert totals[("elderly", "payment", Decimal("1000.00"), "")] == (1, Decimal("1000.00"))
    assert totals[("elderly", "stop", None, "died")] == (1, Decimal("0.00"))
    assert totals[("elderly", "adjustment", None, "")] == (1, Decimal("-100.00"))

    transfers = selectors.transfers_of(actor=SYSTEM, run=the_run)
    assert [(t.reference, t.amount) for t in transfers] == [
        (f"202612-{a.pk}", Decimal("500.00")),
        (f"202612-{b.pk}", Decimal("800.00")),
    ]
    data, filename, content_type = selectors.bank_file(actor=SYSTEM, run=the_run, fmt="ktb")
    assert content_type.startswith("text/plain") and filename == "allowances-2026-12-ktb.txt"
    assert data.startswith(b"1010000010060000002")
    assert AuditEntry.objects.filter(action="export", object_type="care.allowance_bank_file").count() == 1

    cash = selectors.cash_list_of(actor=SYSTEM, run=the_run)
    assert [(row.person.pk, row.amount) for row in cash] == [(c.pk, Decimal("1000.00"))]
    pdf, name = selectors.cash_list_pdf(actor=SYSTEM, run=the_run)
    assert pdf.startswith(b"%PDF") and name == "allowances-2026-12-cash.pdf"


def test_a_persons_history_lists_each_month_newest_first(org):
    person, _ = elder(org, 1, dt.date(1946, 12, 14))
    run(org, DECEMBER, IN_DECEMBER)
    run(org, JANUARY, IN_JANUARY)
    history = selectors.person_allowances(actor=SYSTEM, person=person)
    assert [(line.month, line.amount) for line in history.lines] == [
        (JANUARY, Decimal("800.00")),
        (DECEMBER, Decimal("700.00")),
    ]
    assert len(history.rights) == 1


def test_the_sql_yardstick_agrees_with_the_run(org):
    for n, born in enumerate((dt.date(1960, 5, 1), dt.date(1940, 5, 1), dt.date(1946, 12, 14)), start=1):
        elder(org, n, born)
    the_run = run(org, DECEMBER, IN_DECEMBER)
    assert selectors.sql_totals(organization_id=org.pk, month=DECEMBER) == {
        "count": the_run.paid_count,
        "total": the_run.total,
    }


def test_the_bank_files_transfers_are_the_lines_added_up_per_payee_and_account(org):
    """`transfers_of` (one statement, its plan asked for) gives what the ORM's grouping of the same lines gives
    (`_net_by_payee`, which the cash list uses): two allowances to one account are one transfer, to two accounts
    two; a month recovered whole, cash and stopped allowances are no transfer."""
    from muang.care.allowances import _net_by_payee
    from muang.care.models import PaymentMethod
    from muang.care.payment_files import Transfer
    from muang.care.tests.allowance_helpers import ACCOUNTS, disability_right

    card = {"card_expires_on": dt.date(2030, 1, 1)}

    one_account, _ = elder(org, 1, dt.date(1960, 5, 1))  # 600 + 800 to one account
    disability_right(one_account, ACCOUNTS[1], **card)
    two_accounts, _ = elder(org, 2, dt.date(1940, 5, 1))  # 800 and 800 to two accounts
    disability_right(two_accounts, ACCOUNTS[50], **card)
    _, right = elder(org, 3, dt.date(1960, 6, 1))  # 600, all of it recovered
    adjustment_create(actor=SYSTEM, organization=org, right_id=right.pk, amount="-900.00", reason="เกิน")
    elder(org, 4, dt.date(1930, 5, 1), method="cash")
    dead, _ = elder(org, 5, dt.date(1945, 5, 1))
    person_death_record(actor=SYSTEM, person=dead, died_on=dt.date(2026, 11, 30), today=IN_DECEMBER)
    paid, _ = elder(org, 6, dt.date(1950, 5, 1))  # 700
    the_run = run(org, DECEMBER, IN_DECEMBER)

    transfers = selectors.transfers_of(actor=SYSTEM, run=the_run)

    grouped = [
        Transfer(
            f"202612-{r['person_id']}",
            r["right__bank_code"],
            r["right__account_number"],
            r["right__account_name"],
            r["amount"],
        )
        for r in _net_by_payee(the_run, PaymentMethod.BANK)
    ]
    assert transfers == grouped
    assert all(type(t) is Transfer for t in transfers)
    assert [(t.reference, t.account_number, t.amount) for t in transfers] == [
        (f"202612-{one_account.pk}", ACCOUNTS[1], Decimal("1400.00")),
        (f"202612-{two_accounts.pk}", ACCOUNTS[2], Decimal("800.00")),
        (f"202612-{two_accounts.pk}", ACCOUNTS[50], Decimal("800.00")),
        (f"202612-{paid.pk}", ACCOUNTS[6], Decimal("700.00")),
    ]
