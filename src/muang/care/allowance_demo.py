"""The demo organisations' allowances: a right for everyone alive in the elderly or disability programme
(most paid to a bank account, some in cash), the paying account, and two paid months (October and November
2569) run by the real payment run and marked paid by the 10th. Deterministic, idempotent (once per
organisation)."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from muang.care.demo import DEMO_SLUGS, TODAY
from muang.care.models import (
    AllowancePayer,
    AllowanceRight,
    AllowanceRun,
    Enrolment,
    EnrolmentStatus,
    PaymentMethod,
    Programme,
)
from muang.care.services.allowances import due_date, run_execute, run_mark_paid
from muang.core.access import SYSTEM
from muang.core.bulk import copy_create
from muang.core.models import Organization

SEED = 2570
MONTHS = (dt.date(2026, 10, 1), dt.date(2026, 11, 1))
BANKS = ("006", "006", "006", "014", "004")  # mostly Krung Thai, where the organisations bank
PAID_DAYS = (8, 9)


def _demo_org(organization: Organization, rng: random.Random) -> int:
    AllowancePayer.objects.update_or_create(
        organization=organization,
        defaults={
            "bank_code": "006",
            "branch_code": "0412",
            "account_number": f"412{organization.pk:07d}",
            "account_name": organization.name_th[:100],
            "company_id": f"MUANG{organization.pk:05d}",
        },
    )
    enrolments = (
        Enrolment.objects.filter(
            organization=organization,
            programme__in=[Programme.ELDERLY, Programme.DISABILITY],
            status=EnrolmentStatus.ACTIVE,
            person__died_on__isnull=True,
        )
        .select_related("person")
        .order_by("person_id", "programme")
    )
    rights = []
    for enrolment in enrolments:
        person = enrolment.person
        cash = rng.random() < 0.15
        rights.append(
            AllowanceRight(
                organization=organization,
                person=person,
                kind=enrolment.programme,
                applied_on=dt.date(2025, 9, 1),
                first_month=dt.date(2025, 10, 1),
                confirmed_fiscal_year=2570,
                confirmed_on=dt.date(2026, 9, 15),
                method=PaymentMethod.CASH if cash else PaymentMethod.BANK,
                bank_code="" if cash else rng.choice(BANKS),
                account_number="" if cash else f"{rng.randrange(10**9, 10**10)}",
                account_name="" if cash else person.display_name[:200],
                welfare_card=enrolment.programme == Programme.DISABILITY and rng.random() < 0.3,
            )
        )
    copy_create(rights)
    for month, day in zip(MONTHS, PAID_DAYS, strict=True):
        run = AllowanceRun.objects.create(
            organization=organization, month=month, due_on=due_date(month), started_by_label="demo"
        )
        run_execute(run_id=run.pk)
        run_mark_paid(actor=SYSTEM, organization=organization, run_id=run.pk, paid_on=month.replace(day=day))
    return len(rights)


@transaction.atomic
def load_demo_allowances() -> int:
    """Once per demo organisation (one seed for all, in a fixed order); the demo's today is the register's."""
    assert MONTHS[-1] <= TODAY  # noqa: S101
    rng = random.Random(SEED)  # noqa: S311 (demo data, deliberately reproducible)
    created = 0
    for slug in DEMO_SLUGS:
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None or AllowanceRun.objects.filter(organization=organization).exists():
            continue
        created += _demo_org(organization, rng)
    return created
