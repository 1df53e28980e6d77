"""Writes: monthly snapshots of the computed indicators, the audited recompute of a past month, hand-entered
values with evidence and their approval, CSV imports, yearly targets and the public page switch."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from muang.core import audit, forking
from muang.core.access import Actor, require
from muang.core.bulk import array_literal
from muang.core.errors import AccessDenied, Conflict, InvalidInput, NotFound
from muang.core.images import clean_image
from muang.core.models import LOCAL_GOVERNMENT_KINDS, AuditEntry, DailyRun, Organization
from muang.core.services import run_once_a_day
from muang.core.thai_dates import add_months, christian_era
from muang.core.thai_dates import fiscal_year as fiscal_year_of
from muang.kpi import formula as formulas
from muang.kpi import periods
from muang.kpi.catalogue import computed_sources
from muang.kpi.models import (
    Indicator,
    ManualValue,
    Publication,
    RollupPeriod,
    School,
    SchoolValue,
    Snapshot,
    Source,
    Target,
)
from muang.kpi.permissions import KpiPerm
from muang.kpi.rollup import rollup_after_correction, rollup_refresh

MAX_CSV_ROWS = 5000
SNAPSHOT_WORKERS = 4  # at most, and no more than the machine's cores
TARGET_YEARS_AHEAD = 5


# --- computed indicators -----------------------------------------------------------------------------------------


def _computed_indicators() -> list[tuple[Indicator, object]]:
    """The active computed indicators with their selector functions (an uninstalled app's are skipped)."""
    sources = computed_sources()
    return [
        (indicator, import_string(sources[indicator.code].selector))
        for indicator in Indicator.objects.filter(source=Source.COMPUTED, is_active=True).order_by("code")
        if indicator.code in sources
    ]


def _figure(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.0001"))


def _measure(selector, organization: Organization, month: dt.date) -> Decimal | None:
    return _figure(selector(organization=organization, start=month, end=periods.month_last_day(month)))


BULK_BATCH = 1000  # organisations per call of a source's `bulk` selector


def _bulk_selectors(computed: list[tuple[Indicator, object]]) -> dict[int, object]:
    """{indicator id: the source's `bulk` function} of the computed indicators whose app offers one."""
    sources = computed_sources()
    return {i.pk: import_string(sources[i.code].bulk) for i, _s in computed if sources[i.code].bulk}


def snapshot_month(
    *, month: dt.date, organizations: Iterable[Organization] | None = None, workers: int = 1
) -> int:
    """Snapshot every computed indicator of every active local government (or of `organizations`) for `month`,
    then the formula indicators from those figures (and the month's hand-entered ones), skipping what is already
    snapshotted: safe to repeat and to run on several workers at once (a row another worker wrote first wins,
    `ON CONFLICT DO NOTHING`), then write the month's roll-up. Returns the rows written.

    `workers` > 1 shares the organisations among that many forked processes (each measures its share through the
    apps' selectors on its own database connection): the selectors are one query per organisation and
    indicator, so thousands of organisations are CPU-bound in Python and SQL planning. Only outside a
    transaction (the children could not see uncommitted rows); inside one it measures in this process."""
    month = periods.month_of(month)
    explicit = organizations is not None
    if organizations is None:
        organizations = Organization.objects.filter(is_active=True, kind__in=LOCAL_GOVERNMENT_KINDS).only(
            "pk", "slug", "kind"
        )
    ids = [o.pk for o in organizations]
    if workers > 1 and len(ids) > workers and not connection.in_atomic_block:
        written = _measure_in_workers(month, ids, workers)
    else:
        written = _measure_organizations(month, organizations)
    written += _snapshot_formulas(month, ids if explicit else None)
    if written or not RollupPeriod.objects.filter(month=month).exists():
        rollup_refresh(month=month)
    return written


def _measure_organizations(month: dt.date, organizations: Iterable[Organization]) -> int:
    """The computed indicators of `organizations` for `month` that are not snapshotted yet, written in batches."""
    computed = _computed_indicators()
    done = set(
        Snapshot.objects.filter(month=month, indicator__in=[i for i, _ in computed]).values_list(
            "organization_id", "indicator_id"
        )
    )
    bulks = _bulk_selectors(computed)
    end = periods.month_last_day(month)
    organizations = list(organizations)
    rows: list[tuple[int, int, Decimal | None]] = []
    written = 0
    for first in range(0, len(organizations), BULK_BATCH):
        batch = organizations[first : first + BULK_BATCH]
        # A source with a bulk selector: one query for the batch; the others, one per organisation.
        measured = {}
        for indicator_id, bulk in bulks.items():
            ids = [o.pk for o in batch if (o.pk, indicator_id) not in done]
            measured[indicator_id] = bulk(organization_ids=ids, start=month, end=end) if ids else {}
        for organization in batch:
            for indicator, selector in computed:
                if (organization.pk, indicator.pk) in done:
                    continue
                if indicator.pk in measured:
                    value = _figure(measured[indicator.pk].get(organization.pk))
                else:
                    value = _measure(selector, organization, month)
                rows.append((organization.pk, indicator.pk, value))
        written += _insert_computed(month, rows)
        rows = []
    return written


def _insert_computed(month: dt.date, rows: list[tuple[int, int, Decimal | None]]) -> int:
    """The month's computed figures in one INSERT from arrays (ON CONFLICT DO NOTHING: a row another worker wrote
    first wins). Django's bulk_create built the statement value by value: most of a snapshot's time."""
    if not rows:
        return 0
    organization_ids, indicator_ids, values = zip(*rows, strict=True)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO kpi_snapshot (organization_id, indicator_id, month, value, origin, taken_at)
            SELECT o, i, %s, v, %s, now()
            FROM unnest(%s::bigint[], %s::bigint[], %s::numeric[]) AS r(o, i, v)
            ON CONFLICT DO NOTHING
            """,
            [
                month,
                Source.COMPUTED.value,
                array_literal(organization_ids),
                array_literal(indicator_ids),
                array_literal(values),
            ],
        )
        return cursor.rowcount


def _measure_share(month: dt.date, ids: list[int]) -> int:
    """One forked worker's share."""
    organizations = Organization.objects.filter(pk__in=ids).only("pk", "slug", "kind").order_by("pk")
    return _measure_organizations(month, organizations)


def _measure_in_workers(month: dt.date, ids: list[int], workers: int) -> int:
    with forking.process_pool(workers) as pool:
        shares = [
            pool.submit(forking.in_child, _measure_share, month, ids[i::workers]) for i in range(workers)
        ]
        return sum(share.result() for share in shares)


def snapshot_closed_month(*, now: dt.datetime | None = None) -> dict | None:
    """The periodic step: once a day, snapshot the month that is over (what is missing of it). The measuring
    runs before the day's claim, outside its transaction, so it may share the organisations among worker
    processes (it skips what is snapshotted: a second caller measures nothing); the claim then records it."""
    day = periods.today(now)
    month = periods.last_closed_month(day)
    if DailyRun.objects.filter(job="kpi.snapshot", day=day).exists():
        return None
    workers = max(1, min(SNAPSHOT_WORKERS, os.cpu_count() or 1))
    written = snapshot_month(month=month, workers=workers)
    return run_once_a_day(
        "kpi.snapshot",
        day,
        lambda: {"month": month.isoformat(), "rows": written + snapshot_month(month=month)},
    )


MAX_BACKFILL_MONTHS = 60  # five years: what a city's modules may hold from before the dashboard existed


def backfill(
    *,
    months: int,
    until: dt.date | None = None,
    organizations: Iterable[Organization] | None = None,
    workers: int = 1,
    now: dt.datetime | None = None,
) -> dict[str, int]:
    """Snapshot and roll up the `months` months that end with `until` (the last month that is over by default),
    oldest first: what the monthly job would have written had it run then, from what the modules hold now.
    Idempotent: a figure already snapshotted stays (a correction is `snapshot_recompute`, audited), so a second
    run writes nothing. A month whose snapshots were all there still gets its roll-up rewritten when one of the
    two months before it got new figures (its three-month adoption window holds them), as do the two months
    after the range when their roll-up is written. Returns {"months": n, "rows": written, "refreshed": n}."""
    if not 1 <= months <= MAX_BACKFILL_MONTHS:
        raise InvalidInput.for_field(
            "months", _("Backfill from 1 to %(max)s months.") % {"max": MAX_BACKFILL_MONTHS}
        )
    last = periods.last_closed_month(periods.today(now))
    until = last if until is None else periods.month_of(until)
    if until > last:
        raise InvalidInput.for_field("until", _("Backfill only months that are over."))
    if organizations is not None:
        organizations = list(organizations)
    stale: set[dt.date] = set()
    written = refreshed = 0
    for month in periods.months_back(until, months):
        rows = snapshot_month(month=month, organizations=organizations, workers=workers)
        if rows:
            written += rows
            refreshed += 1  # snapshot_month rewrote the month's roll-up
            stale |= {add_months(month, 1), add_months(month, 2)}
        elif month in stale:
            rollup_refresh(month=month)
            refreshed += 1
        stale.discard(month)
    for month in sorted(stale):
        if month <= last and RollupPeriod.objects.filter(month=month).exists():
            rollup_refresh(month=month)
            refreshed += 1
    return {"months": months, "rows": written, "refreshed": refreshed}


def _require_closed_month(month: dt.date, today: dt.date, field: str = "month") -> dt.date:
    month = periods.month_of(month)
    if month >= periods.month_of(today):
        raise InvalidInput.for_field(field, _("Only a month that is over can be recomputed or entered."))
    return month


@transaction.atomic
def snapshot_recompute(
    *, actor: Actor, organization: Organization, month: dt.date, reason: str, now: dt.datetime | None = None
) -> list[Snapshot]:
    """Recompute the computed indicators of a past month: the explicit, audited correction (each figure that
    changes gets an audit entry with its before and after, and the reason)."""
    require(actor, organization, KpiPerm.KPI_MANAGE)
    month = _require_closed_month(month, periods.today(now))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput.for_field("reason", _("Say why the month is recomputed: the audit log keeps it."))
    changed = []
    for indicator, selector in _computed_indicators():
        value = _measure(selector, organization, month)
        snapshot = (
            Snapshot.objects.select_for_update()
            .filter(organization=organization, indicator=indicator, month=month)
            .first()
        )
        if snapshot is None:
            snapshot = Snapshot.objects.create(
                organization=organization,
                indicator=indicator,
                month=month,
                value=value,
                origin=Source.COMPUTED,
            )
            action, before = AuditEntry.Action.CREATE, None
        elif snapshot.value != value or snapshot.origin != Source.COMPUTED:
            before = None if snapshot.value is None else str(snapshot.value)
            snapshot.value, snapshot.origin = value, Source.COMPUTED
            snapshot.save(update_fields=["value", "origin", "taken_at"])
            action = AuditEntry.Action.UPDATE
        else:
            continue
        audit.record(
            actor=actor,
            organization=organization,
            instance=snapshot,
            action=action,
            changes={
                "value": [before, None if value is None else str(value)],
                "month": [None, month.isoformat()],
            },
            reason=f"recompute: {reason}",
        )
        changed.append(snapshot)
    changed += _formulas_follow(actor, organization, month)
    if changed:
        rollup_after_correction(month, [s.indicator_id for s in changed], organization.pk, computed=True)
    return changed


# --- hand-entered values -----------------------------------------------------------------------------------------


def _check_value(indicator: Indicator, value, field: str = "value") -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError) as e:
        raise InvalidInput.for_field(field, _("Enter a number.")) from e
    if not number.is_finite() or abs(number) >= Decimal("1e14"):
        raise InvalidInput.for_field(field, _("Enter a number."))
    if indicator.min_value is not None and number < indicator.min_value:
        raise InvalidInput.for_field(
            field,
            _("%(name)s cannot be below %(min)s %(unit)s.")
            % {"name": indicator.name_th, "min": indicator.min_value.normalize(), "unit": indicator.unit},
        )
    if indicator.max_value is not None and number > indicator.max_value:
        raise InvalidInput.for_field(
            field,
            _("%(name)s cannot be above %(max)s %(unit)s.")
            % {"name": indicator.name_th, "max": indicator.max_value.normalize(), "unit": indicator.unit},
        )
    return number.quantize(Decimal("0.0001"))


def _check_entered(indicator: Indicator | None, field: str = "indicator") -> Indicator:
    if indicator is None or not indicator.is_active:
        raise InvalidInput.for_field(field, _("Choose an indicator of the list."))
    if indicator.source == Source.COMPUTED:
        raise InvalidInput.for_field(
            field,
            _("%(name)s is computed from its module: it is not entered by hand.")
            % {"name": indicator.name_th},
        )
    if indicator.source == Source.FORMULA:
        raise InvalidInput.for_field(
            field,
            _("%(name)s is computed from other indicators by its formula: it is not entered by hand.")
            % {"name": indicator.name_th},
        )
    return indicator


def _check_school(organization: Organization, code: str | None, field: str = "school") -> School | None:
    """The organisation's active school of that code; None for a figure of the whole organisation (no code)."""
    code = (code or "").strip()
    if not code:
        return None
    school = School.objects.filter(code=code).first()
    if school is None or not school.is_active:
        raise InvalidInput.for_field(field, _("No school has the code %(code)s.") % {"code": code})
    if school.organization_id != organization.pk:
        raise InvalidInput.for_field(
            field,
            _("The school %(code)s is not one of %(organization)s's schools.")
            % {"code": code, "organization": organization.name_th},
        )
    return school


@transaction.atomic
def manual_value_submit(
    *,
    actor: Actor,
    organization: Organization,
    indicator: Indicator | None,
    month: dt.date | None,
    value,
    evidence,
    note: str = "",
    school_code: str = "",
    now: dt.datetime | None = None,
) -> ManualValue:
    """A figure entered by hand: it waits for someone else's approval, with its evidence. With a school's code,
    the figure is that school's (one of the organisation's), not the organisation's."""
    require(actor, organization, KpiPerm.KPI_ENTER)
    indicator = _check_entered(indicator)
    school = _check_school(organization, school_code)
    if month is None:
        raise InvalidInput.for_field("month", _("Choose the month the figure is for."))
    month = _require_closed_month(month, periods.today(now))
    number = _check_value(indicator, value)
    if evidence is None:
        raise InvalidInput.for_field(
            "evidence", _("Attach the evidence: a photo or scan of the document the figure comes from.")
        )
    entry = ManualValue(
        organization=organization,
        indicator=indicator,
        school=school,
        month=month,
        value=number,
        note=(note or "").strip()[:500],
        entered_by=actor.user,
    )
    entry.evidence = clean_image(evidence, field="evidence")
    entry.save()
    audit.record_create(actor=actor, organization=organization, instance=entry)
    return entry


@transaction.atomic
def manual_value_decide(
    *, actor: Actor, entry: ManualValue, approve: bool, now: dt.datetime | None = None
) -> ManualValue:
    """Approve (the figure becomes the month's snapshot) or reject a hand-entered figure; never one's own."""
    organization = entry.organization
    require(actor, organization, KpiPerm.KPI_APPROVE)
    entry = ManualValue.objects.select_for_update().select_related("indicator").get(pk=entry.pk)
    if entry.status != ManualValue.Status.PENDING:
        raise Conflict(_("This figure was already decided."))
    if actor.user is not None and entry.entered_by_id == actor.user.pk:
        raise AccessDenied(_("Someone else approves a figure you entered."))
    entry.status = ManualValue.Status.APPROVED if approve else ManualValue.Status.REJECTED
    entry.decided_by = actor.user
    entry.decided_at = now or timezone.now()
    entry.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record(
        actor=actor,
        organization=organization,
        instance=entry,
        action=AuditEntry.Action.UPDATE,
        changes={"status": [ManualValue.Status.PENDING, entry.status]},
    )
    if approve and entry.school_id is not None:
        _write_school_value(
            actor,
            organization,
            entry.school,
            entry.indicator,
            entry.month,
            entry.value,
            Source.MANUAL,
            "approved",
        )
    elif approve:
        _write_snapshot(
            actor, organization, entry.indicator, entry.month, entry.value, Source.MANUAL, "approved"
        )
        moved = [entry.indicator_id] + [
            s.indicator_id for s in _formulas_follow(actor, organization, entry.month)
        ]
        rollup_after_correction(entry.month, moved, organization.pk, computed=False)
    return entry


def _write_snapshot(actor, organization, indicator, month, value, origin, reason) -> Snapshot:
    snapshot, created = Snapshot.objects.select_for_update().get_or_create(
        organization=organization,
        indicator=indicator,
        month=month,
        defaults={"value": value, "origin": origin},
    )
    before = None
    if not created:
        before = None if snapshot.value is None else str(snapshot.value)
        snapshot.value, snapshot.origin = value, origin
        snapshot.save(update_fields=["value", "origin", "taken_at"])
    audit.record(
        actor=actor,
        organization=organization,
        instance=snapshot,
        action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
        changes={
            "value": [before, None if value is None else str(value)],
            "month": [None, month.isoformat()],
        },
        reason=reason,
    )
    return snapshot


def _write_school_value(actor, organization, school, indicator, month, value, origin, reason) -> SchoolValue:
    """A school's figure of the month (its organisation's snapshots and roll-ups do not move)."""
    row, created = SchoolValue.objects.select_for_update().get_or_create(
        school=school,
        indicator=indicator,
        month=month,
        defaults={"organization": organization, "value": value, "origin": origin},
    )
    before = None
    if not created:
        before = str(row.value)
        row.value, row.origin = value, origin
        row.save(update_fields=["value", "origin", "taken_at"])
    audit.record(
        actor=actor,
        organization=organization,
        instance=row,
        action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
        changes={
            "value": [before, str(value)],
            "month": [None, month.isoformat()],
            "school": [None, school.code],
        },
        reason=reason,
    )
    return row


# --- CSV import ----------------------------------------------------------------------------------------------------

MONTH_TEXT = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


def parse_month(text: str) -> dt.date:
    """`2569-03` (Buddhist Era, as the offices write it) or `2026-03`."""
    match = MONTH_TEXT.match(text or "")
    if not match:
        raise ValueError
    year, month = int(match[1]), int(match[2])
    if year > 2400:
        year = christian_era(year)
    return dt.date(year, month, 1)


@transaction.atomic
def csv_import(*, actor: Actor, organization: Organization, text: str, now: dt.datetime | None = None) -> int:
    """Rows `indicator,month,value` (month `2569-03`) and an optional `school` column (a school's 10-digit code:
    the row is that school's figure; empty: the organisation's): every row is checked first; one bad row and
    nothing is written, the error names its line. Returns the figures written (each audited)."""
    require(actor, organization, KpiPerm.KPI_ENTER)
    today = periods.today(now)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames or {"indicator", "month", "value"} - {f.strip() for f in reader.fieldnames}:
        raise InvalidInput.for_field("file", _("The file needs the columns indicator, month and value."))
    indicators = {i.code: i for i in Indicator.objects.filter(is_active=True)}
    rows = []
    for line, raw in enumerate(reader, start=2):
        if line - 1 > MAX_CSV_ROWS:
            raise InvalidInput.for_field("file", _("At most %(n)s rows per file.") % {"n": MAX_CSV_ROWS})
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
        try:
            indicator = _check_entered(indicators.get(row["indicator"]), "file")
            try:
                month = parse_month(row["month"])
            except ValueError as e:
                raise InvalidInput.for_field("file", _("Write the month as 2569-03.")) from e
            month = _require_closed_month(month, today, "file")
            value = _check_value(indicator, row["value"], "file")
            school = _check_school(organization, row.get("school"), "file")
        except InvalidInput as e:
            message = _("Line %(line)s: %(error)s") % {"line": line, "error": e.detail}
            raise InvalidInput.for_field("file", message) from e
        rows.append((indicator, month, value, school))
    if not rows:
        raise InvalidInput.for_field("file", _("The file has no rows."))
    moved: dict[dt.date, set[int]] = {}
    for indicator, month, value, school in rows:
        if school is not None:
            _write_school_value(
                actor, organization, school, indicator, month, value, Source.CSV, "CSV import"
            )
            continue
        _write_snapshot(actor, organization, indicator, month, value, Source.CSV, "CSV import")
        moved.setdefault(month, set()).add(indicator.pk)
    for month, indicator_ids in sorted(moved.items()):
        indicator_ids |= {s.indicator_id for s in _formulas_follow(actor, organization, month)}
        rollup_after_correction(month, sorted(indicator_ids), organization.pk, computed=False)
    return len(rows)


# --- schools ------------------------------------------------------------------------------------------------------


@transaction.atomic
def school_add(
    *, actor: Actor, organization: Organization, code: str, name_th: str, name_en: str = ""
) -> School:
    """A school of the organisation, by its 10-digit Ministry of Education / DLA code (one school per code)."""
    require(actor, organization, KpiPerm.KPI_SCHOOLS)
    school = School(
        organization=organization,
        code=(code or "").strip(),
        name_th=(name_th or "").strip(),
        name_en=(name_en or "").strip(),
    )
    try:
        school.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as e:
        raise InvalidInput.from_validation_error(e) from e
    taken = InvalidInput.for_field(
        "code", _("A school with the code %(code)s is already listed.") % {"code": school.code}
    )
    if School.objects.filter(code=school.code).exists():
        raise taken
    try:
        with transaction.atomic():  # the same code added at the same moment elsewhere
            school.save()
    except IntegrityError as e:
        raise taken from e
    audit.record_create(actor=actor, organization=organization, instance=school)
    return school


@transaction.atomic
def school_set_active(*, actor: Actor, organization: Organization, school_id: int, active: bool) -> School:
    """End a school (off the pages and the entry forms; its figures stay) or restore it."""
    require(actor, organization, KpiPerm.KPI_SCHOOLS)
    school = School.objects.select_for_update().filter(organization=organization, pk=school_id).first()
    if school is None:
        raise NotFound(_("No such school."))
    if school.is_active != active:
        audit.record(
            actor=actor,
            organization=organization,
            instance=school,
            action=AuditEntry.Action.UPDATE,
            changes={"is_active": [school.is_active, active]},
        )
        school.is_active = active
        school.save(update_fields=["is_active"])
    return school


# --- targets and the public page ------------------------------------------------------------------------------------


@transaction.atomic
def target_set(
    *,
    actor: Actor,
    organization: Organization,
    indicator: Indicator | None,
    fiscal_year: int | None,
    value,
    now: dt.datetime | None = None,
) -> Target:
    require(actor, organization, KpiPerm.KPI_MANAGE)
    if indicator is None or not indicator.is_active:
        raise InvalidInput.for_field("indicator", _("Choose an indicator of the list."))
    current = fiscal_year_of(periods.today(now))
    if fiscal_year is None or not (current - 1 <= fiscal_year <= current + TARGET_YEARS_AHEAD):
        raise InvalidInput.for_field(
            "fiscal_year",
            _("A target is for a fiscal year from %(first)s to %(last)s (Buddhist Era).")
            % {"first": current - 1, "last": current + TARGET_YEARS_AHEAD},
        )
    number = _check_value(indicator, value)
    target = (
        Target.objects.select_for_update()
        .filter(organization=organization, indicator=indicator, fiscal_year=fiscal_year)
        .first()
    )
    before = None
    if target is None:
        target = Target.objects.create(
            organization=organization, indicator=indicator, fiscal_year=fiscal_year, value=number
        )
    else:
        before = str(target.value)
        target.value = number
        target.save(update_fields=["value", "updated_at"])
    audit.record(
        actor=actor,
        organization=organization,
        instance=target,
        action=AuditEntry.Action.CREATE if before is None else AuditEntry.Action.UPDATE,
        changes={"value": [before, str(number)]},
    )
    return target


@transaction.atomic
def publication_set(*, actor: Actor, organization: Organization, is_public: bool) -> Publication:
    require(actor, organization, KpiPerm.KPI_MANAGE)
    publication, _created = Publication.objects.select_for_update().get_or_create(organization=organization)
    if publication.is_public != is_public:
        audit.record(
            actor=actor,
            organization=organization,
            instance=publication,
            action=AuditEntry.Action.UPDATE,
            changes={"is_public": [publication.is_public, is_public]},
        )
        publication.is_public = is_public
        publication.save(update_fields=["is_public", "updated_at"])
    return publication


# --- formula indicators ------------------------------------------------------------------------------------------------


def formula_check(*, code: str, text: str) -> formulas.Formula:
    """Read an indicator's formula and check it against the catalogue: every code it uses is an active indicator,
    and no formula uses itself (directly or through others). InvalidInput on the field `formula` otherwise."""
    try:
        formula = formulas.parse(text)
    except formulas.FormulaError as e:
        raise InvalidInput.for_field("formula", e.message) from e
    known = set(
        Indicator.objects.filter(code__in=formula.references, is_active=True).values_list("code", flat=True)
    )
    missing = sorted(formula.references - known - {code})
    if missing:
        raise InvalidInput.for_field(
            "formula",
            _("The formula uses %(codes)s: no active indicator has that code.")
            % {"codes": ", ".join(missing)},
        )
    others = {
        other.code: formulas.parse(other.formula)
        for other in Indicator.objects.filter(source=Source.FORMULA, is_active=True).exclude(code=code)
    }
    try:
        formulas.evaluation_order({**others, code: formula})
    except formulas.FormulaError as e:
        raise InvalidInput.for_field("formula", e.message) from e
    return formula


def _formulas() -> list[tuple[Indicator, formulas.Formula]]:
    """The active formula indicators, each after the formulas it uses."""
    indicators = {i.code: i for i in Indicator.objects.filter(source=Source.FORMULA, is_active=True)}
    parsed = {code: formulas.parse(i.formula) for code, i in indicators.items()}
    return [(indicators[code], parsed[code]) for code in formulas.evaluation_order(parsed)]


def _month_values(month: dt.date, codes: set[str], organization_ids: list[int] | None) -> dict:
    """{organisation id: {indicator code: value}} of the month's snapshots of `codes`."""
    qs = Snapshot.objects.filter(month=month, indicator__code__in=codes)
    if organization_ids is not None:
        qs = qs.filter(organization_id__in=organization_ids)
    values: dict[int, dict[str, Decimal | None]] = {}
    for org_id, code, value in qs.values_list("organization_id", "indicator__code", "value"):
        values.setdefault(org_id, {})[code] = value
    return values


def _snapshot_formulas(month: dt.date, organization_ids: list[int] | None) -> int:
    """The monthly snapshot's second step: each formula indicator's figure from the month's figures, for the
    organisations that have one of the figures it uses, skipping what is already snapshotted. Returns the rows
    written."""
    chain = _formulas()
    if not chain:
        return 0
    codes = set().union(*(f.references for _i, f in chain)) | {i.code for i, _f in chain}
    values = _month_values(month, codes, organization_ids)
    rows = []
    for org_id, figures in values.items():
        for indicator, formula in chain:
            if indicator.code in figures:  # already snapshotted: it stays
                continue
            if not formula.references & figures.keys():
                continue
            figures[indicator.code] = formula.evaluate(figures)
            rows.append(
                Snapshot(
                    organization_id=org_id,
                    indicator_id=indicator.pk,
                    month=month,
                    value=figures[indicator.code],
                    origin=Source.FORMULA,
                )
            )
    return len(Snapshot.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True))


def _formulas_follow(actor: Actor, organization: Organization, month: dt.date) -> list[Snapshot]:
    """After a correction of the organisation's month: each formula's figure follows the figures it uses (each
    change audited like the correction). Returns the snapshots that changed."""
    chain = _formulas()
    if not chain:
        return []
    codes = set().union(*(f.references for _i, f in chain)) | {i.code for i, _f in chain}
    figures = _month_values(month, codes, [organization.pk]).get(organization.pk, {})
    changed = []
    for indicator, formula in chain:
        if not formula.references & figures.keys():
            continue
        value = formula.evaluate(figures)
        had = indicator.code in figures
        if had and figures[indicator.code] == value:
            continue
        figures[indicator.code] = value
        changed.append(
            _write_snapshot(actor, organization, indicator, month, value, Source.FORMULA, "formula")
        )
    return changed
