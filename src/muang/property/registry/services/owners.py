"""Writes of owners and taxpayers (national ID / juristic tax ID checked), their ownerships of parcels,
buildings and units (shares, periods: the taxpayer is who holds on 1 January) and house registrations
(s.41 residence exemptions). Keyword-only, atomic, permission-checked, audited with a reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from muang.core import audit
from muang.core.access import Actor, require
from muang.core.errors import Conflict, InvalidInput
from muang.core.models import Organization
from muang.core.thai_id import is_valid_juristic_tax_id, is_valid_national_id, normalize_thai_id
from muang.property.models import (
    Building,
    CondoUnit,
    HouseRegistration,
    Owner,
    Ownership,
    Parcel,
)
from muang.property.permissions import PropertyPerm
from muang.property.registry.services.common import (
    FieldErrors,
    full_clean,
    record_create,
    required_reason,
    same_org,
    save_changes,
)

# --- owners ----------------------------------------------------------------------------------------------------

OWNER_EDITABLE = frozenset(
    {"kind", "national_id", "tax_id", "title", "name", "last_name", "address", "phone", "email", "is_farmer"}
)


def owner_values(data: Mapping[str, Any], *, current: Owner | None = None) -> dict[str, Any]:
    """Checks the 13-digit ID of the owner's kind with its check digit (THAI-RULES §5)."""
    if unknown := set(data) - OWNER_EDITABLE:
        raise InvalidInput.for_field(sorted(unknown)[0], _("This field cannot be set here."))
    errors = FieldErrors()
    values: dict[str, Any] = {}
    for key in ("title", "name", "last_name", "address", "phone", "email"):
        if key in data:
            values[key] = str(data[key] or "").strip()
    if "is_farmer" in data:
        values["is_farmer"] = bool(data["is_farmer"])
    kind = data.get("kind", current.kind if current else Owner.Kind.INDIVIDUAL)
    if kind not in Owner.Kind.values:
        errors.add("kind", _("Choose individual or juristic."))
    values["kind"] = kind
    for key in ("national_id", "tax_id"):
        if key in data:
            raw = str(data[key] or "").strip()
            values[key] = normalize_thai_id(raw) if raw else None
    national_id = values.get("national_id", current.national_id if current else None)
    tax_id = values.get("tax_id", current.tax_id if current else None)
    if kind == Owner.Kind.INDIVIDUAL:
        if national_id is not None and not is_valid_national_id(national_id):
            errors.add(
                "national_id",
                _("“%(id)s” is not a valid national ID: 13 digits with a correct check digit.")
                % {"id": data.get("national_id", national_id)},
            )
        if tax_id is not None:
            errors.add("tax_id", _("An individual's tax ID is the national ID; leave this empty."))
    elif kind == Owner.Kind.JURISTIC:
        if tax_id is None:
            errors.add("tax_id", _("A juristic person needs its 13-digit tax ID."))
        elif not is_valid_juristic_tax_id(tax_id):
            errors.add(
                "tax_id",
                _("“%(id)s” is not a valid juristic tax ID: 13 digits starting with 0, correct check digit.")
                % {"id": data.get("tax_id", tax_id)},
            )
        if national_id is not None:
            errors.add("national_id", _("A juristic person has a tax ID, not a national ID."))
        if values.get("last_name", current.last_name if current else ""):
            errors.add("last_name", _("A juristic person has one name."))
        if values.get("is_farmer", current.is_farmer if current else False):
            errors.add("is_farmer", _("Only an individual is a farmer under s.40."))
    name = values.get("name", current.name if current else "")
    if not name:
        errors.add("name", _("Required."))
    errors.raise_if_any()
    return values


def _id_taken(owner: Owner) -> InvalidInput:
    field = "national_id" if owner.kind == Owner.Kind.INDIVIDUAL else "tax_id"
    return InvalidInput.for_field(field, _("An owner with this ID is already in the registry."))


