"""Waste-fee accounts: opening one (checked against the rates in force), linking it to the tax map."""

from __future__ import annotations

import datetime as dt
import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from muang.core import audit
from muang.core.access import SYSTEM, Actor, require
from muang.core.errors import InvalidInput
from muang.core.models import Organization
from muang.core.thai_id import is_valid_tax_id, normalize_thai_id
from muang.core.validation import point_from
from muang.property.registry import selectors as registry
from muang.waste.models import CODE_RE, Account, AccountKind, Cycle, Route
from muang.waste.permissions import WastePerm
from muang.waste.selectors import rates_in_force


def property_match(organization: Organization, point, house_number: str = "") -> tuple[str, int | None]:
    """The tax map's parcel whose shape holds ``point`` and its building (the one with ``house_number``, or the
    parcel's only building): ``("", None)`` where nothing matches.

    Asked as the system: only the parcel's code and a building id are kept, no owner is read."""
    if point is None:
        return "", None
    d = 0.0005  # about 50 m: the parcels near the point, then the one that holds it
    near = registry.parcels_of(
        actor=SYSTEM, organization=organization, bbox=(point.x - d, point.y - d, point.x + d, point.y + d)
    )
    parcel = near.filter(shape__intersects=point).first()
    if parcel is None:
        return "", None
    buildings = [
        b
        for b in registry.buildings_of(actor=SYSTEM, organization=organization, parcel=parcel)
        if b.demolished_on is None
    ]
    numbered = [b for b in buildings if house_number and b.house_number == house_number]
    building = numbered[0] if numbered else (buildings[0] if len(buildings) == 1 else None)
    return parcel.code, building.pk if building else None


@transaction.atomic
def account_create(
    *,
    actor: Actor,
    organization: Organization,
    number: str,
    holder_name: str,
    rate_class: str,
    opened_on: dt.date,
    kind: str = AccountKind.HOUSEHOLD,
    cycle: str = Cycle.MONTHLY,
    holder_tax_id: str = "",
    house_number: str = "",
    address: str = "",
    phone: str = "",
    lat: float | None = None,
    lon: float | None = None,
    route_code: str = "",
) -> Account:
    require(actor, organization, WastePerm.WASTE_MANAGE)
    errors: dict[str, list[str]] = {}
    if not re.fullmatch(CODE_RE, number.strip()):
        errors["number"] = [_("Use 1–20 letters, digits, hyphens or underscores.")]
    if not holder_name.strip():
        errors["holder_name"] = [_("Give the name of the household or business.")]
    if kind not in AccountKind.values:
        errors["kind"] = [_("Household or business.")]
    if cycle not in Cycle.values:
        errors["cycle"] = [_("Monthly or yearly.")]
    rates = rates_in_force(organization, opened_on)
    if not rates:
        errors["opened_on"] = [_("No rate schedule is in force on this date.")]
    elif rate_class not in rates:
        errors["rate_class"] = [
            _("Not a rate class of the schedule in force: %(codes)s.") % {"codes": ", ".join(sorted(rates))}
        ]
    tax_id = normalize_thai_id(holder_tax_id) if holder_tax_id else ""
    if tax_id and not is_valid_tax_id(tax_id):
        errors["holder_tax_id"] = [_("Not a valid 13-digit national or tax ID.")]
    point = None
    if (lat is None) != (lon is None):
        errors["location"] = [_("Give both latitude and longitude, or neither.")]
    elif lat is not None:
        try:
            point = point_from(lat=lat, lon=lon)
        except InvalidInput as e:
            errors.update(e.field_errors)
    route = None
    if route_code:
        route = Route.objects.filter(organization=organization, code=route_code).first()
        if route is None:
            errors["route"] = [_("No route %(code)s.") % {"code": route_code}]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], field_errors=errors)
    parcel_code, building_id = property_match(organization, point, house_number.strip())
    account = Account(
        organization=organization,
        number=number.strip(),
        kind=kind,
        holder_name=holder_name.strip(),
        holder_tax_id=tax_id,
        house_number=house_number.strip(),
        address=address.strip(),
        phone=phone.strip(),
        rate_class=rate_class,
        cycle=cycle,
        location=point,
        parcel_code=parcel_code,
        building_id=building_id,
        route=route,
        opened_on=opened_on,
    )
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError as e:
        raise InvalidInput.for_field("number", _("There is already an account with this number.")) from e
    audit.record_create(actor=actor, organization=organization, instance=account)
    return account
