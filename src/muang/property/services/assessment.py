"""The land-and-building tax assessment run: every taxpayer's tax of one organisation and year.

`assessment_run_start` checks the permission, records the run (a partial unique index refuses a second queued
or running run of the same organisation and year: `Conflict`) and queues `tasks.assessment_run_execute`,
which calls `assessment_run_execute` here.

The run reads the registry set-based: ONE SQL statement joins ownerships on 1 January with parcels (land
price: parcel, else block, else zone), buildings (price per m² by type code), condominium units and house
registrations, and streams one row per (owner, land / building / unit) ordered by owner through a
server-side cursor. Python groups the rows per owner and applies the pure rules
(`muang.property.rules.land_building`): depreciation, ownership shares, use split, residence exemptions,
s.40 farmer aggregation, s.43 escalation, s.55 reduction. Results go to `Assessment` with COPY, in batches;
the run's progress is updated after each batch. Outside a transaction (a worker) the batches are written by
a thread on a second connection, so PostgreSQL stores one batch while Python computes the next and each
batch commits (the progress bar moves); inside one (tests) everything runs on the one connection. At the end, in one transaction, the run becomes `done` and the
previous runs' results of that year are deleted: readers see either the old or the new results, never a mix.

Decisions (also in the sheet, so every figure is explained):
- A property is a parcel with the buildings its owners own with it (land + building, s.42), a building
  owned apart from its land, or a condominium unit. Each property is assessed per tax class; a property's
  classes come from the use split of its land and of each building (s.42 mixed use, by area shares).
- Co-owners: each owner is assessed on his share (numerator / denominator) of the value, to the satang.
- s.41: an individual owner in the house registration of a building on 1 January → that building's
  residential part and the residential part of its land, if he owns the land too, is his main home (50M
  exempt); if he owns only the building, building only (10M exempt); a registered condominium unit is a
  main home. Anything else residential is "other residential".
- s.40: the agricultural parts of all of an individual farmer's properties in the organisation are added up,
  one 50M exemption taken, and the brackets applied once (`assess_individual_farmer`).
- s.43: vacant years count from `Parcel.vacant_since` (this year included).
- Buildings completed in the tax year or later are not assessed (they did not stand on 1 January);
  a missing Treasury price counts as 0 and is flagged on the sheet (`missing_price`).
- Contiguous parcels of one owner are NOT merged yet (s.42 para 2): each parcel is assessed alone.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import queue
import threading
from collections import defaultdict
from decimal import Decimal
from itertools import groupby
from operator import itemgetter

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muang.core import audit
from muang.core.access import Actor, require
from muang.core.errors import Conflict, NotFound
from muang.core.models import Organization
from muang.core.permissions import Perm
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
from muang.property.rules.depreciation import Construction, depreciation_percent
from muang.property.rules.land_building import (
    Assessment as ClassAssessment,
)
from muang.property.rules.land_building import (
    TaxClass,
    TaxYearRules,
    assess,
    assess_individual_farmer,
)
from muang.property.rules.money import ZERO, allocate_satang, percent_of, round_satang
from muang.property.selectors import ownerships_on

logger = logging.getLogger(__name__)

BATCH_OWNERS = 5000
FETCH_ROWS = 20_000
HUNDRED = Decimal(100)
USES = ("agricultural", "residential", "other", "vacant")


# --- start ---------------------------------------------------------------------------------------------------


def assessment_run_start(*, actor: Actor, organization: Organization, year: int) -> AssessmentRun:
    """Queue an assessment run of `organization` for tax `year` (C.E.).

    Needs `valuation.edit`: a run turns the year's valuation tables into the amounts every taxpayer owes,
    the same authority as setting those tables (`property.edit` only keeps the registry). Refused with
    `Conflict` while another run of that organisation and year is queued or running.
    """
    require(actor, organization, Perm.VALUATION_EDIT)
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
ITEMS_SQL = f"""
WITH own AS MATERIALIZED (
    SELECT owner_id, parcel_id, building_id, condo_unit_id, share_numerator AS num, share_denominator AS den
    FROM {_t(Ownership)}
    WHERE organization_id = %(org)s AND valid_from <= %(day)s AND (valid_to IS NULL OR valid_to > %(day)s)
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
),
parcel AS MATERIALIZED (
    SELECT p.id, p.code, p.area_square_wah, COALESCE(l1.price, l2.price, l3.price) AS price, p.vacant_since,
           p.share_agricultural, p.share_residential, p.share_other, p.share_vacant
    FROM {_t(Parcel)} p
    LEFT JOIN lp l1 ON l1.key = p.code
    LEFT JOIN lp l2 ON l2.key = p.block
    LEFT JOIN lp l3 ON l3.key = p.zone
    WHERE p.organization_id = %(org)s AND p.retired_on IS NULL AND p.exemption = ''
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
    WHERE NOT EXISTS (SELECT 1 FROM own o2 WHERE o2.building_id = bld.id)
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


def _s(d: Decimal | None) -> str | None:
    return None if d is None else str(d)


class Calculator:
    """Applies the pure rules to one owner's rows; holds the year's rules and a depreciation cache."""

    def __init__(self, tax_year: TaxYear):
        self.year = tax_year.year
        self.rules: TaxYearRules = tax_year.land_building_rules()
        self.schedules = tax_year.depreciation_schedules()
        self._depreciation: dict[tuple[str, int], Decimal] = {}

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

    def owner(self, rows: list[tuple]) -> tuple[Decimal, Decimal, int, dict]:
        """(total value, total tax, properties, sheet) of one owner's rows."""
        individual = rows[0][C_INDIVIDUAL]
        farmer = individual and rows[0][C_FARMER]
        props: dict[tuple[str, int], dict] = {}
        for r in rows:
            kind = r[C_KIND]
            key = ("P" if kind in ("L", "B") else kind, r[C_PROP])
            prop = props.get(key)
            if prop is None:
                prop = props[key] = {
                    "kind": {"P": "parcel", "S": "building", "C": "condo_unit"}[key[0]],
                    "label": r[C_LABEL],
                    "share": f"{r[C_NUM]}/{r[C_DEN]}",
                    "items": [],
                    "parts": [],  # (use, value, residence class or None)
                    "main_home": False,
                    "vacant_since": r[C_VACANT_SINCE],
                }
            price = r[C_PRICE]
            quantity = r[C_QTY]
            item: dict = {"kind": {"L": "land", "B": "building", "S": "building", "C": "unit"}[kind]}
            if price is None:
                item["missing_price"] = True
                price = ZERO
            gross = price * quantity
            item.update(price=str(price), quantity=str(quantity))
            if kind in ("B", "S"):
                age = self.year - r[C_YEAR_BUILT]
                percent = self.depreciation_percent(r[C_CONSTRUCTION], age)
                depreciation = percent_of(gross, percent)
                value = gross - depreciation
                item.update(
                    number=r[C_NUMBER],
                    construction=r[C_CONSTRUCTION],
                    age=age,
                    replacement_value=str(gross),
                    depreciation_percent=str(percent),
                    depreciation=str(round_satang(depreciation)),
                )
            else:
                value = gross
            num, den = r[C_NUM], r[C_DEN]
            owned = round_satang(value if num == den else value * num / den)
            item.update(value=str(round_satang(value)), owned_value=str(owned))
            weights = [(u, w) for u, w in zip(USES, (r[C_SA], r[C_SR], r[C_SO], r[C_SV]), strict=True) if w]
            item["uses"] = {u: str(w) for u, w in weights}
            if len(weights) == 1:
                split = ((weights[0][0], owned),)
            else:
                split = tuple(
                    zip(
                        (u for u, _w in weights),
                        allocate_satang(owned, [w for _u, w in weights]) if owned else [ZERO] * len(weights),
                        strict=True,
                    )
                )
            registered = individual and r[C_REGISTERED]
            for use, part in split:
                residence = None
                if use == "residential" and registered:
                    if kind == "S":
                        residence = TaxClass.RESIDENCE_BUILDING_ONLY
                    else:
                        residence = TaxClass.RESIDENCE_MAIN_HOME
                        prop["main_home"] = True
                prop["parts"].append((use, part, residence))
            prop["items"].append(item)

        total_tax = ZERO
        total_value = ZERO
        farm_values: list[Decimal] = []
        farm_props: list[dict] = []
        sheet_props = []
        for prop in props.values():
            values: dict[TaxClass, Decimal] = defaultdict(Decimal)
            for use, part, residence in prop["parts"]:
                if use == "agricultural":
                    tax_class = TaxClass.AGRICULTURAL
                elif use == "residential":
                    if residence is not None:
                        tax_class = residence
                    elif prop["main_home"]:  # the land (and other buildings' homes) with the registered home
                        tax_class = TaxClass.RESIDENCE_MAIN_HOME
                    else:
                        tax_class = TaxClass.RESIDENCE_OTHER
                elif use == "other":
                    tax_class = TaxClass.OTHER
                else:
                    tax_class = TaxClass.VACANT
                values[tax_class] += part
            out = {
                "kind": prop["kind"],
                "label": prop["label"],
                "share": prop["share"],
                "items": prop["items"],
                "classes": [],
            }
            prop_value = ZERO
            prop_tax = ZERO
            for tax_class, value in values.items():
                prop_value += value
                if tax_class is TaxClass.AGRICULTURAL and farmer:
                    farm_values.append(value)
                    farm_props.append(out)
                    continue
                vacant_years = 0
                if tax_class is TaxClass.VACANT and prop["vacant_since"] is not None:
                    vacant_years = max(0, self.year - prop["vacant_since"] + 1)
                a = assess(value, tax_class, self.rules, vacant_years=vacant_years)
                out["classes"].append(self._class_json(a))
                prop_tax += a.tax
            out["value"] = str(prop_value)
            out["tax"] = str(prop_tax)
            total_value += prop_value
            total_tax += prop_tax
            sheet_props.append(out)

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
            "total_value": str(total_value),
            "total_tax": str(total_tax),
        }
        return total_value, total_tax, len(sheet_props), sheet


