"""The land-and-building tax of one owner, computed from the registry in a few large queries.

:class:`Calculator` applies the pure tax law (:mod:`muang.taxlaw.land_building`) to the rows of
``ITEMS_SQL`` (every parcel, building and unit an owner holds on 1 January, with its price and use shares)
and writes the owner's calculation sheet (typed by :mod:`muang.property.assessment.sheet`); the run
(:mod:`.assessment`) streams the rows and stores the results. See that module's docstring for the rules.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection

from muang.core.money import ZERO, allocate_satang, percent_of, round_satang
from muang.property.models import (
    Building,
    BuildingPrice,
    CondoPrice,
    CondoUnit,
    HouseRegistration,
    LandPrice,
    Owner,
    Ownership,
    Parcel,
    TaxYear,
)
from muang.taxlaw.depreciation import Construction, depreciation_percent
from muang.taxlaw.land_building import (
    Assessment as ClassAssessment,
)
from muang.taxlaw.land_building import (
    TaxClass,
    TaxYearRules,
    assess,
    assess_contiguous,
    assess_individual_farmer,
    consecutive_vacant_years,
    contiguous_groups,
)

FETCH_ROWS = 20_000


# --- the run -------------------------------------------------------------------------------------------------


def _t(model) -> str:
    return model._meta.db_table


# One statement: ownerships on 1 January × what they hold, valued inputs attached, ordered by owner.
# kind: L land of a parcel, B building held with its parcel, S building held apart from its land, C unit.
# %(lo)s..%(hi)s is the slice of owner ids this statement reads (the whole range in a single process); `sep`
# looks at every owner, so a building owned apart from its land is never counted with the land's owner.
ITEMS_SQL = f"""
WITH own AS MATERIALIZED (
    SELECT owner_id, parcel_id, building_id, condo_unit_id, share_numerator AS num, share_denominator AS den
    FROM {_t(Ownership)}
    WHERE organization_id = %(org)s AND valid_from <= %(day)s AND (valid_to IS NULL OR valid_to > %(day)s)
      AND owner_id BETWEEN %(lo)s AND %(hi)s
),
sep AS MATERIALIZED (
    SELECT DISTINCT building_id FROM {_t(Ownership)}
    WHERE organization_id = %(org)s AND building_id IS NOT NULL AND valid_from <= %(day)s
      AND (valid_to IS NULL OR valid_to > %(day)s)
),
lp AS (SELECT key, price_per_square_wah AS price FROM {_t(LandPrice)}
       WHERE organization_id = %(org)s AND tax_year_id = %(ty)s),
bp AS (SELECT type_code, price_per_square_metre AS price FROM {_t(BuildingPrice)}
       WHERE organization_id = %(org)s AND tax_year_id = %(ty)s),
cp AS (SELECT condominium_code, floor, price_per_square_metre AS price FROM {_t(CondoPrice)}
       WHERE organization_id = %(org)s AND tax_year_id = %(ty)s),
