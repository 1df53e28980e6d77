"""Jurisdiction: which organisation is responsible for a point, the local government whose boundary contains it.

Where a municipality or SAO lies inside a PAO (อบจ.), the smaller one is responsible for local matters, so it
wins; a PAO receives only points no smaller local government covers.

The citizens' channels route a report with `locate_organization`; staff (the case desk, the API) file a case in
their own organisation, and `require_within` is the one check that refuses a point another one is responsible
for (issue 9, item 7: the API used to accept what the staff page refused).
"""

from dataclasses import dataclass

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext as _

from muang.core.errors import MuangError
from muang.core.models import LOCAL_GOVERNMENT_KINDS, Organization, OrganizationKind


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


def locate_organization(point: Point) -> Route:
    """The responsible local government, or ReportOutsideArea naming the nearest one and how far it is."""
    found = (
        _candidates()
        .filter(boundary__intersects=point)
        .annotate(
            pao_last=Case(
                When(kind=OrganizationKind.PAO, then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        )
        .order_by("pao_last", "pk")
        .first()
    )
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