def _stream_items(*, organization_id: int, tax_year: TaxYear):
    """The rows of ITEMS_SQL through a server-side cursor (WITH HOLD: usable across the batch commits)."""
    connection.ensure_connection()
    raw = connection.connection
    params = {
        "org": organization_id,
        "ty": tax_year.pk,
        "year": tax_year.year,
        "day": dt.date(tax_year.year, 1, 1),
    }
    # The CTE row estimates are far off, which makes PostgreSQL JIT-compile the plan for seconds; the
    # statement is a few hash joins and a sort, for which JIT buys nothing.
    raw.execute("SET jit = off")
    try:
        with raw.cursor(name=f"assessment_items_{tax_year.pk}", withhold=True) as cursor:
            cursor.itersize = FETCH_ROWS
            cursor.execute(ITEMS_SQL, params)
            yield from cursor
    finally:
        raw.execute("RESET jit")


COPY_SQL = (
    f"COPY {_t(Assessment)} (organization_id, run_id, year, owner_id, total_value, total_tax,"
    " property_count, sheet) FROM STDIN"
)


def _write(rows: list[tuple]) -> None:
    with connection.cursor() as cursor, cursor.copy(COPY_SQL) as copy:
        for row in rows:
            copy.write_row(row)


class _Writer:
    """COPYs batches and updates the progress, on this connection or, outside any transaction (the task
    in a worker), on a second connection in a thread: PostgreSQL then stores one batch while Python
    computes the next, using both cores. Each batch commits, so the progress bar moves."""

    def __init__(self, run_id: int, total: int):
        self.run_id = run_id
        self.total = total
        self.done = 0
        self.threaded = not connection.in_atomic_block
        self.error: BaseException | None = None
        if self.threaded:
            self.conn = connection.get_new_connection(connection.get_connection_params())
            self.conn.autocommit = True
            self.queue: queue.Queue = queue.Queue(maxsize=2)
            self.thread = threading.Thread(target=self._loop, name=f"assessment-{run_id}-writer", daemon=True)
            self.thread.start()

    def _progress_sql(self) -> str:
        return f"UPDATE {_t(AssessmentRun)} SET progress_done = %s WHERE id = %s"  # noqa: S608

    def _loop(self) -> None:
        while (rows := self.queue.get()) is not None:
            if self.error is not None:
                continue
            try:
                with self.conn.cursor() as cursor:
                    with cursor.copy(COPY_SQL) as copy:
                        for row in rows:
                            copy.write_row(row)
                    self.done += len(rows)
                    cursor.execute(self._progress_sql(), [min(self.done, self.total), self.run_id])
            except BaseException as e:
                self.error = e

    def put(self, rows: list[tuple]) -> None:
        if self.error is not None:
            raise self.error
        if self.threaded:
            self.queue.put(rows)
            return
        _write(rows)
        self.done += len(rows)
        AssessmentRun.objects.filter(pk=self.run_id).update(progress_done=min(self.done, self.total))

    def close(self) -> None:
        if self.threaded:
            self.queue.put(None)
            self.thread.join()
            self.conn.close()
        if self.error is not None:
            raise self.error


