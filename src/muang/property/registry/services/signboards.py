"""Writes of signboards (Signboard Tax Act): dimensions, area by `rules.signboard`, place, photo.
Keyword-only, atomic, permission-checked, audited with a reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.contrib.gis.geos import GEOSGeometry
from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext as _

from muang.core import audit
from muang.core.access import Actor, require
from muang.core.errors import InvalidInput
from muang.core.images import clean_image
from muang.core.models import Organization
from muang.property.models import (
    Building,
    Owner,
    Parcel,
    Signboard,
)
from muang.property.permissions import PropertyPerm
from muang.property.registry.services.common import (
    CENTI,
    DECI,
    FieldErrors,
    full_clean,
    record_create,
    required_reason,
    same_org,
    save_changes,
    to_decimal,
)
from muang.property.registry.services.geometry import (
    OrganizationArea,
    clean_location,
)
from muang.taxlaw.signboard import sign_area_cm2

# --- signboards ------------------------------------------------------------------------------------------------

SIGNBOARD_EDITABLE = frozenset(
    {
        "sign_type",
        "moving",
        "width_cm",
        "height_cm",
        "place",
        "location",
        "message",
        "installed_on",
        "removed_on",
    }
)


def signboard_values(
    data: Mapping[str, Any], *, area: OrganizationArea, current: Signboard | None = None
) -> dict[str, Any]:
    if unknown := set(data) - SIGNBOARD_EDITABLE:
        raise InvalidInput.for_field(sorted(unknown)[0], _("This field cannot be set here."))
    errors = FieldErrors()
    values: dict[str, Any] = {}
    for key in ("place", "message"):
        if key in data:
            values[key] = str(data[key] or "").strip()
    for key in ("sign_type", "moving", "installed_on", "removed_on"):
        if key in data:
            values[key] = data[key]
    for key in ("width_cm", "height_cm"):
        if key in data:
            with errors.check():
                values[key] = to_decimal(data[key], key)
                if values[key] <= 0:
                    raise InvalidInput.for_field(key, _("Must be positive."))
                if values[key] != values[key].quantize(DECI):
                    raise InvalidInput.for_field(key, _("Centimetres to one decimal."))
                values[key] = values[key].quantize(DECI)
    if data.get("location") is not None:
        with errors.check():
            values["location"] = clean_location(data["location"], area=area)
    elif "location" in data:
        values["location"] = None
    errors.raise_if_any()
    if {"width_cm", "height_cm"} & values.keys():
        width = values.get("width_cm", current.width_cm if current else None)
        height = values.get("height_cm", current.height_cm if current else None)
        values["area_cm2"] = sign_area_cm2(width, height).quantize(CENTI)
    installed = values.get("installed_on", current.installed_on if current else None)
    removed = values.get("removed_on", current.removed_on if current else None)
    if installed and removed and removed < installed:
        raise InvalidInput.for_field("removed_on", _("A sign is removed after it was installed."))
    return values


@transaction.atomic
def signboard_create(
    *,
    actor: Actor,
    organization: Organization,
    owner: Owner,
    sign_type: int,
    width_cm: Decimal,
    height_cm: Decimal,
    installed_on: dt.date,
    moving: bool = False,
    parcel: Parcel | None = None,
    building: Building | None = None,
    place: str = "",
    location: GEOSGeometry | None = None,
    message: str = "",
    reason: str = "",
) -> Signboard:
    require(actor, organization, PropertyPerm.PROPERTY_EDIT)
    same_org(organization, owner, parcel, building)
    if building is not None and parcel is not None and building.parcel_id != parcel.pk:
        raise InvalidInput.for_field("building", _("This building stands on another parcel."))
    values = signboard_values(
        {
            "sign_type": sign_type,
            "moving": moving,
            "width_cm": width_cm,
            "height_cm": height_cm,
            "installed_on": installed_on,
            "place": place,
            "location": location,
            "message": message,
        },
        area=OrganizationArea(organization),
    )
    sign = Signboard(
        organization=organization,
        owner=owner,
        parcel=parcel or (building.parcel if building is not None else None),
        building=building,
        **values,
    )
    full_clean(sign, exclude=["organization", "owner", "parcel", "building", "location", "photo"])
    sign.save()
    record_create(actor=actor, organization=organization, instance=sign, reason=reason or "registered")
    return sign


@transaction.atomic
def signboard_update(
    *, actor: Actor, signboard: Signboard, data: Mapping[str, Any], reason: str
) -> Signboard:
    organization = signboard.organization
    require(actor, organization, PropertyPerm.PROPERTY_EDIT)
    reason = required_reason(reason)
    row = Signboard.objects.select_for_update().get(
        pk=signboard.pk, organization_id=signboard.organization_id
    )
    before = audit.snapshot(row)
    values = signboard_values(data, area=OrganizationArea(organization), current=row)
    for key, value in values.items():
        setattr(row, key, value)
    full_clean(row, exclude=["organization", "owner", "parcel", "building", "location", "photo"])
    save_changes(
        actor=actor, organization=organization, row=row, before=before, fields=list(values), reason=reason
    )
    return row


@transaction.atomic
def signboard_set_photo(*, actor: Actor, signboard: Signboard, photo: File, reason: str = "") -> Signboard:
    """The sign's photo, re-encoded without metadata under a random private name (`muang.core.images`).
    A photo it replaces stays stored: the audit log names it, as evidence of the sign before."""
    organization = signboard.organization
    require(actor, organization, PropertyPerm.PROPERTY_EDIT)
    cleaned = clean_image(photo, field="photo")
    row = Signboard.objects.select_for_update().get(
        pk=signboard.pk, organization_id=signboard.organization_id
    )
    before = audit.snapshot(row)
    row.photo.save(cleaned.name, cleaned, save=False)
    save_changes(
        actor=actor,
        organization=organization,
        row=row,
        before=before,
        fields=["photo"],
        reason=reason or "photo",
    )
    return row
