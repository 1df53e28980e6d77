"""Allowances (เบี้ยยังชีพผู้สูงอายุ, เบี้ยความพิการ): rights, the yearly confirmation, adjustments and the
monthly payment run. THAI-RULES §6; the rates are dated rows (`care.allowance_rates`).

The rules applied (also in docs/care-allowances.md):

- **Age and tier.** The tier paid for month M is the person's age on the last day of month M−1. A birthday in
  month B therefore changes the tier from month B+1 ("the month after the birthday"); an elder who turns 80
  on 14 March is paid 700 for March and 800 from April. The same age picks the disability rate (under 18).
- **New applicants.** A person may register for the elderly allowance when already 60, or when they turn 60 in
  the next fiscal year (October–September), their age counted to 1 September of that fiscal year, during an
  announced window of the organisation. Payment starts the month after the 60th birthday, and not before the
  month after the application.
- **Confirmation (ยืนยันสิทธิ).** A right is confirmed for a fiscal year (B.E.) within the organisation's
  window for that year; a month is paid only when its fiscal year is confirmed (registering confirms the year
  of the first month paid). Not confirmed: a stop line "right not confirmed" each month until confirmed.
- **Not paid.** State pensioners (elderly allowance only), a person who died before the month began (the month
  of death is paid), who moved out before the month began, whose disability card expired before the month
  began, or who is no longer enrolled in the programme. Death, moving out and a state pension end the right
  (the run marks it stopped); the others stop the month and the right resumes once put right.
- **Adjustments.** Arrears (positive) are paid whole in the next run; an over-payment (negative) is recovered
  from the following months, at most that month's allowance each month, until settled. A paid line is never
  edited: a correction is a new adjustment.
- **Once a month.** One run per organisation and month (a partial unique index; only a failed run may be run
  again): a second start is refused with `Conflict` (409). The run is due by the 10th (`due_on`).

The run is set-based: one INSERT … SELECT writes every payment and stop line (the rate row chosen per line by
a LATERAL join on the dated rates), one UPDATE ends the rights of the dead, the moved and the pensioners, and
only the (few) pending adjustments are applied row by row.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from muang.care.models import (
    AllowanceAdjustment,
    AllowanceKind,
    AllowanceLine,
    AllowancePayer,
    AllowanceRate,
    AllowanceRight,
    AllowanceRun,
    AllowanceRunStatus,
    ConfirmationWindow,
    Enrolment,
    EnrolmentStatus,
    LineType,
    PaymentMethod,
    Person,
    RightStatus,
    StopReason,
)
from muang.care.permissions import CarePerm
from muang.care.services.people import ELDERLY_AGE, age_on
from muang.core import audit
from muang.core.access import Actor, require
from muang.core.errors import Conflict, InvalidInput, NotFound
from muang.core.models import Organization
from muang.core.thai_dates import add_months, buddhist_era, christian_era, fiscal_year

logger = logging.getLogger(__name__)

DUE_DAY = 10  # paid by the 10th of each month (Ministry of Interior regulation B.E. 2566)
ENDING_REASONS = (StopReason.DIED, StopReason.MOVED, StopReason.PENSIONER)

# Thai banks' account-number lengths (digits), by the Bank of Thailand's three-digit bank code.
BANKS: dict[str, tuple[str, int]] = {
    "002": ("ธนาคารกรุงเทพ", 10),
    "004": ("ธนาคารกสิกรไทย", 10),
    "006": ("ธนาคารกรุงไทย", 10),
    "011": ("ธนาคารทหารไทยธนชาต", 10),
    "014": ("ธนาคารไทยพาณิชย์", 10),
    "022": ("ธนาคารซีไอเอ็มบี ไทย", 10),
    "024": ("ธนาคารยูโอบี", 10),
    "025": ("ธนาคารกรุงศรีอยุธยา", 10),
    "030": ("ธนาคารออมสิน", 12),
    "033": ("ธนาคารอาคารสงเคราะห์", 12),
    "034": ("ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร", 12),
    "066": ("ธนาคารอิสลามแห่งประเทศไทย", 10),
    "069": ("ธนาคารเกียรตินาคินภัทร", 10),
    "073": ("ธนาคารแลนด์ แอนด์ เฮ้าส์", 10),
}
_DIGITS = re.compile(r"^\d+$")


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def due_date(month: dt.date) -> dt.date:
    return month.replace(day=DUE_DAY)


def age_for_month(birth_date: dt.date, month: dt.date) -> int:
    """The age that decides month `month`'s rate: the age on the last day of the month before."""
    return age_on(birth_date, month - dt.timedelta(days=1))


