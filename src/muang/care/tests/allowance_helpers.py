"""Shared allowance test data: people with programmes and rights, a paying account, a run computed."""

from __future__ import annotations

import datetime as dt

from muang.care.models import AllowancePayer
from muang.care.services import enrolment_create, person_create
from muang.care.services.allowances import right_register, run_start
from muang.care.tests.helpers import person_data
from muang.core.access import SYSTEM

REGISTERED_ON = dt.date(2026, 11, 5)  # rights registered then are paid from December 2026 (fiscal 2570)
DECEMBER = dt.date(2026, 12, 1)
JANUARY = dt.date(2027, 1, 1)
IN_DECEMBER = dt.date(2026, 12, 2)
IN_JANUARY = dt.date(2027, 1, 2)
# Ten-digit KTB accounts (bank code 006); the first three digits are the branch.
ACCOUNTS = {n: f"98{n:08d}" for n in range(1, 100)}


def elder(org, n: int, birth_date: dt.date, *, method: str = "bank", name: str = "", **right_fields):
    person = person_create(
        actor=SYSTEM,
        organization=org,
        today=REGISTERED_ON,
        **person_data(n, birth_date=birth_date, **({"first_name": name} if name else {})),
    )
    enrolment_create(actor=SYSTEM, person=person, programme="elderly", started_on=REGISTERED_ON)
    bank = {"bank_code": "006", "account_number": ACCOUNTS[n]} if method == "bank" else {}
    right = right_register(
        actor=SYSTEM,
        person=person,
        kind="elderly",
        method=method,
        today=REGISTERED_ON,
        **bank,
        **right_fields,
    )
    return person, right


def disabled(org, n: int, birth_date: dt.date, *, card_expires_on: dt.date | None, **right_fields):
    person = person_create(
        actor=SYSTEM, organization=org, today=REGISTERED_ON, **person_data(n, birth_date=birth_date)
    )
    right = disability_right(person, ACCOUNTS[n], card_expires_on=card_expires_on, **right_fields)
    return person, right


def disability_right(person, account_number: str, *, card_expires_on: dt.date | None, **right_fields):
    """`person` enrolled in the disability programme (card C<id>) with a right paid to a KTB account."""
    enrolment_create(
        actor=SYSTEM,
        person=person,
        programme="disability",
        started_on=REGISTERED_ON,
        disability_type="physical",
        card_number=f"C{person.pk}",
        card_expires_on=card_expires_on,
    )
    return right_register(
        actor=SYSTEM,
        person=person,
        kind="disability",
        method="bank",
        bank_code="006",
        account_number=account_number,
        today=REGISTERED_ON,
        **right_fields,
    )


def payer(org) -> AllowancePayer:
    return AllowancePayer.objects.create(
        organization=org,
        bank_code="006",
        branch_code="0412",
        account_number="4120012345",
        account_name="เทศบาลเมืองชุมแพ",
        company_id="CHUMPHAE01",
    )


def run(org, month: dt.date, today: dt.date, actor=SYSTEM):
    """Start the run of `month` (the test backend computes it at once, on commit)."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        started = run_start(actor=actor, organization=org, month=month, today=today)
    started.refresh_from_db()
    return started
