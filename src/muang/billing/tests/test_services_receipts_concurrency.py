"""Receipt numbers stay gap-free and unique when cashiers record payments at the same moment."""

import datetime as dt
import threading
from decimal import Decimal as D

import pytest
from django.db import connection

from muang.billing.models import PaymentChannel, Receipt
from muang.billing.services.payments import payment_record, receipts_per_fiscal_year
from muang.billing.tests.factories import billing_organization, cashier_actor, issue
from muang.core.errors import InvalidInput

THREADS = 4
PER_THREAD = 6


@pytest.mark.django_db(transaction=True)
def test_concurrent_payments_get_consecutive_receipt_numbers_and_failures_leave_no_gap(areas):
    org = billing_organization()
    cashiers = [cashier_actor(org) for _ in range(THREADS)]
    bills = [[issue(org, "100.00") for _ in range(PER_THREAD)] for _ in range(THREADS)]
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            start.wait()
            for j, bill in enumerate(bills[i]):
                if j == 2:  # a refused payment in the middle: its number must be given back
                    with pytest.raises(InvalidInput):
                        payment_record(
                            actor=cashiers[i], bill=bill, amount=D("100.01"), channel=PaymentChannel.CASH,
                            paid_on=dt.date(2026, 4, 1),
                        )  # fmt: skip
                payment_record(
                    actor=cashiers[i], bill=bill, amount=D("100.00"), channel=PaymentChannel.CASH,
                    paid_on=dt.date(2026, 4, 1),
                )  # fmt: skip
        except BaseException as e:
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    (seqs,) = receipts_per_fiscal_year(org).values()
    assert seqs == list(range(1, THREADS * PER_THREAD + 1))
    assert (
        Receipt.objects.filter(organization=org).values("number").distinct().count() == THREADS * PER_THREAD
    )