def clean_account(bank_code: str, account_number: str) -> tuple[str, str]:
    """A Thai bank code and account number, checked: a known bank, digits only, the bank's length."""
    code = (bank_code or "").strip()
    number = re.sub(r"[\s-]", "", account_number or "")
    if code not in BANKS:
        raise InvalidInput.for_field("bank_code", _("Unknown bank code: %(code)s") % {"code": bank_code})
    name, length = BANKS[code]
    if not _DIGITS.match(number) or len(number) != length:
        raise InvalidInput.for_field(
            "account_number",
            _("An account number at %(bank)s is %(n)s digits: %(value)s")
            % {"bank": name, "n": length, "value": account_number},
        )
    return code, number


def rate_for(*, kind: str, age: int, welfare_card: bool, month: dt.date) -> AllowanceRate | None:
    """The rate row in force on the first day of `month` for that age (the highest when several apply: the
    state-welfare-card rate of the disability allowance). The run does the same in SQL (`_LINES_SQL`)."""
    rows = AllowanceRate.objects.filter(kind=kind, valid_from__lte=month, min_age__lte=age).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=month), Q(max_age__isnull=True) | Q(max_age__gte=age)
    )
    if not welfare_card:
        rows = rows.filter(welfare_card=False)
    return rows.order_by("-amount", "id").first()


# --- rights ----------------------------------------------------------------------------------------------------


def _window_open(organization: Organization, day: dt.date, year_be: int) -> bool:
    return ConfirmationWindow.objects.filter(
        organization=organization, fiscal_year=year_be, opens_on__lte=day, closes_on__gte=day
    ).exists()


def window_create(
    *, actor: Actor, organization: Organization, fiscal_year_be: int, opens_on: dt.date, closes_on: dt.date
) -> ConfirmationWindow:
    require(actor, organization, CarePerm.CARE_EDIT)
    if closes_on < opens_on:
        raise InvalidInput.for_field("closes_on", _("The window closes before it opens."))
    window = ConfirmationWindow.objects.create(
        organization=organization, fiscal_year=fiscal_year_be, opens_on=opens_on, closes_on=closes_on
    )
    audit.record_create(actor=actor, organization=organization, instance=window)
    return window


def _payment_fields(method: str, bank_code: str, account_number: str, account_name: str) -> dict:
    if method not in PaymentMethod.values:
        raise InvalidInput.for_field("method", _("Pay by bank transfer or cash."))
    if method == PaymentMethod.CASH:
        return {"method": method, "bank_code": "", "account_number": "", "account_name": ""}
    code, number = clean_account(bank_code, account_number)
    return {"method": method, "bank_code": code, "account_number": number, "account_name": account_name[:200]}


@transaction.atomic
def right_register(
    *,
    actor: Actor,
    person: Person,
    kind: str,
    method: str,
    today: dt.date,
    bank_code: str = "",
    account_number: str = "",
    account_name: str = "",
    welfare_card: bool = False,
    state_pensioner: bool = False,
) -> AllowanceRight:
    """Register a person's right to an allowance (the application), checked against the rules above."""
    organization = person.organization
    require(actor, organization, CarePerm.CARE_EDIT)
    if kind not in AllowanceKind.values:
        raise InvalidInput.for_field("kind", _("Unknown allowance: %(kind)s") % {"kind": kind})
    if person.died_on is not None:
        raise InvalidInput.for_field("person", _("This person has died: no allowance can be registered."))
    if kind == AllowanceKind.ELDERLY and state_pensioner:
        raise InvalidInput.for_field(
            "state_pensioner", _("State pensioners do not receive the elderly living allowance.")
        )
    payment = _payment_fields(method, bank_code, account_number, account_name or person.display_name)
    programme = Enrolment.objects.filter(person=person, programme=kind, status=EnrolmentStatus.ACTIVE).first()
    if programme is None:
        raise InvalidInput.for_field(
            "kind", _("Enrol the person in the programme before registering the allowance.")
        )
    first_month = add_months(first_of_month(today), 1)
    if kind == AllowanceKind.ELDERLY:
        next_year_be = fiscal_year(today) + 1
        # Age counted to 1 September of the next fiscal year (which ends on 30 September).
        counted_to = dt.date(christian_era(next_year_be), 9, 1)
        if age_on(person.birth_date, today) < ELDERLY_AGE:
            if age_on(person.birth_date, counted_to) < ELDERLY_AGE:
                raise InvalidInput.for_field(
                    "birth_date",
                    _("Only people aged 60 by 1 September of the next fiscal year may register."),
                )
            if not _window_open(organization, today, next_year_be):
                raise InvalidInput.for_field(
                    "applied_on", _("Registration of people turning 60 next fiscal year is closed today.")
                )
        sixtieth = person.birth_date.replace(year=person.birth_date.year + ELDERLY_AGE, day=1)
        first_month = max(first_month, add_months(sixtieth, 1))
    right = AllowanceRight(
        organization=organization,
        person=person,
        kind=kind,
        applied_on=today,
        first_month=first_month,
        confirmed_fiscal_year=fiscal_year(first_month),
        confirmed_on=today,
        welfare_card=welfare_card,
        state_pensioner=state_pensioner,
        **payment,
    )
    try:
        with transaction.atomic():
            right.save(force_insert=True)
    except IntegrityError as e:
        raise InvalidInput.for_field("kind", _("This person already has this allowance.")) from e
    audit.record_create(actor=actor, organization=organization, instance=right, reason="allowance right")
    return right


