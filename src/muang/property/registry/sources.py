"""What the property app bills for, as billing's source references (``muang.billing.sources``, ADR 0011).

A land-and-building tax bill is for an owner (``property:owner:<id>``), its lines for the owner's parcels,
buildings held apart from their land, and condominium units; a signboard tax bill is for a signboard owner, its
lines for signs. The tax map, self-service and the bill exports read bills back through these kinds only.
"""

from collections.abc import Sequence

from muang.billing.sources import SourceKind, SourceRef
from muang.core.geo import SRID

OWNER = SourceKind("property", "owner")  # a land-and-building tax bill (ภ.ด.ส.6)
SIGNBOARD_OWNER = SourceKind("property", "signboard-owner")  # a signboard tax bill (ภ.ป.3)
PARCEL = SourceKind("property", "parcel")  # a line: the land, with the buildings its owner holds with it
BUILDING = SourceKind("property", "building")  # a line: a building held apart from its land
CONDO = SourceKind("property", "condo")  # a line: a condominium unit
SIGNBOARD = SourceKind("property", "signboard")  # a line: one sign


def locate(actor, organization, refs: Sequence[SourceRef]) -> dict[SourceRef, tuple[float, float]]:
    """billing's locator: (lon, lat) of parcels (their pin, else a point on their surveyed shape) and of
    buildings (their parcel's), only those the actor may read in the registry of ``organization``."""
    from django.contrib.gis.db.models import PointField
    from django.contrib.gis.db.models.functions import PointOnSurface
    from django.db.models.functions import Coalesce

    from muang.core.errors import AccessDenied
    from muang.property.registry.selectors import buildings_of, parcels_of

    parcel_ids = {r.int_key for r in refs if r.kind == PARCEL and r.int_key is not None}
    building_ids = {r.int_key for r in refs if r.kind == BUILDING and r.int_key is not None}
    if not parcel_ids and not building_ids:
        return {}
    try:
        parcel_of_building = dict(
            buildings_of(actor=actor, organization=organization)
            .filter(pk__in=building_ids)
            .values_list("pk", "parcel_id")
        )
        wanted = parcel_ids | set(parcel_of_building.values())
        points = {
            pk: (round(point.x, 6), round(point.y, 6))
            for pk, point in parcels_of(actor=actor, organization=organization, include_retired=True)
            .filter(pk__in=wanted)
            .annotate(
                point=Coalesce("location", PointOnSurface("geometry"), output_field=PointField(srid=SRID))
            )
            .values_list("pk", "point")
            if point is not None
        }
    except AccessDenied:
        return {}
    out: dict[SourceRef, tuple[float, float]] = {}
    for ref in refs:
        if ref.kind == PARCEL:
            parcel_id = ref.int_key
        elif ref.kind == BUILDING:
            parcel_id = parcel_of_building.get(ref.int_key)
        else:
            continue
        if parcel_id in points:
            out[ref] = points[parcel_id]
    return out
