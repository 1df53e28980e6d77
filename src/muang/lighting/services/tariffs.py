"""The electricity tariff an organisation pays for its street lights, as dated data: a new rate or a new Ft is a
new row from its date (`Tariff`); the month's energy is priced at the row in force on its first day, else at the
labelled default (`muang.lighting.energy.DEFAULT_TARIFF`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from muang.core import audit
from muang.core.access import Actor, require
from muang.core.errors import InvalidInput
from muang.core.models import Organization
from muang.lighting.models import Tariff
from muang.lighting.permissions import LightingPerm

MAX_BAHT_PER_KWH = Decimal("100")


@transaction.atomic
def tariff_set(
    *, actor: Actor, organization: Organization, effective_from: dt.date, baht_per_kwh, source: str = ""
) -> Tariff:
    """The tariff from `effective_from` on (a row of that date is replaced), audited."""
    require(actor, organization, LightingPerm.LIGHTING_MANAGE)
    try:
        rate = Decimal(str(baht_per_kwh))
    except (InvalidOperation, ValueError) as e:
        raise InvalidInput.for_field("baht_per_kwh", _("Baht per kWh is a number, e.g. 4.1842.")) from e
    if not rate.is_finite() or not Decimal(0) < rate < MAX_BAHT_PER_KWH:
        raise InvalidInput.for_field("baht_per_kwh", _("Baht per kWh is more than 0 and less than 100."))
    if rate.as_tuple().exponent < -4:
        raise InvalidInput.for_field("baht_per_kwh", _("Baht per kWh has at most four decimals."))
    source = (source or "").strip()
    if len(source) > 300:
        raise InvalidInput.for_field("source", _("The source is at most 300 characters."))
    row = (
        Tariff.objects.select_for_update()
        .filter(organization=organization, effective_from=effective_from)
        .first()
    )
    if row is None:
        row = Tariff(
            organization=organization, effective_from=effective_from, baht_per_kwh=rate, source=source
        )
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError as e:  # the same date set at the same moment by someone else
            raise InvalidInput.for_field("effective_from", _("A tariff from this date was just set.")) from e
        audit.record_create(actor=actor, organization=organization, instance=row)
        return row
    from muang.core.services import update_audited

    return update_audited(
        actor=actor,
        organization=organization,
        instance=row,
        data={"baht_per_kwh": rate, "source": source},
        allowed={"baht_per_kwh", "source"},
    )
