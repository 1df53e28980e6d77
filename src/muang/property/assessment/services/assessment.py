"""The land-and-building tax assessment run: every taxpayer's tax of one organisation and year.

`assessment_run_start` checks the permission, records the run (a partial unique index refuses a second queued
or running run of the same organisation and year: `Conflict`) and queues `tasks.assessment_run_execute`,
which calls `assessment_run_execute` here.

The run reads the registry set-based: ONE SQL statement joins ownerships on 1 January with parcels (land
price: parcel, else block, else zone), buildings (price per m² by type code), condominium units and house
registrations, and streams one row per (owner, land / building / unit) ordered by owner through a
server-side cursor. Python groups the rows per owner and applies the pure rules
(`muang.taxlaw.land_building`): depreciation, ownership shares, use split, residence exemptions,
s.42 adjoining parcels, s.40 farmer aggregation, s.43 escalation, s.55 reduction. Results go to `Assessment`
with COPY, in batches; each batch moves the run's progress and heartbeat.

In a worker (outside any transaction) a large run is split into owner-id ranges of about equal size, one per
CPU (at most MAX_PROCESSES): each range is read, computed and written by its own forked process, and each
process writes through a thread on a second connection, so PostgreSQL stores one batch while Python computes
the next. Inside a transaction (tests, a shell) everything runs on the one connection. The rows go into the
run's own table (`results_table`), which becomes the run's partition of `property_assessment` once complete;
then, in one short transaction, the run becomes `done`: readers take the latest done run, so they see either
the old or the new results, never a mix. The previous runs' tables are then dropped (not deleted row by row).
A failure anywhere marks the run failed and drops its table; the previous result stays in force.

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
- s.43: vacant years count from `Parcel.vacant_since`, but not before 2020 when the Act began to apply (this
  year included); a piece of several vacant parcels escalates as its most recently vacant parcel.
- Buildings completed in the tax year or later are not assessed (they did not stand on 1 January);
  a missing Treasury price counts as 0 and is flagged on the sheet (`missing_price`).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import queue
import threading
import time
from decimal import Decimal
from itertools import groupby
from operator import itemgetter

import orjson
import psycopg
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from muang.core import audit, bulk, forking
from muang.core.access import SYSTEM, Actor, require
from muang.core.errors import Conflict, InvalidInput, NotFound
from muang.core.models import AuditEntry, Organization
from muang.core.money import ZERO
from muang.property.assessment.services.calculator import (
    Calculator,
    _stream_items,
    _t,
    adjoining_groups,
)
from muang.property.models import (
    Assessment,
    AssessmentRun,
    Ownership,
    TaxYear,
)
from muang.property.permissions import PropertyPerm

logger = logging.getLogger(__name__)

BATCH_OWNERS = 5000


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


# --- the run's results table: a partition of its own ---------------------------------------------------------
#
# `property_assessment` is partitioned by run (migration 0006). A run writes into a plain table of its own,
# created empty without indexes or foreign keys (so COPY maintains nothing per row), then given its keys and
# attached as the run's partition before the swap; the previous run's partition is then dropped, whatever its
# size, instead of being deleted row by row. Rows in the DEFAULT partition (inserted through the ORM, or older
# than the partitioning) are deleted as before.
RESULTS = _t(Assessment)


def results_table(run_id: int) -> str:
    """The name of run `run_id`'s own results table (its partition once attached)."""
    return f"{RESULTS}_run_{int(run_id)}"


def _results_create(cursor, run_id: int) -> None:
    name = results_table(run_id)
    # The CHECK lets ATTACH skip scanning the rows to prove they belong to the partition.
    cursor.execute(
        f"DROP TABLE IF EXISTS {name}; CREATE TABLE {name} (LIKE {RESULTS} INCLUDING DEFAULTS INCLUDING CONSTRAINTS,"
        f" CONSTRAINT {name}_run CHECK (run_id = {int(run_id)})) WITH (autovacuum_enabled = false)"
    )


def _results_attach(cursor, run_id: int) -> None:
    """Index the run's table as the parent is indexed (bulk builds, after the COPY) and attach it. The parent's
    foreign keys are checked once, set-based, by the ATTACH."""
    name = results_table(run_id)
    cursor.execute(
        f"ALTER TABLE {name} ADD CONSTRAINT {name}_pkey PRIMARY KEY (id, run_id),"
        f" ADD CONSTRAINT {name}_run_owner UNIQUE (run_id, owner_id);"
        f" CREATE INDEX {name}_owner ON {name} (owner_id);"
        f" ALTER TABLE {name} RESET (autovacuum_enabled);"
        f" ALTER TABLE {RESULTS} ATTACH PARTITION {name} FOR VALUES IN ({int(run_id)})"
    )