def _locked_right(organization: Organization, right_id: int) -> AllowanceRight:
    right = (
        AllowanceRight.objects.select_for_update()
        .select_related("person")
        .filter(organization=organization, pk=right_id)
        .first()
    )
    if right is None:
        raise NotFound(_("No such allowance right."))
    return right


def _save_changed(actor: Actor, right: AllowanceRight, before: dict, reason: str) -> AllowanceRight:
    after = audit.snapshot(right)
    changed = audit.diff(before, after)
    if changed:
        right.save(update_fields=[f for f in changed if f != "id"])
        audit.record(
            actor=actor,
            organization=right.organization,
            instance=right,
            action="update",
            changes=changed,
            reason=reason,
        )
    return right


@transaction.atomic
def right_confirm(
    *, actor: Actor, organization: Organization, right_id: int, today: dt.date, fiscal_year_be: int
) -> AllowanceRight:
    """The yearly confirmation (ยืนยันสิทธิ) for `fiscal_year_be`, within the organisation's window for it."""
    require(actor, organization, CarePerm.CARE_EDIT)
    right = _locked_right(organization, right_id)
    if right.status != RightStatus.ACTIVE:
        raise InvalidInput.for_field("right", _("This right has ended; register again."))
    if not _window_open(organization, today, fiscal_year_be):
        raise InvalidInput.for_field(
            "fiscal_year", _("No confirmation window for that fiscal year is open today.")
        )
    before = audit.snapshot(right)
    right.confirmed_fiscal_year = max(right.confirmed_fiscal_year, fiscal_year_be)
    right.confirmed_on = today
    return _save_changed(actor, right, before, "allowance right confirmed")


@transaction.atomic
def right_update(
    *,
    actor: Actor,
    organization: Organization,
    right_id: int,
    method: str | None = None,
    bank_code: str = "",
    account_number: str = "",
    account_name: str = "",
    welfare_card: bool | None = None,
    state_pensioner: bool | None = None,
    moved_out_on: dt.date | None = None,
) -> AllowanceRight:
    """Change how a right is paid, the welfare card, a state pension, moving out."""
    require(actor, organization, CarePerm.CARE_EDIT)
    right = _locked_right(organization, right_id)
    before = audit.snapshot(right)
    if method is not None:
        fields = _payment_fields(method, bank_code, account_number, account_name or right.person.display_name)
        for name, value in fields.items():
            setattr(right, name, value)
    if welfare_card is not None:
        right.welfare_card = welfare_card
    if state_pensioner is not None:
        right.state_pensioner = state_pensioner
    if moved_out_on is not None:
        right.moved_out_on = moved_out_on
    return _save_changed(actor, right, before, "allowance right changed")


def _parse_amount(value) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as e:
        raise InvalidInput.for_field("amount", _("An amount in baht, e.g. -700.00")) from e
    if not amount.is_finite() or amount == 0 or amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput.for_field("amount", _("An amount in baht and satang, not zero."))
    if abs(amount) > Decimal("100000"):
        raise InvalidInput.for_field("amount", _("An adjustment is at most 100,000 baht."))
    return amount


