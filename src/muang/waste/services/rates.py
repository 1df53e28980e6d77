"""The ordinance's rate schedule: dated, each rate checked against the ministry's ceiling."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from muang.core import audit
from muang.core.access import Actor, require
from muang.core.errors import InvalidInput
from muang.core.models import Organization
from muang.waste.ceilings import ceilings_on
from muang.waste.models import CODE_RE, Rate, RateSchedule
from muang.waste.permissions import WastePerm

CENT = Decimal("0.01")


def _fee(value: Any) -> Decimal | None:
    try:
        fee = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not fee.is_finite() or fee < 0 or fee != fee.quantize(CENT) or fee >= Decimal("100000000"):
        return None
    return fee


@transaction.atomic
def rate_schedule_create(
    *,
    actor: Actor,
    organization: Organization,
    ordinance: str,
    effective_from: dt.date,
    rates: Sequence[Mapping[str, Any]],
) -> RateSchedule:
    """A new schedule with its rates (code, name, litres_per_day, monthly_fee). Refused whole, naming each
    field, when a fee is above the ministry's ceiling for its daily volume or a value is not valid."""
    require(actor, organization, WastePerm.WASTE_MANAGE)
    errors: dict[str, list[str]] = {}

    def err(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not ordinance.strip():
        err("ordinance", _("Name the ordinance that sets these fees."))
    ceilings = ceilings_on(effective_from)
    if ceilings is None:
        err("effective_from", _("No ministry ceiling is known for this date."))
    if not rates:
        err("rates", _("Give at least one rate."))
    seen: set[str] = set()
    cleaned = []
    for i, row in enumerate(rates):
        prefix = f"rates.{i}."
        code = str(row.get("code", "")).strip()
        name = str(row.get("name", "")).strip()
        if not re.fullmatch(CODE_RE, code):
            err(prefix + "code", _("Use 1–20 letters, digits, hyphens or underscores."))
        elif code in seen:
            err(prefix + "code", _("Rate class %(code)s is given twice.") % {"code": code})
        seen.add(code)
        if not name:
            err(prefix + "name", _("Give the rate class a name."))
        try:
            litres = int(row.get("litres_per_day"))
        except (TypeError, ValueError):
            litres = 0
        if not 1 <= litres <= 1_000_000:
            err(prefix + "litres_per_day", _("Litres a day: a whole number from 1 to 1,000,000."))
        fee = _fee(row.get("monthly_fee"))
        if fee is None:
            err(prefix + "monthly_fee", _("A fee in baht with at most 2 decimals, not negative."))
        elif ceilings is not None and 1 <= litres <= 1_000_000:
            ceiling = ceilings.monthly_ceiling(litres)
            if fee > ceiling:
                err(
                    prefix + "monthly_fee",
                    _(
                        "%(fee)s baht a month is above the ministry's ceiling of %(ceiling)s baht for "
                        "%(litres)s litres a day."
                    )
                    % {"fee": f"{fee:,.2f}", "ceiling": f"{ceiling:,.2f}", "litres": f"{litres:,}"},
                )
        cleaned.append((code, name, litres, fee))
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], field_errors=errors)
    schedule = RateSchedule(
        organization=organization, ordinance=ordinance.strip(), effective_from=effective_from
    )
    try:
        with transaction.atomic():
            schedule.save()
    except IntegrityError as e:
        raise InvalidInput.for_field(
            "effective_from", _("A schedule already takes effect on this date.")
        ) from e
    Rate.objects.bulk_create(
        Rate(
            organization=organization,
            schedule=schedule,
            code=code,
            name=name,
            litres_per_day=litres,
            monthly_fee=fee,
        )
        for code, name, litres, fee in cleaned
    )
    audit.record_create(actor=actor, organization=organization, instance=schedule)
    return schedule
