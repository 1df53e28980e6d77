"""Property endpoints: the registry (parcels, buildings, condominium units, owners, ownerships, house
registrations, signboards), its map layer, imports and exports, and the valuation tables of each tax year.

Thin: each operation resolves the organisation (checking the permission), calls one selector or service,
and shapes the answer. Errors are the services' domain errors, rendered as problem+json by muang.api.
"""

import datetime as dt

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from muang.core import geo
from muang.core.access import Actor, get_organization_for
from muang.core.api import actor
from muang.core.errors import InvalidInput
from muang.core.pagination import paginated
from muang.core.schemas import AuditEntryOut
from muang.property.assessment.services import valuation
from muang.property.openapi import keep_operation_ids
from muang.property.permissions import PropertyPerm
from muang.property.registry import selectors, tiles
from muang.property.registry.services import exports, imports, owners, registry, signboards
from muang.property.schemas import (
    BuildingIn,
    BuildingOut,
    BuildingPatch,
    BuildingPriceIn,
    BuildingPriceOut,
    CondoPriceIn,
    CondoPriceOut,
    CondoUnitIn,
    CondoUnitOut,
    CondoUnitPatch,
    HouseRegistrationEnd,
    HouseRegistrationIn,
    HouseRegistrationOut,
    ImportReportOut,
    LandPriceIn,
    LandPriceOut,
    OwnerIn,
    OwnerOut,
    OwnerPatch,
    OwnershipEnd,
    OwnershipIn,
    OwnershipOut,
    ParcelCardOut,
    ParcelIn,
    ParcelOut,
    ParcelPatch,
    ParcelSummaryOut,
    SignboardIn,
    SignboardOut,
    SignboardPatch,
    TaxYearIn,
    TaxYearOut,
    TaxYearPatch,
    TaxYearSummaryOut,
)

router = Router()
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
ORG = "/organizations/{slug}"
GEOJSON = geo.GEOJSON_CONTENT_TYPE
MVT = geo.MVT_CONTENT_TYPE
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(file: UploadedFile) -> bytes:
    if file.size is not None and file.size > MAX_UPLOAD_BYTES:
        raise InvalidInput.for_field("file", "A file may be at most 200 MB.")
    return file.read()


def _file_response(content, content_type: str, filename: str, *, stream: bool = False) -> HttpResponse:
    response = (StreamingHttpResponse if stream else HttpResponse)(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- parcels ---------------------------------------------------------------------------------------------------


@router.get(f"{ORG}/parcels", response=list[ParcelSummaryOut], tags=["parcels"])
@paginated()
def parcels_list(
    request: HttpRequest,
    slug: str,
    bbox: str | None = Query(None, description="min_lon,min_lat,max_lon,max_lat", max_length=100),
    q: str = Query("", max_length=60, description="parcel code prefix, deed number or land number"),
    zone: str | None = Query(None, pattern=r"^[0-9]{2}$"),
    use: str | None = Query(None, pattern="^(agricultural|residential|other|vacant|mixed)$"),
    survey_status: str | None = Query(None, pattern="^(not_surveyed|surveyed|verified)$"),
):
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.PROPERTY_VIEW)
    return selectors.parcels_of(
        actor=a,
        organization=organization,
        bbox=selectors.parse_bbox(bbox) if bbox else None,
        q=q,
        zone=zone,
        use=use,
        survey_status=survey_status,
    ).defer("geometry")


@router.get(
    f"{ORG}/parcels.geojson",
    tags=["parcels"],
    openapi_extra={
        "responses": {200: {"description": "GeoJSON FeatureCollection", "content": {GEOJSON: {}}}}
    },
)
def parcels_geojson(
    request: HttpRequest,
    slug: str,
    bbox: str = Query(..., description="min_lon,min_lat,max_lon,max_lat (WGS84)", max_length=100),
):
    """The map layer: parcels in a box (at most 5,000; `truncated` says when there were more)."""
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.PROPERTY_VIEW)
    body = selectors.parcels_geojson(actor=a, organization=organization, bbox=selectors.parse_bbox(bbox))
    return geo.geojson_response(body)


