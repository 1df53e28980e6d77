"""The field survey (สำรวจภาคสนาม): a surveyor on a parcel records what is there — its use (or use split),
that it is now surveyed, a note, and photos — with a reason, in one audited transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.gis.geos import Point
from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext as _

from muang.core.access import Actor, require
from muang.core.errors import InvalidInput
from muang.core.images import clean_image
from muang.property.models import Parcel, ParcelPhoto
from muang.property.permissions import PropertyPerm
from muang.property.registry.services.common import FieldErrors, record_create, required_reason
from muang.property.registry.services.registry import clean_use, parcel_update

MAX_PHOTOS = 5
MAX_NOTE = 2000
MAX_ACCURACY_M = 10_000
SURVEYED_STATES = (Parcel.SurveyStatus.SURVEYED, Parcel.SurveyStatus.VERIFIED)


def _clean_survey_status(value: Any) -> str:
    value = str(value or "").strip()
    if value not in SURVEYED_STATES:
        raise InvalidInput.for_field(
            "survey_status", _("A field survey marks the parcel surveyed or verified.")
        )
    return value


@transaction.atomic
def parcel_survey_record(
    *,
    actor: Actor,
    parcel: Parcel,
    use: str,
    use_shares: Mapping[str, Any] | None,
    survey_status: str,
    note: str,
    reason: str,
    photos: list[File] = (),
    position: Point | None = None,
    accuracy_m: int | None = None,
) -> Parcel:
    """Record a field survey of `parcel`. The registry change goes through `parcel_update` (same checks,
    same audit entry with the reason); each photo is re-encoded without metadata and audited too. Every
    problem with the input is reported at once and nothing is written."""
    organization = parcel.organization
    require(actor, organization, PropertyPerm.PROPERTY_EDIT)
    errors = FieldErrors()
    with errors.check():
        reason = required_reason(reason)
    with errors.check():
        survey_status = _clean_survey_status(survey_status)
    with errors.check():
        clean_use(use, use_shares)
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        errors.add("note", _("A note may be at most 2,000 characters."))
    if len(photos) > MAX_PHOTOS:
        errors.add("photos", _("At most 5 photos at a time."))
    if accuracy_m is not None and not 0 <= accuracy_m <= MAX_ACCURACY_M:
        accuracy_m = None  # a phone's nonsense figure is dropped, not an error for the surveyor
    cleaned = []
    for upload in photos:
        with errors.check():
            cleaned.append(clean_image(upload, field="photos"))
    errors.raise_if_any()

    data: dict[str, Any] = {"use": use, "use_shares": use_shares, "survey_status": survey_status}
    if note != parcel.note:
        data["note"] = note
    row = parcel_update(actor=actor, parcel=parcel, data=data, reason=reason)
    for content in cleaned:
        photo = ParcelPhoto(
            organization=organization,
            parcel=row,
            taken_at=position,
            accuracy_m=accuracy_m,
            taken_by=actor.user,
            taken_by_label=actor.label[:200],
        )
        photo.file.save(content.name, content, save=False)
        photo.save()
        record_create(actor=actor, organization=organization, instance=photo, reason=reason)
    return row