def assessment_run_execute(*, run_id: int) -> AssessmentRun:
    """Compute the run (called by the task). Failures mark the run failed and remove its partial rows."""
    updated = AssessmentRun.objects.filter(pk=run_id, status=AssessmentRun.Status.QUEUED).update(
        status=AssessmentRun.Status.RUNNING, started_at=timezone.now()
    )
    run = AssessmentRun.objects.select_related("tax_year").get(pk=run_id)
    if not updated:
        logger.warning("assessment run %s is %s, not queued: skipped", run_id, run.status)
        return run
    try:
        _compute(run)
    except Exception as e:
        logger.exception("assessment run %s failed", run_id)
        with transaction.atomic():
            Assessment.objects.filter(run_id=run_id).delete()
            AssessmentRun.objects.filter(pk=run_id).update(
                status=AssessmentRun.Status.FAILED,
                finished_at=timezone.now(),
                error=f"{type(e).__name__}: {e}",
            )
        raise
    run.refresh_from_db()
    return run


def _compute(run: AssessmentRun) -> None:
    tax_year = run.tax_year
    org_id = run.organization_id
    day = dt.date(tax_year.year, 1, 1)
    total = ownerships_on(organization=run.organization, day=day).values("owner_id").distinct().count()
    AssessmentRun.objects.filter(pk=run.pk).update(progress_total=total)
    calculator = Calculator(tax_year)
    writer = _Writer(run.pk, total)
    batch: list[tuple] = []
    count = 0
    grand_total = ZERO
    dumps = json.dumps
    try:
        for owner_id, group in groupby(
            _stream_items(organization_id=org_id, tax_year=tax_year), itemgetter(0)
        ):
            value, tax, n_props, sheet = calculator.owner(list(group))
            batch.append((org_id, run.pk, tax_year.year, owner_id, value, tax, n_props, dumps(sheet)))
            grand_total += tax
            if len(batch) >= BATCH_OWNERS:
                writer.put(batch)
                count += len(batch)
                batch = []
        if batch:
            writer.put(batch)
            count += len(batch)
    finally:
        writer.close()
    with transaction.atomic():
        AssessmentRun.objects.select_for_update().filter(pk=run.pk).get()
        # Replace the previous results of the year at once: readers take the latest done run.
        Assessment.objects.filter(organization_id=org_id, year=tax_year.year).exclude(run_id=run.pk).delete()
        AssessmentRun.objects.filter(pk=run.pk).update(
            status=AssessmentRun.Status.DONE,
            finished_at=timezone.now(),
            progress_total=max(total, count),
            progress_done=max(total, count),
            assessments_count=count,
            total_tax=grand_total,
        )