@router.get(
    f"{ORG}/parcels/tiles/{{z}}/{{x}}/{{y}}.mvt",
    tags=["parcels"],
    openapi_extra={"responses": {200: {"description": "Mapbox Vector Tile", "content": {MVT: {}}}}},
)
def parcels_tile(request: HttpRequest, slug: str, z: int, x: int, y: int):
    """The map layer as vector tiles (layer `parcels`: code, use, survey_status, exemption)."""
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.PROPERTY_VIEW)
    tile = tiles.parcel_tile(actor=a, organization=organization, z=z, x=x, y=y)
    return geo.tile_response(tile)


@router.get(f"{ORG}/parcels/{{code}}", response=ParcelCardOut, tags=["parcels"])
def parcels_get(request: HttpRequest, slug: str, code: str, as_of: dt.date | None = None):
    """The parcel card: the parcel, its buildings, its owners on `as_of` (default today), its signboards."""
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.PROPERTY_VIEW)
    return selectors.parcel_card(actor=a, organization=organization, code=code, as_of=as_of)


@router.post(f"{ORG}/parcels", response={201: ParcelOut}, tags=["parcels"])
def parcels_create(request: HttpRequest, slug: str, payload: ParcelIn):
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.PROPERTY_EDIT)
    data = payload.to_data()
    return Status(
        201, registry.parcel_create(actor=a, organization=organization, reason=payload.reason, **data)
    )


@router.patch(f"{ORG}/parcels/{{code}}", response=ParcelOut, tags=["parcels"])
def parcels_update(request: HttpRequest, slug: str, code: str, payload: ParcelPatch):
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.PROPERTY_EDIT)
    parcel = selectors.get_parcel_for(actor=a, organization=organization, code=code)
    return registry.parcel_update(
        actor=a, parcel=parcel, data=payload.to_data(exclude_unset=True), reason=payload.reason
    )


@router.get(f"{ORG}/parcels/{{code}}/history", response=list[AuditEntryOut], tags=["parcels"])
@paginated()
def parcels_history(request: HttpRequest, slug: str, code: str):
    """Who changed what and why: the parcel and its buildings, units, ownerships and signboards."""
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.PROPERTY_VIEW)
    parcel = selectors.get_parcel_for(actor=a, organization=organization, code=code)
    return selectors.registry_history(actor=a, organization=organization, parcel=parcel)


@router.post(f"{ORG}/parcel-imports", response=ImportReportOut, tags=["imports"])
def parcels_import(
    request: HttpRequest,
    slug: str,
    file: File[UploadedFile],
    dry_run: Form[bool] = True,
    srid: Form[int | None] = None,
    skip_rejected: Form[bool] = False,
    default_use: Form[str | None] = None,
    reason: Form[str] = "",
):
    """Parcels from GeoJSON, CSV / Excel (WKT, lat/lon or x/y columns) or a zipped Shapefile.

    `dry_run` (the default) reports every rejected row and why, and writes nothing. Give `srid` for files
    without a coordinate system of their own, e.g. 24047 for Land Office data (Indian 1975 / UTM 47N).
    """
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.PROPERTY_EDIT)
    return imports.parcel_import(
        actor=a,
        organization=organization,
        data=_upload(file),
        filename=file.name or "upload",
        srid=srid,
        dry_run=dry_run,
        skip_rejected=skip_rejected,
        default_use=default_use or None,
        reason=reason,
    )


@router.get(
    f"{ORG}/registry.geojson",
    tags=["exports"],
    openapi_extra={
        "responses": {200: {"description": "GeoJSON FeatureCollection", "content": {GEOJSON: {}}}}
    },
)
def registry_geojson(request: HttpRequest, slug: str):
    """Every active parcel with its attributes (no personal data), streamed."""
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.PROPERTY_VIEW)
    chunks = exports.parcels_geojson_chunks(actor=a, organization=organization)
    return geo.geojson_response(chunks, filename=f"{organization.slug}-parcels.geojson")


