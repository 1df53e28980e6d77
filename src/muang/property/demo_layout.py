"""The layout of the demo tax map and its people: blocks laid on a grid inside an organisation's boundary and
cut into lots (a dense core of shophouses, town lots, larger plots, farm land), and the owners drawn for
them. Pure drawing from a seeded random generator; :mod:`muang.property.demo` writes what it draws."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon

from muang.core.geo import SRID
from muang.core.models import Organization
from muang.core.thai_id import national_id_check_digit
from muang.property import demo_data as D
from muang.property.models import (
    Owner,
    Parcel,
)
from muang.property.registry.services.common import full_clean
from muang.property.registry.services.owners import owner_values

BLOCK_M = 200  # a town block; farm blocks are twice as wide
ROAD_M = 8  # kept free around each block
METRES_PER_DEGREE_LAT = 110_574.0


# --- the map ------------------------------------------------------------------------------------------------


class _Frame:
    """Local metres (x east, y north, rotated by `angle`) around the organisation's centre, to WGS84."""

    def __init__(self, organization: Organization, angle: float):
        c = organization.boundary.centroid
        self.lon0, self.lat0 = c.x, c.y
        self.m_per_deg_lon = 111_320.0 * math.cos(math.radians(self.lat0))
        self.cos, self.sin = math.cos(angle), math.sin(angle)
        area_m2 = organization.boundary.area * self.m_per_deg_lon * METRES_PER_DEGREE_LAT
        self.radius = math.sqrt(area_m2 / math.pi)

    def lonlat(self, x: float, y: float) -> tuple[float, float]:
        xr, yr = x * self.cos - y * self.sin, x * self.sin + y * self.cos
        return round(self.lon0 + xr / self.m_per_deg_lon, 7), round(self.lat0 + yr / METRES_PER_DEGREE_LAT, 7)

    def rectangle(self, x0: float, y0: float, x1: float, y1: float) -> MultiPolygon:
        ring = [self.lonlat(x, y) for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0))]
        # Parsed from WKT in one GEOS call: building it point by point through ctypes is several times slower.
        return GEOSGeometry("MULTIPOLYGON(((" + ",".join(f"{x} {y}" for x, y in ring) + ")))", srid=SRID)


@dataclass
class _Lot:
    code: str
    ring: str
    block: str  # zone + block letter, e.g. 01A
    box: tuple[float, float, float, float]  # local metres
    shape: MultiPolygon
    parcel: Parcel | None = None
    owners: list[tuple[Owner, int, int]] = field(default_factory=list)  # (owner, numerator, denominator)


def _weighted(rng: random.Random, options: list[tuple[Any, int]]) -> Any:
    return rng.choices([o for o, _w in options], weights=[w for _o, w in options])[0]


def _layout(organization: Organization, n: int, rng: random.Random) -> tuple[_Frame, list[_Lot]]:
    """`n` lots in blocks inside the boundary, ring by ring, coded zone-block-lot."""
    frame = _Frame(organization, angle=rng.uniform(-0.35, 0.35))
    prepared = organization.boundary.prepared
    cell = 2 * BLOCK_M
    reach = math.ceil(frame.radius * 1.2 / cell)
    rings: dict[str, list[tuple[int, int]]] = {r: [] for r in D.RING_LIMITS}
    for i in range(-reach, reach + 1):
        for j in range(-reach, reach + 1):
            d = math.hypot(i, j) * cell / frame.radius
            ring = next((r for r, limit in D.RING_LIMITS.items() if d <= limit), None)
            if ring is not None:
                rings[ring].append((i, j))
    quotas = {r: round(n * share) for r, share in D.RING_SHARES.items()}
    quotas[D.RING_FARM] = n - sum(q for r, q in quotas.items() if r != D.RING_FARM)
    lots: list[_Lot] = []
    zone, letter = 1, 0
    for ring, cells in rings.items():
        if letter:
            zone, letter = zone + 1, 0
        if ring == D.RING_CORE:
            cells.sort(key=lambda c: (math.hypot(*c), c))
        else:
            rng.shuffle(cells)
        left = quotas[ring]
        for i, j in cells:
            if left <= 0:
                break
            x0, y0 = i * cell - cell / 2, j * cell - cell / 2
            if ring == D.RING_FARM:
                blocks = [(x0, y0, cell)]
            else:
                blocks = [(x0 + dx, y0 + dy, BLOCK_M) for dx in (0, BLOCK_M) for dy in (0, BLOCK_M)]
            for bx, by, size in blocks:
                if left <= 0:
                    break
                inner = (bx + ROAD_M / 2, by + ROAD_M / 2, bx + size - ROAD_M / 2, by + size - ROAD_M / 2)
                if not prepared.covers(frame.rectangle(*inner)):
                    continue
                if letter == 26:
                    zone, letter = zone + 1, 0
                block = f"{zone:02d}{chr(ord('A') + letter)}"
                letter += 1
                boxes = _cut(ring, inner, rng)[:left]
                for k, box in enumerate(boxes, start=1):
                    lots.append(_Lot(f"{block}{k:03d}", ring, block, box, frame.rectangle(*box)))
                left -= len(boxes)
    return frame, lots


