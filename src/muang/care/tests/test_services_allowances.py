"""Allowance rates, rights and the monthly payment run (services.allowances), against PostgreSQL."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from muang.care.models import (
    AllowanceLine,
    AllowanceRate,
    AllowanceRight,
    AllowanceRun,
    ConfirmationWindow,
    RightStatus,
)
from muang.care.services import enrolment_create, person_create, person_death_record
from muang.care.services.allowances import (
    adjustment_create,
    age_for_month,
    clean_account,
    rate_for,
    right_confirm,
    right_register,
    right_update,
    run_mark_paid,
    run_start,
)
from muang.care.tests.allowance_helpers import (
    DECEMBER,
    IN_DECEMBER,
    IN_JANUARY,
    JANUARY,
    REGISTERED_ON,
    disabled,
    elder,
    run,
)
from muang.care.tests.helpers import carer, person_data
from muang.core.access import SYSTEM, Actor
from muang.core.errors import AccessDenied, Conflict, InvalidInput
from muang.core.models import AuditEntry, Role
from muang.core.tests.factories import OrganizationFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(areas):
    return OrganizationFactory()


def _lines(the_run):
    return {
        (line.person_id, line.line_type): line
        for line in AllowanceLine.objects.filter(run=the_run).select_related("rate")
    }


# --- rates -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "age", "card", "month", "amount"),
    [
        ("elderly", 60, False, DECEMBER, "600.00"),
        ("elderly", 69, False, DECEMBER, "600.00"),
        ("elderly", 70, False, DECEMBER, "700.00"),
        ("elderly", 85, False, DECEMBER, "800.00"),
        ("elderly", 90, False, DECEMBER, "1000.00"),
        ("disability", 40, False, DECEMBER, "800.00"),
        ("disability", 17, False, DECEMBER, "1000.00"),
        ("disability", 40, True, DECEMBER, "1000.00"),
        ("disability", 17, False, dt.date(2019, 5, 1), "800.00"),
    ],
)
def test_the_rate_rows_follow_thai_rules_section_6(kind, age, card, month, amount):
    assert rate_for(kind=kind, age=age, welfare_card=card, month=month).amount == Decimal(amount)


def test_a_cabinet_change_is_a_new_row_and_applies_from_its_month():
    old = AllowanceRate.objects.get(kind="elderly", min_age=90, valid_to__isnull=True)
    AllowanceRate.objects.filter(pk=old.pk).update(valid_to=dt.date(2027, 9, 30))
    new = AllowanceRate.objects.create(
        kind="elderly", min_age=90, amount=Decimal("1250.00"), valid_from=dt.date(2027, 10, 1), source="ครม."
    )
    assert rate_for(kind="elderly", age=95, welfare_card=False, month=dt.date(2027, 9, 1)) == old
    assert rate_for(kind="elderly", age=95, welfare_card=False, month=dt.date(2027, 10, 1)) == new


def test_the_tier_is_the_age_on_the_last_day_of_the_month_before():
    born = dt.date(1946, 12, 14)  # turns 80 on 14 December 2026
    assert age_for_month(born, DECEMBER) == 79
    assert age_for_month(born, JANUARY) == 80
    first = dt.date(1946, 12, 1)  # turns 80 on 1 December: still the month after the birthday
    assert age_for_month(first, DECEMBER) == 79 and age_for_month(first, JANUARY) == 80


# --- rights ------------------------------------------------------------------------------------------------


def test_accounts_are_checked_per_bank():
    assert clean_account("006", "123-4-56789-0") == ("006", "1234567890")
    with pytest.raises(InvalidInput) as e:
        clean_account("006", "12345")
    assert list(e.value.field_errors) == ["account_number"]
    with pytest.raises(InvalidInput) as e:
        clean_account("030", "1234567890")  # GSB: twelve digits
    assert list(e.value.field_errors) == ["account_number"]
    with pytest.raises(InvalidInput) as e:
        clean_account("999", "1234567890")
    assert list(e.value.field_errors) == ["bank_code"]


def test_a_right_is_registered_paid_from_the_next_month_and_confirmed_for_its_year(org):
    person, right = elder(org, 1, dt.date(1960, 1, 1))
    assert right.first_month == DECEMBER and right.confirmed_fiscal_year == 2570
    assert AuditEntry.objects.filter(object_type="care.AllowanceRight", object_id=str(right.pk)).exists()
    with pytest.raises(InvalidInput) as e:
        right_register(actor=SYSTEM, person=person, kind="elderly", method="cash", today=REGISTERED_ON)
    assert list(e.value.field_errors) == ["kind"]


def test_new_applicants_turning_60_next_fiscal_year_register_in_the_window(org):
    today = dt.date(2026, 12, 5)  # fiscal 2570; next is 2571 (Oct 2027 – Sep 2028), age counted to 1 Sep 2028
    born = dt.date(1968, 8, 20)  # 60 on 20 August 2028
    person = person_create(actor=SYSTEM, organization=org, today=today, **person_data(1, birth_date=born))
    person.birth_date = born
    # The elderly programme starts at 60: an applicant is registered in it ahead, on their 60th birthday.
    enrolment_create(actor=SYSTEM, person=person, programme="elderly", started_on=dt.date(2028, 8, 20))
    with pytest.raises(InvalidInput) as e:
        right_register(actor=SYSTEM, person=person, kind="elderly", method="cash", today=today)
    assert list(e.value.field_errors) == ["applied_on"]  # no window open
    ConfirmationWindow.objects.create(
        organization=org, fiscal_year=2571, opens_on=dt.date(2026, 12, 1), closes_on=dt.date(2026, 12, 31)
    )
    right = right_register(actor=SYSTEM, person=person, kind="elderly", method="cash", today=today)
    assert right.first_month == dt.date(2028, 9, 1)  # the month after the 60th birthday

    late = person_create(
        actor=SYSTEM, organization=org, today=today, **person_data(2, birth_date=dt.date(1968, 9, 2))
    )
    enrolment_create(actor=SYSTEM, person=late, programme="elderly", started_on=dt.date(2028, 9, 2))
    with pytest.raises(InvalidInput) as e:
        right_register(actor=SYSTEM, person=late, kind="elderly", method="cash", today=today)
    assert list(e.value.field_errors) == ["birth_date"]  # 60 only after 1 September 2028


def test_state_pensioners_and_the_dead_are_refused_naming_the_field(org):
    person = person_create(actor=SYSTEM, organization=org, today=REGISTERED_ON, **person_data(1))
    enrolment_create(actor=SYSTEM, person=person, programme="elderly", started_on=REGISTERED_ON)
    with pytest.raises(InvalidInput) as e:
        right_register(
            actor=SYSTEM,
            person=person,
            kind="elderly",
            method="cash",
            today=REGISTERED_ON,
            state_pensioner=True,
        )
    assert list(e.value.field_errors) == ["state_pensioner"]
    person_death_record(actor=SYSTEM, person=person, died_on=REGISTERED_ON, today=REGISTERED_ON)
    person.refresh_from_db()
    with pytest.raises(InvalidInput) as e:
        right_register(actor=SYSTEM, person=person, kind="elderly", method="cash", today=REGISTERED_ON)
    assert list(e.value.field_errors) == ["person"]
    assert not AllowanceRight.objects.exists()


def test_only_the_care_duty_registers_and_runs(org):
    person = person_create(actor=SYSTEM, organization=org, today=REGISTERED_ON, **person_data(1))
    enrolment_create(actor=SYSTEM, person=person, programme="elderly", started_on=REGISTERED_ON)
    officer = Actor(user=member(org, Role.OFFICER))
    with pytest.raises(AccessDenied):
        right_register(actor=officer, person=person, kind="elderly", method="cash", today=REGISTERED_ON)
    with pytest.raises(AccessDenied):
        run_start(actor=officer, organization=org, month=DECEMBER, today=IN_DECEMBER)
    right_register(actor=carer(org), person=person, kind="elderly", method="cash", today=REGISTERED_ON)


# --- the run ------------------------------------------------------------------------------------------------


def test_the_run_pays_each_tier_and_says_why(org):
    young, _ = elder(org, 1, dt.date(1960, 5, 1))  # 66: 600
    old, _ = elder(org, 2, dt.date(1940, 5, 1))  # 86: 800
    oldest, _ = elder(org, 3, dt.date(1930, 5, 1))  # 96: 1,000
    child, _ = disabled(org, 4, dt.date(2015, 5, 1), card_expires_on=dt.date(2030, 1, 1))  # 11: 1,000
    december = run(org, DECEMBER, IN_DECEMBER)
    assert december.status == "done" and december.due_on == dt.date(2026, 12, 10)
    lines = _lines(december)
    assert [lines[(p.pk, "payment")].amount for p in (young, old, oldest, child)] == [
        Decimal("600.00"),
        Decimal("800.00"),
        Decimal("1000.00"),
        Decimal("1000.00"),
    ]
    line = lines[(old.pk, "payment")]
    assert line.age == 86 and line.rate.min_age == 80 and line.rate.max_age == 89
    assert december.total == Decimal("3400.00") and december.paid_count == 4 and december.lines_count == 4


def test_the_elder_who_turned_80_is_paid_the_new_tier_from_the_month_after_the_birthday(org):
    person, _ = elder(org, 1, dt.date(1946, 12, 14))
    december = run(org, DECEMBER, IN_DECEMBER)
    january = run(org, JANUARY, IN_JANUARY)
    assert _lines(december)[(person.pk, "payment")].amount == Decimal("700.00")
    line = _lines(january)[(person.pk, "payment")]
    assert line.amount == Decimal("800.00") and line.age == 80


def test_stops_death_moving_out_lapsed_right_expired_card_pension(org):
    dead, dead_right = elder(org, 1, dt.date(1960, 1, 1))
    moved, moved_right = elder(org, 2, dt.date(1960, 1, 1))
    lapsed, lapsed_right = elder(org, 3, dt.date(1960, 1, 1))
    expired, expired_right = disabled(org, 4, dt.date(1980, 1, 1), card_expires_on=dt.date(2026, 12, 20))
    pensioner, pension_right = elder(org, 5, dt.date(1960, 1, 1))
    december = run(org, DECEMBER, IN_DECEMBER)
    assert december.paid_count == 5  # all paid in December (the card expires during the month)

    person_death_record(actor=SYSTEM, person=dead, died_on=dt.date(2026, 12, 20), today=IN_JANUARY)
    right_update(actor=SYSTEM, organization=org, right_id=moved_right.pk, moved_out_on=dt.date(2026, 12, 31))
    right_update(actor=SYSTEM, organization=org, right_id=pension_right.pk, state_pensioner=True)
    AllowanceRight.objects.filter(pk=lapsed_right.pk).update(confirmed_fiscal_year=2569)
    january = run(org, JANUARY, IN_JANUARY)
    lines = _lines(january)
    assert {
        person.pk: lines[(person.pk, "stop")].stop_reason
        for person in (dead, moved, lapsed, expired, pensioner)
    } == {
        dead.pk: "died",
        moved.pk: "moved",
        lapsed.pk: "lapsed",
        expired.pk: "card_expired",
        pensioner.pk: "pensioner",
    }
    assert january.paid_count == 0 and january.total == 0
    ended = dict(AllowanceRight.objects.values_list("pk", "status"))
    assert ended[dead_right.pk] == ended[moved_right.pk] == ended[pension_right.pk] == RightStatus.STOPPED
    assert ended[lapsed_right.pk] == ended[expired_right.pk] == RightStatus.ACTIVE  # resume once put right


def test_a_lapsed_right_is_paid_again_once_confirmed_in_the_window(org):
    person, right = elder(org, 1, dt.date(1960, 1, 1))
    AllowanceRight.objects.filter(pk=right.pk).update(confirmed_fiscal_year=2569)
    with pytest.raises(InvalidInput) as e:
        right_confirm(
            actor=SYSTEM, organization=org, right_id=right.pk, today=REGISTERED_ON, fiscal_year_be=2570
        )
    assert list(e.value.field_errors) == ["fiscal_year"]
    ConfirmationWindow.objects.create(
        organization=org, fiscal_year=2570, opens_on=dt.date(2026, 11, 1), closes_on=dt.date(2026, 11, 30)
    )
    right_confirm(actor=SYSTEM, organization=org, right_id=right.pk, today=REGISTERED_ON, fiscal_year_be=2570)
    assert _lines(run(org, DECEMBER, IN_DECEMBER))[(person.pk, "payment")].amount == Decimal("600.00")


def test_the_same_month_twice_is_refused_and_nothing_is_written(org):
    elder(org, 1, dt.date(1960, 1, 1))
    run(org, DECEMBER, IN_DECEMBER)
    before = (AllowanceRun.objects.count(), AllowanceLine.objects.count(), AuditEntry.objects.count())
    with pytest.raises(Conflict):
        run_start(actor=SYSTEM, organization=org, month=dt.date(2026, 12, 15), today=IN_DECEMBER)
    assert (AllowanceRun.objects.count(), AllowanceLine.objects.count(), AuditEntry.objects.count()) == before
    with pytest.raises(InvalidInput) as e:
        run_start(actor=SYSTEM, organization=org, month=dt.date(2027, 3, 1), today=IN_DECEMBER)
    assert list(e.value.field_errors) == ["month"]


def test_a_paid_line_is_never_edited_a_correction_is_an_adjustment(org):
    person, right = elder(org, 1, dt.date(1960, 1, 1))
    december = run(org, DECEMBER, IN_DECEMBER)
    line = AllowanceLine.objects.get(run=december, person=person)
    with pytest.raises(IntegrityError), transaction.atomic():
        AllowanceLine.objects.filter(pk=line.pk).update(amount=Decimal("1.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        AllowanceLine.objects.filter(pk=line.pk).delete()
    adjustment_create(
        actor=SYSTEM,
        organization=org,
        right_id=right.pk,
        amount="100.00",
        reason="ค้างจ่าย",
        corrects_line_id=line.pk,
    )
    january = _lines(run(org, JANUARY, IN_JANUARY))
    assert january[(person.pk, "adjustment")].amount == Decimal("100.00")
    assert january[(person.pk, "payment")].amount == Decimal("600.00")


def test_the_database_keeps_one_line_of_each_kind_per_right_and_month(org):
    """One unique index (right, month, line type, adjustment; NULLS NOT DISTINCT) and a check: a second
    payment or stop of a right in a month collides, and only an adjustment's line names an adjustment."""
    person, right = elder(org, 1, dt.date(1960, 1, 1))
    december = run(org, DECEMBER, IN_DECEMBER)
    paid = AllowanceLine.objects.get(run=december, person=person)
    adjustment = adjustment_create(
        actor=SYSTEM, organization=org, right_id=right.pk, amount="50.00", reason="ค้างจ่าย"
    )

    def line(**fields):
        values = {
            "organization": org,
            "run": december,
            "right": right,
            "person": person,
            "month": DECEMBER,
            "kind": right.kind,
            "method": right.method,
            "line_type": "payment",
            "rate": paid.rate,
            "amount": Decimal("600.00"),
        }
        with transaction.atomic():
            return AllowanceLine.objects.create(**{**values, **fields})

    with pytest.raises(IntegrityError, match="care_line_one_per_right_month_type"):
        line()  # a second payment of the month
    with pytest.raises(IntegrityError, match="care_line_only_adjustments_have_source"):
        line(month=JANUARY, adjustment=adjustment)  # a payment naming an adjustment
    line(line_type="stop", amount=Decimal(0), stop_reason="died", rate=None)
    with pytest.raises(IntegrityError, match="care_line_one_per_right_month_type"):
        line(line_type="stop", amount=Decimal(0), stop_reason="moved", rate=None)
    line(line_type="adjustment", adjustment=adjustment, amount=Decimal("50.00"), rate=None)
    with pytest.raises(IntegrityError, match="care_line_one_per_right_month_type"):
        line(line_type="adjustment", adjustment=adjustment, amount=Decimal("50.00"), rate=None)
    assert AllowanceLine.objects.filter(right=right, month=DECEMBER).count() == 3


