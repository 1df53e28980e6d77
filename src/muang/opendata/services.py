"""Writes of the open data: publish a dataset (refused when it would publish personal data), describe it,
withdraw it, and rebuild its files on schedule.

Publication checks the provider's columns (`personal.personal_columns`); every refresh reads the values it is
about to write (`personal.personal_values`) and keeps the old files when one looks personal: nothing is
published by accident, not even after a provider changes."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muang.core import audit, registry
from muang.core.access import Actor, require
from muang.core.contract import OpenDataset
from muang.core.errors import Conflict, InvalidInput, NotFound
from muang.core.models import AuditEntry, Organization
from muang.opendata import extract
from muang.opendata.models import Distribution, Publication
from muang.opendata.permissions import OpenDataPerm
from muang.opendata.personal import personal_columns, personal_values
from muang.opendata.vocab import (
    FREQUENCY_SECONDS,
    Classification,
    DataType,
    Frequency,
    GeoCoverage,
    Licence,
    Objective,
)

log = logging.getLogger(__name__)

DESCRIBED = (
    "title",
    "description",
    "keywords",
    "data_type",
    "objective",
    "frequency",
    "geo_coverage",
    "source",
    "licence",
    "classification",
    "contact_email",
)


class PersonalDataRefused(InvalidInput):
    """The dataset would publish personal data."""


def dataset_by_code(code: str) -> OpenDataset:
    dataset = next((d for d in registry.open_datasets() if d.code == code), None)
    if dataset is None:
        raise NotFound(_("No dataset “%(code)s”.") % {"code": code})
    return dataset


def check_publishable(dataset: OpenDataset) -> None:
    """Refuse a dataset whose columns would publish a personal field (before anything is written)."""
    if found := personal_columns(dataset):
        raise PersonalDataRefused.for_field(
            "dataset",
            _("This dataset would publish personal data (%(columns)s): it cannot be published.")
            % {"columns": ", ".join(found)},
        )


@dataclass(frozen=True)
class Description:
    """What the organisation says about a dataset (the Thai government data catalogue's fields)."""

    title: str
    description: str
    data_type: str
    objective: str
    frequency: str
    geo_coverage: str
    source: str
    licence: str = Licence.CC_BY_4
    classification: str = Classification.PUBLIC
    keywords: str = ""
    contact_email: str = ""


def default_description(dataset: OpenDataset, organization: Organization) -> Description:
    return Description(
        title=f"{dataset.title} {organization.name_th}",
        description=str(dataset.description),
        data_type=dataset.data_type,
        objective=Objective.PUBLIC_SERVICE,
        frequency=dataset.frequency,
        geo_coverage=GeoCoverage.LOCAL,
        source=f"{organization.name_th}: {dataset.source}" if dataset.source else organization.name_th,
        keywords=", ".join(dataset.keywords),
        contact_email=organization.email,
    )


def _validate(d: Description) -> dict[str, str]:
    values = {name: str(getattr(d, name)).strip() for name in DESCRIBED}
    errors: dict[str, list[str]] = {}
    for name in ("title", "description", "source"):
        if not values[name]:
            errors[name] = [_("This field is required.")]
    limits = {"title": 200, "description": 4000, "source": 300, "keywords": 300}
    for name, limit in limits.items():
        if len(values[name]) > limit:
            errors[name] = [_("At most %(n)d characters.") % {"n": limit}]
    for name, choices in (
        ("data_type", DataType),
        ("objective", Objective),
        ("frequency", Frequency),
        ("geo_coverage", GeoCoverage),
        ("licence", Licence),
        ("classification", Classification),
    ):
        if values[name] not in choices.values:
            errors[name] = [_("Choose one of the listed values.")]
    email = values["contact_email"]
    if email and ("@" not in email or " " in email or len(email) > 254):
        errors["contact_email"] = [_("Enter a valid e-mail address.")]
    if errors:
        first = next(iter(errors.values()))[0]
        raise InvalidInput(first, field_errors=errors)
    return values


def publication_name(organization: Organization, dataset: OpenDataset) -> str:
    return f"{organization.slug}-{dataset.code.replace('.', '-').replace('_', '-')}"[:100]


@transaction.atomic
def dataset_publish(
    *,
    actor: Actor,
    organization: Organization,
    code: str,
    description: Description | None = None,
    now: dt.datetime | None = None,
) -> Publication:
    """Publish (or describe again) one of the apps' datasets for `organization`, and build its files now."""
    require(actor, organization, OpenDataPerm.MANAGE)
    dataset = dataset_by_code(code)
    check_publishable(dataset)
    now = now or timezone.now()
    values = _validate(description or default_description(dataset, organization))
    publication = (
        Publication.objects.select_for_update()
        .filter(organization=organization, dataset=dataset.code)
        .first()
    )
    if publication is None:
        publication = Publication(
            organization=organization,
            dataset=dataset.code,
            name=publication_name(organization, dataset),
            published_at=now,
            updated_at=now,
            **values,
        )
        try:
            with transaction.atomic():
                publication.save(force_insert=True)
        except IntegrityError:  # another request published it a moment ago
            raise Conflict(_("This dataset was just published by someone else: open it again.")) from None
        audit.record(
            actor=actor,
            organization=organization,
            instance=publication,
            action=AuditEntry.Action.CREATE,
            changes=audit.diff({}, audit.snapshot(publication)),
        )
    else:
        before = audit.snapshot(publication)
        for name, value in values.items():
            setattr(publication, name, value)
        if not publication.is_published:
            publication.is_published = True
            publication.published_at = now
        publication.updated_at = now
        publication.save()
        if changes := audit.diff(before, audit.snapshot(publication)):
            audit.record(
                actor=actor,
                organization=organization,
                instance=publication,
                action=AuditEntry.Action.UPDATE,
                changes=changes,
            )
    publication_refresh(publication=publication, now=now, dataset=dataset)
    return publication


@transaction.atomic
def dataset_withdraw(
    *, actor: Actor, organization: Organization, code: str, now: dt.datetime | None = None
) -> None:
    """Stop publishing a dataset: it leaves the catalogue and the API; its files are removed."""
    require(actor, organization, OpenDataPerm.MANAGE)
    publication = (
        Publication.objects.select_for_update().filter(organization=organization, dataset=code).first()
    )
    if publication is None or not publication.is_published:
        raise Conflict(_("This dataset is not published."))
    before = audit.snapshot(publication)
    publication.is_published = False
    publication.updated_at = now or timezone.now()
    publication.save(update_fields=["is_published", "updated_at"])
    Distribution.objects.filter(publication=publication).delete()
    audit.record(
        actor=actor,
        organization=organization,
        instance=publication,
        action=AuditEntry.Action.UPDATE,
        changes=audit.diff(before, audit.snapshot(publication)),
    )


def publication_refresh(
    *, publication: Publication, now: dt.datetime | None = None, dataset: OpenDataset | None = None
) -> bool:
    """Rebuild a publication's files from its provider. Keeps the previous files and records why when the
    provider is gone or a value looks personal. True when the files were written."""
    now = now or timezone.now()
    try:
        dataset = dataset or dataset_by_code(publication.dataset)
        check_publishable(dataset)
    except (NotFound, PersonalDataRefused) as refused:
        return _refresh_failed(publication, now, str(refused.detail))
    data = extract.read(dataset, publication.organization_id)
    if found := personal_values(data.headers, data.rows):
        detail = ", ".join(f"{header}: {kind}" for header, kind in found)
        return _refresh_failed(publication, now, f"personal values refused ({detail})")
    files = extract.render(data, dataset, title=publication.name)
    with transaction.atomic():
        for fmt, content in files.items():
            Distribution.objects.update_or_create(
                publication=publication,
                format=fmt,
                defaults={
                    "organization_id": publication.organization_id,
                    "content": content,
                    "byte_size": len(content),
                    "sha256": hashlib.sha256(content).hexdigest(),
                    "modified_at": now,
                },
                create_defaults={
                    "organization_id": publication.organization_id,
                    "content": content,
                    "byte_size": len(content),
                    "sha256": hashlib.sha256(content).hexdigest(),
                    "created_at": now,
                    "modified_at": now,
                },
            )
        Publication.objects.filter(pk=publication.pk).update(
            refreshed_at=now, row_count=len(data.rows), refresh_error=""
        )
    publication.refreshed_at, publication.row_count, publication.refresh_error = now, len(data.rows), ""
    return True


def _refresh_failed(publication: Publication, now: dt.datetime, reason: str) -> bool:
    log.warning("open dataset %s not refreshed: %s", publication.name, reason)
    Publication.objects.filter(pk=publication.pk).update(refresh_error=reason[:300])
    publication.refresh_error = reason[:300]
    return False


def publications_refresh_due(*, now: dt.datetime | None = None) -> int:
    """Refresh every published dataset whose update frequency says it is due (the periodic task). Each row is
    claimed with SKIP LOCKED, so several workers share the work; returns how many were refreshed."""
    now = now or timezone.now()
    done = 0
    for frequency, seconds in FREQUENCY_SECONDS.items():
        due = now - dt.timedelta(seconds=seconds)
        while True:
            with transaction.atomic():
                publication = (
                    Publication.objects.select_for_update(skip_locked=True)
                    .filter(is_published=True, frequency=frequency)
                    .exclude(refreshed_at__gt=due)
                    .order_by("refreshed_at", "pk")
                    .first()
                )
                if publication is None:
                    break
                publication_refresh(publication=publication, now=now)
                if publication.refresh_error:
                    # Not retried before its next period: the error stays on the staff page.
                    Publication.objects.filter(pk=publication.pk).update(refreshed_at=now)
                else:
                    done += 1
    return done