@router.get(
    f"{ORG}/registry.xlsx",
    tags=["exports"],
    openapi_extra={"responses": {200: {"description": "Excel workbook", "content": {XLSX: {}}}}},
)
def registry_xlsx(request: HttpRequest, slug: str):
    """The whole registry as a workbook, one sheet per table."""
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.PROPERTY_VIEW)
    body = exports.registry_xlsx(actor=a, organization=organization)
    return _file_response(body, XLSX, exports.registry_filename(organization))


# --- buildings -------------------------------------------------------------------------------------------------


@router.get(f"{ORG}/buildings", response=list[BuildingOut], tags=["buildings"])
@paginated()
def buildings_list(request: HttpRequest, slug: str, parcel: str | None = Query(None, max_length=6)):
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.PROPERTY_VIEW)
    on = selectors.get_parcel_for(actor=a, organization=organization, code=parcel) if parcel else None
    return selectors.buildings_of(actor=a, organization=organization, parcel=on)


@router.post(f"{ORG}/parcels/{{code}}/buildings", response={201: BuildingOut}, tags=["buildings"])
def buildings_create(request: HttpRequest, slug: str, code: str, payload: BuildingIn):
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.PROPERTY_EDIT)
    parcel = selectors.get_parcel_for(actor=a, organization=organization, code=code)
    return Status(
        201, registry.building_add(actor=a, parcel=parcel, reason=payload.reason, **payload.to_data())
    )


@router.patch(f"{ORG}/buildings/{{building_id}}", response=BuildingOut, tags=["buildings"])
def buildings_update(request: HttpRequest, slug: str, building_id: int, payload: BuildingPatch):
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.PROPERTY_EDIT)
    building = selectors.get_building_for(actor=a, organization=organization, building_id=building_id)
    return registry.building_update(
        actor=a, building=building, data=payload.to_data(exclude_unset=True), reason=payload.reason
    )


# --- condominium units -----------------------------------------------------------------------------------------


@router.get(f"{ORG}/condo-units", response=list[CondoUnitOut], tags=["condominium units"])
@paginated()
def condo_units_list(request: HttpRequest, slug: str, condominium: str = Query("", max_length=30)):
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.PROPERTY_VIEW)
    return selectors.condo_units_of(
        actor=a, organization=organization, condominium_code=condominium
    ).select_related("parcel")


@router.post(f"{ORG}/condo-units", response={201: CondoUnitOut}, tags=["condominium units"])
def condo_units_create(request: HttpRequest, slug: str, payload: CondoUnitIn):
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.PROPERTY_EDIT)
    data = payload.dict(exclude={"parcel_code", "reason"})
    parcel = (
        selectors.get_parcel_for(actor=a, organization=organization, code=payload.parcel_code)
        if payload.parcel_code
        else None
    )
    unit = registry.condo_unit_create(
        actor=a, organization=organization, parcel=parcel, reason=payload.reason, **data
    )
    return Status(201, unit)


@router.patch(f"{ORG}/condo-units/{{unit_id}}", response=CondoUnitOut, tags=["condominium units"])
def condo_units_update(request: HttpRequest, slug: str, unit_id: int, payload: CondoUnitPatch):
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.PROPERTY_EDIT)
    unit = selectors.get_condo_unit_for(actor=a, organization=organization, unit_id=unit_id)
    data = payload.dict(exclude_unset=True, exclude={"reason"})
    return registry.condo_unit_update(actor=a, unit=unit, data=data, reason=payload.reason)


# --- owners, ownerships, house registrations -------------------------------------------------------------------


@router.get(f"{ORG}/owners", response=list[OwnerOut], tags=["owners"])
@paginated()
def owners_list(request: HttpRequest, slug: str, q: str = Query("", max_length=100)):
    """Owners by name or family name, or by exact national / tax ID."""
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.PROPERTY_VIEW)
    return selectors.owners_of(actor=a, organization=organization, q=q)


@router.get(f"{ORG}/owners/{{owner_id}}", response=OwnerOut, tags=["owners"])
def owners_get(request: HttpRequest, slug: str, owner_id: int):
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.PROPERTY_VIEW)
    return selectors.get_owner_for(actor=a, organization=organization, owner_id=owner_id)