@transaction.atomic
def adjustment_create(
    *,
    actor: Actor,
    organization: Organization,
    right_id: int,
    amount,
    reason: str,
    corrects_line_id: int | None = None,
) -> AllowanceAdjustment:
    """Record money owed (positive) or to recover (negative); the following runs settle it. Arrears are
    refused for a person who has died (a payment to the dead)."""
    require(actor, organization, CarePerm.CARE_EDIT)
    right = _locked_right(organization, right_id)
    value = _parse_amount(amount)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput.for_field("reason", _("Say why the correction is made."))
    if value > 0 and right.person.died_on is not None:
        raise InvalidInput.for_field("amount", _("This person has died: no payment can be made to them."))
    line = None
    if corrects_line_id is not None:
        line = AllowanceLine.objects.filter(
            organization=organization, right=right, pk=corrects_line_id
        ).first()
        if line is None:
            raise InvalidInput.for_field("corrects_line_id", _("No such line of this right."))
    adjustment = AllowanceAdjustment.objects.create(
        organization=organization,
        right=right,
        amount=value,
        remaining=value,
        reason=reason[:300],
        corrects_line=line,
        created_by_label=actor.label,
    )
    audit.record_create(actor=actor, organization=organization, instance=adjustment, reason=reason)
    return adjustment


# --- the monthly run -------------------------------------------------------------------------------------------


def run_start(*, actor: Actor, organization: Organization, month: dt.date, today: dt.date) -> AllowanceRun:
    """Queue the payment run of `month` (any day of it). Refused (`Conflict`) when the month already has a
    run that did not fail; refused for a month after next."""
    require(actor, organization, CarePerm.CARE_EDIT)
    month = first_of_month(month)
    if month > add_months(first_of_month(today), 1):
        raise InvalidInput.for_field("month", _("A run is for this month or the next, not later."))
    try:
        with transaction.atomic():
            run = AllowanceRun.objects.create(
                organization=organization,
                month=month,
                due_on=due_date(month),
                started_by=actor.user,
                started_by_label=actor.label,
            )
            audit.record_create(actor=actor, organization=organization, instance=run, reason="allowance run")
    except IntegrityError as e:
        raise Conflict(
            _("The allowances of %(month)s have already been run; a correction is an adjustment.")
            % {"month": f"{month.month:02d}/{buddhist_era(month.year)}"}
        ) from e

    from muang.care.tasks import allowance_run_execute as task

    run_id = run.pk
    transaction.on_commit(lambda: task.enqueue(run_id))
    return run


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


_LINES_SQL = f"""
WITH base AS (
    SELECT r.id AS right_id, r.person_id, r.kind, r.method, r.welfare_card, r.state_pensioner,
           r.moved_out_on, r.confirmed_fiscal_year, p.died_on,
           -- in timestamps without a zone: the same years for dates, without a time-zone lookup per row
           date_part('year', age(%(before)s::timestamp, p.birth_date::timestamp))::int AS age,
           e.id AS enrolment_id, e.card_expires_on
    FROM {_t(AllowanceRight)} r
    JOIN {_t(Person)} p ON p.id = r.person_id
    LEFT JOIN {_t(Enrolment)} e ON e.person_id = r.person_id AND e.programme = r.kind AND e.status = 'active'
    WHERE r.organization_id = %(org)s AND r.status = 'active' AND r.first_month <= %(month)s
      AND p.anonymized_at IS NULL
), judged AS (
    SELECT b.*, CASE
        WHEN b.died_on < %(month)s THEN 'died'
        WHEN b.moved_out_on < %(month)s THEN 'moved'
        WHEN b.kind = 'elderly' AND b.state_pensioner THEN 'pensioner'
        WHEN b.enrolment_id IS NULL THEN 'not_enrolled'
        WHEN b.kind = 'disability' AND b.card_expires_on < %(month)s THEN 'card_expired'
        WHEN b.confirmed_fiscal_year < %(fiscal_year)s THEN 'lapsed'
        ELSE '' END AS stop
    FROM base b
    WHERE NOT (b.kind = 'elderly' AND b.age < {ELDERLY_AGE})
), rates AS (
    -- The rate table of the month, precomputed once per (allowance, age, welfare card) for every age a person
    -- can have (a few hundred rows, so the lines are judged in one pass instead of kept aside to list the ages
    -- that occur): the same choice as `rate_for` (in force on the 1st, the age within its range, the highest
    -- amount).
    SELECT DISTINCT ON (x.kind, a.age, w.card) x.kind, a.age, w.card, x.id, x.amount
    FROM {_t(AllowanceRate)} x
    JOIN generate_series(0, 150) a(age) ON x.min_age <= a.age AND (x.max_age IS NULL OR x.max_age >= a.age)
    CROSS JOIN (VALUES (false), (true)) w(card)
    WHERE x.valid_from <= %(month)s AND (x.valid_to IS NULL OR x.valid_to >= %(month)s)
      AND (NOT x.welfare_card OR w.card)
    ORDER BY x.kind, a.age, w.card, x.amount DESC, x.id
)
INSERT INTO {_t(AllowanceLine)} (organization_id, run_id, right_id, person_id, month, kind, line_type,
                                 rate_id, adjustment_id, age, amount, stop_reason, method)
SELECT %(org)s, %(run)s, j.right_id, j.person_id, %(month)s, j.kind,
       CASE WHEN j.stop = '' THEN 'payment' ELSE 'stop' END, rate.id, NULL, j.age,
       CASE WHEN j.stop = '' THEN rate.amount ELSE 0 END, j.stop, j.method
FROM judged j
LEFT JOIN rates rate ON j.stop = '' AND rate.kind = j.kind AND rate.age = j.age AND rate.card = j.welfare_card
WHERE j.stop <> '' OR rate.id IS NOT NULL
-- Written in the order of the lines' index (right, month, …): it then grows in sequence instead of at 100,000
-- random places (a sort of the rows is cheaper than that).
ORDER BY j.right_id
"""  # noqa: S608 (table names only; every value is a parameter)

