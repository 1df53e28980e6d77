"""Public pages: the map of reports with its bounding-box GeoJSON endpoint, the list and the statistics."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from muang.core import geo
from muang.core.errors import InvalidInput, NotFound
from muang.core.form_errors import json_errors
from muang.core.public_home import HomePanel
from muang.core.views.pages import public_page

from .. import selectors

PUBLIC_REASON = "the public side of reports: aggregates and public case facts, never a reporter"

MAX_BBOX_DEGREES = 5.0
# Zoomed out, the map reads counts per cell from an in-memory snapshot, so a larger box costs no more: up to
# what the widest screen served (a 4K monitor, 16 map tiles of 256 pixels) shows at that zoom. The whole of
# Thailand fits from zoom 5 on.
MAP_SCREEN_TILES = 16


def max_box_degrees(zoom: int) -> float:
    return max(MAX_BBOX_DEGREES, geo.grid_cell_degrees(zoom, 1) * MAP_SCREEN_TILES)


def _organization(request: HttpRequest):
    slug = request.GET.get("org", "").strip()
    if not slug:
        return None
    try:
        return selectors.public_organization(slug)
    except NotFound as e:
        raise Http404(e.detail) from e


@public_page(PUBLIC_REASON)
@require_GET
def public_map(request: HttpRequest) -> HttpResponse:
    organization = _organization(request)
    center = {"bounds": selectors.map_start_bounds(organization)}
    return render(
        request,
        "reports/map.html",
        {"organization": organization, "organizations": selectors.public_organizations(), "center": center},
    )


@public_page(PUBLIC_REASON)
@require_GET
@cache_control(public=True, max_age=30)
def public_map_data(request: HttpRequest) -> HttpResponse:
    """GeoJSON of the reports in ?bbox=min_lon,min_lat,max_lon,max_lat at ?zoom= (public fields only).

    Optional: ?org=<slug>, ?category=<code>, ?all=1 (closed ones too). Errors are JSON naming the field.
    """
    try:
        bbox = geo.BBox.parse(request.GET.get("bbox", ""))
        zoom = geo.check_zoom(
            request.GET.get("zoom", "12"), message=_("The zoom is a whole number from 0 to 22.")
        )
        bbox.check_size(max_box_degrees(zoom), _("The box is too large; zoom in."))
        organization = _organization(request)
    except InvalidInput as e:
        return json_errors(e)
    category = request.GET.get("category", "").strip()[:40] or None
    text = selectors.map_features(
        selectors.MapQuery(
            bbox=bbox,
            zoom=zoom,
            organization_id=organization.pk if organization else None,
            category=category,
            open_only=request.GET.get("all") != "1",
        )
    )
    return geo.geojson_response(text)


@public_page(PUBLIC_REASON)
@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    organization = _organization(request)
    qs = selectors.public_cases(
        organization=organization,
        open_only=request.GET.get("open") == "1",
        category=request.GET.get("category", "").strip() or None,
    )
    page = Paginator(qs, selectors.PUBLIC_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/list.html",
        {
            "organization": organization,
            "organizations": selectors.public_organizations(),
            "page": page,
            "cases": list(page.object_list),
        },
    )


@public_page(PUBLIC_REASON)
@require_GET
def public_stats(request: HttpRequest) -> HttpResponse:
    organization = _organization(request)
    stats = selectors.organization_stats(organization)  # None: every organisation's totals
    return render(
        request,
        "reports/stats.html",
        {"organization": organization, "organizations": selectors.public_organizations(), "stats": stats},
    )


def home_panel(request: HttpRequest) -> HomePanel:
    """The public home page's part from citizen reports: report, follow a report, the figures of the city."""
    return HomePanel("reports/_home_panel.html", {"totals": selectors.public_totals()})