@transaction.atomic
def owner_create(
    *,
    actor: Actor,
    organization: Organization,
    name: str,
    kind: str = Owner.Kind.INDIVIDUAL,
    national_id: str | None = None,
    tax_id: str | None = None,
    title: str = "",
    last_name: str = "",
    address: str = "",
    phone: str = "",
    email: str = "",
    is_farmer: bool = False,
    reason: str = "",
) -> Owner:
    require(actor, organization, PropertyPerm.PROPERTY_EDIT)
    values = owner_values(
        {
            "kind": kind,
            "national_id": national_id,
            "tax_id": tax_id,
            "title": title,
            "name": name,
            "last_name": last_name,
            "address": address,
            "phone": phone,
            "email": email,
            "is_farmer": is_farmer,
        }
    )
    owner = Owner(organization=organization, **values)
    full_clean(owner, exclude=["organization"])
    try:
        with transaction.atomic():
            owner.save()
    except IntegrityError as e:
        raise _id_taken(owner) from e
    record_create(actor=actor, organization=organization, instance=owner, reason=reason or "registered")
    return owner


@transaction.atomic
def owner_update(*, actor: Actor, owner: Owner, data: Mapping[str, Any], reason: str) -> Owner:
    organization = owner.organization
    require(actor, organization, PropertyPerm.PROPERTY_EDIT)
    reason = required_reason(reason)
    row = Owner.objects.select_for_update().get(pk=owner.pk, organization_id=owner.organization_id)
    before = audit.snapshot(row)
    values = owner_values(data, current=row)
    for key, value in values.items():
        setattr(row, key, value)
    full_clean(row, exclude=["organization"])
    try:
        with transaction.atomic():
            save_changes(
                actor=actor,
                organization=organization,
                row=row,
                before=before,
                fields=list(values),
                reason=reason,
            )
    except IntegrityError as e:
        raise _id_taken(row) from e
    return row


# --- ownerships and house registrations -------------------------------------------------------------------------


def _target_filter(parcel: Parcel | None, building: Building | None, condo_unit: CondoUnit | None) -> Q:
    targets = [t for t in (parcel, building, condo_unit) if t is not None]
    if len(targets) != 1:
        raise InvalidInput(_("Name exactly one parcel, building or condominium unit."))
    if parcel is not None:
        return Q(parcel=parcel)
    if building is not None:
        return Q(building=building)
    return Q(condo_unit=condo_unit)


def _lock_target(parcel: Parcel | None, building: Building | None, condo_unit: CondoUnit | None) -> None:
    target = parcel or building or condo_unit
    type(target).objects.select_for_update().filter(
        pk=target.pk, organization_id=target.organization_id
    ).first()


def _active_between(rows: list[Ownership], start: dt.date) -> Fraction:
    """The largest total share held at any date from `start` on, over `rows` (open-ended periods allowed)."""
    points = sorted({start, *(r.valid_from for r in rows if r.valid_from > start)})
    worst = Fraction(0)
    for day in points:
        total = sum(
            (
                Fraction(r.share_numerator, r.share_denominator)
                for r in rows
                if r.valid_from <= day and (r.valid_to is None or r.valid_to > day)
            ),
            Fraction(0),
        )
        worst = max(worst, total)
    return worst


