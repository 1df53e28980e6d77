"""Which organisation receives a report at a point: the local government whose boundary contains it.

Where a municipality or SAO lies inside a PAO (อบจ.), the smaller one is responsible for local matters, so it
wins; a PAO receives only points no smaller local government covers.
"""

from dataclasses import dataclass

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext as _

from muang.core.errors import MuangError
from muang.core.models import LOCAL_GOVERNMENT_KINDS, Organization, OrganizationKind
from muang.core.validation import point_from  # noqa: F401 (the intake channels import it from here)


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