# Dropping an attached partition takes an exclusive lock on the parent for a moment; it never waits long for
# it behind readers (the rows are out of use already: readers take the current run). What is left is dropped
# by `assessment_results_sweep` (the periodic stale-run task).
DROP_LOCK_TIMEOUT = "2s"


def _results_discard(run_ids) -> list[int]:
    """Remove the rows of `run_ids`: drop their tables, delete their rows in the DEFAULT partition. Returns the
    runs whose table could not be dropped for now (lock timeout): the sweep takes them later."""
    run_ids = sorted({int(r) for r in run_ids})
    if not run_ids:
        return []
    left = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n FROM unnest(%s::text[]) n WHERE to_regclass(n) IS NOT NULL",
            [[results_table(r) for r in run_ids]],
        )
        tables = {r[0] for r in cursor.fetchall()}
    for run_id in run_ids:
        if results_table(run_id) not in tables:
            continue
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"SET LOCAL lock_timeout = '{DROP_LOCK_TIMEOUT}'; DROP TABLE IF EXISTS {results_table(run_id)}"
                )
        except OperationalError:
            logger.warning("assessment run %s: its results table is in use; the sweep drops it later", run_id)
            left.append(run_id)
    # Only where no table of their own is left, so the statement reaches the DEFAULT partition alone.
    rest = [r for r in run_ids if r not in left]
    if rest:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {RESULTS} WHERE run_id = ANY(%s)", [rest])  # noqa: S608
    return left


def assessment_results_sweep() -> list[int]:
    """Drop the results tables of runs that are neither active nor in force (the latest done run of their
    organisation and year): left by a drop that timed out, or by a worker that died. Returns their run ids."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT t.run_id FROM (
                SELECT substring(relname FROM '_run_([0-9]+)$')::bigint AS run_id FROM pg_class
                WHERE relkind = 'r' AND relname ~ ('^' || %(prefix)s || '[0-9]+$')
            ) t
            LEFT JOIN {_t(AssessmentRun)} r ON r.id = t.run_id
            WHERE r.id IS NULL OR (r.status NOT IN ('queued', 'running') AND r.id IS DISTINCT FROM (
                SELECT d.id FROM {_t(AssessmentRun)} d
                WHERE d.organization_id = r.organization_id AND d.year = r.year AND d.status = 'done'
                ORDER BY d.finished_at DESC, d.id DESC LIMIT 1))
            """,  # noqa: S608 (table names are ours)
            {"prefix": f"{RESULTS}_run_"},
        )
        gone = sorted(r[0] for r in cursor.fetchall())
    _results_discard(gone)
    return gone


# --- the run: computing slices and storing them (the calculator is in .calculator) -------------------------


def _copy_sql(run_id: int) -> str:
    return (
        f"COPY {results_table(run_id)} (organization_id, run_id, year, owner_id, total_value, total_tax,"
        " property_count, sheet) FROM STDIN"
    )


# Progress and heartbeat in one statement; no row means the run is no longer running (abandoned by staff
# or marked stale): the computation stops.
PROGRESS_SQL = (
    f"UPDATE {_t(AssessmentRun)} SET progress_done = LEAST(progress_done + %s, progress_total),"  # noqa: S608
    " heartbeat_at = now() WHERE id = %s AND organization_id = %s AND status = 'running'"
)


class RunAbandoned(Exception):
    """The run was marked failed while it computed (`assessment_run_abandon` or the stale-run task)."""


class _Writer:
    """COPYs batches and moves the progress, on this connection or, outside any transaction (a worker),
    on a second connection in a thread: PostgreSQL then stores one batch while Python computes the next.
    Each batch commits, so the progress bar moves (and the heartbeat with it)."""

    def __init__(self, run_id: int, organization_id: int):
        self.run_id, self.organization_id = run_id, organization_id
        self.copy_sql = _copy_sql(run_id)
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
        # The progress first: a run abandoned meanwhile stops here, before its table (dropped by the abandon)
        # is written to.
        cursor.execute(PROGRESS_SQL, [len(rows), self.run_id, self.organization_id])
        if cursor.rowcount == 0:
            raise RunAbandoned(f"assessment run {self.run_id} is no longer running")
        try:
            bulk.copy_rows(cursor, self.copy_sql, rows)
        except psycopg.errors.UndefinedTable as e:  # abandoned between the two statements
            raise RunAbandoned(f"assessment run {self.run_id} is no longer running") from e

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
    writer = _Writer(run_id, org_id)
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


def _fail(run: AssessmentRun, error: str) -> bool:
    """Mark an active run failed with `error`; False if it was no longer active."""
    return bool(
        AssessmentRun.objects.filter(
            pk=run.pk, organization_id=run.organization_id, status__in=AssessmentRun.ACTIVE
        ).update(status=AssessmentRun.Status.FAILED, finished_at=timezone.now(), error=error[:2000])
    )