_END_RIGHTS_SQL = f"""
UPDATE {_t(AllowanceRight)} r SET status = 'stopped', stopped_on = %(month)s, stop_reason = l.stop_reason
FROM {_t(AllowanceLine)} l
WHERE l.run_id = %(run)s AND l.organization_id = %(org)s AND l.line_type = 'stop'
  AND l.stop_reason = ANY(%(ending)s) AND r.id = l.right_id
"""  # noqa: S608


_SETTLE_SQL = f"""
UPDATE {_t(AllowanceAdjustment)} a SET remaining = s.remaining
FROM unnest(%s::bigint[], %s::numeric[]) AS s(id, remaining)
WHERE a.organization_id = %s AND a.id = s.id
"""  # noqa: S608


def _apply_adjustments(run: AllowanceRun) -> None:
    """Settle pending adjustments of the organisation's active rights: arrears whole, recoveries up to the
    month's payment of the right (after earlier recoveries of the same month)."""
    pending = list(
        AllowanceAdjustment.objects.select_for_update()
        .filter(organization_id=run.organization_id, right__status=RightStatus.ACTIVE)
        .exclude(remaining=0)
        .select_related("right")
        .order_by("right_id", "created_at", "id")
    )
    if not pending:
        return
    paid = dict(
        AllowanceLine.objects.filter(
            organization_id=run.organization_id,
            run=run,
            line_type=LineType.PAYMENT,
            right_id__in={a.right_id for a in pending},
        ).values_list("right_id", "amount")
    )
    lines = []
    settled_ids: list[int] = []
    remaining: list[Decimal] = []
    for adjustment in pending:
        right = adjustment.right
        if adjustment.remaining > 0:
            settled = adjustment.remaining
        else:
            available = paid.get(right.pk, Decimal(0))
            settled = -min(available, -adjustment.remaining)
            if settled == 0:
                continue
            paid[right.pk] = available + settled
        lines.append(
            AllowanceLine(
                organization_id=run.organization_id,
                run=run,
                right=right,
                person_id=right.person_id,
                month=run.month,
                kind=right.kind,
                line_type=LineType.ADJUSTMENT,
                adjustment=adjustment,
                amount=settled,
                method=right.method,
            )
        )
        adjustment.remaining -= settled
        settled_ids.append(adjustment.pk)
        remaining.append(adjustment.remaining)
    AllowanceLine.objects.bulk_create(lines)
    if settled_ids:  # one statement for every adjustment settled, not one UPDATE each
        with connection.cursor() as cursor:
            cursor.execute(_SETTLE_SQL, [settled_ids, remaining, run.organization_id])