hr AS MATERIALIZED (
    SELECT DISTINCT owner_id, building_id, condo_unit_id FROM {_t(HouseRegistration)}
    WHERE organization_id = %(org)s AND registered_on <= %(day)s
      AND (moved_out_on IS NULL OR moved_out_on > %(day)s)
      AND owner_id BETWEEN %(lo)s AND %(hi)s
),
parcel AS MATERIALIZED (
    SELECT p.id, p.code, p.area_square_wah, COALESCE(l1.price, l2.price, l3.price) AS price, p.vacant_since,
           p.share_agricultural, p.share_residential, p.share_other, p.share_vacant
    FROM {_t(Parcel)} p
    LEFT JOIN lp l1 ON l1.key = p.code
    LEFT JOIN lp l2 ON l2.key = p.block
    LEFT JOIN lp l3 ON l3.key = p.zone
    WHERE p.organization_id = %(org)s AND p.retired_on IS NULL AND p.exemption = ''
      AND p.id IN (SELECT parcel_id FROM own
                   UNION ALL
                   SELECT b.parcel_id FROM {_t(Building)} b JOIN own ON own.building_id = b.id)
),
bld AS MATERIALIZED (
    SELECT b.id, b.parcel_id, parcel.code, b.number, bp.price, b.floor_area_m2, b.construction, b.year_built,
           parcel.vacant_since, b.share_agricultural, b.share_residential, b.share_other, b.share_vacant
    FROM {_t(Building)} b
    JOIN parcel ON parcel.id = b.parcel_id
    LEFT JOIN bp ON bp.type_code = b.type_code
    WHERE b.organization_id = %(org)s AND b.year_built < %(year)s
      AND (b.demolished_on IS NULL OR b.demolished_on > %(day)s)
),
items AS (
    SELECT own.owner_id, 'L' AS kind, own.num, own.den, parcel.id AS prop_id, parcel.code AS label,
           NULL::integer AS number, parcel.price, parcel.area_square_wah AS quantity,
           NULL::varchar AS construction, NULL::integer AS year_built, parcel.vacant_since,
           parcel.share_agricultural AS sa, parcel.share_residential AS sr, parcel.share_other AS so,
           parcel.share_vacant AS sv, false AS registered, parcel.id AS item_id
    FROM own JOIN parcel ON parcel.id = own.parcel_id
    UNION ALL
    SELECT own.owner_id, 'B', own.num, own.den, bld.parcel_id, bld.code, bld.number, bld.price,
           bld.floor_area_m2, bld.construction, bld.year_built, bld.vacant_since,
           bld.share_agricultural, bld.share_residential, bld.share_other, bld.share_vacant,
           hr.owner_id IS NOT NULL, bld.id
    FROM own JOIN bld ON bld.parcel_id = own.parcel_id
    LEFT JOIN hr ON hr.building_id = bld.id AND hr.owner_id = own.owner_id
    WHERE NOT EXISTS (SELECT 1 FROM sep WHERE sep.building_id = bld.id)
    UNION ALL
    SELECT own.owner_id, 'S', own.num, own.den, bld.id, bld.code, bld.number, bld.price,
           bld.floor_area_m2, bld.construction, bld.year_built, bld.vacant_since,
           bld.share_agricultural, bld.share_residential, bld.share_other, bld.share_vacant,
           hr.owner_id IS NOT NULL, bld.id
    FROM own JOIN bld ON bld.id = own.building_id
    LEFT JOIN hr ON hr.building_id = bld.id AND hr.owner_id = own.owner_id
    UNION ALL
    SELECT own.owner_id, 'C', own.num, own.den, u.id, u.condominium_code || ' ' || u.unit_number, NULL,
           COALESCE(c1.price, c2.price), u.area_m2, NULL, NULL, NULL,
           u.share_agricultural, u.share_residential, u.share_other, u.share_vacant,
           hr.owner_id IS NOT NULL, u.id
    FROM own JOIN {_t(CondoUnit)} u ON u.id = own.condo_unit_id
    LEFT JOIN hr ON hr.condo_unit_id = u.id AND hr.owner_id = own.owner_id
    LEFT JOIN cp c1 ON c1.condominium_code = u.condominium_code AND c1.floor = u.floor
    LEFT JOIN cp c2 ON c2.condominium_code = u.condominium_code AND c2.floor IS NULL
)
SELECT items.owner_id, ow.kind = 'individual' AS individual, ow.is_farmer, items.kind, items.num, items.den,
       items.prop_id, items.label, items.number, items.price, items.quantity, items.construction,
       items.year_built, items.vacant_since, items.sa, items.sr, items.so, items.sv, items.registered,
       items.item_id
