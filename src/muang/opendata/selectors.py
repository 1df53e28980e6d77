"""Reads of the open data: what is published (anyone may read it), one publication and its files, and the staff
page's list of every dataset the installed apps offer with what the organisation publishes of it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import Max, Q, QuerySet

from muang.core import registry
from muang.core.contract import OpenDataset
from muang.core.errors import NotFound
from muang.core.models import Organization
from muang.opendata.models import Distribution, Publication
from muang.opendata.personal import personal_columns

ORGANIZATION_NAMESPACE = uuid.UUID("0b6f1c0e-6d1e-4f53-9a52-3c3a1a0f0d15")


def organization_uuid(organization: Organization) -> str:
    """A stable CKAN id for an organisation (CKAN ids are UUIDs; Muang's are integers)."""
    return str(uuid.uuid5(ORGANIZATION_NAMESPACE, f"organization:{organization.pk}"))


def published(*, organization: Organization | None = None) -> QuerySet[Publication]:
    """Published datasets of active organisations, with their organisation and files' metadata (no content)."""
    qs = Publication.objects.filter(is_published=True, organization__is_active=True)
    if organization is not None:
        qs = qs.filter(organization=organization)
    return qs.select_related("organization").order_by("organization__slug", "dataset")


def search(*, q: str = "", organizations: list[str] | None = None, exclude: list[str] | None = None):
    """Published datasets matching every word of `q` (title, description, keywords, source) and, when given,
    belonging to one of `organizations` (slugs) and none of `exclude`."""
    qs = published()
    for word in q.split():
        qs = qs.filter(
            Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(keywords__icontains=word)
            | Q(source__icontains=word)
            | Q(organization__name_th__icontains=word)
        )
    if organizations is not None:
        qs = qs.filter(organization__slug__in=organizations)
    if exclude:
        qs = qs.exclude(organization__slug__in=exclude)
    return qs


def distributions_of(publications: list[Publication]) -> dict[int, list[Distribution]]:
    """Each publication's files (metadata only), in one query."""
    out: dict[int, list[Distribution]] = {p.pk: [] for p in publications}
    rows = (
        Distribution.objects.filter(publication__in=publications)
        .defer("content")
        .order_by("publication_id", "format")
    )
    for d in rows:
        out[d.publication_id].append(d)
    return out


def publication_by_name(name: str) -> Publication:
    publication = published().filter(name=name).first()
    if publication is None:
        raise NotFound("Not found")
    return publication


def publication_by_id_or_name(value: str) -> Publication:
    """CKAN's `id` parameter: the dataset's name or its UUID."""
    try:
        key = Q(uuid=uuid.UUID(value))
    except ValueError:
        key = Q(name=value)
    publication = published().filter(key).first()
    if publication is None:
        raise NotFound("Not found")
    return publication


def distribution_file(name: str, fmt: str) -> tuple[Publication, Distribution]:
    publication = publication_by_name(name)
    distribution = Distribution.objects.filter(publication=publication, format=fmt).first()
    if distribution is None:
        raise NotFound("Not found")
    return publication, distribution


def publishing_organizations() -> QuerySet[Organization]:
    ids = published().values("organization_id")
    return Organization.objects.filter(pk__in=ids, is_active=True).order_by("slug")


def last_modified():
    return published().aggregate(m=Max("refreshed_at"))["m"]


@dataclass(frozen=True)
class StaffRow:
    dataset: OpenDataset
    publication: Publication | None
    refused: list[str]  # the personal columns that keep it from being published


def staff_rows(organization: Organization) -> list[StaffRow]:
    """Every dataset the installed apps offer, with the organisation's publication of it (if any)."""
    mine = {p.dataset: p for p in Publication.objects.filter(organization=organization)}
    return [StaffRow(d, mine.get(d.code), personal_columns(d)) for d in registry.open_datasets()]
