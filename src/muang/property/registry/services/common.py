"""Helpers shared by the property services: validation into field errors, audited updates with a reason."""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from muang.core import audit
from muang.core.access import Actor
from muang.core.errors import InvalidInput
from muang.core.form_errors import field_messages
from muang.core.models import AuditEntry, Organization
from muang.core.thai_dates import christian_era
from muang.property.models import MAX_CE_YEAR

REASON_MAX = 300


def full_clean(instance: models.Model, *, exclude: Iterable[str] = ()) -> None:
    """Field validators and choices; unique and check constraints are left to the database (race-free)."""
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as e:
        raise InvalidInput.from_validation_error(e) from e


def required_reason(reason: str) -> str:
    """Every change of the registry says why (the history shows who, when and why)."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput.for_field("reason", _("Say why this is changed (it is kept in the history)."))
    return reason[:REASON_MAX]


def record_create(*, actor: Actor, organization: Organization, instance: models.Model, reason: str) -> None:
    audit.record_create(actor=actor, organization=organization, instance=instance, reason=reason[:REASON_MAX])


def save_changes(
    *,
    actor: Actor,
    organization: Organization,
    row: models.Model,
    before: dict[str, Any],
    fields: Sequence[str],
    reason: str,
) -> dict[str, list[Any]]:
    """Save `fields` of a locked, validated `row` if anything changed, and audit the change with its reason."""
    changes = audit.diff(before, audit.snapshot(row))
    if changes:
        row.save(update_fields=[*fields, *(["updated_at"] if hasattr(row, "updated_at") else [])])
        audit.record(
            actor=actor,
            organization=organization,
            instance=row,
            action=AuditEntry.Action.UPDATE,
            changes=changes,
            reason=reason,
        )
    return changes


# --- field checks shared by the services and the importers ---

CENTI = Decimal("0.01")
DECI = Decimal("0.1")


class FieldErrors:
    """Collects the field errors of several checks, so a caller hears about every bad field at once."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    @contextmanager
    def check(self) -> Iterator[None]:
        try:
            yield
        except InvalidInput as e:
            for f, message in field_messages(e):
                self.fields.setdefault(f, []).append(message)

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(str(message))

    def raise_if_any(self) -> None:
        if self.fields:
            first = next(iter(self.fields.values()))[0]
            raise InvalidInput(first, field_errors=self.fields)


def same_org(organization: Organization, *objects: Any) -> None:
    for obj in objects:
        if obj is not None and obj.organization_id != organization.pk:
            raise InvalidInput(_("%(obj)s belongs to another organisation.") % {"obj": obj})


def to_decimal(value: Any, field: str) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError) as e:
        raise InvalidInput.for_field(field, _("Not a number.")) from e
    if not number.is_finite():
        raise InvalidInput.for_field(field, _("Not a number."))
    return number


def to_year(value: Any, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        year = int(value)
    except (TypeError, ValueError) as e:
        raise InvalidInput.for_field(field, _("Not a year.")) from e
    if year > MAX_CE_YEAR:
        raise InvalidInput.for_field(
            field,
            _("%(y)s looks like a B.E. year; give the C.E. year (%(ce)s).")
            % {"y": year, "ce": christian_era(year)},
        )
    if year < 1800:
        raise InvalidInput.for_field(field, _("Not a plausible year."))
    return year
