"""The demo tax map of the Chumphae organisations: parcels, buildings, condominium units, signboards, owners,
ownerships and house registrations, a published tax year with its valuation tables, and the year's
assessment run.

Per organisation (`settings.MUANG_DEMO_PARCELS`, 2,000 by default) the parcels are cut from blocks laid on a
grid inside its boundary, rotated a little: a dense core of shophouse lots around the centre, town lots,
a fringe of larger plots, and farm land out to the boundary. Codes run zone-block-lot (`01A001`) as on an
LTAX map; about one parcel in nine is "not yet surveyed" (a pin from the land register, no polygon).
Everything derives from a fixed seed, so every install has the same map.

What goes through which path:
- Validation is the registry's own: every parcel, building, owner and signboard is built by the same
  `*_values` / `build_parcel` functions as the services and the file importers use (geometry valid and
  inside the boundary, rai-ngan-wah, use shares, national ID and tax ID check digits …).
- Volume rows (parcels, buildings, owners, ownerships, house registrations, signboards) are then written
  with COPY, each with its "created" audit entry (`core.audit.created_entries`, as the parcel importer writes
  them): one service call per row would take minutes for 10,000 parcels.
- The few rows that carry policy go through the services one by one (audited as usual): the tax year
  (`tax_year_create` with the national defaults, then published), every land, building and condominium
  price, and the condominium units.
- The assessment is the real one: `assessment_run_start` + `assessment_run_execute`, synchronously, after
  the organisation's data is committed. (Starting a run also queues the worker's task; when the worker gets
  to it the run is already done and it skips it.)
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import random
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.gis.geos import MultiPolygon, Point
from django.db import connection, transaction
from django.utils import timezone

from muang.core import audit, bulk
from muang.core.access import SYSTEM
from muang.core.geo import SRID
from muang.core.models import Organization
from muang.property import demo_data as D
from muang.property.assessment.services.assessment import assessment_run_execute, assessment_run_start
from muang.property.assessment.services.valuation import (
    building_price_set,
    condo_price_set,
    land_price_set,
    tax_year_create,
    tax_year_update,
)
from muang.property.demo_layout import (
    _Frame,
    _layout,
    _Lot,
    _People,
    _weighted,
)
from muang.property.models import (
    AssessmentRun,
    Building,
    CondoUnit,
    HouseRegistration,
    LandPrice,
    Owner,
    Ownership,
    Parcel,
    Signboard,
    TaxYear,
)
from muang.property.registry.services.common import full_clean
from muang.property.registry.services.geometry import OrganizationArea
from muang.property.registry.services.registry import (
    build_parcel,
    building_values,
    clean_use,
    condo_unit_create,
)
from muang.property.registry.services.signboards import signboard_values

logger = logging.getLogger(__name__)

SEED = 2569
DEMO_ORGS = ("chumphae", "nonsaat", "nanongthum", "nonhan", "chaiso")
REASON = "demo data"
CONDO_CODE = "1/2561"
CONDO_NAME = "ชุมแพ เรสซิเดนซ์"
CONDO_FLOORS, CONDO_UNITS_PER_FLOOR = 5, 6


# --- writing ------------------------------------------------------------------------------------------------


def _copy_audit(organization: Organization, *groups: Sequence[models.Model]) -> None:
    for rows in groups:
        if rows:
            bulk.copy_create(
                audit.created_entries(actor=SYSTEM, organization=organization, instances=rows, reason=REASON)
            )


# --- the loader ---------------------------------------------------------------------------------------------


def load_demo_property(
    parcels_per_org: int | None = None, *, year: int | None = None, slugs: tuple[str, ...] = DEMO_ORGS
) -> int:
    """Build the demo tax map of each demo organisation that has none yet, then assess its year.
    Returns the number of parcels created (0 when everything was there already)."""
    n = settings.MUANG_DEMO_PARCELS if parcels_per_org is None else parcels_per_org
    year = year or timezone.localdate().year
    created = 0
    for organization in Organization.objects.filter(slug__in=slugs).order_by("slug"):
        if organization.boundary is None:
            continue
        if not Parcel.objects.filter(organization=organization).exists():
            seed = (
                SEED * 1000 + DEMO_ORGS.index(organization.slug) if organization.slug in DEMO_ORGS else SEED
            )
            created += _load_organization(organization, n=n, year=year, seed=seed)
        assessed = AssessmentRun.objects.filter(organization=organization, year=year).exists()
        if not assessed and TaxYear.objects.filter(organization=organization, year=year).exists():
            _assess(organization, year)  # also finishes a load whose run never started
    return created


def _assess(organization: Organization, year: int) -> None:
    with connection.cursor() as cursor:  # fresh statistics, or the run's one big join plans blind
        tables = (Parcel, Building, CondoUnit, Owner, Ownership, HouseRegistration, LandPrice)
        cursor.execute("ANALYZE " + ", ".join(m._meta.db_table for m in tables))
    run = assessment_run_start(actor=SYSTEM, organization=organization, year=year)
    run = assessment_run_execute(run_id=run.pk)
    if run.status != AssessmentRun.Status.DONE:  # a worker took it first: it finishes it
        logger.info("demo assessment run %s of %s is %s", run.pk, organization.slug, run.status)


@transaction.atomic
def _load_organization(organization: Organization, *, n: int, year: int, seed: int) -> int:
    rng = random.Random(seed)  # noqa: S311 (demo data, deliberately reproducible)
    frame, lots = _layout(organization, n, rng)
    area = OrganizationArea(organization)
    people = _People(organization, rng)
    jan1 = dt.date(year, 1, 1)

    parcels = [_parcel(organization, lot, area, rng, year) for lot in lots]
    for lot, parcel in zip(lots, parcels, strict=True):
        lot.parcel = parcel
    condo_lot = _condo_lot(organization, lots)
    for lot in lots:
        _assign_owners(lot, people, rng, condo=lot is condo_lot)
    bulk.copy_create(people.owners)
    bulk.copy_create(parcels)
    for parcel in parcels:  # what PostgreSQL generated: the audit snapshot would fetch them row by row
        parcel.zone, parcel.block = parcel.code[:2], parcel.code[:3]

    buildings: list[tuple[Building, _Lot]] = []
    for lot in lots:
        if lot is not condo_lot:
            buildings.extend((b, lot) for b in _buildings(organization, lot, frame, area, rng, year))
    bulk.copy_create([b for b, _lot in buildings])

    ownerships: list[Ownership] = []
    registrations: list[HouseRegistration] = []
    for lot in lots:
        ownerships.extend(_ownerships(organization, lot, rng, year, people=people))
    for building, lot in buildings:
        holders = lot.owners
        if building.use in ("residential", "mixed") and rng.random() < 0.07 and lot.ring != D.RING_CORE:
            holders = [(people.person(address=lot.parcel.address), 1, 1)]  # a house on rented land
        ownerships.extend(_ownerships(organization, lot, rng, year, building=building, holders=holders))
        registrations.extend(_registrations(organization, building, holders, rng, jan1))
    bulk.copy_create([o for o in people.owners if o.pk is None])
    bulk.copy_create(ownerships)
    bulk.copy_create(registrations)
    signs = _signboards(organization, lots, buildings, area, people, rng, year)
    bulk.copy_create(signs)
    _copy_audit(
        organization, people.owners, parcels, [b for b, _lot in buildings], ownerships, registrations, signs
    )
    tax_year = _tax_year(organization, lots, year, rng)
    if condo_lot is not None:
        _condominium(organization, condo_lot, tax_year, people, rng, jan1)
    logger.info(
        "demo tax map of %s: %s parcels, %s buildings, %s owners, %s signboards",
        organization.slug,
        len(parcels),
        len(buildings),
        len(people.owners),
        len(signs),
    )
    return len(parcels)


def _parcel(
    organization: Organization, lot: _Lot, area: OrganizationArea, rng: random.Random, year: int
) -> Parcel:
    use = _weighted(rng, D.RING_USES[lot.ring])
    shares = None
    if use == "mixed":
        residential = rng.choice([30, 40, 50]) if lot.ring == D.RING_CORE else 70
        shares = {"residential": residential, "other": 100 - residential}
    x0, y0, x1, y1 = lot.box
    square_wah = Decimal((x1 - x0) * (y1 - y0) / 4 * rng.uniform(0.97, 1.03)).quantize(Decimal("0.1"))
    rai, rest = divmod(square_wah, 400)
    ngan, wah = divmod(rest, 100)
    deed = _weighted(rng, D.RING_DEEDS[lot.ring])
    number = (
        ""
        if deed == "none"
        else str(rng.randint(800, 48_000) if deed == "chanote" else rng.randint(20, 3_500))
    )
    if lot.ring in (D.RING_CORE, D.RING_TOWN):
        address = f"{rng.randint(1, 400)} {rng.choice(D.ROAD_NAMES)}"
    else:
        address = f"หมู่ {rng.randint(1, 14)} {rng.choice(D.VILLAGE_NAMES)}"
    data: dict[str, Any] = {
        "code": lot.code,
        "use": use,
        "use_shares": shares,
        "area_rai": int(rai),
        "area_ngan": int(ngan),
        "area_wah": wah,
        "deed_type": deed,
        "deed_number": number,
        "land_number": str(rng.randint(1, 700)) if deed in ("chanote", "ns3k") else "",
        "map_sheet": f"5441 {rng.choice(['I', 'II', 'III', 'IV'])} 6{lot.block[:2]}{rng.randint(0, 9)}-{rng.randint(1, 16):02d}",
        "address": address,
    }
    roll = rng.random()
    if roll < 0.11:  # in the land register, not yet on the map: a pin where the register puts it
        data["location"] = Point(*_jitter(lot.shape.centroid, rng), srid=SRID)
        data["survey_status"] = Parcel.SurveyStatus.NOT_SURVEYED
    else:
        data["geometry"] = lot.shape
        data["survey_status"] = Parcel.SurveyStatus.VERIFIED if roll > 0.85 else Parcel.SurveyStatus.SURVEYED
    if use == "vacant":
        data["vacant_since"] = rng.randint(year - 8, year)
    if rng.random() < 0.004:
        data["exemption"], data["note"] = rng.choice(
            [
                (Parcel.Exemption.RELIGIOUS, "ที่ตั้งวัด (ศาสนสถาน)"),
                (Parcel.Exemption.STATE_PUBLIC_USE, "โรงเรียนของรัฐ"),
                (Parcel.Exemption.CEMETERY, "ป่าช้าสาธารณะ"),
            ]
        )
    return build_parcel(organization=organization, data=data, area=area, reproject=None)


def _jitter(point: Point, rng: random.Random) -> tuple[float, float]:
    return round(point.x + rng.uniform(-3e-5, 3e-5), 7), round(point.y + rng.uniform(-3e-5, 3e-5), 7)


def _condo_lot(organization: Organization, lots: list[_Lot]) -> _Lot | None:
    """The town municipality has one small condominium, on a double lot near the centre."""
    if organization.slug != "chumphae":
        return None
    for lot in lots:
        x0, _y0, x1, _y1 = lot.box
        if (
            lot.ring == D.RING_CORE
            and x1 - x0 > D.RING_LOTS[D.RING_CORE][0]
            and lot.parcel.geometry is not None
        ):
            for key, value in clean_use("residential", None).items():
                setattr(lot.parcel, key, value)
            lot.parcel.vacant_since = None
            lot.parcel.exemption = Parcel.Exemption.CONDO_COMMON
            lot.parcel.note = f"ที่ดินส่วนกลางอาคารชุด {CONDO_NAME}"
            return lot
    return None


def _assign_owners(lot: _Lot, people: _People, rng: random.Random, *, condo: bool) -> None:
    parcel = lot.parcel
    farm = parcel.use == "agricultural"
    if condo:
        lot.owners = [(people.business(11), 1, 1)]
        return
    business_odds = {D.RING_CORE: 0.14, D.RING_TOWN: 0.05, D.RING_FRINGE: 0.08, D.RING_FARM: 0.02}[lot.ring]
    wants_business = parcel.use in ("other", "mixed") and rng.random() < business_odds * 2
    if wants_business or rng.random() < business_odds / 4:
        lot.owners = [(people.business(rng.randrange(len(D.BUSINESSES) - 1)), 1, 1)]
        return
    pool = people.landholders[farm]
    if pool and rng.random() < (0.35 if farm else 0.18):  # owns several parcels here
        lot.owners = [(rng.choice(pool[-200:]), 1, 1)]
        return
    farmer = farm and rng.random() < 0.85
    first = people.person(farmer=farmer, address=parcel.address)
    pool.append(first)
    roll = rng.random()
    if roll < 0.11 and parcel.use in ("residential", "mixed"):  # a married couple, half each
        spouse = people.person(farmer=farmer, address=first.address, female=first.title == "นาย")
        lot.owners = [(first, 1, 2), (spouse, 1, 2)]
    elif roll < 0.05 and farm:  # heirs of a farm, a third each
        lot.owners = [(first, 1, 3), *((people.person(farmer=True), 1, 3) for _ in range(2))]
    else:
        lot.owners = [(first, 1, 1)]


def _ownerships(
    organization: Organization,
    lot: _Lot,
    rng: random.Random,
    year: int,
    *,
    building: Building | None = None,
    holders: list[tuple[Owner, int, int]] | None = None,
    people: _People | None = None,
) -> list[Ownership]:
    """The holders on 1 January; now and then the land changed hands during the year (the seller still
    owes this year's tax)."""
    holders = lot.owners if holders is None else holders
    target = {"building": building} if building is not None else {"parcel": lot.parcel}
    since = dt.date(rng.randint(1985, year - 1), rng.randint(1, 12), rng.randint(1, 28))
    if building is not None:
        since = max(since, dt.date(building.year_built, 1, 1))
        if since >= dt.date(year, 1, 1):
            since = dt.date(building.year_built, 1, 1)
    rows = []
    sold_on = None
    if building is None and len(holders) == 1 and rng.random() < 0.02:
        sold_on = dt.date(year, rng.randint(2, 10), rng.randint(1, 28))
    for owner, num, den in holders:
        rows.append(
            Ownership(
                organization=organization,
                owner=owner,
                share_numerator=num,
                share_denominator=den,
                valid_from=since,
                valid_to=sold_on,
                document="โฉนด / สัญญาซื้อขาย" if building is None else "",
                **target,
            )
        )
    if sold_on is not None and people is not None:
        buyer = people.person(address=lot.parcel.address, farmer=holders[0][0].is_farmer)
        rows.append(
            Ownership(
                organization=organization,
                owner=buyer,
                valid_from=sold_on,
                document="สัญญาซื้อขาย (โอนระหว่างปี)",
                **target,
            )
        )
    return rows


def _registrations(
    organization: Organization,
    building: Building,
    holders: list[tuple[Owner, int, int]],
    rng: random.Random,
    jan1: dt.date,
) -> list[HouseRegistration]:
    """Most owner-occupiers are in their house's registration on 1 January (s.41)."""
    owner = holders[0][0]
    if (
        building.share_residential == 0
        or owner.kind != Owner.Kind.INDIVIDUAL
        or building.year_built >= jan1.year
    ):
        return []
    if rng.random() > 0.62:
        return []
    registered = dt.date(
        rng.randint(building.year_built, jan1.year - 1), rng.randint(1, 12), rng.randint(1, 28)
    )
    moved_out = None
    if rng.random() < 0.04:  # moved away before the tax year: no exemption this year
        moved_out = dt.date(jan1.year - 1, rng.randint(1, 6), rng.randint(1, 28))
        if moved_out <= registered:
            moved_out = None
    return [
        HouseRegistration(
            organization=organization,
            owner=owner,
            building=building,
            registered_on=registered,
            moved_out_on=moved_out,
        )
    ]


def _buildings(
    organization: Organization,
    lot: _Lot,
    frame: _Frame,
    area: OrganizationArea,
    rng: random.Random,
    year: int,
) -> list[Building]:
    parcel = lot.parcel
    use, ring = parcel.use, lot.ring
    frontage = lot.box[2] - lot.box[0]
    specs: list[dict[str, Any]] = []

    def spec(
        type_code: str, construction: str, floor_area: float, storeys: int, use: str, shares=None
    ) -> None:
        specs.append(
            {
                "type_code": type_code,
                "construction": construction,
                "floor_area_m2": Decimal(floor_area).quantize(Decimal("0.01")),
                "storeys": storeys,
                "use": use,
                "use_shares": shares,
            }
        )

    def house_construction() -> str:
        return _weighted(rng, [("masonry", 72), ("half_masonry", 18), ("wood", 10)])

    if use == "vacant" or parcel.exemption:
        return []
    if ring == D.RING_CORE:
        storeys = rng.choice([2, 3, 3, 4])
        if use in ("other", "mixed"):
            code = _weighted(rng, [("400", 80), ("600", 8), ("500", 6), ("800", 2), ("200", 4)])
            shares = {"residential": 40, "other": 60} if use == "mixed" else None
            spec(code, "masonry", frontage * 16 * storeys, storeys, use, shares)
        else:
            spec(
                rng.choice(["200", "400", "100"]), "masonry", frontage * 14 * storeys, storeys, "residential"
            )
    elif use in ("residential", "mixed"):
        code = (
            _weighted(rng, [("100", 70), ("110", 9), ("210", 12), ("200", 9)])
            if ring == D.RING_TOWN
            else "100"
        )
        construction = (
            house_construction()
            if ring == D.RING_TOWN
            else _weighted(rng, [("masonry", 45), ("half_masonry", 30), ("wood", 25)])
        )
        storeys = rng.choice([1, 1, 2]) if ring != D.RING_TOWN else rng.choice([1, 2, 2])
        shares = {"residential": 70, "other": 30} if use == "mixed" else None
        spec(code, construction, rng.uniform(70, 180) * storeys, storeys, use, shares)
        if ring == D.RING_TOWN and rng.random() < 0.1:  # a row of rooms to let at the back
            spec("200", "masonry", rng.uniform(60, 140), 1, "residential")
    elif use == "other":
        code = _weighted(rng, [("500", 55), ("700", 25), ("800", 10), ("600", 10)])
        spec(code, "masonry", rng.uniform(250, 1200), 1 if code != "600" else 2, "other")
    elif use == "agricultural":
        roll = rng.random()
        if roll < 0.28:  # the farmer's house on the field
            spec(
                "100",
                _weighted(rng, [("wood", 45), ("half_masonry", 35), ("masonry", 20)]),
                rng.uniform(60, 140),
                1,
                "residential",
            )
        if roll > 0.7:
            spec(
                rng.choice(["910", "910", "920"]),
                rng.choice(["wood", "half_masonry"]),
                rng.uniform(30, 220),
                1,
                "agricultural",
            )
    buildings = []
    for number, data in enumerate(specs, start=1):
        built = rng.randint(1972, year - 1) if rng.random() > 0.012 else year  # a few finished this year
        data["year_built"] = built
        if data["use"] in ("residential", "mixed"):
            data["house_number"] = f"{rng.randint(1, 400)}" + (
                f"/{rng.randint(1, 9)}" if rng.random() < 0.3 else ""
            )
            data["house_id"] = f"4005{rng.randint(0, 9_999_999):07d}"
        if parcel.geometry is not None:
            data["footprint"] = _footprint(frame, lot.box, number, len(specs), data)
        values = building_values(data, area=area)
        building = Building(organization=organization, parcel=parcel, number=number, **values)
        full_clean(building, exclude=["organization", "parcel", "footprint"])
        buildings.append(building)
    return buildings


def _footprint(frame: _Frame, box: tuple, number: int, count: int, data: dict[str, Any]) -> MultiPolygon:
    """A rectangle of the building's ground floor inside its lot (side by side when there are two)."""
    x0, y0, x1, y1 = box
    slot = (x1 - x0) / count
    ground = float(data["floor_area_m2"]) / data["storeys"]
    width = min(slot * 0.8, math.sqrt(ground * 1.3))
    depth = min((y1 - y0) * 0.8, ground / width)
    cx, cy = x0 + slot * (number - 0.5), (y0 + y1) / 2
    return frame.rectangle(cx - width / 2, cy - depth / 2, cx + width / 2, cy + depth / 2)


def _signboards(
    organization: Organization,
    lots: list[_Lot],
    buildings: list[tuple[Building, _Lot]],
    area: OrganizationArea,
    people: _People,
    rng: random.Random,
    year: int,
) -> list[Signboard]:
    today = timezone.localdate()
    odds = {D.RING_CORE: 0.65, D.RING_TOWN: 0.45, D.RING_FRINGE: 0.4, D.RING_FARM: 0.0}
    signs = []
    for building, lot in buildings:
        if building.share_other == 0 or rng.random() > odds[lot.ring]:
            continue
        for _ in range(2 if rng.random() < 0.2 else 1):
            text, sign_type = rng.choice(D.SIGN_TEXTS)
            width, height = rng.choice(D.SIGN_SIZES_CM)
            if rng.random() < 0.08:
                installed = min(dt.date(year, rng.randint(1, 9), rng.randint(1, 28)), today)
            else:
                installed = dt.date(rng.randint(2012, year - 1), rng.randint(1, 12), rng.randint(1, 28))
            values = signboard_values(
                {
                    "sign_type": sign_type,
                    "moving": rng.random() < 0.06,
                    "width_cm": Decimal(width),
                    "height_cm": Decimal(height),
                    "installed_on": installed,
                    "place": f"หน้าอาคาร {building.house_number or lot.parcel.address}".strip(),
                    "location": Point(*_jitter(lot.parcel.location, rng), srid=SRID),
                    "message": text,
                },
                area=area,
            )
            owner = lot.owners[0][0]
            sign = Signboard(
                organization=organization, owner=owner, parcel=lot.parcel, building=building, **values
            )
            full_clean(sign, exclude=["organization", "owner", "parcel", "building", "location", "photo"])
            signs.append(sign)
    return signs


def _tax_year(organization: Organization, lots: list[_Lot], year: int, rng: random.Random):
    """The year with the national defaults (rates, exemptions, depreciation, calendar), the demo price
    tables set through the valuation services, then published (ภ.ด.ส.1)."""
    tax_year = tax_year_create(
        actor=SYSTEM, organization=organization, year=year, reason="demo: national defaults"
    )
    zones: dict[str, str] = {}
    blocks: dict[str, str] = {}
    for lot in lots:
        zones.setdefault(lot.code[:2], lot.ring)
        blocks.setdefault(lot.block, lot.ring)
    zone_price: dict[str, Decimal] = {}
    for zone, ring in zones.items():
        low, high = D.RING_PRICES[ring]
        zone_price[zone] = _round_price(low + (high - low) * Decimal(rng.uniform(0, 0.4)))
        land_price_set(
            actor=SYSTEM, tax_year=tax_year, key=zone, price_per_square_wah=zone_price[zone], reason=REASON
        )
    block_price: dict[str, Decimal] = {}
    for block in blocks:
        if rng.random() < 0.6:  # blocks on a main road are appraised higher than their zone
            block_price[block] = _round_price(zone_price[block[:2]] * Decimal(rng.uniform(1.05, 1.6)))
            land_price_set(
                actor=SYSTEM,
                tax_year=tax_year,
                key=block,
                price_per_square_wah=block_price[block],
                reason=REASON,
            )
    for lot in rng.sample(lots, k=max(1, len(lots) // 150)):  # corner plots
        base = block_price.get(lot.block) or zone_price[lot.code[:2]]
        land_price_set(
            actor=SYSTEM,
            tax_year=tax_year,
            key=lot.code,
            price_per_square_wah=_round_price(base * Decimal("1.3")),
            note="แปลงมุม ติดถนนสายหลัก",
            reason=REASON,
        )
    for code, description, price in D.BUILDING_PRICES:
        building_price_set(
            actor=SYSTEM,
            tax_year=tax_year,
            type_code=code,
            price_per_square_metre=price,
            description=description,
            reason=REASON,
        )
    return tax_year_update(
        actor=SYSTEM,
        tax_year=tax_year,
        data={"status": "published"},
        reason="demo: values announced (ภ.ด.ส.1)",
    )


def _round_price(value: Decimal) -> Decimal:
    step = Decimal(100) if value >= 1000 else Decimal(10)
    return ((value / step).quantize(Decimal(1)) * step).quantize(Decimal("0.01"))


def _condominium(
    organization, lot: _Lot, tax_year, people: _People, rng: random.Random, jan1: dt.date
) -> None:
    """A five-storey condominium of 30 units, through the services (units, prices), owners in bulk."""
    condo_price_set(
        actor=SYSTEM,
        tax_year=tax_year,
        condominium_code=CONDO_CODE,
        price_per_square_metre=D.CONDO_PRICE,
        reason=REASON,
    )
    condo_price_set(
        actor=SYSTEM,
        tax_year=tax_year,
        condominium_code=CONDO_CODE,
        floor=CONDO_FLOORS,
        price_per_square_metre=D.CONDO_TOP_FLOOR_PRICE,
        reason=REASON,
    )
    ownerships, registrations = [], []
    owners_before = len(people.owners)
    units = []
    for floor in range(1, CONDO_FLOORS + 1):
        for k in range(1, CONDO_UNITS_PER_FLOOR + 1):
            shop = floor == 1 and k <= 2
            units.append(
                condo_unit_create(
                    actor=SYSTEM,
                    organization=organization,
                    condominium_code=CONDO_CODE,
                    condominium_name=CONDO_NAME,
                    building_name="อาคาร A",
                    unit_number=f"{floor}{k:02d}",
                    floor=floor,
                    area_m2=Decimal(rng.choice([28, 32, 35, 42, 56] if not shop else [60, 72])),
                    use="other" if shop else "residential",
                    title_deed_number=f"{rng.randint(100, 999)}",
                    parcel=lot.parcel,
                    reason=REASON,
                )
            )
    for unit in units:
        owner = people.person()
        since = dt.date(rng.randint(2018, jan1.year - 1), rng.randint(1, 12), rng.randint(1, 28))
        ownerships.append(
            Ownership(
                organization=organization, owner=owner, condo_unit=unit, valid_from=since, document="อ.ช.2"
            )
        )
        if unit.use == "residential" and rng.random() < 0.5:
            registrations.append(
                HouseRegistration(
                    organization=organization, owner=owner, condo_unit=unit, registered_on=since
                )
            )
    new_owners = people.owners[owners_before:]
    bulk.copy_create(new_owners)
    bulk.copy_create(ownerships)
    bulk.copy_create(registrations)
    _copy_audit(organization, new_owners, ownerships, registrations)