def assessment_run_execute(*, run_id: int) -> AssessmentRun:
    """Compute the run (called by the task). Failures mark the run failed and remove its partial rows; the
    previous result of the year stays in force."""
    # The task names the run only; its organisation, read first, bounds every write that follows.
    run = AssessmentRun.objects.select_related("tax_year").get(pk=run_id)
    now = timezone.now()
    updated = AssessmentRun.objects.filter(
        pk=run_id, organization_id=run.organization_id, status=AssessmentRun.Status.QUEUED
    ).update(status=AssessmentRun.Status.RUNNING, started_at=now, heartbeat_at=now)
    if not updated:
        run.refresh_from_db(fields=["status"])
        logger.warning("assessment run %s is %s, not queued: skipped", run_id, run.status)
        return run
    try:
        _compute(run)
    except RunAbandoned:
        # Staff or the stale-run task marked it failed (with the reason) while it computed: stop quietly.
        logger.warning("assessment run %s was abandoned while computing", run_id)
        _results_discard([run_id])
    except Exception as e:
        logger.exception("assessment run %s failed", run_id)
        with transaction.atomic():
            _fail(run, f"{type(e).__name__}: {e}")
        _results_discard([run_id])
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
    AssessmentRun.objects.filter(pk=run.pk, organization_id=org_id).update(
        progress_total=total, heartbeat_at=timezone.now()
    )
    group_of = adjoining_groups(organization_id=org_id, tax_year=tax_year)
    with connection.cursor() as cursor:
        _results_create(cursor, run.pk)
    prepared = time.monotonic()
    if len(owner_ranges) == 1:
        results = [_compute_slice(run.pk, tax_year, owner_ranges[0], group_of)]
    else:
        # fork: the children inherit the settings and the rules already loaded; each opens its own
        # connections (core.forking: none is shared across the fork).
        with forking.process_pool(len(owner_ranges)) as pool:
            futures = [
                pool.submit(forking.in_child, _compute_slice, run.pk, tax_year, owners, group_of)
                for owners in owner_ranges
            ]
            try:
                results = [f.result() for f in futures]
            except BaseException as e:
                # The other slices stop at their next batch when they see the run is no longer running.
                _fail(run, f"{type(e).__name__}: {e}")
                raise
    count = sum(r[0] for r in results)
    grand_total = sum((r[1] for r in results), ZERO)
    computed = time.monotonic()
    try:
        with connection.cursor() as cursor:
            _results_attach(cursor, run.pk)
    except psycopg.errors.UndefinedTable as e:  # dropped by an abandon after the last batch
        raise RunAbandoned(f"assessment run {run.pk} is no longer running") from e
    attached = time.monotonic()
    with transaction.atomic():
        if (
            not AssessmentRun.objects.select_for_update()
            .filter(pk=run.pk, organization_id=org_id, status=run.Status.RUNNING)
            .exists()
        ):
            raise RunAbandoned(f"assessment run {run.pk} is no longer running")
        # The new results in force at once: readers take the latest done run, whose rows are all attached.
        AssessmentRun.objects.filter(pk=run.pk, organization_id=org_id).update(
            status=AssessmentRun.Status.DONE,
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
            progress_total=max(total, count),
            progress_done=max(total, count),
            assessments_count=count,
            total_tax=grand_total,
        )
    swapped = time.monotonic()
    # The previous results of the year (and any left by failed runs) go: a table dropped, not rows deleted.
    superseded = AssessmentRun.objects.filter(organization_id=org_id, year=tax_year.year).exclude(pk=run.pk)
    _results_discard(superseded.values_list("pk", flat=True))
    logger.info(
        "assessment run %s: %s taxpayers by %s process(es); counts and s.42 pieces (%s parcels) %.1f s, "
        "assessment %.1f s (%s), keys and attach %.1f s, swap %.1f s, previous results dropped %.1f s; "
        "%s repeated computations reused",
        run.pk,
        count,
        len(owner_ranges),
        len(group_of),
        prepared - started,
        computed - prepared,
        ", ".join(r[3] for r in results),
        attached - computed,
        swapped - attached,
        time.monotonic() - swapped,
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
        locked = AssessmentRun.objects.select_for_update().get(pk=run.pk, organization_id=run.organization_id)
        if stale_at is not None and not is_stale(locked, now=stale_at):
            raise Conflict(_("Assessment run %(id)s is making progress again.") % {"id": run.pk})
        if locked.status not in AssessmentRun.ACTIVE:
            raise Conflict(
                _("Assessment run %(id)s is %(status)s, not queued or running: nothing to abandon.")
                % {"id": run.pk, "status": locked.get_status_display()}
            )
        before = audit.snapshot(locked)
        _fail(locked, reason)
        # Its partial rows; the previous result of the year (another run's rows) is not touched.
        _results_discard([locked.pk])
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
