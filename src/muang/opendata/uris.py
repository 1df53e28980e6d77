"""The URIs of the open data catalogue (its datasets, files and publishers), as plain strings.

Apart from `dcat` so that what only needs a URI (the CKAN action API) does not import rdflib: rdflib is loaded
where a DCAT graph is built (issue 11: heavy libraries imported where they are used, not by every web worker).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse

if TYPE_CHECKING:
    from muang.core.models import Organization
    from muang.opendata.models import Distribution, Publication

PUBLIC_ACCESS = "http://publications.europa.eu/resource/authority/access-right/PUBLIC"


def site() -> str:
    return settings.MUANG_PUBLIC_URL.rstrip("/")


def catalogue_uri() -> str:
    return site() + reverse("opendata:catalogue")


def dataset_uri(publication: Publication) -> str:
    return site() + reverse("opendata:dataset", args=[publication.name])


def download_url(publication: Publication, fmt: str) -> str:
    return site() + reverse("opendata:download", args=[publication.name, fmt])


def distribution_uri(publication: Publication, distribution: Distribution) -> str:
    return f"{dataset_uri(publication)}resource/{distribution.uuid}"


def publisher_uri(organization: Organization) -> str:
    return site() + reverse("opendata:catalogue") + f"organization/{organization.slug}"
