"""Writes: monthly snapshots of the computed indicators, the audited recompute of a past month, hand-entered
values with evidence and their approval, CSV imports, yearly targets and the public page switch."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from muang.core import audit
from muang.core.access import Actor, require
from muang.core.errors import AccessDenied, Conflict, InvalidInput
from muang.core.images import clean_image
from muang.core.models import LOCAL_GOVERNMENT_KINDS, AuditEntry, Organization
from muang.core.services import run_once_a_day
from muang.core.thai_dates import christian_era
from muang.core.thai_dates import fiscal_year as fiscal_year_of
from muang.kpi import periods
from muang.kpi.catalogue import computed_sources
from muang.kpi.models import Indicator, ManualValue, Publication, Snapshot, Source, Target
from muang.kpi.permissions import KpiPerm

MAX_CSV_ROWS = 5000
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


def _measure(selector, organization: Organization, month: dt.date) -> Decimal | None:
    value = selector(organization=organization, start=month, end=periods.month_last_day(month))
    return None if value is None else Decimal(value).quantize(Decimal("0.0001"))


def snapshot_month(*, month: dt.date, organizations: Iterable[Organization] | None = None) -> int:
    """Snapshot every computed indicator of every active local government (or of `organizations`) for `month`,
    skipping what is already snapshotted: safe to repeat and to run on several workers at once (a row another
    worker wrote first wins, `ON CONFLICT DO NOTHING`). Returns the rows written."""
    month = periods.month_of(month)
    if organizations is None:
        organizations = Organization.objects.filter(is_active=True, kind__in=LOCAL_GOVERNMENT_KINDS).only(
            "pk", "slug", "kind"
        )
    computed = _computed_indicators()
    done = set(
        Snapshot.objects.filter(month=month, indicator__in=[i for i, _ in computed]).values_list(
            "organization_id", "indicator_id"
        )
    )
    rows: list[Snapshot] = []
    written = 0
    for organization in organizations:
        for indicator, selector in computed:
            if (organization.pk, indicator.pk) in done:
                continue
            rows.append(
                Snapshot(
                    organization_id=organization.pk,
                    indicator_id=indicator.pk,
                    month=month,
                    value=_measure(selector, organization, month),
                    origin=Source.COMPUTED,
                )
            )
        if len(rows) >= 5000:
            written += len(Snapshot.objects.bulk_create(rows, ignore_conflicts=True))
            rows = []
    if rows:
        written += len(Snapshot.objects.bulk_create(rows, ignore_conflicts=True))
    return written


def snapshot_closed_month(*, now: dt.datetime | None = None) -> dict | None:
    """The periodic step: once a day, snapshot the month that is over (what is missing of it)."""
    day = periods.today(now)
    month = periods.last_closed_month(day)
    return run_once_a_day(
        "kpi.snapshot", day, lambda: {"month": month.isoformat(), "rows": snapshot_month(month=month)}
    )


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
    return indicator


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
    now: dt.datetime | None = None,
) -> ManualValue:
    """A figure entered by hand: it waits for someone else's approval, with its evidence."""
    require(actor, organization, KpiPerm.KPI_ENTER)
    indicator = _check_entered(indicator)
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
    if approve:
        _write_snapshot(
            actor, organization, entry.indicator, entry.month, entry.value, Source.MANUAL, "approved"
        )
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
        changes={"value": [before, str(value)], "month": [None, month.isoformat()]},
        reason=reason,
    )
    return snapshot


# --- CSV import ----------------------------------------------------------------------------------------------------

MONTH_TEXT = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


def _parse_month(text: str) -> dt.date:
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
    """Rows `indicator,month,value` (month `2569-03`): every row is checked first; one bad row and nothing is
    written, the error names its line. Returns the figures written (each audited)."""
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
                month = _parse_month(row["month"])
            except ValueError as e:
                raise InvalidInput.for_field("file", _("Write the month as 2569-03.")) from e
            month = _require_closed_month(month, today, "file")
            value = _check_value(indicator, row["value"], "file")
        except InvalidInput as e:
            message = _("Line %(line)s: %(error)s") % {"line": line, "error": e.detail}
            raise InvalidInput.for_field("file", message) from e
        rows.append((indicator, month, value))
    if not rows:
        raise InvalidInput.for_field("file", _("The file has no rows."))
    for indicator, month, value in rows:
        _write_snapshot(actor, organization, indicator, month, value, Source.CSV, "CSV import")
    return len(rows)


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
