"""Checks shared by services, forms and the admin: every refusal names the field and says what is wrong."""

import re

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point, Polygon
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from muang.core.errors import InvalidInput
from muang.core.geo import SRID
from muang.core.models import (
    LOCAL_GOVERNMENT_KINDS,
    OVERSIGHT_KINDS,
    ROLES_WITH_DEPARTMENT,
    Membership,
    Organization,
    OrganizationKind,
    Role,
)

# A person's phone number as citizens and staff type it: digits, spaces and hyphens, an optional leading +.
PHONE_PATTERN = r"^\+?[0-9 -]{9,20}$"

# Thailand's extent with a small margin (lon 97.34–105.64 E, lat 5.61–20.46 N).
THAILAND_BBOX = Polygon.from_bbox((97.2, 5.5, 105.8, 20.6))
THAILAND_BBOX.srid = SRID


def check_point_in_thailand(lon: float, lat: float, field: str = "location") -> None:
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValidationError(
            {
                field: _("Coordinates out of range: longitude %(lon)s, latitude %(lat)s.")
                % {"lon": lon, "lat": lat}
            }
        )
    if not THAILAND_BBOX.contains(GEOSGeometry(f"SRID={SRID};POINT({lon} {lat})")):
        raise ValidationError(
            {field: _("The point (%(lat)s, %(lon)s) is outside Thailand.") % {"lon": lon, "lat": lat}}
        )


def clean_phone(value: str | None, *, field: str = "phone") -> str:
    """A citizen's phone number, stripped: empty, or 9 to 20 digits (spaces, hyphens, a leading +), else
    InvalidInput naming `field`. Never cut to fit: a number that does not fit is refused."""
    phone = (value or "").strip()
    if phone and not re.fullmatch(PHONE_PATTERN, phone):
        raise InvalidInput.for_field(field, _("A phone number is 9 to 20 digits."))
    return phone


def point_from(*, lat: float, lon: float) -> Point:
    """A validated WGS84 point (range, then inside Thailand), or InvalidInput naming `location`."""
    try:
        check_point_in_thailand(float(lon), float(lat))
    except (TypeError, ValueError) as e:
        raise InvalidInput.for_field("location", _("Latitude and longitude must be numbers.")) from e
    except ValidationError as e:
        raise InvalidInput.from_validation_error(e) from e
    return Point(float(lon), float(lat), srid=SRID)


def clean_boundary(geometry: GEOSGeometry | None, field: str = "boundary") -> MultiPolygon | None:
    """A boundary must be a valid (Multi)Polygon in WGS84 lying inside Thailand; a Polygon becomes a MultiPolygon."""
    if geometry is None:
        return None
    if geometry.srid not in (None, SRID):
        geometry = geometry.transform(SRID, clone=True)
    if geometry.geom_type == "Polygon":
        geometry = MultiPolygon(geometry, srid=SRID)
    if geometry.geom_type != "MultiPolygon":
        raise ValidationError(
            {
                field: _("A boundary must be a Polygon or MultiPolygon, not a %(type)s.")
                % {"type": geometry.geom_type}
            }
        )
    geometry.srid = SRID
    if geometry.empty:
        raise ValidationError({field: _("The boundary is empty.")})
    if not geometry.valid:
        raise ValidationError(
            {field: _("The boundary is not a valid polygon: %(reason)s.") % {"reason": geometry.valid_reason}}
        )
    if not THAILAND_BBOX.contains(geometry):
        raise ValidationError({field: _("The boundary lies outside Thailand.")})
    return geometry


def validate_organization(org: Organization) -> None:
    errors: dict[str, str] = {}
    if org.dla_code and org.kind not in LOCAL_GOVERNMENT_KINDS:
        errors["dla_code"] = _("Only a local government has a DLA code.")
    if org.district_id and org.province_id and not org.district_id.startswith(org.province_id):
        errors["district"] = _("District %(d)s is not in province %(p)s.") % {
            "d": org.district_id,
            "p": org.province_id,
        }
    if org.subdistrict_id and org.district_id and not org.subdistrict_id.startswith(org.district_id):
        errors["subdistrict"] = _("Subdistrict %(s)s is not in district %(d)s.") % {
            "s": org.subdistrict_id,
            "d": org.district_id,
        }
    if org.kind == OrganizationKind.DISTRICT_OFFICE and not org.district_id:
        errors["district"] = _("A district office needs its district.")
    if org.kind in LOCAL_GOVERNMENT_KINDS and org.kind != OrganizationKind.PAO and not org.district_id:
        errors["district"] = _("A municipality or SAO needs its district.")
    if org.dla_code:
        clash = Organization.objects.filter(dla_code=org.dla_code).exclude(pk=org.pk).first()
        if clash:
            errors["dla_code"] = _("DLA code %(code)s already belongs to %(org)s.") % {
                "code": org.dla_code,
                "org": clash,
            }
    if errors:
        raise ValidationError(errors)
    if org.boundary is not None:
        org.boundary = clean_boundary(org.boundary)


def validate_membership(m: Membership) -> None:
    if m.role in ROLES_WITH_DEPARTMENT and not m.department_id:
        raise ValidationError({"department": _("An officer or department head belongs to a department.")})
    if m.department_id and m.department.organization_id != m.organization_id:
        raise ValidationError({"department": _("This department belongs to another organisation.")})
    if m.role == Role.OVERSEER and m.organization.kind not in OVERSIGHT_KINDS:
        raise ValidationError({"role": _("Overseers work in a district or province office.")})
