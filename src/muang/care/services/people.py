"""Writes on people and their programmes: check, then write atomically, then audit."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from muang.care.models import DisabilityType, Enrolment, EnrolmentStatus, Person, Programme, Sex
from muang.care.permissions import CarePerm
from muang.core import audit
from muang.core.access import Actor, require
from muang.core.errors import InvalidInput
from muang.core.form_errors import field_messages
from muang.core.models import Organization
from muang.core.thai_id import is_valid_national_id, normalize_thai_id
from muang.core.validation import clean_phone, point_from

ELDERLY_AGE = 60
OLDEST_BIRTH_YEAR = 1880
SUBDISTRICT_CODE = re.compile(r"^\d{6}$")
MAX_PHONES = 5
MAX_CONTACTS = 5


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def clean_national_id(value: str, field: str = "national_id") -> str:
    digits = normalize_thai_id(value or "")
    if not is_valid_national_id(digits):
        raise InvalidInput.for_field(
            field, _("A national ID is 13 digits with a correct check digit: %(value)s") % {"value": value}
        )
    return digits


def _clean_contacts(contacts: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    cleaned = []
    for contact in contacts:
        name = str(contact.get("name") or "").strip()
        if not name:
            raise InvalidInput.for_field("emergency_contacts", _("An emergency contact needs a name."))
        cleaned.append(
            {
                "name": name[:200],
                "relation": str(contact.get("relation") or "").strip()[:100],
                "phone": clean_phone(str(contact.get("phone") or ""), field="emergency_contacts"),
            }
        )
    if len(cleaned) > MAX_CONTACTS:
        raise InvalidInput.for_field(
            "emergency_contacts", _("At most %(n)s emergency contacts.") % {"n": MAX_CONTACTS}
        )
    return cleaned


def clean_person_fields(data: Mapping[str, Any], *, today: dt.date) -> dict[str, Any]:
    """The person's fields checked and normalised; InvalidInput naming every field that is wrong."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}

    def check(name: str, fn) -> None:
        try:
            fn()
        except InvalidInput as e:
            for field, message in field_messages(e, default_field=name):
                errors.setdefault(field, []).append(message)

    def national_id() -> None:
        out["national_id"] = clean_national_id(str(data.get("national_id") or ""))

    def names() -> None:
        for field in ("first_name", "last_name"):
            value = str(data.get(field) or "").strip()
            if not value:
                errors.setdefault(field, []).append(_("Required."))
            elif len(value) > 100:
                errors.setdefault(field, []).append(_("At most 100 characters."))
            out[field] = value
        out["title"] = str(data.get("title") or "").strip()[:40]

    def birth_date() -> None:
        value = data.get("birth_date")
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise InvalidInput.for_field("birth_date", _("Give the birth date."))
        if value > today or value.year < OLDEST_BIRTH_YEAR:
            raise InvalidInput.for_field("birth_date", _("The birth date cannot be in the future."))
        out["birth_date"] = value

    def sex() -> None:
        value = data.get("sex")
        if value not in Sex.values:
            raise InvalidInput.for_field("sex", _("Choose male or female."))
        out["sex"] = value

    def place() -> None:
        code = str(data.get("subdistrict_code") or "").strip()
        if code and not SUBDISTRICT_CODE.match(code):
            raise InvalidInput.for_field("subdistrict_code", _("A subdistrict code has 6 digits."))
        out["subdistrict_code"] = code
        out["address"] = str(data.get("address") or "").strip()[:300]

    def location() -> None:
        lat, lon = data.get("lat"), data.get("lon")
        if (lat is None) != (lon is None):
            raise InvalidInput.for_field("location", _("Give both latitude and longitude, or neither."))
        out["location"] = point_from(lat=lat, lon=lon) if lat is not None else None

    def phones() -> None:
        values = [clean_phone(str(p), field="phones") for p in data.get("phones") or () if str(p).strip()]
        if len(values) > MAX_PHONES:
            raise InvalidInput.for_field("phones", _("At most %(n)s phone numbers.") % {"n": MAX_PHONES})
        out["phones"] = values

    def contacts() -> None:
        out["emergency_contacts"] = _clean_contacts(data.get("emergency_contacts") or ())

    def line() -> None:
        value = str(data.get("line_user_id") or "").strip()
        if value and not re.fullmatch(r"U[0-9a-f]{32}", value):
            raise InvalidInput.for_field(
                "line_user_id", _("Not a LINE user ID (U followed by 32 hex digits).")
            )
        out["line_user_id"] = value

    for name, fn in (
        ("national_id", national_id),
        ("first_name", names),
        ("birth_date", birth_date),
        ("sex", sex),
        ("subdistrict_code", place),
        ("location", location),
        ("phones", phones),
        ("emergency_contacts", contacts),
        ("line_user_id", line),
    ):
        check(name, fn)
    out["lives_alone"] = bool(data.get("lives_alone", False))
    if errors:
        first = next(iter(errors.values()))[0]
        raise InvalidInput(first, field_errors=errors)
    out["full_name"] = f"{out['first_name']} {out['last_name']}"
    return out


# What identifies a person never enters the append-only audit log (which cannot be anonymised later): the entry
# says which of these changed, not their values.
IDENTIFYING = frozenset(
    {
        "national_id",
        "title",
        "first_name",
        "last_name",
        "full_name",
        "birth_date",
        "address",
        "location",
        "phones",
        "emergency_contacts",
        "line_user_id",
    }
)


def masked(changes: dict[str, list[Any]]) -> dict[str, list[Any]]:
    return {k: (["***", "***"] if k in IDENTIFYING else v) for k, v in changes.items() if k != "updated_at"}


