"""The land-and-building tax assessment run: every taxpayer's tax of one organisation and year.

`assessment_run_start` checks the permission, records the run (a partial unique index refuses a second queued
or running run of the same organisation and year: `Conflict`) and queues `tasks.assessment_run_execute`,
which calls `assessment_run_execute` here.

The run reads the registry set-based: ONE SQL statement joins ownerships on 1 January with parcels (land
price: parcel, else block, else zone), buildings (price per m² by type code), condominium units and house
registrations, and streams one row per (owner, land / building / unit) ordered by owner through a
server-side cursor. Python groups the rows per owner and applies the pure rules
(`muang.property.rules.land_building`): depreciation, ownership shares, use split, residence exemptions,
s.42 adjoining parcels, s.40 farmer aggregation, s.43 escalation, s.55 reduction. Results go to `Assessment`
with COPY, in batches; each batch moves the run's progress and heartbeat.

In a worker (outside any transaction) a large run is split into owner-id ranges of about equal size, one per
CPU (at most MAX_PROCESSES): each range is read, computed and written by its own forked process, and each
process writes through a thread on a second connection, so PostgreSQL stores one batch while Python computes
the next. Inside a transaction (tests, a shell) everything runs on the one connection. At the end, in one
transaction, the run becomes `done` and the previous runs' results of that year are deleted: readers see
either the old or the new results, never a mix. A failure anywhere marks the run failed and removes its
rows; the previous result stays in force.

Stuck runs: a worker that dies leaves its run `running` (or a lost task leaves it `queued`) and the year
blocked. `stale_assessment_runs` finds them (no heartbeat for STALE_AFTER), the periodic task
`tasks.fail_stale_assessment_runs` marks them failed, and staff can do it at once with
`assessment_run_abandon` (audited, with a reason). A run that is in fact still computing sees at its next
batch that it is no longer `running` and stops (`RunAbandoned`).

Decisions (also in the sheet, so every figure is explained):
- A property is a parcel with the buildings its owners own with it (land + building, s.42), a building
  owned apart from its land, or a condominium unit. Each property is assessed per tax class; a property's
  classes come from the use split of its land and of each building (s.42 mixed use, by area shares).
- Co-owners: each owner is assessed on his share (numerator / denominator) of the value, to the satang.
- s.41: an individual owner in the house registration of a building on 1 January → that building's
  residential part and the residential part of its land, if he owns the land too, is his main home (50M
  exempt); if he owns only the building, building only (10M exempt); a registered condominium unit is a
  main home. Anything else residential is "other residential".
- s.42 para 2: parcels that adjoin on the tax map (at least 2 m of common boundary, within 0.5 m for
  digitising error, found with PostGIS; a shared corner point is not enough) and are held by exactly the same owners in the same shares form one
  piece of land, assessed as one parcel: per class their values are added up, the exemption taken once and
  the brackets applied once (`assess_contiguous`); the home's land is the whole piece. The sheet lists the
  piece under "groups" and each of its parcels carries "group" and its share of the tax. Parcels without
  a geometry cannot be found adjoining and are assessed alone.
- s.40: the agricultural parts of all of an individual farmer's properties in the organisation are added up,
  one 50M exemption taken, and the brackets applied once (`assess_individual_farmer`); this already covers
  his adjoining farm parcels.
- s.43: vacant years count from `Parcel.vacant_since` (this year included); a piece of several vacant
  parcels escalates as its most recently vacant parcel.
- Buildings completed in the tax year or later are not assessed (they did not stand on 1 January);
  a missing Treasury price counts as 0 and is flagged on the sheet (`missing_price`).
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import os
import queue
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from itertools import groupby
from operator import itemgetter

import orjson
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from muang.core import audit, bulk
from muang.core.access import SYSTEM, Actor, require
from muang.core.errors import Conflict, InvalidInput, NotFound
from muang.core.models import AuditEntry, Organization
from muang.property.models import (
    Assessment,
    AssessmentRun,
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
from muang.property.permissions import PropertyPerm
from muang.property.rules.depreciation import Construction, depreciation_percent
from muang.property.rules.land_building import (
    Assessment as ClassAssessment,
)
from muang.property.rules.land_building import (
    TaxClass,
    TaxYearRules,
    assess,
    assess_contiguous,
    assess_individual_farmer,
    contiguous_groups,
)
from muang.property.rules.money import ZERO, allocate_satang, percent_of, round_satang

logger = logging.getLogger(__name__)

BATCH_OWNERS = 5000
FETCH_ROWS = 20_000


# --- start ---------------------------------------------------------------------------------------------------


def assessment_run_start(*, actor: Actor, organization: Organization, year: int) -> AssessmentRun:
    """Queue an assessment run of `organization` for tax `year` (C.E.).

    Needs `valuation.edit`: a run turns the year's valuation tables into the amounts every taxpayer owes,
    the same authority as setting those tables (`property.edit` only keeps the registry). Refused with
    `Conflict` while another run of that organisation and year is queued or running.
    """
    require(actor, organization, PropertyPerm.VALUATION_EDIT)
    tax_year = TaxYear.objects.filter(organization=organization, year=year).first()
    if tax_year is None:
        raise NotFound(_("No tax year %(y)s in %(org)s.") % {"y": year, "org": organization})
    try:
        with transaction.atomic():
            run = AssessmentRun.objects.create(
                organization=organization,
                tax_year=tax_year,
                year=year,
                started_by=actor.user,
                started_by_label=actor.label,
            )
            audit.record_create(actor=actor, organization=organization, instance=run, reason="assessment run")
    except IntegrityError as e:
        raise Conflict(
            _("An assessment run of %(y)s is already queued or running; wait for it to finish.") % {"y": year}
        ) from e

    from muang.property.tasks import assessment_run_execute as task

    run_id = run.pk
    transaction.on_commit(lambda: task.enqueue(run_id))
    return run


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
           parcel.share_vacant AS sv, false AS registered
    FROM own JOIN parcel ON parcel.id = own.parcel_id
    UNION ALL
    SELECT own.owner_id, 'B', own.num, own.den, bld.parcel_id, bld.code, bld.number, bld.price,
           bld.floor_area_m2, bld.construction, bld.year_built, bld.vacant_since,
           bld.share_agricultural, bld.share_residential, bld.share_other, bld.share_vacant,
           hr.owner_id IS NOT NULL
    FROM own JOIN bld ON bld.parcel_id = own.parcel_id
    LEFT JOIN hr ON hr.building_id = bld.id AND hr.owner_id = own.owner_id
    WHERE NOT EXISTS (SELECT 1 FROM sep WHERE sep.building_id = bld.id)
    UNION ALL
    SELECT own.owner_id, 'S', own.num, own.den, bld.id, bld.code, bld.number, bld.price,
           bld.floor_area_m2, bld.construction, bld.year_built, bld.vacant_since,
           bld.share_agricultural, bld.share_residential, bld.share_other, bld.share_vacant,
           hr.owner_id IS NOT NULL
    FROM own JOIN bld ON bld.id = own.building_id
    LEFT JOIN hr ON hr.building_id = bld.id AND hr.owner_id = own.owner_id
    UNION ALL
    SELECT own.owner_id, 'C', own.num, own.den, u.id, u.condominium_code || ' ' || u.unit_number, NULL,
           COALESCE(c1.price, c2.price), u.area_m2, NULL, NULL, NULL,
           u.share_agricultural, u.share_residential, u.share_other, u.share_vacant,
           hr.owner_id IS NOT NULL
    FROM own JOIN {_t(CondoUnit)} u ON u.id = own.condo_unit_id
    LEFT JOIN hr ON hr.condo_unit_id = u.id AND hr.owner_id = own.owner_id
    LEFT JOIN cp c1 ON c1.condominium_code = u.condominium_code AND c1.floor = u.floor
    LEFT JOIN cp c2 ON c2.condominium_code = u.condominium_code AND c2.floor IS NULL
)
SELECT items.owner_id, ow.kind = 'individual' AS individual, ow.is_farmer, items.kind, items.num, items.den,
       items.prop_id, items.label, items.number, items.price, items.quantity, items.construction,
       items.year_built, items.vacant_since, items.sa, items.sr, items.so, items.sv, items.registered
FROM items JOIN {_t(Owner)} ow ON ow.id = items.owner_id
ORDER BY items.owner_id
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
) = range(19)

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
        if tax_class is TaxClass.VACANT and vacant_since is not None:
            return max(0, self.year - vacant_since + 1)
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
                    "label": r[C_LABEL],
                    "share": f"{r[C_NUM]}/{r[C_DEN]}",
                    "items": [],
                    "classes": [],
                }
                prop = props[key] = _Prop(out, r[C_PROP] if pkey == "P" else None, r[C_VACANT_SINCE])
            price = r[C_PRICE]
            quantity = r[C_QTY]
            if price is None:
                item: dict = {"kind": _ITEM_KIND[kind], "missing_price": True}
                price = ZERO
            else:
                item = {"kind": _ITEM_KIND[kind]}
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
        raw.execute("RESET jit; RESET enable_nestloop")


COPY_SQL = (
    f"COPY {_t(Assessment)} (organization_id, run_id, year, owner_id, total_value, total_tax,"
    " property_count, sheet) FROM STDIN"
)

# Progress and heartbeat in one statement; no row means the run is no longer running (abandoned by staff
# or marked stale): the computation stops.
PROGRESS_SQL = (
    f"UPDATE {_t(AssessmentRun)} SET progress_done = LEAST(progress_done + %s, progress_total),"  # noqa: S608
    " heartbeat_at = now() WHERE id = %s AND status = 'running'"
)


class RunAbandoned(Exception):
    """The run was marked failed while it computed (`assessment_run_abandon` or the stale-run task)."""


def _write(cursor, rows: list[tuple]) -> None:
    bulk.copy_rows(cursor, COPY_SQL, rows)


class _Writer:
    """COPYs batches and moves the progress, on this connection or, outside any transaction (a worker),
    on a second connection in a thread: PostgreSQL then stores one batch while Python computes the next.
    Each batch commits, so the progress bar moves (and the heartbeat with it)."""

    def __init__(self, run_id: int):
        self.run_id = run_id
        self.threaded = not connection.in_atomic_block
        self.error: BaseException | None = None
        self.waited = 0.0  # seconds the computation waited for PostgreSQL to take a batch
        if self.threaded:
            self.conn = connection.get_new_connection(connection.get_connection_params())
            self.conn.autocommit = True
            self.queue: queue.Queue = queue.Queue(maxsize=2)
            self.thread = threading.Thread(target=self._loop, name=f"assessment-{run_id}-writer", daemon=True)
            self.thread.start()

    def _store(self, cursor, rows: list[tuple]) -> None:
        _write(cursor, rows)
        cursor.execute(PROGRESS_SQL, [len(rows), self.run_id])
        if cursor.rowcount == 0:
            raise RunAbandoned(f"assessment run {self.run_id} is no longer running")

    def _loop(self) -> None:
        while (rows := self.queue.get()) is not None:
            if self.error is not None:
                continue
            try:
                with self.conn.cursor() as cursor:
                    self._store(cursor, rows)
            except BaseException as e:
                self.error = e

    def put(self, rows: list[tuple]) -> None:
        if self.error is not None:
            raise self.error
        if self.threaded:
            before = time.monotonic()
            self.queue.put(rows)
            self.waited += time.monotonic() - before
            return
        with connection.cursor() as cursor:
            self._store(cursor, rows)

    def close(self) -> None:
        if self.threaded:
            self.queue.put(None)
            self.thread.join()
            self.conn.close()
        if self.error is not None:
            raise self.error


def _compute_slice(
    run_id: int, tax_year: TaxYear, owners: tuple[int, int], group_of: dict[int, tuple[int, ...]]
) -> tuple[int, Decimal, int, str]:
    """Assess the owners with ids in `owners` and write their rows: (taxpayers, total tax, memo hits,
    timings for the log)."""
    started = time.monotonic()
    cpu = time.process_time()
    first_row = None
    org_id = tax_year.organization_id
    year = tax_year.year
    calculator = Calculator(tax_year, group_of)
    writer = _Writer(run_id)
    batch: list[tuple] = []
    count = 0
    grand_total = ZERO
    dumps = orjson.dumps
    owner_rows = calculator.owner
    try:
        for owner_id, group in groupby(
            _stream_items(organization_id=org_id, tax_year=tax_year, owners=owners), itemgetter(0)
        ):
            if first_row is None:
                first_row = time.monotonic()
            value, tax, n_props, sheet = owner_rows(list(group))
            batch.append((org_id, run_id, year, owner_id, value, tax, n_props, dumps(sheet).decode()))
            grand_total += tax
            if len(batch) >= BATCH_OWNERS:
                writer.put(batch)
                count += len(batch)
                batch = []
        if batch:
            writer.put(batch)
            count += len(batch)
    finally:
        before_close = time.monotonic()
        writer.close()
    now = time.monotonic()
    waited = writer.waited + now - before_close
    timings = (
        f"read {(first_row or now) - started:.1f} s + compute {now - (first_row or now):.1f} s"
        f" of which waiting for the writes {waited:.1f} s, cpu {time.process_time() - cpu:.1f} s"
    )
    return count, grand_total, calculator.memo_hits, timings


def _slice_in_child(*args) -> tuple[int, Decimal, int, str]:
    """`_compute_slice` in a forked process: its own connections, closed before the process ends."""
    try:
        return _compute_slice(*args)
    finally:
        connections.close_all()


def _fail(run_id: int, error: str) -> bool:
    """Mark an active run failed with `error`; False if it was no longer active."""
    return bool(
        AssessmentRun.objects.filter(pk=run_id, status__in=AssessmentRun.ACTIVE).update(
            status=AssessmentRun.Status.FAILED, finished_at=timezone.now(), error=error[:2000]
        )
    )


def assessment_run_execute(*, run_id: int) -> AssessmentRun:
    """Compute the run (called by the task). Failures mark the run failed and remove its partial rows; the
    previous result of the year stays in force."""
    now = timezone.now()
    updated = AssessmentRun.objects.filter(pk=run_id, status=AssessmentRun.Status.QUEUED).update(
        status=AssessmentRun.Status.RUNNING, started_at=now, heartbeat_at=now
    )
    run = AssessmentRun.objects.select_related("tax_year").get(pk=run_id)
    if not updated:
        logger.warning("assessment run %s is %s, not queued: skipped", run_id, run.status)
        return run
    try:
        _compute(run)
    except RunAbandoned:
        # Staff or the stale-run task marked it failed (with the reason) while it computed: stop quietly.
        logger.warning("assessment run %s was abandoned while computing", run_id)
        Assessment.objects.filter(run_id=run_id).delete()
    except Exception as e:
        logger.exception("assessment run %s failed", run_id)
        with transaction.atomic():
            Assessment.objects.filter(run_id=run_id).delete()
            _fail(run_id, f"{type(e).__name__}: {e}")
        raise
    run.refresh_from_db()
    return run


# Owners per run below which one process is faster than starting more.
PARALLEL_MIN_OWNERS = 50_000
MAX_PROCESSES = 4

SLICES_SQL = f"""
SELECT count(DISTINCT owner_id), percentile_disc(%(fractions)s::float8[]) WITHIN GROUP (ORDER BY owner_id)
FROM {_t(Ownership)}
WHERE organization_id = %(org)s AND valid_from <= %(day)s AND (valid_to IS NULL OR valid_to > %(day)s)
"""  # noqa: S608


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may run on (containers, taskset)
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _processes(total: int) -> int:
    """Processes for a run of `total` taxpayers: one inside a transaction (tests, shell) or for a small
    registry; otherwise one per CPU this process may use, at most MAX_PROCESSES."""
    if connection.in_atomic_block or total < PARALLEL_MIN_OWNERS:
        return 1
    return max(1, min(MAX_PROCESSES, _cpus()))


def _slices(*, organization_id: int, day: dt.date) -> tuple[int, list[tuple[int, int]]]:
    """(taxpayers, owner-id ranges): one inclusive range per process, each holding about as many
    ownerships (one statement for both: the count decides how many processes)."""
    most = max(1, min(MAX_PROCESSES, _cpus()))
    cuts_by_parts = {n: [i / n for i in range(1, n)] for n in range(2, most + 1)}
    fractions = sorted({f for fs in cuts_by_parts.values() for f in fs}) or [0.5]
    with connection.cursor() as cursor:
        cursor.execute(SLICES_SQL, {"org": organization_id, "day": day, "fractions": fractions})
        total, cuts = cursor.fetchone()
    parts = _processes(total)
    if parts == 1 or not cuts or cuts[0] is None:
        return total, [(0, OWNER_ID_MAX)]
    at = dict(zip(fractions, cuts, strict=True))
    bounds = [-1, *sorted({at[f] for f in cuts_by_parts[parts]}), OWNER_ID_MAX]
    return total, [(bounds[i] + 1, bounds[i + 1]) for i in range(len(bounds) - 1)]


OWNER_ID_MAX = 2**63 - 1


def _compute(run: AssessmentRun) -> None:
    tax_year = run.tax_year
    org_id = run.organization_id
    day = dt.date(tax_year.year, 1, 1)
    started = time.monotonic()
    total, owner_ranges = _slices(organization_id=org_id, day=day)
    AssessmentRun.objects.filter(pk=run.pk).update(progress_total=total, heartbeat_at=timezone.now())
    group_of = adjoining_groups(organization_id=org_id, tax_year=tax_year)
    prepared = time.monotonic()
    if len(owner_ranges) == 1:
        results = [_compute_slice(run.pk, tax_year, owner_ranges[0], group_of)]
    else:
        # fork: the children inherit the settings and the rules already loaded; each opens its own
        # connections (none may be shared across a fork, so they are closed first).
        connections.close_all()
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=len(owner_ranges), mp_context=context) as pool:
            futures = [
                pool.submit(_slice_in_child, run.pk, tax_year, owners, group_of) for owners in owner_ranges
            ]
            try:
                results = [f.result() for f in futures]
            except BaseException as e:
                # The other slices stop at their next batch when they see the run is no longer running.
                _fail(run.pk, f"{type(e).__name__}: {e}")
                raise
    count = sum(r[0] for r in results)
    grand_total = sum((r[1] for r in results), ZERO)
    computed = time.monotonic()
    with transaction.atomic():
        if (
            not AssessmentRun.objects.select_for_update()
            .filter(pk=run.pk, status=run.Status.RUNNING)
            .exists()
        ):
            raise RunAbandoned(f"assessment run {run.pk} is no longer running")
        # Replace the previous results of the year at once: readers take the latest done run.
        Assessment.objects.filter(organization_id=org_id, year=tax_year.year).exclude(run_id=run.pk).delete()
        AssessmentRun.objects.filter(pk=run.pk).update(
            status=AssessmentRun.Status.DONE,
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
            progress_total=max(total, count),
            progress_done=max(total, count),
            assessments_count=count,
            total_tax=grand_total,
        )
    logger.info(
        "assessment run %s: %s taxpayers by %s process(es); counts and s.42 pieces (%s parcels) %.1f s, "
        "assessment %.1f s (%s), swap %.1f s; %s repeated computations reused",
        run.pk,
        count,
        len(owner_ranges),
        len(group_of),
        prepared - started,
        computed - prepared,
        ", ".join(r[3] for r in results),
        time.monotonic() - computed,
        sum(r[2] for r in results),
    )


# --- stuck runs ----------------------------------------------------------------------------------------------

# A running run moves its heartbeat with every batch (a few seconds apart); a queued one is picked up as soon
# as a worker reaches it. Silence this long means the worker died (or its task was lost) and the run would
# block the year forever.
STALE_AFTER = dt.timedelta(minutes=15)


def stale_assessment_runs(*, now: dt.datetime | None = None):
    """Active runs that will not finish: running without a heartbeat for STALE_AFTER, or queued that long.

    Queued: the worker takes tasks in order, so when this check itself runs as a task, every run queued
    more than STALE_AFTER before it should have started long ago; its task was lost (e.g. the process
    that committed the run died before queueing it).
    """
    cutoff = (now or timezone.now()) - STALE_AFTER
    return AssessmentRun.objects.filter(
        Q(status=AssessmentRun.Status.RUNNING, heartbeat_at__lt=cutoff)
        | Q(status=AssessmentRun.Status.RUNNING, heartbeat_at__isnull=True, started_at__lt=cutoff)
        | Q(status=AssessmentRun.Status.QUEUED, created_at__lt=cutoff)
    )


def is_stale(run: AssessmentRun, *, now: dt.datetime | None = None) -> bool:
    """`stale_assessment_runs` for one run already loaded (no query)."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    if run.status == AssessmentRun.Status.RUNNING:
        seen = run.heartbeat_at or run.started_at
        return seen is not None and seen < cutoff
    return run.status == AssessmentRun.Status.QUEUED and run.created_at < cutoff


