"""Input and output shapes of the core API."""

import datetime as dt
import json
from typing import Annotated, Any, ClassVar, Literal

from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from ninja import Field, Schema
from pydantic import AfterValidator, AwareDatetime, field_validator

from muang.core import registry
from muang.core.geo import SRID
from muang.core.thai_dates import in_bangkok


def _in_utc(value: dt.datetime) -> dt.datetime:
    """A moment in UTC (naive input is Bangkok time). PostgreSQL refuses UTC offsets past ±15:59, which
    ISO 8601 allows, and a moment at the edge of the calendar has no UTC equivalent: 422, not a 500."""
    try:
        return in_bangkok(value).astimezone(dt.UTC)
    except OverflowError as e:
        raise ValueError("out of range") from e


# A date and time from a client: filters take naive values as Bangkok time; what is stored must say its zone.
Instant = Annotated[dt.datetime, AfterValidator(_in_utc)]
AwareInstant = Annotated[AwareDatetime, AfterValidator(_in_utc)]


class PatchSchema(Schema):
    """A partial update: only the fields sent are changed. `null` is refused (422 naming the field) for every
    field that cannot be empty, instead of reaching a NOT NULL column; `NULLABLE` names those that can."""

    NULLABLE: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _null_only_where_allowed(cls, value, info):
        if value is None and info.field_name not in cls.NULLABLE:
            raise ValueError("may not be null: leave the field out to keep its value")
        return value


class AreaOut(Schema):
    level: Literal["province", "district", "subdistrict"]
    code: str
    name_th: str
    name_en: str
    parent_code: str | None
    full_name_th: str


class DepartmentOut(Schema):
    code: str
    name_th: str
    name_en: str
    phone: str


class DepartmentIn(Schema):
    code: str = Field(
        ..., pattern=r"^[a-z0-9][a-z0-9-]{0,39}$", description="lower-case letters, digits, hyphens"
    )
    name_th: str = Field(..., min_length=1, max_length=200)
    name_en: str = Field(..., min_length=1, max_length=200)
    phone: str = Field("", max_length=40)


class DepartmentPatch(PatchSchema):
    name_th: str | None = Field(None, min_length=1, max_length=200)
    name_en: str | None = Field(None, min_length=1, max_length=200)
    phone: str | None = Field(None, max_length=40)
    is_active: bool | None = None


class OrganizationSummaryOut(Schema):
    slug: str
    kind: str
    dla_code: str | None
    name_th: str
    name_en: str
    province_code: str = Field(..., alias="province_id")
    district_code: str | None = Field(None, alias="district_id")
    subdistrict_code: str | None = Field(None, alias="subdistrict_id")


class OrganizationOut(OrganizationSummaryOut):
    address: str
    phone: str
    email: str
    website: str
    boundary: dict[str, Any] | None

    @staticmethod
    def resolve_boundary(obj) -> dict[str, Any] | None:
        return json.loads(obj.boundary.geojson) if obj.boundary else None


def _geometry_from_geojson(value: dict[str, Any] | None) -> GEOSGeometry | None:
    if value is None:
        return None
    try:
        geometry = GEOSGeometry(json.dumps(value))
    except (GEOSException, GDALException, ValueError, TypeError) as e:
        raise ValueError(f"not a GeoJSON geometry: {e}") from e
    geometry.srid = SRID
    return geometry


class OrganizationPatch(PatchSchema):
    NULLABLE = frozenset({"boundary"})

    name_th: str | None = Field(None, min_length=1, max_length=200)
    name_en: str | None = Field(None, min_length=1, max_length=200)
    address: str | None = Field(None, max_length=1000)
    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=254)
    website: str | None = Field(None, max_length=200)
    boundary: dict[str, Any] | None = Field(None, description="GeoJSON Polygon or MultiPolygon in WGS84")

    @field_validator("boundary")
    @classmethod
    def boundary_is_geojson(cls, value):
        _geometry_from_geojson(value)
        return value

    def to_changes(self) -> dict[str, Any]:
        data = self.model_dump(exclude_unset=True)
        if "boundary" in data:
            data["boundary"] = _geometry_from_geojson(data["boundary"])
        return data


class MembershipOut(Schema):
    organization: OrganizationSummaryOut
    role: str
    department: str | None = Field(None, alias="department.code")
    title: str


class MeOut(Schema):
    kind: Literal["staff", "token"]
    username: str | None = None
    display_name: str | None = None
    memberships: list[MembershipOut] = []
    token_organization: str | None = None
    scopes: list[str] = []


class StaffOut(Schema):
    username: str = Field(..., alias="user.username")
    display_name: str = Field(..., alias="user.display_name")
    role: str
    department: str | None = Field(None, alias="department.code")
    title: str


class AuditEntryOut(Schema):
    id: int
    at: dt.datetime
    actor: str = Field(..., alias="actor_label")
    action: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict[str, Any]
    reason: str
    request_id: str


class RollupOut(Schema):
    organization: OrganizationSummaryOut
    area_km2: float | None
    departments: int
    staff: int


def _scope_codes(schema: dict) -> None:
    """The scopes every installed app declares, listed in the schema when it is generated."""
    schema["items"] = {"type": "string", "enum": list(registry.permission_table().scopes)}


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    scopes: list[str] = Field(..., min_length=1, json_schema_extra=_scope_codes)
    expires_at: AwareInstant | None = Field(None, description="with its time zone, e.g. +07:00")


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: dt.datetime
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreatedOut(TokenOut):
    secret: str = Field(..., description="Shown once. Store it in the integration; Muang keeps only a hash.")