@router.post(f"{ORG}/owners", response={201: OwnerOut}, tags=["owners"])
def owners_create(request: HttpRequest, slug: str, payload: OwnerIn):
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.PROPERTY_EDIT)
    return Status(201, owners.owner_create(actor=a, organization=organization, **payload.dict()))


@router.patch(f"{ORG}/owners/{{owner_id}}", response=OwnerOut, tags=["owners"])
def owners_update(request: HttpRequest, slug: str, owner_id: int, payload: OwnerPatch):
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.PROPERTY_EDIT)
    owner = selectors.get_owner_for(actor=a, organization=organization, owner_id=owner_id)
    data = payload.dict(exclude_unset=True, exclude={"reason"})
    return owners.owner_update(actor=a, owner=owner, data=data, reason=payload.reason)


@router.get(f"{ORG}/owners/{{owner_id}}/ownerships", response=list[OwnershipOut], tags=["owners"])
def owners_ownerships(request: HttpRequest, slug: str, owner_id: int):
    """Everything the owner holds or held, with the periods."""
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.PROPERTY_VIEW)
    owner = selectors.get_owner_for(actor=a, organization=organization, owner_id=owner_id)
    return list(selectors.ownerships_of(actor=a, organization=organization, owner=owner))


def _property_target(a: Actor, organization, payload) -> dict:
    """The parcel, building or unit a payload names by `parcel_code`, `building_id` or `condo_unit_id`."""
    code = getattr(payload, "parcel_code", None)
    building_id = getattr(payload, "building_id", None)
    unit_id = getattr(payload, "condo_unit_id", None)
    return {
        "parcel": selectors.get_parcel_for(actor=a, organization=organization, code=code) if code else None,
        "building": selectors.get_building_for(actor=a, organization=organization, building_id=building_id)
        if building_id
        else None,
        "condo_unit": selectors.get_condo_unit_for(actor=a, organization=organization, unit_id=unit_id)
        if unit_id
        else None,
    }


@router.post(f"{ORG}/ownerships", response={201: OwnershipOut}, tags=["owners"])
def ownerships_create(request: HttpRequest, slug: str, payload: OwnershipIn):
    """An owner's share of a parcel, building or unit from a date (ended by POST …/end, e.g. on a sale)."""
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.PROPERTY_EDIT)
    owner = selectors.get_owner_for(actor=a, organization=organization, owner_id=payload.owner_id)
    ownership = owners.ownership_add(
        actor=a,
        organization=organization,
        owner=owner,
        kind=payload.kind,
        share_numerator=payload.share_numerator,
        share_denominator=payload.share_denominator,
        valid_from=payload.valid_from,
        document=payload.document,
        reason=payload.reason,
        **_property_target(a, organization, payload),
    )
    return Status(201, ownership)


@router.post(f"{ORG}/ownerships/{{ownership_id}}/end", response=OwnershipOut, tags=["owners"])
def ownerships_end(request: HttpRequest, slug: str, ownership_id: int, payload: OwnershipEnd):
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.PROPERTY_EDIT)
    ownership = selectors.get_ownership_for(actor=a, organization=organization, ownership_id=ownership_id)
    return owners.ownership_end(
        actor=a, ownership=ownership, valid_to=payload.valid_to, reason=payload.reason
    )


@router.post(f"{ORG}/house-registrations", response={201: HouseRegistrationOut}, tags=["owners"])
def house_registrations_create(request: HttpRequest, slug: str, payload: HouseRegistrationIn):
    """The owner's name in the house registration of a home (for the s.41 residence exemptions)."""
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.PROPERTY_EDIT)
    owner = selectors.get_owner_for(actor=a, organization=organization, owner_id=payload.owner_id)
    target = _property_target(a, organization, payload)
    registration = owners.house_registration_add(
        actor=a,
        organization=organization,
        owner=owner,
        registered_on=payload.registered_on,
        building=target["building"],
        condo_unit=target["condo_unit"],
        reason=payload.reason,
    )
    return Status(201, registration)