def _abandon(
    *, actor: Actor, run: AssessmentRun, reason: str, stale_at: dt.datetime | None = None
) -> AssessmentRun:
    """Fail `run` (locked); with `stale_at`, only if it is still stale at that time (it may have moved on
    between the check and the lock)."""
    with transaction.atomic():
        locked = AssessmentRun.objects.select_for_update().get(pk=run.pk)
        if stale_at is not None and not is_stale(locked, now=stale_at):
            raise Conflict(_("Assessment run %(id)s is making progress again.") % {"id": run.pk})
        if locked.status not in AssessmentRun.ACTIVE:
            raise Conflict(
                _("Assessment run %(id)s is %(status)s, not queued or running: nothing to abandon.")
                % {"id": run.pk, "status": locked.get_status_display()}
            )
        before = audit.snapshot(locked)
        _fail(locked.pk, reason)
        # Its partial rows; the previous result of the year (another run's rows) is not touched.
        Assessment.objects.filter(run_id=locked.pk).delete()
        locked.refresh_from_db()
        audit.record(
            actor=actor,
            organization=locked.organization,
            instance=locked,
            action=AuditEntry.Action.UPDATE,
            changes=audit.diff(before, audit.snapshot(locked)),
            reason=reason,
        )
    return locked


def assessment_run_abandon(*, actor: Actor, run: AssessmentRun, reason: str) -> AssessmentRun:
    """Mark a queued or running run failed with `reason`, freeing the year for a new run.

    For a run stuck after a worker crash; a run still computing notices at its next batch and stops. Its
    partial rows are removed; the year's previous result stays in force. Needs `valuation.edit` (as
    starting a run); `Conflict` if the run is no longer queued or running; a reason is required (audited).
    """
    require(actor, run.organization, PropertyPerm.VALUATION_EDIT)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput.for_field("reason", _("Give the reason for abandoning the run."))
    return _abandon(actor=actor, run=run, reason=reason)


def assessment_runs_fail_stale(*, now: dt.datetime | None = None) -> list[int]:
    """Mark every stale run failed (the periodic task): ids of the runs marked."""
    now = now or timezone.now()
    marked = []
    for run in stale_assessment_runs(now=now).select_related("organization").order_by("pk"):
        reason = _("No progress for %(minutes)s minutes: the worker stopped. Start the run again.") % {
            "minutes": int(STALE_AFTER.total_seconds() // 60)
        }
        try:
            _abandon(actor=SYSTEM, run=run, reason=reason, stale_at=now)
        except Conflict:  # it finished or was abandoned meanwhile
            continue
        marked.append(run.pk)
        logger.warning("assessment run %s marked failed: stale", run.pk)
    return marked
