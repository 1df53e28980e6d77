"""Jurisdiction: which organisation is responsible for a point, the local government whose boundary contains it.

Where a municipality or SAO lies inside a PAO (อบจ.), the smaller one is responsible for local matters, so it
wins; a PAO receives only points no smaller local government covers.

The citizens' channels route a report with `locate_organization`; staff (the case desk, the API) file a case in
their own organisation, and `require_within` is the one check that refuses a point another one is responsible
for (issue 9, item 7: the API used to accept what the staff page refused).
"""

from dataclasses import dataclass

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import GEOSGeometry, Point
from django.utils.translation import gettext as _

from muang.core.errors import MuangError
from muang.core.geo import SRID
from muang.core.models import LOCAL_GOVERNMENT_KINDS, Organization, OrganizationKind
from muang.core.stamps import StampedCache


class ReportOutsideArea(MuangError):
    status = 422
    code = "outside_area"

    def __init__(self, detail: str, *, nearest: Organization | None, distance_km: float | None):
        super().__init__(detail, field_errors={"location": [detail]})
        self.nearest = nearest
        self.distance_km = distance_km


@dataclass(frozen=True)
class Route:
    organization: Organization
    point: Point


def _candidates():
    return Organization.objects.filter(is_active=True, kind__in=LOCAL_GOVERNMENT_KINDS).exclude(boundary=None)


# The local governments with their boundaries, loaded once per process and organisations' stamp (any change of
# an organisation reloads them): routing a report reads no table.
_areas = StampedCache("organizations", tables=("core_organization",))


@dataclass(frozen=True)
class _Area:
    organization: Organization  # its boundary deferred (the geometry is below)
    boundary: GEOSGeometry
    extent: tuple[float, float, float, float]
    pao_last: int


def _load_areas() -> list[_Area]:
    boundaries = dict(_candidates().values_list("pk", "boundary"))
    # The routed organisation travels light: its boundary is deferred (a save of it writes only what it holds).
    return [
        _Area(
            organization=organization,
            boundary=boundaries[organization.pk],
            extent=boundaries[organization.pk].extent,
            pao_last=1 if organization.kind == OrganizationKind.PAO else 0,
        )
        for organization in _candidates().defer("boundary").order_by("pk")
        if organization.pk in boundaries
    ]


def _covering(point: Point) -> Organization | None:
    """The responsible local government from the cached areas: the smallest kind wins over a PAO, then the
    lowest id (as `ORDER BY pao_last, pk` did in SQL)."""
    x, y = point.x, point.y
    found = [
        area
        for area in _areas.get("areas", _load_areas)
        if area.extent[0] <= x <= area.extent[2]
        and area.extent[1] <= y <= area.extent[3]
        and area.boundary.intersects(point)
    ]
    if not found:
        return None
    return min(found, key=lambda area: (area.pao_last, area.organization.pk)).organization


def locate_organization(point: Point) -> Route:
    """The responsible local government, or ReportOutsideArea naming the nearest one and how far it is."""
    found = _covering(point if point.srid in (None, SRID) else point.transform(SRID, clone=True))
    if found is not None:
        return Route(organization=found, point=point)
    nearest = _candidates().annotate(d=Distance("boundary", point, spheroid=True)).order_by("d").first()
    if nearest is None:
        raise ReportOutsideArea(
            _("No local government on Muang covers this place yet."), nearest=None, distance_km=None
        )
    km = round(nearest.d.km, 1)
    raise ReportOutsideArea(
        _("This place is outside every local government on Muang; the nearest is %(org)s, %(km)s km away.")
        % {"org": nearest.name_th, "km": km},
        nearest=nearest,
        distance_km=km,
    )


class OutsideJurisdiction(MuangError):
    """A point that another organisation is responsible for: staff may not file a case for it here."""

    status = 422
    code = "outside_jurisdiction"

    def __init__(self, detail: str, *, responsible: Organization, field: str):
        super().__init__(detail, field_errors={field: [detail]})
        self.responsible = responsible


def require_within(organization: Organization, point: Point, *, field: str = "location") -> None:
    """Refuse a point outside `organization`: ReportOutsideArea when no local government covers it,
    OutsideJurisdiction naming the one that does otherwise."""
    responsible = locate_organization(point).organization
    if responsible.pk != organization.pk:
        raise OutsideJurisdiction(
            _("This place is in %(org)s, not here: file it there, or file it here and forward it.")
            % {"org": responsible.name_th},
            responsible=responsible,
            field=field,
        )