@router.post(
    f"{ORG}/house-registrations/{{registration_id}}/end", response=HouseRegistrationOut, tags=["owners"]
)
def house_registrations_end(
    request: HttpRequest, slug: str, registration_id: int, payload: HouseRegistrationEnd
):
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.PROPERTY_EDIT)
    registration = selectors.get_house_registration_for(
        actor=a, organization=organization, registration_id=registration_id
    )
    return owners.house_registration_end(
        actor=a, registration=registration, moved_out_on=payload.moved_out_on, reason=payload.reason
    )


# --- signboards ------------------------------------------------------------------------------------------------


@router.get(f"{ORG}/signboards", response=list[SignboardOut], tags=["signboards"])
@paginated()
def signboards_list(
    request: HttpRequest,
    slug: str,
    owner_id: int | None = None,
    parcel: str | None = Query(None, max_length=6),
    include_removed: bool = False,
):
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.PROPERTY_VIEW)
    owner = (
        selectors.get_owner_for(actor=a, organization=organization, owner_id=owner_id) if owner_id else None
    )
    on = selectors.get_parcel_for(actor=a, organization=organization, code=parcel) if parcel else None
    return selectors.signboards_of(
        actor=a, organization=organization, owner=owner, parcel=on, include_removed=include_removed
    )


@router.post(f"{ORG}/signboards", response={201: SignboardOut}, tags=["signboards"])
def signboards_create(request: HttpRequest, slug: str, payload: SignboardIn):
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.PROPERTY_EDIT)
    owner = selectors.get_owner_for(actor=a, organization=organization, owner_id=payload.owner_id)
    target = _property_target(a, organization, payload)
    data = payload.to_data(exclude={"owner_id", "parcel_code", "building_id"})
    sign = signboards.signboard_create(
        actor=a,
        organization=organization,
        owner=owner,
        parcel=target["parcel"],
        building=target["building"],
        reason=payload.reason,
        **data,
    )
    return Status(201, sign)


@router.patch(f"{ORG}/signboards/{{signboard_id}}", response=SignboardOut, tags=["signboards"])
def signboards_update(request: HttpRequest, slug: str, signboard_id: int, payload: SignboardPatch):
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.PROPERTY_EDIT)
    sign = selectors.get_signboard_for(actor=a, organization=organization, signboard_id=signboard_id)
    return signboards.signboard_update(
        actor=a, signboard=sign, data=payload.to_data(exclude_unset=True), reason=payload.reason
    )


@router.post(f"{ORG}/signboards/{{signboard_id}}/photo", response=SignboardOut, tags=["signboards"])
def signboards_photo(
    request: HttpRequest, slug: str, signboard_id: int, photo: File[UploadedFile], reason: Form[str] = ""
):
    """A photo of the sign (JPEG, PNG or WebP, at most 10 MB), e.g. from the field survey."""
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.PROPERTY_EDIT)
    sign = selectors.get_signboard_for(actor=a, organization=organization, signboard_id=signboard_id)
    return signboards.signboard_set_photo(actor=a, signboard=sign, photo=photo, reason=reason)


# --- valuation tables ------------------------------------------------------------------------------------------


@router.get(f"{ORG}/tax-years", response=list[TaxYearSummaryOut], tags=["valuation"])
def tax_years_list(request: HttpRequest, slug: str):
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.PROPERTY_VIEW)
    return list(selectors.tax_years_of(actor=a, organization=organization))


@router.post(f"{ORG}/tax-years", response={201: TaxYearOut}, tags=["valuation"])
def tax_years_create(request: HttpRequest, slug: str, payload: TaxYearIn):
    """A new tax year with the national defaults, or a copy of another year's rules and prices."""
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.VALUATION_EDIT)
    source = (
        selectors.get_tax_year_for(actor=a, organization=organization, year=payload.copy_from)
        if payload.copy_from
        else None
    )
    tax_year = valuation.tax_year_create(
        actor=a, organization=organization, year=payload.year, copy_from=source, reason=payload.reason
    )
    return Status(201, tax_year)


@router.get(f"{ORG}/tax-years/{{year}}", response=TaxYearOut, tags=["valuation"])
def tax_years_get(request: HttpRequest, slug: str, year: int):
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.PROPERTY_VIEW)
    return selectors.get_tax_year_for(actor=a, organization=organization, year=year)


