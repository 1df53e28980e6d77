"""Writes of the valuation tables: a tax year's rule data and its price tables, edited one by one or imported
from CSV / Excel (a dry run reports every rejected row; a real import is atomic)."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from muang.core import audit
from muang.core.access import Actor, require
from muang.core.errors import InvalidInput
from muang.core.models import AuditEntry, Organization
from muang.core.tabular import ImportReport, decimal_value, int_value, read_rows, text
from muang.property.assessment.services import ruledata
from muang.property.models import (
    LAND_PRICE_KEY_PATTERN,
    MAX_CE_YEAR,
    BuildingPrice,
    CondoPrice,
    ImportBatch,
    LandPrice,
    TaxYear,
)
from muang.property.permissions import PropertyPerm
from muang.property.registry.services.common import REASON_MAX, record_create, required_reason, save_changes
from muang.taxlaw.depreciation import Construction
from muang.taxlaw.land_building import TaxClass
from muang.taxlaw.seed import LAND_BUILDING_TAX_FIRST_YEAR

JSON_FIELDS = (
    "rate_schedules",
    "exemptions",
    "ceilings",
    "vacant_escalation",
    "depreciation",
    "sign_rates",
    "land_building_penalties",
    "signboard_penalties",
    "calendar",
)
TAX_YEAR_EDITABLE = frozenset({*JSON_FIELDS, "reduction_percent", "max_reduction_percent", "status", "note"})
TABLES = ("land_prices", "building_prices", "condo_prices", "rate_brackets", "depreciation")
PRICE_QUANTUM = Decimal("0.01")

# Column names accepted besides the canonical ones (English variants and the Thai of LTAX exports).
TABLE_ALIASES = {
    "zone_block_parcel": "key",
    "code": "key",
    "รหัส": "key",
    "price": "price",
    "ราคา": "price",
    "price_per_square_wah": "price",
    "ราคาต่อตารางวา": "price",
    "price_per_square_metre": "price",
    "price_per_m2": "price",
    "ราคาต่อตารางเมตร": "price",
    "รหัสประเภทสิ่งปลูกสร้าง": "type_code",
    "building_type": "type_code",
    "รายละเอียด": "description",
    "ทะเบียนอาคารชุด": "condominium_code",
    "ชั้น": "floor",
}


def _rule_error(e: ruledata.RuleDataError) -> InvalidInput:
    return InvalidInput.for_field(e.field, e.message)


def validate_tax_year_fields(year: int, fields: Mapping[str, Any]) -> None:
    """Every conversion the assessment will make, made now: stored rule data always converts."""
    try:
        ruledata.tax_year_rules_from_json(
            year=year,
            rate_schedules=fields["rate_schedules"],
            exemptions=fields["exemptions"],
            ceilings=fields["ceilings"],
            vacant_escalation=fields["vacant_escalation"],
            reduction_percent=Decimal(fields["reduction_percent"]),
            max_reduction_percent=Decimal(fields["max_reduction_percent"]),
        )
        ruledata.depreciation_from_json(fields["depreciation"])
        if fields.get("sign_rates") is not None:
            ruledata.sign_rates_from_json(fields["sign_rates"])
        ruledata.land_building_penalties_from_json(fields["land_building_penalties"])
        ruledata.signboard_penalties_from_json(fields["signboard_penalties"])
        ruledata.calendar_from_json(fields.get("calendar") or {})
    except ruledata.RuleDataError as e:
        raise _rule_error(e) from e


def _fields_of(tax_year: TaxYear) -> dict[str, Any]:
    return {k: getattr(tax_year, k) for k in (*JSON_FIELDS, "reduction_percent", "max_reduction_percent")}


@transaction.atomic
def tax_year_create(
    *, actor: Actor, organization: Organization, year: int, copy_from: TaxYear | None = None, reason: str = ""
) -> TaxYear:
    """A new tax year, seeded with the national defaults or copied (with its price tables) from another year."""
    require(actor, organization, PropertyPerm.VALUATION_EDIT)
    if year > MAX_CE_YEAR:
        raise InvalidInput.for_field("year", _("%(y)s looks like B.E.; give the C.E. year.") % {"y": year})
    if year < LAND_BUILDING_TAX_FIRST_YEAR:
        raise InvalidInput.for_field(
            "year", _("The Land and Building Tax Act applies from 2020 (2563 B.E.).")
        )
    if copy_from is not None:
        if copy_from.organization_id != organization.pk:
            raise InvalidInput.for_field("copy_from", _("That tax year belongs to another organisation."))
        fields = _fields_of(copy_from)
        fields["calendar"] = ruledata.default_calendar(year)
    else:
        fields = ruledata.seed_fields(year)
    validate_tax_year_fields(year, fields)
    tax_year = TaxYear(organization=organization, year=year, **fields)
    try:
        with transaction.atomic():
            tax_year.save()
    except IntegrityError as e:
        raise InvalidInput.for_field("year", _("Tax year %(y)s already exists.") % {"y": year}) from e
    copied = ""
    if copy_from is not None:
        counts = _copy_prices(copy_from, tax_year)
        copied = _(" (copied from %(y)s: %(n)s prices)") % {"y": copy_from.year, "n": counts}
    record_create(
        actor=actor, organization=organization, instance=tax_year, reason=(reason or "new tax year") + copied
    )
    return tax_year


def _copy_prices(source: TaxYear, target: TaxYear) -> int:
    org = target.organization
    n = 0
    for model, fields in (
        (LandPrice, ("key", "price_per_square_wah", "note")),
        (BuildingPrice, ("type_code", "description", "price_per_square_metre")),
        (CondoPrice, ("condominium_code", "floor", "price_per_square_metre")),
    ):
        rows = model.objects.filter(tax_year=source).values(*fields)
        created = model.objects.bulk_create(
            (model(organization=org, tax_year=target, **row) for row in rows.iterator(chunk_size=5000)),
            batch_size=5000,
        )
        n += len(created)
    return n


@transaction.atomic
def tax_year_update(*, actor: Actor, tax_year: TaxYear, data: Mapping[str, Any], reason: str) -> TaxYear:
    organization = tax_year.organization
    require(actor, organization, PropertyPerm.VALUATION_EDIT)
    reason = required_reason(reason)
    if unknown := set(data) - TAX_YEAR_EDITABLE:
        raise InvalidInput.for_field(sorted(unknown)[0], _("This field cannot be changed here."))
    if "status" in data and data["status"] not in TaxYear.Status.values:
        raise InvalidInput.for_field("status", _("Choose draft or published."))
    data = dict(data)
    for key in ("reduction_percent", "max_reduction_percent"):
        if key in data:
            data[key] = _percent(data[key], key)
    row = TaxYear.objects.select_for_update().get(pk=tax_year.pk, organization=organization)
    before = audit.snapshot(row)
    for key, value in data.items():
        setattr(row, key, value)
    fields = _fields_of(row)
    if "calendar" in data:
        fields["calendar"] = row.calendar = {**before["calendar"], **(data["calendar"] or {})}
    validate_tax_year_fields(row.year, fields)
    save_changes(
        actor=actor, organization=organization, row=row, before=before, fields=list(data), reason=reason
    )
    return row


def _percent(value: Any, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except ArithmeticError as e:
        raise InvalidInput.for_field(field, _("Not a number.")) from e
    if not number.is_finite() or not 0 <= number <= 100 or number != number.quantize(PRICE_QUANTUM):
        raise InvalidInput.for_field(field, _("A percentage from 0 to 100, at most two decimals."))
    return number.quantize(PRICE_QUANTUM)


# --- single prices ---------------------------------------------------------------------------------------------


def _price(value: Any, field: str) -> Decimal:
    try:
        number = Decimal(str(value).replace(",", ""))
    except ArithmeticError as e:
        raise InvalidInput.for_field(field, _("Not a number.")) from e
    if not number.is_finite() or number < 0:
        raise InvalidInput.for_field(field, _("A price is a number of baht, not negative."))
    if number != number.quantize(PRICE_QUANTUM):
        raise InvalidInput.for_field(field, _("A price has at most two decimals (satang)."))
    return number.quantize(PRICE_QUANTUM)


def _clean_land_key(value: Any) -> str:
    import re

    key = str(value or "").strip().upper()
    if not re.fullmatch(LAND_PRICE_KEY_PATTERN, key):
        raise InvalidInput.for_field(
            "key", _("“%(k)s”: give a zone (01), block (01A) or parcel (01A001).") % {"k": value}
        )
    return key


def _clean_type_code(value: Any) -> str:
    code = str(value or "").strip()
    if not (code.isascii() and code.isdigit() and 3 <= len(code) <= 4):
        raise InvalidInput.for_field(
            "type_code", _("“%(c)s”: a building type has 3 or 4 digits.") % {"c": value}
        )
    return code


def _clean_condo_code(value: Any) -> str:
    code = str(value or "").strip()
    if not code or len(code) > 30:
        raise InvalidInput.for_field(
            "condominium_code", _("Give the condominium registration (≤ 30 characters).")
        )
    return code


def _upsert(
    *,
    actor: Actor,
    tax_year: TaxYear,
    model,
    lookup: dict[str, Any],
    values: dict[str, Any],
    reason: str,
):
    organization = tax_year.organization
    row = (
        model.objects.select_for_update()
        .filter(organization=organization, tax_year=tax_year, **lookup)
        .first()
    )
    if row is None:
        row = model.objects.create(organization=organization, tax_year=tax_year, **lookup, **values)
        record_create(actor=actor, organization=organization, instance=row, reason=reason or "price set")
        return row
    before = audit.snapshot(row)
    for key, value in values.items():
        setattr(row, key, value)
    save_changes(
        actor=actor,
        organization=organization,
        row=row,
        before=before,
        fields=list(values),
        reason=reason or "price set",
    )
    return row


@transaction.atomic
def land_price_set(
    *,
    actor: Actor,
    tax_year: TaxYear,
    key: str,
    price_per_square_wah: Decimal,
    note: str = "",
    reason: str = "",
) -> LandPrice:
    require(actor, tax_year.organization, PropertyPerm.VALUATION_EDIT)
    return _upsert(
        actor=actor,
        tax_year=tax_year,
        model=LandPrice,
        lookup={"key": _clean_land_key(key)},
        values={
            "price_per_square_wah": _price(price_per_square_wah, "price_per_square_wah"),
            "note": note[:200],
        },
        reason=reason,
    )


@transaction.atomic
def building_price_set(
    *,
    actor: Actor,
    tax_year: TaxYear,
    type_code: str,
    price_per_square_metre: Decimal,
    description: str = "",
    reason: str = "",
) -> BuildingPrice:
    require(actor, tax_year.organization, PropertyPerm.VALUATION_EDIT)
    return _upsert(
        actor=actor,
        tax_year=tax_year,
        model=BuildingPrice,
        lookup={"type_code": _clean_type_code(type_code)},
        values={
            "price_per_square_metre": _price(price_per_square_metre, "price_per_square_metre"),
            "description": description[:200],
        },
        reason=reason,
    )


@transaction.atomic
def condo_price_set(
    *,
    actor: Actor,
    tax_year: TaxYear,
    condominium_code: str,
    price_per_square_metre: Decimal,
    floor: int | None = None,
    reason: str = "",
) -> CondoPrice:
    require(actor, tax_year.organization, PropertyPerm.VALUATION_EDIT)
    return _upsert(
        actor=actor,
        tax_year=tax_year,
        model=CondoPrice,
        lookup={"condominium_code": _clean_condo_code(condominium_code), "floor": floor},
        values={"price_per_square_metre": _price(price_per_square_metre, "price_per_square_metre")},
        reason=reason,
    )


# --- import from CSV / Excel -----------------------------------------------------------------------------------


def _price_rows(table: str, rows, report: ImportReport) -> dict[tuple, dict[str, Any]]:
    """Parse price rows into {lookup key: values}; rejected rows go to the report, duplicates too."""
    parsed: dict[tuple, dict[str, Any]] = {}
    first_row: dict[tuple, int] = {}
    for number, row in enumerate(rows, start=1):
        if not row:
            continue
        report.rows_total += 1
        try:
            if table == "land_prices":
                lookup = {"key": _clean_land_key(text(row, "key"))}
                values = {
                    "price_per_square_wah": _price(decimal_value(row, "price"), "price"),
                    "note": text(row, "note")[:200],
                }
            elif table == "building_prices":
                lookup = {"type_code": _clean_type_code(text(row, "type_code"))}
                values = {
                    "price_per_square_metre": _price(decimal_value(row, "price"), "price"),
                    "description": text(row, "description")[:200],
                }
            else:
                lookup = {
                    "condominium_code": _clean_condo_code(text(row, "condominium_code")),
                    "floor": int_value(row, "floor", required=False),
                }
                values = {"price_per_square_metre": _price(decimal_value(row, "price"), "price")}
        except InvalidInput as e:
            report.reject(
                number, e, key=text(row, "key") or text(row, "type_code") or text(row, "condominium_code")
            )
            continue
        key = tuple(lookup.items())
        if key in parsed:
            report.reject(
                number,
                _("Duplicate of row %(n)s.") % {"n": first_row[key]},
                field=next(iter(lookup)),
                key=str(next(iter(lookup.values()))),
            )
            continue
        parsed[key] = values
        first_row[key] = number
    return parsed


_PRICE_MODELS = {"land_prices": LandPrice, "building_prices": BuildingPrice, "condo_prices": CondoPrice}
_LOOKUP_FIELDS = {
    "land_prices": ("key",),
    "building_prices": ("type_code",),
    "condo_prices": ("condominium_code", "floor"),
}


def _apply_prices(
    *,
    actor: Actor,
    tax_year: TaxYear,
    table: str,
    parsed: dict[tuple, dict[str, Any]],
    replace: bool,
    reason: str,
) -> int:
    """Upsert the parsed rows in bulk (and delete the others when replacing), one audit entry per changed row."""
    model = _PRICE_MODELS[table]
    organization = tax_year.organization
    lookup_fields = _LOOKUP_FIELDS[table]
    existing = {
        tuple((f, getattr(row, f)) for f in lookup_fields): row
        for row in model.objects.select_for_update().filter(organization=organization, tax_year=tax_year)
    }
    entries: list[AuditEntry] = []
    to_create, to_update = [], []
    value_fields = sorted({f for values in parsed.values() for f in values})

    def entry(row, action, changes):
        return audit.entry(
            actor=actor,
            organization=organization,
            instance=row,
            action=action,
            changes=changes,
            reason=reason,
        )

    for key, values in parsed.items():
        row = existing.pop(key, None)
        if row is None:
            to_create.append(model(organization=organization, tax_year=tax_year, **dict(key), **values))
            continue
        before = audit.snapshot(row)
        for f, v in values.items():
            setattr(row, f, v)
        changes = audit.diff(before, audit.snapshot(row))
        if changes:
            to_update.append(row)
            entries.append(entry(row, AuditEntry.Action.UPDATE, changes))
    created = model.objects.bulk_create(to_create, batch_size=5000)
    entries.extend(
        entry(row, AuditEntry.Action.CREATE, audit.diff({}, audit.snapshot(row))) for row in created
    )
    if to_update:
        model.objects.bulk_update(to_update, value_fields, batch_size=5000)
    if replace and existing:
        gone = list(existing.values())
        entries.extend(
            entry(row, AuditEntry.Action.DELETE, audit.diff(audit.snapshot(row), {})) for row in gone
        )
        model.objects.filter(organization=organization, pk__in=[row.pk for row in gone]).delete()
    audit.record_many(entries)
    return len(created) + len(to_update)


def _rule_rows(table: str, rows, report: ImportReport, tax_year: TaxYear) -> dict[str, Any]:
    """Brackets or depreciation bands from rows, as the tax year's JSON for the classes / types present."""
    groups: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    group_field = "tax_class" if table == "rate_brackets" else "construction"
    allowed = {c.value for c in TaxClass} if table == "rate_brackets" else {c.value for c in Construction}
    for number, row in enumerate(rows, start=1):
        if not row:
            continue
        report.rows_total += 1
        group = text(row, group_field).lower()
        try:
            if group not in allowed:
                raise InvalidInput.for_field(
                    group_field, _("Choose one of: %(v)s.") % {"v": ", ".join(sorted(allowed))}
                )
            if table == "rate_brackets":
                upper = decimal_value(row, "upper", required=False)
                item = {
                    "upper": None if upper is None else str(upper),
                    "rate_percent": str(decimal_value(row, "rate_percent")),
                }
            else:
                item = {
                    "through_age": int_value(row, "through_age", required=False),
                    "percent_per_year": str(decimal_value(row, "percent_per_year")),
                    "cap_percent": str(decimal_value(row, "cap_percent")),
                }
        except InvalidInput as e:
            report.reject(number, e, key=group)
            continue
        groups[group].append((number, item))
    result: dict[str, Any] = {}
    for group, items in groups.items():
        first = items[0][0]
        try:
            if table == "rate_brackets":
                value = [item for _n, item in items]
                ruledata.schedule_from_json(value, group)
            else:
                caps = {item["cap_percent"] for _n, item in items}
                if len(caps) != 1:
                    raise ruledata.RuleDataError(group, "one cap_percent per construction type")
                value = {
                    "bands": [
                        {k: item[k] for k in ("through_age", "percent_per_year")} for _n, item in items
                    ],
                    "cap_percent": caps.pop(),
                }
                ruledata.depreciation_from_json({**tax_year.depreciation, group: value})
        except ruledata.RuleDataError as e:
            report.reject(first, e.message, field=group_field, key=group)
            continue
        result[group] = value
    return result


