"""Writes on health records: Barthel ADL assessments, long-term care plans and their spending."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils.translation import gettext as _

from muang.care import barthel
from muang.care.models import Assessment, CarePlan, Group, LtcRate, Person, Spending
from muang.care.permissions import CarePerm
from muang.core import audit
from muang.core.access import Actor, require
from muang.core.errors import InvalidInput
from muang.core.models import Membership, User
from muang.core.thai_dates import fiscal_year

# How often a dependent person is visited, by group (a plan may say otherwise): weekly for the bed-bound,
# every other week for the home-bound (the Department of Health's LTC manual gives these as the usual rhythm).
VISITS_PER_MONTH = {Group.BED: 4, Group.HOME: 2, Group.SOCIAL: 1}


def assessment_record(
    *,
    actor: Actor,
    person: Person,
    assessed_on: dt.date,
    items: Mapping[str, object],
    today: dt.date,
    notes: str = "",
) -> Assessment:
    """Record a Barthel ADL assessment; the person's group follows their latest assessment."""
    require(actor, person.organization, CarePerm.CARE_EDIT)
    errors: dict[str, list[str]] = {}
    for item, high in barthel.out_of_range(items).items():
        errors[item] = [_("Score %(item)s from 0 to %(high)s.") % {"item": item, "high": high}]
    if unknown := sorted(set(items) - set(barthel.ITEMS)):
        errors["items"] = [_("Unknown items: %(items)s") % {"items": ", ".join(unknown)}]
    if assessed_on > today:
        errors["assessed_on"] = [_("An assessment cannot be dated in the future.")]
    elif assessed_on < person.birth_date:
        errors["assessed_on"] = [_("An assessment cannot be dated before the person was born.")]
    if person.anonymized_at is not None:
        errors["person"] = [_("The person's data has been anonymised.")]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], field_errors=errors)
    result = barthel.score(items)  # type: ignore[arg-type]
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        assessment = Assessment.objects.create(
            organization_id=locked.organization_id,
            person=locked,
            assessed_on=assessed_on,
            assessor=actor.user,
            total=result.total,
            group=result.group.value,
            notes=notes.strip()[:2000],
            **result.items,
        )
        latest = locked.assessments.order_by("-assessed_on", "-id").values_list("group", flat=True).first()
        if latest != locked.adl_group:
            locked.adl_group = latest
            locked.save(update_fields=["adl_group", "updated_at"])
        audit.record_create(actor=actor, organization=locked.organization, instance=assessment)
    person.adl_group = locked.adl_group
    return assessment


def ltc_rate_for(fiscal_year_be: int) -> LtcRate:
    rate = LtcRate.objects.filter(fiscal_year=fiscal_year_be).first()
    if rate is None:
        raise InvalidInput.for_field(
            "fiscal_year", _("No long-term care rate for fiscal year %(year)s.") % {"year": fiscal_year_be}
        )
    return rate


def care_plan_create(
    *,
    actor: Actor,
    person: Person,
    goals: str,
    care_manager_id: int,
    caregivers: Sequence[str],
    today: dt.date,
    visits_per_month: int | None = None,
    fiscal_year_be: int | None = None,
) -> CarePlan:
    """A long-term care plan for a dependent person (home- or bed-bound by their latest ADL): the year's budget
    is the fund's rate for that fiscal year."""
    organization = person.organization
    require(actor, organization, CarePerm.CARE_EDIT)
    errors: dict[str, list[str]] = {}
    if person.adl_group not in barthel.DEPENDENT:
        errors["person"] = [_("A care plan is for a dependent person: assess the ADL first (0–11).")]
    if not goals.strip():
        errors["goals"] = [_("Write the plan's goals.")]
    cleaned_caregivers = [c.strip()[:200] for c in caregivers if c.strip()]
    if not cleaned_caregivers:
        errors["caregivers"] = [_("Name at least one caregiver.")]
    manager = (
        User.objects.filter(
            pk=care_manager_id, memberships__organization=organization, is_active=True
        ).first()
        if isinstance(care_manager_id, int)
        else None
    )
    if manager is None or not _holds_care(manager, organization):
        errors["care_manager_id"] = [_("The care manager must be a staff member with the care duty.")]
    if visits_per_month is not None and not 1 <= visits_per_month <= 31:
        errors["visits_per_month"] = [_("From 1 to 31 visits a month.")]
    year = fiscal_year_be or fiscal_year(today)
    try:
        rate = ltc_rate_for(year)
    except InvalidInput as e:
        errors.update(e.field_errors)
        rate = None
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], field_errors=errors)
    try:
        with transaction.atomic():
            plan = CarePlan.objects.create(
                organization=organization,
                person=person,
                fiscal_year=year,
                group=person.adl_group,
                goals=goals.strip(),
                care_manager=manager,
                caregivers=cleaned_caregivers,
                visits_per_month=visits_per_month or VISITS_PER_MONTH[Group(person.adl_group)],
                budget=rate.amount,
            )
            audit.record_create(actor=actor, organization=organization, instance=plan)
    except IntegrityError as e:
        raise InvalidInput.for_field(
            "fiscal_year", _("The person already has an active care plan for this fiscal year.")
        ) from e
    return plan


def _holds_care(user: User, organization) -> bool:
    membership = Membership.objects.filter(user=user, organization=organization).first()
    if membership is None:
        return False
    return Actor(user=user).has_perm(organization, CarePerm.CARE_VIEW)


def spending_record(
    *, actor: Actor, plan: CarePlan, spent_on: dt.date, amount: Decimal, description: str
) -> Spending:
    """Money spent under a plan; refused past the plan's budget (locked, so two at once cannot overspend)."""
    require(actor, plan.person.organization, CarePerm.CARE_EDIT)
    errors: dict[str, list[str]] = {}
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0:
        errors["amount"] = [_("The amount must be more than zero.")]
    elif amount != amount.quantize(Decimal("0.01")):
        errors["amount"] = [_("At most two decimals (satang).")]
    if not description.strip():
        errors["description"] = [_("Say what the money was for.")]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], field_errors=errors)
    with transaction.atomic():
        locked = CarePlan.objects.select_for_update().get(pk=plan.pk)
        spent = locked.spendings.aggregate(total=Sum(F("amount")))["total"] or Decimal(0)
        if spent + amount > locked.budget:
            raise InvalidInput.for_field(
                "amount",
                _("This would spend %(total)s baht of a %(budget)s baht budget.")
                % {"total": spent + amount, "budget": locked.budget},
            )
        spending = Spending.objects.create(
            organization_id=locked.organization_id,
            plan=locked,
            spent_on=spent_on,
            amount=amount,
            description=description.strip()[:200],
        )
        audit.record_create(actor=actor, organization=plan.person.organization, instance=spending)
    return spending
