"""Input and output shapes of the property API. Inputs check form at the edge (a wrong national-ID check digit
is a 422 naming the field); the services check everything again, for every other caller."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.contrib.gis.geos import GEOSGeometry
from ninja import Field, Schema
from pydantic import field_validator

from muang.core.errors import InvalidInput
from muang.core.geo import SRID
from muang.core.schemas import PatchSchema
from muang.core.thai_dates import buddhist_era
from muang.core.thai_id import is_valid_juristic_tax_id, is_valid_national_id
from muang.property.models import Construction, Ownership, Parcel, TaxYear, Use
from muang.property.registry.services.geometry import geometry_from_geojson

UseName = Literal["agricultural", "residential", "other", "vacant", "mixed"]
assert set(UseName.__args__) == set(Use.values)  # noqa: S101 (kept in step with the model at import)
ConstructionName = Literal["masonry", "half_masonry", "wood"]
assert set(ConstructionName.__args__) == set(Construction.values)  # noqa: S101
DeedTypeName = Literal[tuple(Parcel.DeedType.values)]  # type: ignore[valid-type]
SurveyStatusName = Literal[tuple(Parcel.SurveyStatus.values)]  # type: ignore[valid-type]
ExemptionName = Literal[tuple(Parcel.Exemption.values)]  # type: ignore[valid-type]
Reason = Field(..., min_length=1, max_length=300, description="Why: kept in the history with who and when.")
OptionalReason = Field("", max_length=300, description="Why (kept in the history).")
GeoJSON = dict[str, Any]
# Every number below is bounded by its column (max_digits / decimal_places, integer range): a value that cannot
# be stored is a 422 naming the field, never a database error.
MAX_RAI = 10_000_000  # 16,000 km²: larger than any local government
MAX_SHARE = 1_000_000  # ownership share numerator / denominator
Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]
UseShares = dict[Literal["agricultural", "residential", "other", "vacant"], Percent]


def _geometry(value: GeoJSON | None, field: str) -> GEOSGeometry | None:
    if value is None:
        return None
    geometry = geometry_from_geojson(value, field)
    geometry.srid = SRID
    return geometry


def _check_geojson(value: GeoJSON | None) -> GeoJSON | None:
    if value is not None:
        try:
            geometry_from_geojson(value)
        except InvalidInput as e:
            raise ValueError(e.detail) from e
    return value


def _geojson_out(geometry: GEOSGeometry | None) -> GeoJSON | None:
    return json.loads(geometry.geojson) if geometry is not None else None


class _WithGeometry(Schema):
    """Turns GeoJSON members into GEOS geometries for the services."""

    def to_data(
        self, *, exclude_unset: bool = False, exclude: set[str] | frozenset[str] = frozenset()
    ) -> dict:
        data = self.model_dump(exclude_unset=exclude_unset, exclude={"reason", *exclude})
        for key in ("geometry", "location", "footprint"):
            if key in data:
                data[key] = _geometry(data[key], key)
        return data


# --- parcels ---------------------------------------------------------------------------------------------------


class ParcelFields(_WithGeometry):
    use_shares: UseShares | None = Field(
        None, description="For mixed use: percent of the land area per use, adding up to 100."
    )
    area_rai: int = Field(0, ge=0, le=MAX_RAI)
    area_ngan: int = Field(0, ge=0, le=3)
    area_wah: Decimal = Field(Decimal(0), ge=0, lt=100, decimal_places=2)
    geometry: GeoJSON | None = Field(None, description="GeoJSON Polygon or MultiPolygon in WGS84")
    location: GeoJSON | None = Field(None, description="GeoJSON Point: a pin for a parcel not yet surveyed")
    deed_type: DeedTypeName = "chanote"
    deed_number: str = Field("", max_length=30)
    land_number: str = Field("", max_length=30)
    map_sheet: str = Field("", max_length=60)
    survey_status: SurveyStatusName | None = None
    vacant_since: int | None = Field(None, ge=1900, le=2399, description="C.E. year the vacant spell began")
    exemption: ExemptionName = ""
    address: str = Field("", max_length=300)
    note: str = Field("", max_length=2000)

    check_geojson = field_validator("geometry", "location")(_check_geojson)


class ParcelIn(ParcelFields):
    code: str = Field(..., pattern=r"^[0-9]{2}[A-Za-z][0-9]{3}$", examples=["01A001"])
    use: UseName
    reason: str = OptionalReason


class ParcelPatch(PatchSchema, ParcelFields):
    """Only the fields sent are changed."""

    NULLABLE = frozenset({"geometry", "location", "vacant_since"})

    code: str | None = Field(None, pattern=r"^[0-9]{2}[A-Za-z][0-9]{3}$")
    use: UseName | None = None
    area_rai: int | None = Field(None, ge=0, le=MAX_RAI)
    area_ngan: int | None = Field(None, ge=0, le=3)
    area_wah: Decimal | None = Field(None, ge=0, lt=100, decimal_places=2)
    deed_type: DeedTypeName | None = None
    exemption: ExemptionName | None = None
    reason: str = Reason


class ParcelSummaryOut(Schema):
    id: int
    code: str
    zone: str
    block: str
    deed_type: str
    deed_number: str
    area_rai: int
    area_ngan: int
    area_wah: Decimal
    area_square_wah: Decimal
    area_square_metres: Decimal
    use: str
    use_shares: dict[str, Decimal]
    survey_status: str
    exemption: str
    location: GeoJSON | None
    retired_on: dt.date | None

    @staticmethod
    def resolve_location(obj) -> GeoJSON | None:
        return _geojson_out(obj.location)


class ParcelOut(ParcelSummaryOut):
    land_number: str
    map_sheet: str
    vacant_since: int | None
    address: str
    note: str
    geometry: GeoJSON | None
    import_batch_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_geometry(obj) -> GeoJSON | None:
        return _geojson_out(obj.geometry)


# --- owners ----------------------------------------------------------------------------------------------------


def _national_id(value: str | None) -> str | None:
    if value not in (None, "") and not is_valid_national_id(value):
        raise ValueError("not a valid national ID: 13 digits with a correct check digit")
    return value or None


def _juristic_tax_id(value: str | None) -> str | None:
    if value not in (None, "") and not is_valid_juristic_tax_id(value):
        raise ValueError("not a valid juristic tax ID: 13 digits starting with 0, correct check digit")
    return value or None


class OwnerFields(Schema):
    national_id: str | None = Field(None, max_length=20, description="13 digits (hyphens allowed), checked")
    tax_id: str | None = Field(None, max_length=20, description="A juristic person's 13-digit tax ID")
    title: str = Field("", max_length=50)
    last_name: str = Field("", max_length=200)
    address: str = Field("", max_length=2000)
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)
    is_farmer: bool = False

    check_national_id = field_validator("national_id")(_national_id)
    check_tax_id = field_validator("tax_id")(_juristic_tax_id)


class OwnerIn(OwnerFields):
    kind: Literal["individual", "juristic"] = "individual"
    name: str = Field(..., min_length=1, max_length=200)
    reason: str = OptionalReason


class OwnerPatch(PatchSchema, OwnerFields):
    NULLABLE = frozenset({"national_id", "tax_id"})

    kind: Literal["individual", "juristic"] | None = None
    name: str | None = Field(None, min_length=1, max_length=200)
    title: str | None = Field(None, max_length=50)
    last_name: str | None = Field(None, max_length=200)
    address: str | None = Field(None, max_length=2000)
    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=254)
    is_farmer: bool | None = None
    reason: str = Reason


class OwnerSummaryOut(Schema):
    id: int
    kind: str
    display_name: str


class OwnerOut(OwnerSummaryOut):
    national_id: str | None
    tax_id: str | None
    title: str
    name: str
    last_name: str
    address: str
    phone: str
    email: str
    is_farmer: bool
    created_at: dt.datetime
    updated_at: dt.datetime


# --- buildings and condominium units ---------------------------------------------------------------------------


class BuildingFields(_WithGeometry):
    use_shares: UseShares | None = Field(
        None, description="For mixed use: percent of the floor area per use, adding up to 100."
    )
    storeys: int = Field(1, ge=1, le=200)
    house_number: str = Field("", max_length=30)
    house_id: str = Field("", pattern=r"^([0-9]{11})?$", description="รหัสประจำบ้าน, 11 digits")
    footprint: GeoJSON | None = None
    note: str = Field("", max_length=2000)

    check_geojson = field_validator("footprint")(_check_geojson)


class BuildingIn(BuildingFields):
    type_code: str = Field(..., pattern=r"^[0-9]{3,4}$", description="Treasury building type, e.g. 100")
    construction: ConstructionName
    floor_area_m2: Decimal = Field(..., gt=0, max_digits=12, decimal_places=2)
    year_built: int = Field(..., ge=1800, le=2399, description="C.E. year the building was completed")
    use: UseName
    reason: str = OptionalReason


class BuildingPatch(PatchSchema, BuildingFields):
    NULLABLE = frozenset({"footprint", "demolished_on"})

    type_code: str | None = Field(None, pattern=r"^[0-9]{3,4}$")
    construction: ConstructionName | None = None
    floor_area_m2: Decimal | None = Field(None, gt=0, max_digits=12, decimal_places=2)
    year_built: int | None = Field(None, ge=1800, le=2399)
    use: UseName | None = None
    storeys: int | None = Field(None, ge=1, le=200)
    house_number: str | None = Field(None, max_length=30)
    house_id: str | None = Field(None, pattern=r"^([0-9]{11})?$")
    note: str | None = Field(None, max_length=2000)
    demolished_on: dt.date | None = None
    reason: str = Reason


class BuildingOut(Schema):
    id: int
    code: str
    parcel: str = Field(..., alias="parcel.code")
    number: int
    house_number: str
    house_id: str
    type_code: str
    construction: str
    floor_area_m2: Decimal
    year_built: int
    storeys: int
    use: str
    use_shares: dict[str, Decimal]
    footprint: GeoJSON | None
    demolished_on: dt.date | None
    note: str

    @staticmethod
    def resolve_footprint(obj) -> GeoJSON | None:
        return _geojson_out(obj.footprint)


class CondoUnitFields(Schema):
    use_shares: UseShares | None = None
    building_name: str = Field("", max_length=60)
    title_deed_number: str = Field("", max_length=30)


class CondoUnitIn(CondoUnitFields):
    condominium_code: str = Field(..., min_length=1, max_length=30)
    condominium_name: str = Field(..., min_length=1, max_length=200)
    unit_number: str = Field(..., min_length=1, max_length=30)
    floor: int = Field(..., ge=-10, le=300)
    area_m2: Decimal = Field(..., gt=0, max_digits=10, decimal_places=2)
    use: UseName = "residential"
    parcel_code: str | None = Field(None, description="The condominium's land, when it is in the registry")
    reason: str = OptionalReason


class CondoUnitPatch(PatchSchema, CondoUnitFields):
    condominium_code: str | None = Field(None, min_length=1, max_length=30)
    condominium_name: str | None = Field(None, min_length=1, max_length=200)
    unit_number: str | None = Field(None, min_length=1, max_length=30)
    floor: int | None = Field(None, ge=-10, le=300)
    area_m2: Decimal | None = Field(None, gt=0, max_digits=10, decimal_places=2)
    use: UseName | None = None
    building_name: str | None = Field(None, max_length=60)
    title_deed_number: str | None = Field(None, max_length=30)
    reason: str = Reason


class CondoUnitOut(Schema):
    id: int
    condominium_code: str
    condominium_name: str
    building_name: str
    unit_number: str
    floor: int
    area_m2: Decimal
    title_deed_number: str
    use: str
    use_shares: dict[str, Decimal]
    parcel: str | None

    @staticmethod
    def resolve_parcel(obj) -> str | None:
        return obj.parcel.code if obj.parcel_id else None


# --- ownerships and house registrations ------------------------------------------------------------------------


class OwnershipIn(Schema):
    owner_id: int
    parcel_code: str | None = None
    building_id: int | None = None
    condo_unit_id: int | None = None
    kind: Literal[tuple(Ownership.Kind.values)] = "owner"  # type: ignore[valid-type]
    share_numerator: int = Field(1, ge=1, le=MAX_SHARE)
    share_denominator: int = Field(1, ge=1, le=MAX_SHARE)
    valid_from: dt.date
    document: str = Field("", max_length=200)
    reason: str = OptionalReason


class OwnershipEnd(Schema):
    valid_to: dt.date = Field(..., description="First day the ownership no longer holds")
    reason: str = Reason


class OwnershipOut(Schema):
    id: int
    owner: OwnerSummaryOut
    parcel: str | None
    building_id: int | None
    condo_unit_id: int | None
    kind: str
    share_numerator: int
    share_denominator: int
    valid_from: dt.date
    valid_to: dt.date | None
    document: str

    @staticmethod
    def resolve_parcel(obj) -> str | None:
        return obj.parcel.code if obj.parcel_id else None


class HouseRegistrationIn(Schema):
    owner_id: int
    building_id: int | None = None
    condo_unit_id: int | None = None
    registered_on: dt.date
    reason: str = OptionalReason


class HouseRegistrationEnd(Schema):
    moved_out_on: dt.date
    reason: str = Reason


class HouseRegistrationOut(Schema):
    id: int
    owner_id: int
    building_id: int | None
    condo_unit_id: int | None
    registered_on: dt.date
    moved_out_on: dt.date | None


# --- signboards ------------------------------------------------------------------------------------------------


class SignboardFields(_WithGeometry):
    place: str = Field("", max_length=300)
    location: GeoJSON | None = Field(None, description="GeoJSON Point in WGS84")
    moving: bool = False
    message: str = Field("", max_length=2000)

    check_geojson = field_validator("location")(_check_geojson)


class SignboardIn(SignboardFields):
    owner_id: int
    parcel_code: str | None = None
    building_id: int | None = None
    sign_type: Literal[1, 2, 3]
    width_cm: Decimal = Field(..., gt=0, max_digits=8, decimal_places=1)
    height_cm: Decimal = Field(..., gt=0, max_digits=8, decimal_places=1)
    installed_on: dt.date
    reason: str = OptionalReason


class SignboardPatch(PatchSchema, SignboardFields):
    NULLABLE = frozenset({"location", "removed_on"})

    place: str | None = Field(None, max_length=300)
    moving: bool | None = None
    message: str | None = Field(None, max_length=2000)
    sign_type: Literal[1, 2, 3] | None = None
    width_cm: Decimal | None = Field(None, gt=0, max_digits=8, decimal_places=1)
    height_cm: Decimal | None = Field(None, gt=0, max_digits=8, decimal_places=1)
    installed_on: dt.date | None = None
    removed_on: dt.date | None = None
    reason: str = Reason


class SignboardOut(Schema):
    id: int
    owner_id: int
    parcel: str | None
    building_id: int | None
    place: str
    location: GeoJSON | None
    sign_type: int
    moving: bool
    width_cm: Decimal
    height_cm: Decimal
    area_cm2: Decimal
    message: str
    installed_on: dt.date
    removed_on: dt.date | None
    photo: str | None

    @staticmethod
    def resolve_parcel(obj) -> str | None:
        return obj.parcel.code if obj.parcel_id else None

    @staticmethod
    def resolve_location(obj) -> GeoJSON | None:
        return _geojson_out(obj.location)

    @staticmethod
    def resolve_photo(obj) -> str | None:
        return obj.photo.url if obj.photo else None


class ParcelCardOut(ParcelOut):
    """The parcel card of the map: the parcel, its buildings, current owners and signboards."""

    buildings: list[BuildingOut] = Field(..., alias="active_buildings")
    ownerships: list[OwnershipOut] = Field(..., alias="current_ownerships")
    signboards: list[SignboardOut] = Field(..., alias="active_signboards")


# --- valuation tables ------------------------------------------------------------------------------------------


class TaxYearIn(Schema):
    year: int = Field(..., ge=2020, le=2399, description="C.E. tax year (B.E. − 543)")
    copy_from: int | None = Field(None, description="Copy the rule data and prices of this year")
    reason: str = OptionalReason


class TaxYearPatch(PatchSchema):
    """Rule data as JSON, decimals as strings; validated by building the rule dataclasses."""

    NULLABLE = frozenset({"sign_rates"})

    status: Literal[tuple(TaxYear.Status.values)] | None = None  # type: ignore[valid-type]
    rate_schedules: dict[str, list[dict[str, Any]]] | None = None
    exemptions: dict[str, Any] | None = None
    ceilings: dict[str, Any] | None = None
    vacant_escalation: dict[str, Any] | None = None
    reduction_percent: Percent | None = None
    max_reduction_percent: Percent | None = None
    depreciation: dict[str, Any] | None = None
    sign_rates: dict[str, Any] | None = None
    land_building_penalties: dict[str, Any] | None = None
    signboard_penalties: dict[str, Any] | None = None
    calendar: dict[str, Any] | None = Field(None, description="Only the dates sent are changed")
    note: str | None = Field(None, max_length=2000)
    reason: str = Reason


class TaxYearSummaryOut(Schema):
    year: int
    year_be: int
    status: str
    reduction_percent: Decimal
    updated_at: dt.datetime

    @staticmethod
    def resolve_year_be(obj) -> int:
        return buddhist_era(obj.year)


class TaxYearOut(TaxYearSummaryOut):
    rate_schedules: dict[str, Any]
    exemptions: dict[str, Any]
    ceilings: dict[str, Any]
    vacant_escalation: dict[str, Any]
    max_reduction_percent: Decimal
    depreciation: dict[str, Any]
    sign_rates: dict[str, Any] | None
    land_building_penalties: dict[str, Any]
    signboard_penalties: dict[str, Any]
    calendar: dict[str, Any]
    note: str


class LandPriceIn(Schema):
    key: str = Field(
        ..., pattern=r"^[0-9]{2}([A-Za-z]([0-9]{3})?)?$", description="zone 01, block 01A, parcel 01A001"
    )
    price_per_square_wah: Decimal = Field(..., ge=0, max_digits=14, decimal_places=2)
    note: str = Field("", max_length=200)
    reason: str = OptionalReason


class LandPriceOut(Schema):
    key: str
    price_per_square_wah: Decimal
    note: str


class BuildingPriceIn(Schema):
    type_code: str = Field(..., pattern=r"^[0-9]{3,4}$")
    price_per_square_metre: Decimal = Field(..., ge=0, max_digits=12, decimal_places=2)
    description: str = Field("", max_length=200)
    reason: str = OptionalReason


class BuildingPriceOut(Schema):
    type_code: str
    description: str
    price_per_square_metre: Decimal


class CondoPriceIn(Schema):
    condominium_code: str = Field(..., min_length=1, max_length=30)
    floor: int | None = Field(None, ge=-10, le=300, description="Empty: every floor")
    price_per_square_metre: Decimal = Field(..., ge=0, max_digits=12, decimal_places=2)
    reason: str = OptionalReason


class CondoPriceOut(Schema):
    condominium_code: str
    floor: int | None
    price_per_square_metre: Decimal


# --- imports ---------------------------------------------------------------------------------------------------


class RejectionOut(Schema):
    row: int
    field: str
    message: str
    key: str


class ImportReportOut(Schema):
    kind: str
    filename: str
    dry_run: bool
    rows_total: int
    accepted: int
    imported: int
    rejected_rows: int
    rejected: list[RejectionOut]
    source_srid: int | None
    batch_id: int | None