@router.patch(f"{ORG}/tax-years/{{year}}", response=TaxYearOut, tags=["valuation"])
def tax_years_update(request: HttpRequest, slug: str, year: int, payload: TaxYearPatch):
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.VALUATION_EDIT)
    tax_year = selectors.get_tax_year_for(actor=a, organization=organization, year=year)
    data = payload.dict(exclude_unset=True, exclude={"reason"})
    return valuation.tax_year_update(actor=a, tax_year=tax_year, data=data, reason=payload.reason)


@router.post(f"{ORG}/tax-years/{{year}}/imports", response=ImportReportOut, tags=["valuation"])
def tax_years_import(
    request: HttpRequest,
    slug: str,
    year: int,
    file: File[UploadedFile],
    table: Form[str],
    dry_run: Form[bool] = True,
    replace: Form[bool] = False,
    reason: Form[str] = "",
):
    """One table of the year from .csv or .xlsx: land_prices, building_prices, condo_prices, rate_brackets or
    depreciation (columns in the service's documentation). A dry run (the default) writes nothing."""
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.VALUATION_EDIT)
    tax_year = selectors.get_tax_year_for(actor=a, organization=organization, year=year)
    return valuation.valuation_table_import(
        actor=a,
        tax_year=tax_year,
        table=table,
        data=_upload(file),
        filename=file.name or "upload",
        dry_run=dry_run,
        replace=replace,
        reason=reason,
    )


@router.get(f"{ORG}/tax-years/{{year}}/land-prices", response=list[LandPriceOut], tags=["valuation"])
@paginated()
def land_prices_list(request: HttpRequest, slug: str, year: int, key: str = Query("", max_length=6)):
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.PROPERTY_VIEW)
    tax_year = selectors.get_tax_year_for(actor=a, organization=organization, year=year)
    return selectors.land_prices_of(actor=a, tax_year=tax_year, key_prefix=key)


@router.put(f"{ORG}/tax-years/{{year}}/land-prices", response=LandPriceOut, tags=["valuation"])
def land_prices_set(request: HttpRequest, slug: str, year: int, payload: LandPriceIn):
    """Set the price of a zone, block or parcel (created or replaced)."""
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.VALUATION_EDIT)
    tax_year = selectors.get_tax_year_for(actor=a, organization=organization, year=year)
    return valuation.land_price_set(actor=a, tax_year=tax_year, **payload.dict())


@router.get(f"{ORG}/tax-years/{{year}}/building-prices", response=list[BuildingPriceOut], tags=["valuation"])
@paginated()
def building_prices_list(request: HttpRequest, slug: str, year: int):
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.PROPERTY_VIEW)
    tax_year = selectors.get_tax_year_for(actor=a, organization=organization, year=year)
    return selectors.building_prices_of(actor=a, tax_year=tax_year)


@router.put(f"{ORG}/tax-years/{{year}}/building-prices", response=BuildingPriceOut, tags=["valuation"])
def building_prices_set(request: HttpRequest, slug: str, year: int, payload: BuildingPriceIn):
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.VALUATION_EDIT)
    tax_year = selectors.get_tax_year_for(actor=a, organization=organization, year=year)
    return valuation.building_price_set(actor=a, tax_year=tax_year, **payload.dict())


@router.get(f"{ORG}/tax-years/{{year}}/condo-prices", response=list[CondoPriceOut], tags=["valuation"])
@paginated()
def condo_prices_list(request: HttpRequest, slug: str, year: int):
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.PROPERTY_VIEW)
    tax_year = selectors.get_tax_year_for(actor=a, organization=organization, year=year)
    return selectors.condo_prices_of(actor=a, tax_year=tax_year)


@router.put(f"{ORG}/tax-years/{{year}}/condo-prices", response=CondoPriceOut, tags=["valuation"])
def condo_prices_set(request: HttpRequest, slug: str, year: int, payload: CondoPriceIn):
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.VALUATION_EDIT)
    tax_year = selectors.get_tax_year_for(actor=a, organization=organization, year=year)
    return valuation.condo_price_set(actor=a, tax_year=tax_year, **payload.dict())


keep_operation_ids(router, "muang.property.api")  # the ids published before the move to this sub-package