def _compute(run: AllowanceRun) -> None:
    params = {
        "org": run.organization_id,
        "run": run.pk,
        "month": run.month,
        "before": run.month - dt.timedelta(days=1),
        "fiscal_year": fiscal_year(run.month),
        "ending": [r.value for r in ENDING_REASONS],
    }
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(_LINES_SQL, params)
            cursor.execute(_END_RIGHTS_SQL, params)
        _apply_adjustments(run)
        totals = AllowanceLine.objects.filter(organization_id=run.organization_id, run=run).aggregate(
            lines=Count("id"),
            total=Sum("amount"),
            people=Count("person_id", distinct=True, filter=~Q(line_type=LineType.STOP)),
        )
        AllowanceRun.objects.filter(pk=run.pk, organization_id=run.organization_id).update(
            status=AllowanceRunStatus.DONE,
            lines_count=totals["lines"],
            progress_done=totals["lines"],
            progress_total=totals["lines"],
            paid_count=totals["people"],
            total=totals["total"] or 0,
            finished_at=timezone.now(),
        )


def run_execute(*, run_id: int) -> AllowanceRun:
    """Compute a queued run (called by the task). A failure leaves no line and marks the run failed, so the
    month can be run again."""
    run = AllowanceRun.objects.get(pk=run_id)
    updated = AllowanceRun.objects.filter(
        pk=run_id, organization_id=run.organization_id, status=AllowanceRunStatus.QUEUED
    ).update(status=AllowanceRunStatus.RUNNING)
    if not updated:
        logger.warning("allowance run %s is not queued: skipped", run_id)
        return run
    try:
        _compute(run)
    except Exception as e:
        logger.exception("allowance run %s failed", run_id)
        AllowanceRun.objects.filter(pk=run_id, organization_id=run.organization_id).update(
            status=AllowanceRunStatus.FAILED,
            finished_at=timezone.now(),
            error=f"{type(e).__name__}: {e}"[:2000],
        )
        raise
    run.refresh_from_db()
    return run


@transaction.atomic
def run_mark_paid(*, actor: Actor, organization: Organization, run_id: int, paid_on: dt.date) -> AllowanceRun:
    """Record the day the month was paid (the transfer went through and the cash list was signed)."""
    require(actor, organization, CarePerm.CARE_EDIT)
    run = AllowanceRun.objects.select_for_update().filter(organization=organization, pk=run_id).first()
    if run is None:
        raise NotFound(_("No such payment run."))
    if run.status != AllowanceRunStatus.DONE:
        raise Conflict(_("Only a computed run that is not yet paid can be marked paid."))
    if paid_on < run.month:
        raise InvalidInput.for_field("paid_on", _("A month cannot be paid before it begins."))
    before = audit.snapshot(run)
    run.status = AllowanceRunStatus.PAID
    run.paid_on = paid_on
    run.save(update_fields=["status", "paid_on"])
    audit.record(
        actor=actor,
        organization=organization,
        instance=run,
        action="update",
        changes=audit.diff(before, audit.snapshot(run)),
        reason="allowance run paid",
    )
    return run


def payer_check(
    *, bank_code: str, branch_code: str, account_number: str, account_name: str, company_id: str = ""
) -> dict:
    """The paying account's fields, checked and cleaned (the service below and the Django admin)."""
    code, number = clean_account(bank_code, account_number)
    if not re.fullmatch(r"\d{4}", branch_code or ""):
        raise InvalidInput.for_field("branch_code", _("A branch code is four digits."))
    if not (account_name or "").strip():
        raise InvalidInput.for_field("account_name", _("Give the account's name."))
    return {
        "bank_code": code,
        "branch_code": branch_code,
        "account_number": number,
        "account_name": account_name.strip()[:100],
        "company_id": (company_id or "").strip()[:16],
    }


@transaction.atomic
def payer_set(
    *,
    actor: Actor,
    organization: Organization,
    bank_code: str,
    branch_code: str,
    account_number: str,
    account_name: str,
    company_id: str = "",
) -> AllowancePayer:
    """The organisation's paying account for the allowances (and its corporate ID at the bank)."""
    require(actor, organization, CarePerm.CARE_EDIT)
    payer, created = AllowancePayer.objects.update_or_create(
        organization=organization,
        defaults=payer_check(
            bank_code=bank_code,
            branch_code=branch_code,
            account_number=account_number,
            account_name=account_name,
            company_id=company_id,
        ),
    )
    audit.record(
        actor=actor,
        organization=organization,
        instance=payer,
        action="create" if created else "update",
        changes=audit.diff({}, audit.snapshot(payer)),
        reason="allowance paying account",
    )
    return payer