@transaction.atomic
def ownership_add(
    *,
    actor: Actor,
    organization: Organization,
    owner: Owner,
    valid_from: dt.date,
    parcel: Parcel | None = None,
    building: Building | None = None,
    condo_unit: CondoUnit | None = None,
    kind: str = Ownership.Kind.OWNER,
    share_numerator: int = 1,
    share_denominator: int = 1,
    document: str = "",
    reason: str = "",
) -> Ownership:
    """Record that `owner` holds a share of a property from `valid_from` (open-ended until ended).

    The shares held at any one time may not add up to more than the whole: a sale ends the seller's
    ownership (`ownership_end`) before the buyer's starts.
    """
    require(actor, organization, PropertyPerm.PROPERTY_EDIT)
    same_org(organization, owner, parcel, building, condo_unit)
    target = _target_filter(parcel, building, condo_unit)
    if kind not in Ownership.Kind.values:
        raise InvalidInput.for_field("kind", _("Choose owner or possessor."))
    if not (isinstance(share_numerator, int) and isinstance(share_denominator, int)):
        raise InvalidInput.for_field("share_numerator", _("A share is a fraction of whole numbers."))
    if not 1 <= share_numerator <= share_denominator:
        raise InvalidInput.for_field("share_numerator", _("A share lies between 0 and the whole (e.g. 1/2)."))
    _lock_target(parcel, building, condo_unit)
    overlapping = list(
        Ownership.objects.filter(target, organization=organization).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=valid_from)
        )
    )
    if any(r.owner_id == owner.pk for r in overlapping):
        raise InvalidInput.for_field("owner", _("This owner already holds this property in that period."))
    new = Ownership(
        organization=organization,
        owner=owner,
        parcel=parcel,
        building=building,
        condo_unit=condo_unit,
        kind=kind,
        share_numerator=share_numerator,
        share_denominator=share_denominator,
        valid_from=valid_from,
        document=document.strip(),
    )
    if _active_between([*overlapping, new], valid_from) > 1:
        raise InvalidInput.for_field(
            "share_numerator",
            _("The shares would add up to more than the whole; end the previous ownership first."),
        )
    new.save()
    record_create(actor=actor, organization=organization, instance=new, reason=reason or "registered")
    return new


@transaction.atomic
def ownership_end(*, actor: Actor, ownership: Ownership, valid_to: dt.date, reason: str) -> Ownership:
    organization = ownership.organization
    require(actor, organization, PropertyPerm.PROPERTY_EDIT)
    reason = required_reason(reason)
    row = Ownership.objects.select_for_update().get(
        pk=ownership.pk, organization_id=ownership.organization_id
    )
    if row.valid_to is not None:
        raise Conflict(_("This ownership already ended on %(d)s.") % {"d": row.valid_to})
    if valid_to <= row.valid_from:
        raise InvalidInput.for_field(
            "valid_to", _("The end must come after the start (%(d)s).") % {"d": row.valid_from}
        )
    before = audit.snapshot(row)
    row.valid_to = valid_to
    save_changes(
        actor=actor, organization=organization, row=row, before=before, fields=["valid_to"], reason=reason
    )
    return row


@transaction.atomic
def house_registration_add(
    *,
    actor: Actor,
    organization: Organization,
    owner: Owner,
    registered_on: dt.date,
    building: Building | None = None,
    condo_unit: CondoUnit | None = None,
    reason: str = "",
) -> HouseRegistration:
    """The owner's name is in the house registration of this home from `registered_on` (s.41)."""
    require(actor, organization, PropertyPerm.PROPERTY_EDIT)
    same_org(organization, owner, building, condo_unit)
    target = _target_filter(None, building, condo_unit)
    if owner.kind != Owner.Kind.INDIVIDUAL:
        raise InvalidInput.for_field("owner", _("Only a person is entered in a house registration."))
    if HouseRegistration.objects.filter(target, owner=owner, moved_out_on__isnull=True).exists():
        raise InvalidInput.for_field("owner", _("This person is already registered in this home."))
    registration = HouseRegistration.objects.create(
        organization=organization,
        owner=owner,
        building=building,
        condo_unit=condo_unit,
        registered_on=registered_on,
    )
    record_create(
        actor=actor, organization=organization, instance=registration, reason=reason or "registered"
    )
    return registration


@transaction.atomic
def house_registration_end(
    *, actor: Actor, registration: HouseRegistration, moved_out_on: dt.date, reason: str
) -> HouseRegistration:
    organization = registration.organization
    require(actor, organization, PropertyPerm.PROPERTY_EDIT)
    reason = required_reason(reason)
    row = HouseRegistration.objects.select_for_update().get(
        pk=registration.pk, organization_id=registration.organization_id
    )
    if row.moved_out_on is not None:
        raise Conflict(_("This person already moved out on %(d)s.") % {"d": row.moved_out_on})
    if moved_out_on <= row.registered_on:
        raise InvalidInput.for_field("moved_out_on", _("Moving out comes after registering."))
    before = audit.snapshot(row)
    row.moved_out_on = moved_out_on
    save_changes(
        actor=actor, organization=organization, row=row, before=before, fields=["moved_out_on"], reason=reason
    )
    return row