def duplicate_error(national_id: str) -> InvalidInput:
    return InvalidInput.for_field(
        "national_id", _("A person with national ID %(id)s is already registered.") % {"id": national_id}
    )


def person_create(*, actor: Actor, organization: Organization, today: dt.date, **data: Any) -> Person:
    require(actor, organization, CarePerm.CARE_EDIT)
    fields = clean_person_fields(data, today=today)
    if Person.objects.filter(organization=organization, national_id=fields["national_id"]).exists():
        raise duplicate_error(fields["national_id"])
    try:
        with transaction.atomic():
            person = Person.objects.create(organization=organization, **fields)
            audit.record(
                actor=actor,
                organization=organization,
                instance=person,
                action="create",
                changes=masked(audit.diff({}, audit.snapshot(person))),
            )
    except IntegrityError as e:  # the same ID registered by someone else a moment ago
        raise duplicate_error(fields["national_id"]) from e
    return person


def person_update(*, actor: Actor, person: Person, today: dt.date, **data: Any) -> Person:
    """Change a person's particulars (the whole set is given again, as the form and the API send it)."""
    require(actor, person.organization, CarePerm.CARE_EDIT)
    fields = clean_person_fields(data, today=today)
    if (
        Person.objects.filter(organization_id=person.organization_id, national_id=fields["national_id"])
        .exclude(pk=person.pk)
        .exists()
    ):
        raise duplicate_error(fields["national_id"])
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        before = audit.snapshot(locked)
        changed = [name for name, value in fields.items() if getattr(locked, name) != value]
        for name in changed:
            setattr(locked, name, fields[name])
        if changed:
            locked.save(update_fields=[*changed, "updated_at"])
            audit.record(
                actor=actor,
                organization=locked.organization,
                instance=locked,
                action="update",
                changes=masked(audit.diff(before, audit.snapshot(locked))),
            )
    return locked


def enrolment_create(
    *,
    actor: Actor,
    person: Person,
    programme: str,
    started_on: dt.date,
    disability_type: str = "",
    card_number: str = "",
    card_expires_on: dt.date | None = None,
) -> Enrolment:
    """Enrol a person in a programme: the elderly from 60, disability with its type and card."""
    require(actor, person.organization, CarePerm.CARE_EDIT)
    if programme not in Programme.values:
        raise InvalidInput.for_field("programme", _("Choose a programme."))
    if started_on < person.birth_date:
        raise InvalidInput.for_field(
            "started_on", _("The enrolment cannot start before the person was born.")
        )
    if programme == Programme.ELDERLY and age_on(person.birth_date, started_on) < ELDERLY_AGE:
        raise InvalidInput.for_field(
            "started_on", _("The elderly programme starts at age %(age)s.") % {"age": ELDERLY_AGE}
        )
    if programme == Programme.DISABILITY:
        errors = {}
        if disability_type not in DisabilityType.values:
            errors["disability_type"] = [_("Choose one of the seven disability types.")]
        if not card_number.strip():
            errors["card_number"] = [_("Give the disability card number.")]
        if card_expires_on is not None and card_expires_on < started_on:
            errors["card_expires_on"] = [_("The card expired before the enrolment starts.")]
        if errors:
            raise InvalidInput(next(iter(errors.values()))[0], field_errors=errors)
    else:
        disability_type, card_number, card_expires_on = "", "", None
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(
                organization_id=person.organization_id,
                person=person,
                programme=programme,
                started_on=started_on,
                disability_type=disability_type,
                card_number=card_number.strip()[:30],
                card_expires_on=card_expires_on,
            )
            audit.record_create(actor=actor, organization=person.organization, instance=enrolment)
    except IntegrityError as e:
        raise InvalidInput.for_field(
            "programme", _("The person is already enrolled in this programme.")
        ) from e
    return enrolment


def enrolment_end(*, actor: Actor, enrolment: Enrolment, ended_on: dt.date) -> Enrolment:
    require(actor, enrolment.person.organization, CarePerm.CARE_EDIT)
    if ended_on < enrolment.started_on:
        raise InvalidInput.for_field("ended_on", _("The enrolment cannot end before it started."))
    with transaction.atomic():
        locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if locked.status == EnrolmentStatus.ENDED:
            raise InvalidInput.for_field("status", _("The enrolment has already ended."))
        before = audit.snapshot(locked)
        locked.status, locked.ended_on = EnrolmentStatus.ENDED, ended_on
        locked.save(update_fields=["status", "ended_on"])
        audit.record(
            actor=actor,
            organization=enrolment.person.organization,
            instance=locked,
            action="update",
            changes=audit.diff(before, audit.snapshot(locked)),
        )
    return locked


def person_death_record(*, actor: Actor, person: Person, died_on: dt.date, today: dt.date) -> Person:
    """Record that a person died: the next allowance run stops their allowances (the month of death is paid)."""
    require(actor, person.organization, CarePerm.CARE_EDIT)
    if died_on > today:
        raise InvalidInput.for_field("died_on", _("The day of death cannot be in the future."))
    if died_on < person.birth_date:
        raise InvalidInput.for_field("died_on", _("The day of death cannot be before the birth date."))
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk, organization_id=person.organization_id)
        before = audit.snapshot(locked)
        locked.died_on = died_on
        locked.save(update_fields=["died_on", "updated_at"])
        audit.record(
            actor=actor,
            organization=person.organization,
            instance=locked,
            action="update",
            changes=audit.diff(before, audit.snapshot(locked)),
            reason="death recorded",
        )
    return locked
