"""Writes of the property registry: parcels, buildings, condominium units. Keyword-only, atomic,
permission-checked, and every change audited with its reason.

The `*_values` functions validate a dict of fields into model values (raising `InvalidInput` with every bad
field at once); the services and the importers share them, so a file row is refused for exactly the same
reasons as an API call. Owners and ownerships are in `owners`, signboards in `signboards`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.contrib.gis.geos import GEOSGeometry
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from muang.core import audit
from muang.core.access import Actor, require
from muang.core.errors import Conflict, InvalidInput
from muang.core.models import Organization
from muang.property.models import (
    PURE_USES,
    Building,
    CondoUnit,
    Parcel,
    Use,
)
from muang.property.permissions import PropertyPerm
from muang.property.registry.services.common import (
    CENTI,
    FieldErrors,
    full_clean,
    record_create,
    required_reason,
    same_org,
    save_changes,
    to_decimal,
    to_year,
)
from muang.property.registry.services.geometry import (
    OrganizationArea,
    Reprojector,
    clean_location,
    clean_parcel_geometry,
    representative_point,
)
from muang.taxlaw import units

# --- shared value checks ---------------------------------------------------------------------------------------


def clean_parcel_code(value: Any) -> str:
    code = str(value or "").strip().upper()
    if not Parcel._meta.get_field("code").validators[0].regex.match(code):
        raise InvalidInput.for_field(
            "code",
            _("“%(code)s” is not a parcel code: zone (2 digits), block (A–Z), lot (3 digits), e.g. 01A001.")
            % {"code": value},
        )
    return code


def clean_area(rai: Any, ngan: Any, wah: Any) -> dict[str, Any]:
    """Deed area in rai-ngan-wah, with square wah and m² derived by `rules.units`."""
    errors = FieldErrors()
    try:
        rai_i = int(rai or 0)
    except (TypeError, ValueError):
        errors.add("area_rai", _("Expected a whole number of rai."))
        rai_i = 0
    try:
        ngan_i = int(ngan or 0)
    except (TypeError, ValueError):
        errors.add("area_ngan", _("Expected a whole number of ngan."))
        ngan_i = 0
    with errors.check():
        wah_d = to_decimal(wah or 0, "area_wah")
        if wah_d != wah_d.quantize(CENTI):
            raise InvalidInput.for_field("area_wah", _("Square wah are kept to two decimals."))
    errors.raise_if_any()
    try:
        area = units.RaiNganWah(rai=rai_i, ngan=ngan_i, wah=wah_d)
    except ValueError as e:
        field = "area_ngan" if "ngan" in str(e) else "area_wah" if "wah" in str(e) else "area_rai"
        raise InvalidInput.for_field(field, str(e)) from e
    return {  # quantized like the columns, so an unchanged value never shows up as a change
        "area_rai": area.rai,
        "area_ngan": area.ngan,
        "area_wah": area.wah.quantize(CENTI),
        "area_square_wah": area.square_wah.quantize(CENTI),
        "area_square_metres": area.square_metres.quantize(CENTI),
    }


def clean_use(use: Any, shares: Mapping[str, Any] | None) -> dict[str, Any]:
    """A pure use takes the whole share; a mixed use needs shares in percent of the area adding up to 100."""
    use = str(use or "").strip()
    if use not in Use.values:
        raise InvalidInput.for_field("use", _("Choose one of: %(uses)s.") % {"uses": ", ".join(Use.values)})
    columns = {f"share_{u.value}": Decimal(0).quantize(CENTI) for u in PURE_USES}
    if use != Use.MIXED:
        if shares and any(to_decimal(v, "use_shares") for k, v in shares.items() if k != use):
            raise InvalidInput.for_field("use_shares", _("Shares are only for mixed use."))
        columns[f"share_{use}"] = Decimal(100).quantize(CENTI)
        return {"use": use, **columns}
    if not shares:
        raise InvalidInput.for_field("use_shares", _("A mixed use needs the share of each use, in percent."))
    for key, value in shares.items():
        if key not in {u.value for u in PURE_USES}:
            raise InvalidInput.for_field("use_shares", _("Unknown use “%(use)s”.") % {"use": key})
        share = to_decimal(value, "use_shares")
        if share < 0 or share > 100 or share != share.quantize(CENTI):
            raise InvalidInput.for_field(
                "use_shares", _("Each share is a percentage with at most 2 decimals.")
            )
        columns[f"share_{key}"] = share.quantize(CENTI)
    if sum(columns.values()) != 100:
        raise InvalidInput.for_field(
            "use_shares", _("The shares add up to %(sum)s%%, not 100%%.") % {"sum": sum(columns.values())}
        )
    used = [u for u in PURE_USES if columns[f"share_{u.value}"]]
    return {"use": used[0].value if len(used) == 1 else Use.MIXED.value, **columns}


_PARCEL_TEXT = (
    "deed_type",
    "deed_number",
    "land_number",
    "map_sheet",
    "survey_status",
    "exemption",
    "address",
    "note",
)
PARCEL_EDITABLE = frozenset(
    {"code", "area_rai", "area_ngan", "area_wah", "geometry", "location", "use", "use_shares", "vacant_since"}
    | set(_PARCEL_TEXT)
)


def parcel_values(
    data: Mapping[str, Any],
    *,
    area: OrganizationArea,
    reproject: Reprojector | None = None,
    current: Parcel | None = None,
) -> dict[str, Any]:
    """Model values for a new parcel (`current` None) or for the changed fields of an existing one."""
    if unknown := set(data) - PARCEL_EDITABLE:
        raise InvalidInput.for_field(sorted(unknown)[0], _("This field cannot be set here."))
    errors = FieldErrors()
    values: dict[str, Any] = {}
    if current is None or "code" in data:
        with errors.check():
            values["code"] = clean_parcel_code(data.get("code"))
    if current is None or {"area_rai", "area_ngan", "area_wah"} & data.keys():

        def pick(key: str) -> Any:
            return data[key] if key in data else getattr(current, key, 0)

        with errors.check():
            values.update(clean_area(pick("area_rai"), pick("area_ngan"), pick("area_wah")))
    if current is None or {"use", "use_shares"} & data.keys():
        use = data.get("use", current.use if current else None)
        shares = data.get("use_shares") if "use_shares" in data or "use" in data else current.use_shares
        with errors.check():
            values.update(clean_use(use, shares))
    for key in _PARCEL_TEXT:
        if key in data:
            values[key] = str(data[key] or "").strip()
    if "geometry" in data:
        values["geometry"] = None
        if data["geometry"] is not None:
            with errors.check():
                values["geometry"] = clean_parcel_geometry(data["geometry"], area=area, reproject=reproject)
    if "location" in data:
        values["location"] = None
        if data["location"] is not None:
            with errors.check():
                values["location"] = clean_location(data["location"], area=area, reproject=reproject)
    if "vacant_since" in data:
        with errors.check():
            values["vacant_since"] = to_year(data["vacant_since"], "vacant_since")
    errors.raise_if_any()

    geometry = values.get("geometry", current.geometry if current else None)
    if "geometry" in values and geometry is not None:
        values["location"] = representative_point(geometry)
        if "survey_status" not in data and (current is None or current.survey_status == "not_surveyed"):
            values["survey_status"] = Parcel.SurveyStatus.SURVEYED
    share_vacant = values.get("share_vacant", current.share_vacant if current else 0)
    vacant_since = values.get("vacant_since", current.vacant_since if current else None)
    if not share_vacant and vacant_since is not None:
        if "vacant_since" in data:
            raise InvalidInput.for_field("vacant_since", _("Only vacant land has a vacant spell."))
        values["vacant_since"] = None  # the land is in use again: the s.43 count starts afresh
    return values


def _check_parcel_row(parcel: Parcel) -> None:
    full_clean(parcel, exclude=["organization", "import_batch", "geometry", "location"])


def build_parcel(
    *,
    organization: Organization,
    data: Mapping[str, Any],
    area: OrganizationArea,
    reproject: Reprojector | None,
) -> Parcel:
    """An unsaved, fully validated parcel (the importer saves many in bulk)."""
    parcel = Parcel(organization=organization, **parcel_values(data, area=area, reproject=reproject))
    _check_parcel_row(parcel)
    return parcel


def _code_taken(code: str) -> InvalidInput:
    return InvalidInput.for_field(
        "code", _("Parcel code %(code)s is already in the registry.") % {"code": code}
    )


# --- parcels ---------------------------------------------------------------------------------------------------


@transaction.atomic
def parcel_create(
    *,
    actor: Actor,
    organization: Organization,
    code: str,
    use: str,
    use_shares: Mapping[str, Any] | None = None,
    area_rai: int = 0,
    area_ngan: int = 0,
    area_wah: Decimal | int = 0,
    geometry: GEOSGeometry | None = None,
    location: GEOSGeometry | None = None,
    deed_type: str = Parcel.DeedType.CHANOTE,
    deed_number: str = "",
    land_number: str = "",
    map_sheet: str = "",
    survey_status: str | None = None,
    vacant_since: int | None = None,
    exemption: str = "",
    address: str = "",
    note: str = "",
    reason: str = "",
) -> Parcel:
    require(actor, organization, PropertyPerm.PROPERTY_EDIT)
    data: dict[str, Any] = {
        "code": code,
        "use": use,
        "use_shares": use_shares,
        "area_rai": area_rai,
        "area_ngan": area_ngan,
        "area_wah": area_wah,
        "deed_type": deed_type,
        "deed_number": deed_number,
        "land_number": land_number,
        "map_sheet": map_sheet,
        "exemption": exemption,
        "address": address,
        "note": note,
        "vacant_since": vacant_since,
    }
    if geometry is not None:
        data["geometry"] = geometry
    if location is not None and geometry is None:
        data["location"] = location
    if survey_status:
        data["survey_status"] = survey_status
    parcel = build_parcel(
        organization=organization, data=data, area=OrganizationArea(organization), reproject=None
    )
    try:
        with transaction.atomic():
            parcel.save()
    except IntegrityError as e:
        raise _code_taken(parcel.code) from e
    record_create(actor=actor, organization=organization, instance=parcel, reason=reason or "registered")
    return parcel


@transaction.atomic
def parcel_update(*, actor: Actor, parcel: Parcel, data: Mapping[str, Any], reason: str) -> Parcel:
    organization = parcel.organization
    require(actor, organization, PropertyPerm.PROPERTY_EDIT)
    reason = required_reason(reason)
    row = Parcel.objects.select_for_update().get(pk=parcel.pk, organization=organization)
    if row.retired_on is not None:
        raise Conflict(_("Parcel %(code)s was retired on %(d)s.") % {"code": row.code, "d": row.retired_on})
    before = audit.snapshot(row)
    values = parcel_values(data, area=OrganizationArea(organization), current=row)
    for key, value in values.items():
        setattr(row, key, value)
    _check_parcel_row(row)
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
        raise _code_taken(row.code) from e
    return row


@transaction.atomic
def parcel_retire(*, actor: Actor, parcel: Parcel, retired_on: dt.date, reason: str) -> Parcel:
    """A parcel split, merged or gone: it leaves the registry from `retired_on`, its code becomes free."""
    organization = parcel.organization
    require(actor, organization, PropertyPerm.PROPERTY_EDIT)
    reason = required_reason(reason)
    row = Parcel.objects.select_for_update().get(pk=parcel.pk, organization=organization)
    if row.retired_on is not None:
        raise Conflict(_("Parcel %(code)s is already retired.") % {"code": row.code})
    before = audit.snapshot(row)
    row.retired_on = retired_on
    save_changes(
        actor=actor, organization=organization, row=row, before=before, fields=["retired_on"], reason=reason
    )
    return row


# --- buildings -------------------------------------------------------------------------------------------------

BUILDING_EDITABLE = frozenset(
    {
        "house_number",
        "house_id",
        "type_code",
        "construction",
        "floor_area_m2",
        "year_built",
        "storeys",
        "use",
        "use_shares",
        "footprint",
        "demolished_on",
        "note",
    }
)


def building_values(
    data: Mapping[str, Any], *, area: OrganizationArea, current: Building | None = None
) -> dict[str, Any]:
    if unknown := set(data) - BUILDING_EDITABLE:
        raise InvalidInput.for_field(sorted(unknown)[0], _("This field cannot be set here."))
    errors = FieldErrors()
    values: dict[str, Any] = {}
    for key in ("house_number", "house_id", "type_code", "construction", "note"):
        if key in data:
            values[key] = str(data[key] or "").strip()
    for key in ("storeys", "demolished_on"):
        if key in data:
            values[key] = data[key]
    if "floor_area_m2" in data:
        with errors.check():
            values["floor_area_m2"] = to_decimal(data["floor_area_m2"], "floor_area_m2")
            if values["floor_area_m2"] <= 0 or values["floor_area_m2"] != values["floor_area_m2"].quantize(
                CENTI
            ):
                raise InvalidInput.for_field("floor_area_m2", _("A positive area in m², at most 2 decimals."))
            values["floor_area_m2"] = values["floor_area_m2"].quantize(CENTI)
    if "year_built" in data:
        with errors.check():
            values["year_built"] = to_year(data["year_built"], "year_built")
            if values["year_built"] is None:
                raise InvalidInput.for_field("year_built", _("Required."))
            if values["year_built"] > dt.date.today().year + 1:  # noqa: DTZ011 (a calendar year, any zone)
                raise InvalidInput.for_field("year_built", _("The year lies in the future."))
    if current is None or {"use", "use_shares"} & data.keys():
        use = data.get("use", current.use if current else None)
        shares = data.get("use_shares") if "use_shares" in data or "use" in data else current.use_shares
        with errors.check():
            values.update(clean_use(use, shares))
    if data.get("footprint") is not None:
        with errors.check():
            values["footprint"] = clean_parcel_geometry(data["footprint"], area=area, field="footprint")
    elif "footprint" in data:
        values["footprint"] = None
    errors.raise_if_any()
    return values


@transaction.atomic
def building_add(
    *,
    actor: Actor,
    parcel: Parcel,
    type_code: str,
    construction: str,
    floor_area_m2: Decimal,
    year_built: int,
    use: str,
    use_shares: Mapping[str, Any] | None = None,
    storeys: int = 1,
    house_number: str = "",
    house_id: str = "",
    footprint: GEOSGeometry | None = None,
    note: str = "",
    reason: str = "",
) -> Building:
    organization = parcel.organization
    require(actor, organization, PropertyPerm.PROPERTY_EDIT)
    locked = Parcel.objects.select_for_update().get(
        pk=parcel.pk, organization=organization
    )  # serialises the numbering on the parcel
    if locked.retired_on is not None:
        raise Conflict(_("Parcel %(code)s is retired.") % {"code": locked.code})
    data = {
        "type_code": type_code,
        "construction": construction,
        "floor_area_m2": floor_area_m2,
        "year_built": year_built,
        "use": use,
        "use_shares": use_shares,
        "storeys": storeys,
        "house_number": house_number,
        "house_id": house_id,
        "footprint": footprint,
        "note": note,
    }
    values = building_values(data, area=OrganizationArea(organization))
    number = (Building.objects.filter(parcel=locked).aggregate(n=Max("number"))["n"] or 0) + 1
    building = Building(organization=organization, parcel=locked, number=number, **values)
    full_clean(building, exclude=["organization", "parcel", "footprint"])
    building.save()
    record_create(actor=actor, organization=organization, instance=building, reason=reason or "registered")
    return building


@transaction.atomic
def building_update(*, actor: Actor, building: Building, data: Mapping[str, Any], reason: str) -> Building:
    organization = building.organization
    require(actor, organization, PropertyPerm.PROPERTY_EDIT)
    reason = required_reason(reason)
    row = (
        Building.objects.select_for_update()
        .select_related("parcel")
        .get(pk=building.pk, organization=organization)
    )
    before = audit.snapshot(row)
    values = building_values(data, area=OrganizationArea(organization), current=row)
    for key, value in values.items():
        setattr(row, key, value)
    full_clean(row, exclude=["organization", "parcel", "footprint"])
    save_changes(
        actor=actor, organization=organization, row=row, before=before, fields=list(values), reason=reason
    )
    return row


# --- condominium units -----------------------------------------------------------------------------------------

CONDO_EDITABLE = frozenset(
    {
        "condominium_code",
        "condominium_name",
        "building_name",
        "unit_number",
        "floor",
        "area_m2",
        "title_deed_number",
        "use",
        "use_shares",
    }
)


def condo_unit_values(data: Mapping[str, Any], *, current: CondoUnit | None = None) -> dict[str, Any]:
    if unknown := set(data) - CONDO_EDITABLE:
        raise InvalidInput.for_field(sorted(unknown)[0], _("This field cannot be set here."))
    errors = FieldErrors()
    values: dict[str, Any] = {}
    for key in ("condominium_code", "condominium_name", "building_name", "unit_number", "title_deed_number"):
        if key in data:
            values[key] = str(data[key] or "").strip()
    if "floor" in data:
        values["floor"] = data["floor"]
    if "area_m2" in data:
        with errors.check():
            values["area_m2"] = to_decimal(data["area_m2"], "area_m2")
            if values["area_m2"] <= 0 or values["area_m2"] != values["area_m2"].quantize(CENTI):
                raise InvalidInput.for_field("area_m2", _("A positive area in m², at most 2 decimals."))
            values["area_m2"] = values["area_m2"].quantize(CENTI)
    if current is None or {"use", "use_shares"} & data.keys():
        use = data.get("use", current.use if current else None)
        shares = data.get("use_shares") if "use_shares" in data or "use" in data else current.use_shares
        with errors.check():
            values.update(clean_use(use, shares))
    errors.raise_if_any()
    return values


def _unit_taken() -> InvalidInput:
    return InvalidInput.for_field("unit_number", _("This unit is already in the registry."))


@transaction.atomic
def condo_unit_create(
    *,
    actor: Actor,
    organization: Organization,
    condominium_code: str,
    condominium_name: str,
    unit_number: str,
    floor: int,
    area_m2: Decimal,
    use: str = Use.RESIDENTIAL,
    use_shares: Mapping[str, Any] | None = None,
    building_name: str = "",
    title_deed_number: str = "",
    parcel: Parcel | None = None,
    reason: str = "",
) -> CondoUnit:
    require(actor, organization, PropertyPerm.PROPERTY_EDIT)
    same_org(organization, parcel)
    values = condo_unit_values(
        {
            "condominium_code": condominium_code,
            "condominium_name": condominium_name,
            "unit_number": unit_number,
            "floor": floor,
            "area_m2": area_m2,
            "use": use,
            "use_shares": use_shares,
            "building_name": building_name,
            "title_deed_number": title_deed_number,
        }
    )
    unit = CondoUnit(organization=organization, parcel=parcel, **values)
    full_clean(unit, exclude=["organization", "parcel"])
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError as e:
        raise _unit_taken() from e
    record_create(actor=actor, organization=organization, instance=unit, reason=reason or "registered")
    return unit


@transaction.atomic
def condo_unit_update(*, actor: Actor, unit: CondoUnit, data: Mapping[str, Any], reason: str) -> CondoUnit:
    organization = unit.organization
    require(actor, organization, PropertyPerm.PROPERTY_EDIT)
    reason = required_reason(reason)
    row = CondoUnit.objects.select_for_update().get(pk=unit.pk, organization=organization)
    before = audit.snapshot(row)
    values = condo_unit_values(data, current=row)
    for key, value in values.items():
        setattr(row, key, value)
    full_clean(row, exclude=["organization", "parcel"])
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
        raise _unit_taken() from e
    return row