def test_a_run_or_right_with_lines_cannot_be_deleted_even_in_sql(org):
    """The lines carry no per-row foreign-key check (the run's speed); a trigger keeps what they point to."""
    from django.db import connection

    person, right = elder(org, 1, dt.date(1960, 1, 1))
    december = run(org, DECEMBER, IN_DECEMBER)
    for table, pk in (("care_allowancerun", december.pk), ("care_allowanceright", right.pk)):
        with (
            pytest.raises(IntegrityError, match="has allowance lines"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [pk])  # noqa: S608
    assert AllowanceLine.objects.filter(run=december, right=right, person=person).count() == 1
    failed = AllowanceRun.objects.create(
        organization=org, month=JANUARY, due_on=dt.date(2027, 1, 10), status="failed", started_by_label="t"
    )
    failed.delete()  # a run without lines (a failed one) may go


def test_an_over_payment_is_recovered_from_the_following_months(org):
    person, right = elder(org, 1, dt.date(1960, 1, 1))  # 600 a month
    adjustment = adjustment_create(
        actor=SYSTEM, organization=org, right_id=right.pk, amount="-1000.00", reason="จ่ายเกินเดือน ต.ค."
    )
    december = run(org, DECEMBER, IN_DECEMBER)
    assert _lines(december)[(person.pk, "adjustment")].amount == Decimal("-600.00")
    assert december.total == 0 and december.paid_count == 1
    january = run(org, JANUARY, IN_JANUARY)
    assert _lines(january)[(person.pk, "adjustment")].amount == Decimal("-400.00")
    assert january.total == Decimal("200.00")
    adjustment.refresh_from_db()
    assert adjustment.remaining == 0


def test_a_payment_to_a_person_who_has_died_is_refused(org):
    person, right = elder(org, 1, dt.date(1960, 1, 1))
    person_death_record(actor=SYSTEM, person=person, died_on=dt.date(2026, 11, 20), today=IN_DECEMBER)
    with pytest.raises(InvalidInput) as e:
        adjustment_create(actor=SYSTEM, organization=org, right_id=right.pk, amount="600.00", reason="x")
    assert list(e.value.field_errors) == ["amount"]
    for bad in ("0", "abc", "1.001"):
        with pytest.raises(InvalidInput) as e:
            adjustment_create(actor=SYSTEM, organization=org, right_id=right.pk, amount=bad, reason="x")
        assert list(e.value.field_errors) == ["amount"]


def test_the_month_of_death_is_paid_and_the_run_is_marked_paid_by_the_10th(org):
    person, _ = elder(org, 1, dt.date(1960, 1, 1))
    person_death_record(actor=SYSTEM, person=person, died_on=dt.date(2026, 12, 1), today=IN_DECEMBER)
    december = run(org, DECEMBER, IN_DECEMBER)
    assert _lines(december)[(person.pk, "payment")].amount == Decimal("600.00")
    paid = run_mark_paid(actor=SYSTEM, organization=org, run_id=december.pk, paid_on=dt.date(2026, 12, 8))
    assert paid.status == "paid"
    with pytest.raises(Conflict):
        run_mark_paid(actor=SYSTEM, organization=org, run_id=december.pk, paid_on=dt.date(2026, 12, 9))
    from muang.care.kpis import allowances_paid_on_time

    assert allowances_paid_on_time(organization=org, start=DECEMBER, end=dt.date(2026, 12, 31)) == Decimal(
        "100.0"
    )


def test_another_organisations_right_is_not_found(org):
    _, right = elder(org, 1, dt.date(1960, 1, 1))
    other = OrganizationFactory()
    from muang.core.errors import NotFound

    with pytest.raises(NotFound):
        adjustment_create(actor=SYSTEM, organization=other, right_id=right.pk, amount="1.00", reason="x")