FROM items JOIN {_t(Owner)} ow ON ow.id = items.owner_id
ORDER BY items.owner_id, array_position(ARRAY['L', 'B', 'S', 'C'], items.kind), items.item_id
"""  # noqa: S608 (table names are ours; every value is a parameter)

# s.42 para 2: pairs of taxed parcels that adjoin on the tax map and are held by exactly the same owners in
# the same shares on 1 January. Adjoin = their boundaries run together for at least ADJOIN_MIN_SHARED_M,
# allowing ADJOIN_TOLERANCE_M for digitising error (slivers and overlaps between neighbours are common on
# traced maps); a shared corner point only is not "one piece of land". Only parcels with a geometry can be
# found; the rest are assessed alone.
ADJOIN_TOLERANCE_M = 0.5
ADJOIN_MIN_SHARED_M = 2.0
ADJOINING_SQL = f"""
WITH own AS MATERIALIZED (
    SELECT owner_id, parcel_id, share_numerator AS num, share_denominator AS den
    FROM {_t(Ownership)}
    WHERE organization_id = %(org)s AND parcel_id IS NOT NULL AND valid_from <= %(day)s
      AND (valid_to IS NULL OR valid_to > %(day)s)
),
-- narrow pairs first (an owner's parcels), the geometries only for those
pairs AS MATERIALIZED (
    SELECT DISTINCT a.parcel_id AS a, b.parcel_id AS b
    FROM own a JOIN own b ON b.owner_id = a.owner_id AND b.parcel_id > a.parcel_id
),
candidates AS MATERIALIZED (
    SELECT pairs.a, pairs.b
    FROM pairs
    JOIN {_t(Parcel)} pa ON pa.id = pairs.a
    JOIN {_t(Parcel)} pb ON pb.id = pairs.b
    WHERE pa.retired_on IS NULL AND pa.exemption = '' AND pb.retired_on IS NULL AND pb.exemption = ''
      AND pa.geometry && ST_Expand(pb.geometry, 0.0001)
      AND ST_Length(ST_Intersection(ST_Buffer(pa.geometry::geography, %(tolerance)s)::geometry,
                                    ST_Boundary(pb.geometry))::geography) >= %(shared)s
),
holders AS (
    SELECT parcel_id, array_agg(ARRAY[owner_id, num, den] ORDER BY owner_id, num, den) AS who
    FROM own
    WHERE parcel_id IN (SELECT a FROM candidates UNION SELECT b FROM candidates)
    GROUP BY parcel_id
)
SELECT c.a, c.b
FROM candidates c JOIN holders ha ON ha.parcel_id = c.a JOIN holders hb ON hb.parcel_id = c.b
WHERE ha.who = hb.who
"""  # noqa: S608

(
    C_OWNER,
    C_INDIVIDUAL,
    C_FARMER,
    C_KIND,
    C_NUM,
    C_DEN,
    C_PROP,
    C_LABEL,
    C_NUMBER,
    C_PRICE,
    C_QTY,
    C_CONSTRUCTION,
    C_YEAR_BUILT,
    C_VACANT_SINCE,
    C_SA,
    C_SR,
    C_SO,
    C_SV,
    C_REGISTERED,
    C_ITEM,
) = range(20)

_PROP_KEY = {"L": "P", "B": "P", "S": "S", "C": "C"}
_PROP_KIND = {"P": "parcel", "S": "building", "C": "condo_unit"}
_ITEM_KIND = {"L": "land", "B": "building", "S": "building", "C": "unit"}
_USE_CLASS = {"agricultural": TaxClass.AGRICULTURAL, "other": TaxClass.OTHER, "vacant": TaxClass.VACANT}
# Distinct (class, value, vacant years) computations kept per run: enough for the repeated values of a
# housing estate's identical plots and houses, bounded so memory stays flat on any registry.
MEMO_SIZE = 200_000


def _s(d: Decimal | None) -> str | None:
    return None if d is None else str(d)


class _Prop:
    """One property of one owner while its sheet is built."""

    __slots__ = ("main_home", "out", "parcel_id", "parts", "vacant_since")

    def __init__(self, out: dict, parcel_id: int | None, vacant_since: int | None):
        self.out = out
        self.parcel_id = parcel_id  # parcels only: the key of its s.42 group
        self.vacant_since = vacant_since
        self.parts: list[tuple[str, Decimal, TaxClass | None]] = []  # (use, value, residence class)
        self.main_home = False


class Calculator:
    """Applies the pure rules to one owner's rows; holds the year's rules and caches.

    `group_of` maps each parcel that adjoins others of the same owners (s.42) to the sorted ids of its
    piece of land; other parcels are not in it.
    """

    def __init__(self, tax_year: TaxYear, group_of: dict[int, tuple[int, ...]] | None = None):
        self.year = tax_year.year
        self.rules: TaxYearRules = tax_year.land_building_rules()
        self.schedules = tax_year.depreciation_schedules()
        self.group_of = group_of or {}
        self._depreciation: dict[tuple[str, int], Decimal] = {}
        self._memo: dict[tuple[TaxClass, str, int], tuple[dict, Decimal]] = {}
        self.memo_hits = 0

    def depreciation_percent(self, construction: str, age: int) -> Decimal:
        key = (construction, age)
        percent = self._depreciation.get(key)
        if percent is None:
            percent = depreciation_percent(age, self.schedules[Construction(construction)])
            self._depreciation[key] = percent
        return percent

    def _class_json(self, a: ClassAssessment) -> dict:
        return {
            "class": a.tax_class.value,
            "value": str(a.value),
            "exemption": str(a.exemption),
            "base": str(a.base),
            "vacant_years": a.vacant_years,
            "additional_percent": str(a.additional_percent),
            # [lower, upper, amount, rate %, tax] per bracket slice
            "lines": [
                [str(s.lower), _s(s.upper), str(s.amount), str(s.rate_percent), str(s.tax)] for s in a.lines
            ],
            "gross_tax": str(a.gross_tax),
            "reduction_percent": str(a.reduction_percent),
            "reduction": str(a.reduction),
            "tax": str(a.tax),
        }

    def _assess(self, value: Decimal, tax_class: TaxClass, vacant_years: int) -> tuple[dict, Decimal]:
        """(sheet entry, tax) of `assess`, computed once per distinct input (the function is pure)."""
        key = (tax_class, str(value), vacant_years)
        hit = self._memo.get(key)
        if hit is not None:
            self.memo_hits += 1
            return hit
        a = assess(value, tax_class, self.rules, vacant_years=vacant_years)
        if len(self._memo) >= MEMO_SIZE:
            self._memo.clear()
        result = self._memo[key] = (self._class_json(a), a.tax)
        return result

    def _vacant_years(self, tax_class: TaxClass, vacant_since: int | None) -> int:
        if tax_class is TaxClass.VACANT:
            return consecutive_vacant_years(self.year, vacant_since)  # counted from 2020 (s.43)
        return 0

    def _read(self, rows: list[tuple], individual: bool) -> dict[tuple[str, int], _Prop]:
        """Group one owner's rows into properties: each item valued, his share taken, split by use."""
        year = self.year
        dep = self._depreciation
        props: dict[tuple[str, int], _Prop] = {}
        for r in rows:
            kind = r[C_KIND]
            pkey = _PROP_KEY[kind]
            key = (pkey, r[C_PROP])
            prop = props.get(key)
            if prop is None:
                out = {
                    "kind": _PROP_KIND[pkey],
                    "id": r[C_PROP],  # the parcel, building (held apart) or condominium unit: see sheet.py
                    "label": r[C_LABEL],
                    "share": f"{r[C_NUM]}/{r[C_DEN]}",
                    "items": [],
                    "classes": [],
                }
                prop = props[key] = _Prop(out, r[C_PROP] if pkey == "P" else None, r[C_VACANT_SINCE])
            price = r[C_PRICE]
            quantity = r[C_QTY]
            if price is None:
                item: dict = {"kind": _ITEM_KIND[kind], "id": r[C_ITEM], "missing_price": True}
                price = ZERO
            else:
                item = {"kind": _ITEM_KIND[kind], "id": r[C_ITEM]}
            gross = price * quantity
            item["price"] = str(price)
            item["quantity"] = str(quantity)
            if kind == "B" or kind == "S":
                age = year - r[C_YEAR_BUILT]
                construction = r[C_CONSTRUCTION]
                percent = dep.get((construction, age))
                if percent is None:
                    percent = self.depreciation_percent(construction, age)
                depreciation = percent_of(gross, percent)
                value = gross - depreciation
                item["number"] = r[C_NUMBER]
                item["construction"] = construction
                item["age"] = age
                item["replacement_value"] = str(gross)
                item["depreciation_percent"] = str(percent)
                item["depreciation"] = str(round_satang(depreciation))
            else:
                value = gross
            num, den = r[C_NUM], r[C_DEN]
            owned = round_satang(value if num == den else value * num / den)
            item["value"] = str(round_satang(value))
            item["owned_value"] = str(owned)
            weights = [
                (u, w)
                for u, w in (
                    ("agricultural", r[C_SA]),
                    ("residential", r[C_SR]),
                    ("other", r[C_SO]),
                    ("vacant", r[C_SV]),
                )
                if w
            ]
            item["uses"] = {u: str(w) for u, w in weights}
            if len(weights) == 1:
                split: tuple = ((weights[0][0], owned),)
            else:
                split = tuple(
                    zip(
                        (u for u, _w in weights),
                        allocate_satang(owned, [w for _u, w in weights]) if owned else [ZERO] * len(weights),
                        strict=True,
                    )
                )
            registered = individual and r[C_REGISTERED]
            parts = prop.parts
            for use, part in split:
                residence = None
                if use == "residential" and registered:
                    if kind == "S":
                        residence = TaxClass.RESIDENCE_BUILDING_ONLY
                    else:
                        residence = TaxClass.RESIDENCE_MAIN_HOME
                        prop.main_home = True
                parts.append((use, part, residence))
            prop.out["items"].append(item)
        return props

    def owner(self, rows: list[tuple]) -> tuple[Decimal, Decimal, int, dict]:
        """(total value, total tax, properties, sheet) of one owner's rows."""
        individual = rows[0][C_INDIVIDUAL]
        farmer = individual and rows[0][C_FARMER]
        props = self._read(rows, individual)

        # s.42: the owner's parcels that form one piece of land (only those he holds; at least two).
        group_of = self.group_of
        pieces: dict[tuple[int, ...], list[_Prop]] = {}
        if group_of:
            for prop in props.values():
                ids = group_of.get(prop.parcel_id) if prop.parcel_id is not None else None
                if ids is not None:
                    pieces.setdefault(ids, []).append(prop)
            pieces = {ids: members for ids, members in pieces.items() if len(members) > 1}
        piece_of = {id(p): members for members in pieces.values() for p in members}

        total_tax = ZERO
        total_value = ZERO
        farm_values: list[Decimal] = []
        farm_props: list[dict] = []
        # per piece and class: [(prop, value, vacant years)]
        grouped: dict[int, dict[TaxClass, list[tuple[_Prop, Decimal, int]]]] = {}
        sheet_props = []
        for prop in props.values():
            members = piece_of.get(id(prop))
            # The home's land is the whole piece: residential land anywhere on it goes with the home (s.41).
            main_home = prop.main_home or (members is not None and any(m.main_home for m in members))
            values: dict[TaxClass, Decimal] = {}
            for use, part, residence in prop.parts:
                if use == "residential":
                    if residence is not None:
                        tax_class = residence
                    elif main_home:  # the land (and other buildings' homes) with the registered home
                        tax_class = TaxClass.RESIDENCE_MAIN_HOME
                    else:
                        tax_class = TaxClass.RESIDENCE_OTHER
                else:
                    tax_class = _USE_CLASS[use]
                values[tax_class] = values.get(tax_class, ZERO) + part
            out = prop.out
            prop_value = ZERO
            prop_tax = ZERO
            for tax_class, value in values.items():
                prop_value += value
                if tax_class is TaxClass.AGRICULTURAL and farmer:
                    farm_values.append(value)
                    farm_props.append(out)
                    continue
                vacant_years = self._vacant_years(tax_class, prop.vacant_since)
                if members is not None:
                    grouped.setdefault(id(members), {}).setdefault(tax_class, []).append(
                        (prop, value, vacant_years)
                    )
                    continue
                class_json, tax = self._assess(value, tax_class, vacant_years)
                out["classes"].append(class_json)
                prop_tax += tax
            out["value"] = str(prop_value)
            out["tax"] = str(prop_tax)
            total_value += prop_value
            total_tax += prop_tax
            sheet_props.append(out)

        groups_sheet = []
        for members in pieces.values():
            labels = [m.out["label"] for m in members]
            group_label = " + ".join(labels)
            taxes = {id(m): ZERO for m in members}
            classes = []
            for tax_class, entries in grouped.get(id(members), {}).items():
                c = assess_contiguous(
                    [v for _p, v, _y in entries],
                    tax_class,
                    self.rules,
                    vacant_years=[y for _p, _v, y in entries],
                )
                class_json = self._class_json(c.assessment)
                class_json["parcels"] = [
                    {"label": p.out["label"], "value": str(v), "tax": str(t)}
                    for (p, v, _y), t in zip(entries, c.parcel_taxes, strict=True)
                ]
                classes.append(class_json)
                for (p, _v, _y), t in zip(entries, c.parcel_taxes, strict=True):
                    taxes[id(p)] += t
                total_tax += c.assessment.tax
            group_value = ZERO
            group_tax = ZERO
            for m in members:
                m.out["group"] = group_label
                m.out["tax"] = str(Decimal(m.out["tax"]) + taxes[id(m)])
                group_value += Decimal(m.out["value"])
                group_tax += taxes[id(m)]
            groups_sheet.append(
                {
                    "label": group_label,
                    "parcels": labels,
                    "value": str(group_value),
                    "classes": classes,
                    "tax": str(group_tax),
                }
            )

        farmer_sheet = None
        if farm_values:
            f = assess_individual_farmer(farm_values, self.rules)
            farmer_sheet = {
                "holdings": [
                    {"label": p["label"], "value": str(v), "tax": str(t)}
                    for p, v, t in zip(farm_props, f.holding_values, f.holding_taxes, strict=True)
                ],
                "assessment": self._class_json(f.assessment),
            }
            for p, t in zip(farm_props, f.holding_taxes, strict=True):
                p["tax"] = str(Decimal(p["tax"]) + t)
            total_tax += f.assessment.tax
        sheet = {
            "year": self.year,
            "properties": sheet_props,
            "farmer": farmer_sheet,
            # s.42 para 2: adjoining parcels assessed as one piece (their properties carry "group")
            "groups": groups_sheet,
            "total_value": str(total_value),
            "total_tax": str(total_tax),
        }
        return total_value, total_tax, len(sheet_props), sheet


def adjoining_groups(*, organization_id: int, tax_year: TaxYear) -> dict[int, tuple[int, ...]]:
    """s.42: parcel id → the sorted ids of its piece of land, for parcels that adjoin others of the same
    owners on 1 January (`ADJOINING_SQL`), grouped with the pure `contiguous_groups`."""
    with connection.cursor() as cursor:
        cursor.execute(
            ADJOINING_SQL,
            {
                "org": organization_id,
                "day": dt.date(tax_year.year, 1, 1),
                "tolerance": ADJOIN_TOLERANCE_M,
                "shared": ADJOIN_MIN_SHARED_M,
            },
        )
        pairs = cursor.fetchall()
    if not pairs:
        return {}
    parcels = sorted({p for pair in pairs for p in pair})
    return {p: group for group in contiguous_groups(parcels, pairs) for p in group}


def _stream_items(*, organization_id: int, tax_year: TaxYear, owners: tuple[int, int] = (0, 2**31 - 1)):
    """The rows of ITEMS_SQL for owner ids in `owners` (inclusive) through a server-side cursor (WITH
    HOLD: usable across the batch commits)."""
    connection.ensure_connection()
    raw = connection.connection
    params = {
        "org": organization_id,
        "ty": tax_year.pk,
        "year": tax_year.year,
        "day": dt.date(tax_year.year, 1, 1),
        "lo": owners[0],
        "hi": owners[1],
    }
    # The CTE row estimates are far off, which makes PostgreSQL JIT-compile the plan for seconds and probe
    # the parcels' index once per owned parcel in a nested loop; the statement is meant as a few hash joins
    # and a sort, for which JIT buys nothing (measured on the 1M-parcel bench: 15% less CPU).
    raw.execute("SET jit = off; SET enable_nestloop = off")
    try:
        with raw.cursor(name=f"assessment_items_{tax_year.pk}", withhold=True) as cursor:
            cursor.itersize = FETCH_ROWS
            cursor.execute(ITEMS_SQL, params)
            yield from cursor
    finally:
        if not raw.closed:  # a generator dropped after its connection closed (a test's end) resets nothing
            raw.execute("RESET jit; RESET enable_nestloop")
