"""The staff tax map (แผนที่ภาษี): parcels coloured by their status in a tax year, buildings and signboards as
layers, search, and the parcel card. Data for the map comes as GeoJSON of the box in view."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from muang.core import geo, uploads
from muang.core.access import Actor
from muang.core.errors import InvalidInput
from muang.core.models import Organization
from muang.property.permissions import PropertyPerm
from muang.property.registry import selectors_map as sm
from muang.property.registry.selectors import parse_bbox

from . import property_view

MIN_PARCEL_ZOOM = 15  # below it a box holds too many parcels to draw; the map asks to zoom in


def _year(request: HttpRequest) -> int:
    return sm.clean_year(request.GET.get("year"))


def _geojson(text: str) -> HttpResponse:
    return geo.geojson_response(text, cache_control="private, no-store")  # statuses change with every payment


def _map_start(organization: Organization) -> list[float] | None:
    """[west, south, east, north] of the organisation's boundary, to open the map on it."""
    return geo.bounds(organization.boundary)


@property_view()
@require_GET
def map_page(request: HttpRequest, actor: Actor, organization: Organization) -> HttpResponse:
    try:
        year = _year(request)
        year_error = ""
    except InvalidInput as e:
        year, year_error = sm.current_tax_year(), e.detail
    return render(
        request,
        "property/map/map.html",
        {
            "organization": organization,
            "year": year,
            "year_error": year_error,
            "years": sorted({*sm.map_years(organization=organization), year}, reverse=True),
            "legend": sm.legend(),
            "can_edit": actor.has_perm(organization, PropertyPerm.PROPERTY_EDIT),
            "map_config": {
                "parcels": reverse("property-map:parcels"),
                "clusters": reverse("property-map:clusters"),
                "buildings": reverse("property-map:buildings"),
                "signboards": reverse("property-map:signboards"),
                "card": reverse("property-map:card", args=["CODE"]),
                "start": _map_start(organization),
                "minZoom": MIN_PARCEL_ZOOM,
                "clusterMinZoom": sm.CLUSTER_MIN_ZOOM,
                "year": year,
                "colours": {item["code"]: item["colour"] for item in sm.legend()},
                "labels": {item["code"]: item["label"] for item in sm.legend()},
            },
        },
    )


@property_view(json=True)
@require_GET
@gzip_page  # a street view of polygons is ~800 KB of JSON, ~150 KB gzipped: it matters on 3G
def parcels_data(request: HttpRequest, actor: Actor, organization: Organization) -> HttpResponse:
    bbox = parse_bbox(request.GET.get("bbox", ""))
    return _geojson(
        sm.map_parcels_geojson(actor=actor, organization=organization, bbox=bbox, year=_year(request))
    )


@property_view(json=True)
@require_GET
@gzip_page
def clusters_data(request: HttpRequest, actor: Actor, organization: Organization) -> HttpResponse:
    bbox = parse_bbox(request.GET.get("bbox", ""))
    try:
        zoom = int(request.GET.get("zoom", ""))
    except ValueError as e:
        raise InvalidInput.for_field("zoom", _("Give the zoom level as a number.")) from e
    return _geojson(sm.parcel_clusters(actor=actor, organization=organization, bbox=bbox, zoom=zoom))


@property_view(json=True)
@require_GET
@gzip_page
def buildings_data(request: HttpRequest, actor: Actor, organization: Organization) -> HttpResponse:
    bbox = parse_bbox(request.GET.get("bbox", ""))
    return _geojson(sm.buildings_geojson(actor=actor, organization=organization, bbox=bbox))


@property_view(json=True)
@require_GET
@gzip_page
def signboards_data(request: HttpRequest, actor: Actor, organization: Organization) -> HttpResponse:
    bbox = parse_bbox(request.GET.get("bbox", ""))
    return _geojson(sm.signboards_geojson(actor=actor, organization=organization, bbox=bbox))


@property_view()
@require_GET
def search(request: HttpRequest, actor: Actor, organization: Organization) -> HttpResponse:
    q = request.GET.get("q", "")[:100]
    hits = sm.map_search(actor=actor, organization=organization, q=q)
    return render(request, "property/map/_search.html", {"q": q.strip(), "hits": hits})


@property_view()
@require_GET
def card(request: HttpRequest, actor: Actor, organization: Organization, code: str) -> HttpResponse:
    try:
        year = _year(request)
    except InvalidInput:
        year = sm.current_tax_year()
    data = sm.map_card(actor=actor, organization=organization, code=code, year=year)
    return render(
        request,
        "property/map/_card.html",
        {
            "card": data,
            "parcel": data.parcel,
            "organization": organization,
            "colour": sm.STATUS_COLOURS[data.status],
            "can_edit": actor.has_perm(organization, PropertyPerm.PROPERTY_EDIT),
        },
    )


@property_view()
@require_GET
def photo(request: HttpRequest, actor: Actor, organization: Organization, photo_id: int) -> HttpResponse:
    """A survey photo, to signed-in staff of the organisation only (it shows someone's property)."""
    item = sm.get_parcel_photo_for(actor=actor, organization=organization, photo_id=photo_id)
    return uploads.image_response(item.file.storage, item.file.name, uploads.Visibility.PERSONAL)