def _cut(ring: str, inner: tuple[float, float, float, float], rng: random.Random) -> list[tuple]:
    """A block cut into rows of lots; now and then two neighbouring lots are one parcel."""
    x0, y0, x1, y1 = inner
    width, depth = D.RING_LOTS[ring]
    if ring == D.RING_FARM:  # fields of uneven size
        cols, rows = rng.choice([2, 3, 4]), rng.choice([1, 2, 2])
        width, depth = (x1 - x0) / cols, (y1 - y0) / rows
    rows, cols = int((y1 - y0) // depth), int((x1 - x0) // width)
    boxes = []
    for r in range(rows):
        c = 0
        while c < cols:
            span = 2 if c + 1 < cols and ring != D.RING_FARM and rng.random() < 0.12 else 1
            boxes.append((x0 + c * width, y0 + r * depth, x0 + (c + span) * width, y0 + (r + 1) * depth))
            c += span
    return boxes


# --- people -------------------------------------------------------------------------------------------------


class _People:
    """Owners of one organisation: valid, distinct national IDs; companies with stable tax IDs."""

    def __init__(self, organization: Organization, rng: random.Random):
        self.organization = organization
        self.rng = rng
        self.owners: list[Owner] = []
        self.ids: set[str] = set()
        self.businesses: dict[int, Owner] = {}
        self.landholders: dict[bool, list[Owner]] = {True: [], False: []}  # by "farm land"
        sub = organization.subdistrict.name_th if organization.subdistrict_id else "ชุมแพ"
        self.locality = f"ต.{sub} อ.ชุมแพ จ.ขอนแก่น 40130"

    def _national_id(self) -> str:
        while True:
            first = _weighted(self.rng, [("3", 55), ("1", 40), ("5", 3), ("8", 2)])
            first12 = f"{first}4005{self.rng.randint(0, 9_999_999):07d}"
            value = first12 + national_id_check_digit(first12)
            if value not in self.ids:
                self.ids.add(value)
                return value

    def person(self, *, farmer: bool = False, address: str = "", female: bool | None = None) -> Owner:
        rng = self.rng
        female = rng.random() < 0.5 if female is None else female
        title = rng.choice(["นาง", "นางสาว"]) if female else "นาย"
        data = {
            "kind": Owner.Kind.INDIVIDUAL,
            "national_id": self._national_id(),
            "title": title,
            "name": rng.choice(D.FEMALE_NAMES if female else D.MALE_NAMES),
            "last_name": rng.choice(D.LAST_NAMES),
            "address": address or f"{rng.randint(1, 250)} หมู่ {rng.randint(1, 14)} {self.locality}",
            "phone": f"08{rng.randint(10_000_000, 99_999_999)}" if rng.random() < 0.6 else "",
            "is_farmer": farmer,
        }
        return self._add(data)

    def business(self, index: int) -> Owner:
        index %= len(D.BUSINESSES)
        if index not in self.businesses:
            title, name = D.BUSINESSES[index]
            first12 = (
                f"04055{index + 53:02d}{index * 7919 % 100_000:05d}"  # the same company in every organisation
            )
            data = {
                "kind": Owner.Kind.JURISTIC,
                "tax_id": first12 + national_id_check_digit(first12),
                "title": title,
                "name": name,
                "address": f"{self.rng.randint(1, 300)} ถนนมะลิวัลย์ {self.locality}",
                "phone": f"043-{self.rng.randint(300, 399)}-{self.rng.randint(100, 999)}",
            }
            self.businesses[index] = self._add(data)
        return self.businesses[index]

    def _add(self, data: dict[str, Any]) -> Owner:
        owner = Owner(organization=self.organization, **owner_values(data))
        full_clean(owner, exclude=["organization"])
        self.owners.append(owner)
        return owner