@transaction.atomic
def valuation_table_import(
    *,
    actor: Actor,
    tax_year: TaxYear,
    table: str,
    data: bytes,
    filename: str,
    dry_run: bool = True,
    replace: bool = False,
    reason: str = "",
) -> ImportReport:
    """Import one table of a tax year from a .csv or .xlsx file.

    Columns: land_prices `key, price[, note]` (key = zone 01, block 01A or parcel 01A001, baht per square
    wah); building_prices `type_code, price[, description]` (baht per m²); condo_prices
    `condominium_code, [floor,] price`; rate_brackets `tax_class, upper, rate_percent` (upper empty for the
    open top bracket; replaces the schedules of the classes in the file); depreciation
    `construction, through_age, percent_per_year, cap_percent`.

    A dry run parses and checks everything and writes nothing. A real import writes everything or, if any
    row is rejected, nothing (`InvalidInput` listing the rows). `replace` also deletes prices not in the file.
    """
    organization = tax_year.organization
    require(actor, organization, PropertyPerm.VALUATION_EDIT)
    if table not in TABLES:
        raise InvalidInput.for_field("table", _("Choose one of: %(t)s.") % {"t": ", ".join(TABLES)})
    if not dry_run:
        reason = required_reason(reason)
    report = ImportReport(kind=table, filename=filename, dry_run=dry_run)
    rows = read_rows(data, filename, TABLE_ALIASES)
    if table in _PRICE_MODELS:
        parsed = _price_rows(table, rows, report)
        report.accepted = len(parsed)
    else:
        rule_json = _rule_rows(table, rows, report, tax_year)
        report.accepted = report.rows_total - report.rejected_rows
        if not rule_json and not report.rejected:
            raise InvalidInput.for_field("file", _("The file has no rows."))
        if table == "rate_brackets" and not report.rejected:
            schedules = {**tax_year.rate_schedules, **rule_json}
            try:
                validate_tax_year_fields(tax_year.year, {**_fields_of(tax_year), "rate_schedules": schedules})
            except InvalidInput as e:
                report.reject(0, e, field="rate_schedules")
    if dry_run:
        return report
    if report.rejected:
        raise InvalidInput(
            _("%(n)s rows were rejected; nothing was imported.") % {"n": report.rejected_rows},
            field_errors=report.as_field_errors(),
        )
    batch = ImportBatch.objects.create(
        organization=organization,
        kind=table,
        filename=filename[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        tax_year=tax_year,
        rows_total=report.rows_total,
        actor_user=actor.user,
        actor_label=actor.label,
        reason=reason,
    )
    batch_reason = f"{reason} (import {batch.pk}: {filename})"[:REASON_MAX]
    if table in _PRICE_MODELS:
        if not parsed and not replace:
            raise InvalidInput.for_field("file", _("The file has no rows."))
        report.imported = _apply_prices(
            actor=actor, tax_year=tax_year, table=table, parsed=parsed, replace=replace, reason=batch_reason
        )
    else:
        field = "rate_schedules" if table == "rate_brackets" else "depreciation"
        row = TaxYear.objects.select_for_update().get(pk=tax_year.pk, organization=organization)
        before = audit.snapshot(row)
        setattr(row, field, {**getattr(row, field), **rule_json})
        save_changes(
            actor=actor,
            organization=organization,
            row=row,
            before=before,
            fields=[field],
            reason=batch_reason,
        )
        report.imported = report.accepted
    batch.rows_imported = report.imported
    batch.save(update_fields=["rows_imported"])
    audit.record_create(actor=actor, organization=organization, instance=batch, reason=reason)
    report.batch_id = batch.pk
    return report
