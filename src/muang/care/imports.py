"""The departments' lists (CSV / Excel) into the register, with a dry run, and the register back out.

An import is all or nothing: a dry run checks every row (the check digit, the names, the dates, a national ID
twice in the file or already registered) and writes nothing; a real run with any rejected row writes nothing
either, so the officer fixes the file and sends it again, never half of it."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from muang.care.models import Enrolment, Person, Programme
from muang.care.permissions import CarePerm
from muang.care.services import age_on
from muang.care.services.people import ELDERLY_AGE, clean_person_fields, masked
from muang.core import audit
from muang.core.access import Actor, require
from muang.core.errors import InvalidInput
from muang.core.models import AuditEntry, Organization
from muang.core.spreadsheets import safe_row
from muang.core.tabular import ImportReport, read_rows, text
from muang.core.thai_dates import buddhist_era, parse_thai_date

ALIASES = {
    "เลขประจำตัวประชาชน": "national_id",
    "เลขบัตรประชาชน": "national_id",
    "คำนำหน้า": "title",
    "ชื่อ": "first_name",
    "นามสกุล": "last_name",
    "วันเกิด": "birth_date",
    "เพศ": "sex",
    "ที่อยู่": "address",
    "รหัสตำบล": "subdistrict_code",
    "ละติจูด": "lat",
    "ลองจิจูด": "lon",
    "โทรศัพท์": "phone",
    "อยู่คนเดียว": "lives_alone",
    "โครงการ": "programme",
    "ประเภทความพิการ": "disability_type",
    "เลขบัตรคนพิการ": "card_number",
    "บัตรหมดอายุ": "card_expires_on",
}
SEXES = {"ชาย": "male", "หญิง": "female", "male": "male", "female": "female", "m": "male", "f": "female"}
PROGRAMMES = {
    "ผู้สูงอายุ": Programme.ELDERLY,
    "คนพิการ": Programme.DISABILITY,
    "ผู้มีภาวะพึ่งพิง": Programme.LTC,
    **{p: p for p in Programme.values},
}
YES = {"1", "yes", "y", "true", "ใช่", "x", "✓"}
EXPORT_COLUMNS = (
    "national_id", "title", "first_name", "last_name", "birth_date", "sex", "address", "subdistrict_code",
    "lat", "lon", "phone", "lives_alone", "adl_group", "programmes",
)  # fmt: skip


def _date(row: dict[str, Any], key: str, *, required: bool) -> dt.date | None:
    value = row.get(key)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = text(row, key)
    if not raw:
        if required:
            raise InvalidInput.for_field(key, _("Required."))
        return None
    try:
        return parse_thai_date(raw)
    except ValueError as e:
        raise InvalidInput.for_field(key, _("Not a date (day/month/year B.E.): %(v)s") % {"v": raw}) from e


def _number(row: dict[str, Any], key: str) -> float | None:
    raw = text(row, key)
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError as e:
        raise InvalidInput.for_field("location", _("Not a number: %(v)s") % {"v": raw}) from e


def _row_fields(row: dict[str, Any], today: dt.date) -> tuple[dict[str, Any], dict[str, Any] | None]:
    data = {
        "national_id": text(row, "national_id"),
        "title": text(row, "title"),
        "first_name": text(row, "first_name"),
        "last_name": text(row, "last_name"),
        "birth_date": _date(row, "birth_date", required=True),
        "sex": SEXES.get(text(row, "sex").lower(), text(row, "sex")),
        "address": text(row, "address"),
        "subdistrict_code": text(row, "subdistrict_code"),
        "lat": _number(row, "lat"),
        "lon": _number(row, "lon"),
        "phones": [p.strip() for p in text(row, "phone").split(",") if p.strip()],
        "lives_alone": text(row, "lives_alone").lower() in YES,
    }
    fields = clean_person_fields(data, today=today)
    enrolment = None
    if raw := text(row, "programme"):
        programme = PROGRAMMES.get(raw.lower(), PROGRAMMES.get(raw))
        if programme is None:
            raise InvalidInput.for_field("programme", _("Unknown programme: %(v)s") % {"v": raw})
        enrolment = {"programme": programme, "started_on": today}
        if programme == Programme.ELDERLY and age_on(fields["birth_date"], today) < ELDERLY_AGE:
            raise InvalidInput.for_field(
                "programme", _("The elderly programme starts at age %(age)s.") % {"age": ELDERLY_AGE}
            )
        if programme == Programme.DISABILITY:
            from muang.care.models import DisabilityType

            kind = text(row, "disability_type")
            labels = {str(label): value for value, label in DisabilityType.choices}
            kind = labels.get(kind, kind)
            if kind not in DisabilityType.values:
                raise InvalidInput.for_field(
                    "disability_type", _("Choose one of the seven disability types.")
                )
            card = text(row, "card_number")
            if not card:
                raise InvalidInput.for_field("card_number", _("Give the disability card number."))
            enrolment.update(
                disability_type=kind,
                card_number=card[:30],
                card_expires_on=_date(row, "card_expires_on", required=False),
            )
    return fields, enrolment


def people_import(
    *,
    actor: Actor,
    organization: Organization,
    data: bytes,
    filename: str,
    today: dt.date,
    dry_run: bool = True,
) -> ImportReport:
    require(actor, organization, CarePerm.CARE_EDIT)
    report = ImportReport(kind="care.people", filename=filename, dry_run=dry_run)
    accepted: list[tuple[dict[str, Any], dict[str, Any] | None]] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(read_rows(data, filename, ALIASES), start=1):
        if not row:
            continue
        report.rows_total += 1
        try:
            fields, enrolment = _row_fields(row, today)
        except InvalidInput as e:
            report.reject(number, e, key=text(row, "national_id"))
            continue
        national_id = fields["national_id"]
        if national_id in seen:
            report.reject(
                number,
                _("The national ID is also on row %(row)s.") % {"row": seen[national_id]},
                field="national_id",
                key=national_id,
            )
            continue
        seen[national_id] = number
        accepted.append((fields, enrolment))
    registered = set(
        Person.objects.filter(organization=organization, national_id__in=list(seen)).values_list(
            "national_id", flat=True
        )
    )
    for national_id in sorted(registered, key=seen.__getitem__):
        report.reject(
            seen[national_id],
            _("A person with national ID %(id)s is already registered.") % {"id": national_id},
            field="national_id",
            key=national_id,
        )
    accepted = [a for a in accepted if a[0]["national_id"] not in registered]
    report.accepted = len(accepted)
    if dry_run or report.rejected or not accepted:
        return report
    with transaction.atomic():
        people = Person.objects.bulk_create(
            [Person(organization=organization, **fields) for fields, _e in accepted], batch_size=2000
        )
        enrolments = Enrolment.objects.bulk_create(
            [
                Enrolment(organization=organization, person=person, **enrolment)
                for person, (_f, enrolment) in zip(people, accepted, strict=True)
                if enrolment
            ],
            batch_size=2000,
        )
        audit.record_many(
            [
                audit.entry(
                    actor=actor,
                    organization=organization,
                    instance=p,
                    action=AuditEntry.Action.CREATE,
                    changes=masked(audit.diff({}, audit.snapshot(p))),
                    reason=f"import {filename}"[:300],
                )
                for p in people
            ]
            + audit.created_entries(
                actor=actor, organization=organization, instances=enrolments, reason=f"import {filename}"
            )
        )
    report.imported = len(people)
    return report


def export_rows(people: Iterable[Person]) -> Iterable[list[Any]]:
    yield list(EXPORT_COLUMNS)
    for p in people:
        yield safe_row(
            [
                p.national_id,
                p.title,
                p.first_name,
                p.last_name,
                p.birth_date.strftime("%d/%m/") + str(buddhist_era(p.birth_date.year)),
                p.sex,
                p.address,
                p.subdistrict_code,
                p.location.y if p.location else "",
                p.location.x if p.location else "",
                ",".join(p.phones),
                "1" if p.lives_alone else "",
                p.adl_group,
                ",".join(sorted(e.programme for e in p.open_enrolments)),
            ]
        )


def export_csv(people: Iterable[Person]) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # Excel opens UTF-8 Thai only with the mark
    writer = csv.writer(out)
    for row in export_rows(people):
        writer.writerow(row)
    return out.getvalue()
