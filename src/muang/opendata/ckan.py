"""A read-only CKAN action API at /api/3/action/ (CKAN 2.10's envelope and errors), so that national portals and
CKAN harvesters (ckanext-harvest's CKAN harvester, ckanext-dcat) read Muang's catalogue as they read a CKAN site.

Actions: `package_list`, `package_show` (`id`: name or id), `package_search` (`q`, `fq` on `organization` /
`owner_org`, `rows`, `start`, `sort` accepted), `organization_list` (`all_fields`), `organization_show` and
`help_show`. GET with query parameters or POST with a JSON object, as CKAN takes them.

The answer is `{"help": <help_show URL>, "success": true, "result": …}`; an error is `"success": false` with
`"error": {"__type": "Not Found Error" | "Validation Error" | "Search Query Error", …}` and CKAN's status (404,
409, 400); an unknown action is CKAN's 400 "Bad request - Action name not known". Everything here is public data.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from muang.core.errors import NotFound
from muang.core.models import Organization
from muang.core.views.pages import public_page
from muang.opendata import selectors, uris, vocab
from muang.opendata.models import Distribution, Publication

MAX_ROWS = 1000
MAX_START = 1_000_000_000
DEFAULT_ROWS = 10


class ValidationError(Exception):
    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors


class SearchQueryError(Exception):
    pass


def _ckan_time(value: dt.datetime | None) -> str | None:
    """CKAN's timestamps: naive UTC, ISO 8601 with microseconds."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


def organization_dict(organization: Organization, *, package_count: int | None = None) -> dict[str, Any]:
    out = {
        "id": selectors.organization_uuid(organization),
        "name": organization.slug,
        "title": organization.name_th,
        "display_name": organization.name_th,
        "type": "organization",
        "description": organization.name_en,
        "image_url": "",
        "created": _ckan_time(organization.created_at),
        "is_organization": True,
        "approval_status": "approved",
        "state": "active",
    }
    if package_count is not None:
        out["package_count"] = package_count
    return out


def resource_dict(publication: Publication, d: Distribution, position: int) -> dict[str, Any]:
    return {
        "id": str(d.uuid),
        "package_id": str(publication.uuid),
        "name": f"{publication.title} ({d.get_format_display()})",
        "description": "",
        "format": d.get_format_display(),
        "mimetype": vocab.MEDIA_TYPE[d.format],
        "url": uris.download_url(publication, d.format),
        "size": d.byte_size,
        "hash": f"sha256:{d.sha256}",
        "created": _ckan_time(d.created_at),
        "last_modified": _ckan_time(d.modified_at),
        "metadata_modified": _ckan_time(d.modified_at),
        "position": position,
        "state": "active",
        "url_type": None,
        "uri": uris.distribution_uri(publication, d),
        "license": vocab.LICENCE_URI[publication.licence],
    }


def package_dict(publication: Publication, distributions: list[Distribution]) -> dict[str, Any]:
    organization = publication.organization
    unit, interval = vocab.GD_FREQUENCY_UNIT[publication.frequency]
    tags = [
        {"id": None, "name": k, "display_name": k, "state": "active", "vocabulary_id": None}
        for k in publication.keyword_list
    ]
    modified = publication.refreshed_at or publication.updated_at
    extras = {
        # ckanext-dcat's legacy (euro_dcat_ap) fields.
        "uri": uris.dataset_uri(publication),
        "identifier": str(publication.uuid),
        "issued": publication.published_at.isoformat(),
        "modified": modified.isoformat(),
        "frequency": vocab.FREQUENCY_URI[publication.frequency],
        "language": json.dumps(["th"]),
        "access_rights": uris.PUBLIC_ACCESS,
        "dcat_type": publication.data_type,
        "provenance": publication.source,
        "spatial_text": organization.name_th,
        "publisher_uri": uris.publisher_uri(organization),
        "publisher_name": organization.name_th,
        "publisher_email": organization.email,
        "publisher_url": organization.website,
        "contact_name": organization.name_th,
        "contact_email": publication.contact_email or organization.email,
    }
    return {
        "id": str(publication.uuid),
        "name": publication.name,
        "title": publication.title,
        "notes": publication.description,
        "url": uris.dataset_uri(publication),
        "type": "dataset",
        "state": "active",
        "private": False,
        "isopen": True,
        "version": None,
        "author": organization.name_th,
        "author_email": organization.email or None,
        "maintainer": organization.name_th,
        "maintainer_email": (publication.contact_email or organization.email) or None,
        "license_id": publication.licence,
        "license_title": vocab.GD_LICENCE[publication.licence],
        "license_url": vocab.LICENCE_URI[publication.licence],
        "metadata_created": _ckan_time(publication.published_at),
        "metadata_modified": _ckan_time(max(publication.updated_at, modified)),
        "owner_org": selectors.organization_uuid(organization),
        "organization": organization_dict(organization),
        "groups": [],
        "relationships_as_object": [],
        "relationships_as_subject": [],
        "tags": tags,
        "num_tags": len(tags),
        "resources": [resource_dict(publication, d, i) for i, d in enumerate(distributions)],
        "num_resources": len(distributions),
        # The Thai government data catalogue's fields, as data.go.th's CKAN schema names them.
        "data_type": vocab.GD_DATA_TYPE[publication.data_type],
        "objective": [vocab.GD_OBJECTIVE[publication.objective]],
        "update_frequency_unit": unit,
        "update_frequency_interval": str(interval),
        "geo_coverage": vocab.GD_GEO_COVERAGE[publication.geo_coverage],
        "data_source": publication.source,
        "data_format": [d.get_format_display() for d in distributions],
        "data_category": vocab.GD_CLASSIFICATION[publication.classification],
        "data_language": ["ไทย"],
        "extras": [{"key": k, "value": v} for k, v in extras.items() if v],
    }


def _packages(publications: list[Publication]) -> list[dict[str, Any]]:
    files = selectors.distributions_of(publications)
    return [package_dict(p, files[p.pk]) for p in publications]


def _int(params: dict[str, Any], key: str, default: int, *, high: int | None = None) -> int:
    value = params.get(key)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError({key: ["Invalid integer"]}) from None
    if number < 0:
        raise ValidationError({key: ["Must be a natural number"]})
    if high is not None and number > high:
        raise ValidationError({key: [f"Must be at most {high}"]})
    return number


def _true(value: Any) -> bool:
    return str(value).lower() in ("true", "1", "yes", "on")


def package_list(params: dict[str, Any]) -> list[str]:
    limit = _int(params, "limit", 0) or None
    offset = _int(params, "offset", 0, high=MAX_START)
    names = list(selectors.published().order_by("name").values_list("name", flat=True))
    return names[offset : offset + limit if limit else None]


def package_show(params: dict[str, Any]) -> dict[str, Any]:
    value = params.get("id")
    if not value:
        raise ValidationError({"id": ["Missing value"]})
    return _packages([selectors.publication_by_id_or_name(str(value))])[0]


_FQ_TOKEN = re.compile(r'[+-]?[a-z_]+:(?:\[[^\]]*\]|"[^"]*"|[^\s()]+)|\bOR\b|\bAND\b', re.IGNORECASE)
_RANGE = re.compile(r"^\[\s*(\S+)\s+TO\s+(\S+)\s*\]$")


@dataclass
class Filters:
    include: list[str] | None = None  # organisation slugs (any of them)
    exclude: list[str] = field(default_factory=list)
    modified_since: dt.datetime | None = None


def _when(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise SearchQueryError(f"Search Query is invalid: bad date {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _organization_slugs(value: str) -> list[str]:
    """An organisation's name, or its id (CKAN's owner_org)."""
    matches = [
        o.slug for o in selectors.publishing_organizations() if selectors.organization_uuid(o) == value
    ]
    return matches or [value]


def parse_fq(fq: str) -> Filters:
    """The filters harvesters send (ckanext-harvest's CKAN harvester): `organization:<name>` (or `owner_org:<id>`)
    terms, OR-ed, or excluded with `-`; `metadata_modified:[<time> TO *]` for an incremental harvest;
    `dataset_type:dataset`. Anything else is a search query error (400), as Solr would refuse a field it lacks."""
    filters = Filters()
    rest = _FQ_TOKEN.sub(" ", fq).replace("(", " ").replace(")", " ")
    if rest.strip():
        raise SearchQueryError(f"Search Query is invalid: cannot read {rest.strip()!r}")
    for token in _FQ_TOKEN.findall(fq):
        if token.upper() in ("OR", "AND"):
            continue
        sign = token[0] if token[0] in "+-" else ""
        name, _sep, value = token.lstrip("+-").partition(":")
        name, value = name.lower(), value.strip('"')
        if name in ("organization", "owner_org"):
            slugs = _organization_slugs(value) if name == "owner_org" else [value]
            if sign == "-":
                filters.exclude += slugs
            else:
                filters.include = (filters.include or []) + slugs
        elif name == "metadata_modified" and (match := _RANGE.match(value)):
            low, _high = match.groups()
            if low != "*":
                filters.modified_since = _when(low)
        elif name in ("dataset_type", "type") and value == "dataset":
            continue
        else:
            raise SearchQueryError(f"Search Query is invalid: unsupported filter {token!r}")
    return filters


SORTS = {
    "id asc": ("uuid",),
    "id desc": ("-uuid",),
    "name asc": ("name",),
    "name desc": ("-name",),
    "metadata_modified desc": ("-updated_at", "name"),
    "metadata_modified asc": ("updated_at", "name"),
    "title_string asc": ("title", "name"),
}


def package_search(params: dict[str, Any]) -> dict[str, Any]:
    rows = _int(params, "rows", DEFAULT_ROWS, high=MAX_ROWS)
    start = _int(params, "start", 0, high=MAX_START)
    q = str(params.get("q") or "").strip()
    if q in ("*:*", "*"):
        q = ""
    filters = parse_fq(str(params.get("fq") or ""))
    qs = selectors.search(q=q, organizations=filters.include, exclude=filters.exclude)
    if filters.modified_since is not None:
        qs = qs.filter(
            Q(updated_at__gte=filters.modified_since) | Q(refreshed_at__gte=filters.modified_since)
        )
    sort = str(params.get("sort") or "score desc, metadata_modified desc")
    order = SORTS.get(sort.strip().lower(), ("-updated_at", "name"))
    count = qs.count()
    page = list(qs.order_by(*order)[start : start + rows])
    return {"count": count, "facets": {}, "results": _packages(page), "sort": sort, "search_facets": {}}


def organization_list(params: dict[str, Any]) -> list[Any]:
    organizations = list(selectors.publishing_organizations())
    if not _true(params.get("all_fields", "false")):
        return [o.slug for o in organizations]
    counts: dict[int, int] = {}
    for p in selectors.published():
        counts[p.organization_id] = counts.get(p.organization_id, 0) + 1
    return [organization_dict(o, package_count=counts.get(o.pk, 0)) for o in organizations]


def organization_show(params: dict[str, Any]) -> dict[str, Any]:
    value = str(params.get("id") or "")
    if not value:
        raise ValidationError({"id": ["Missing value"]})
    organization = next(
        (
            o
            for o in selectors.publishing_organizations()
            if value in (o.slug, selectors.organization_uuid(o))
        ),
        None,
    )
    if organization is None:
        raise NotFound("Organization was not found.")
    packages = list(selectors.published(organization=organization))
    out = organization_dict(organization, package_count=len(packages))
    if _true(params.get("include_datasets", "false")):
        out["packages"] = _packages(packages)
    return out


def help_show(params: dict[str, Any]) -> str:
    name = str(params.get("name") or "")
    if name not in ACTIONS:
        raise NotFound(f"Action function not found: {name}")
    return (ACTIONS[name].__doc__ or name).strip() if name != "help_show" else "Return the help of an action."


package_list.__doc__ = "Return the names of the published datasets (limit, offset)."
package_show.__doc__ = "Return one dataset (id: its name or id) with its resources."
package_search.__doc__ = "Search the published datasets (q, fq: organization:<name>, rows, start)."
organization_list.__doc__ = "Return the names of the organisations that publish datasets (all_fields)."
organization_show.__doc__ = "Return one organisation (id: its name or id; include_datasets)."

ACTIONS = {
    "package_list": package_list,
    "package_show": package_show,
    "package_search": package_search,
    "organization_list": organization_list,
    "organization_show": organization_show,
    "help_show": help_show,
}


def _finish(status: int, body: Any) -> HttpResponse:
    response = JsonResponse(body, status=status, safe=False, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _params(request: HttpRequest) -> dict[str, Any] | None:
    params: dict[str, Any] = {k: request.GET.get(k) for k in request.GET}
    if request.method == "POST" and request.body:
        try:
            body = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(body, dict):
            return None
        params.update(body)
    return params


@csrf_exempt  # a read-only API without cookies' authority: harvesters POST JSON as CKAN allows
@public_page("the CKAN action API of the open data catalogue: published datasets only, no person")
def action(request: HttpRequest, name: str) -> HttpResponse:
    if request.method not in ("GET", "POST"):
        return _finish(405, "Bad request: Only GET and POST are allowed")
    function = ACTIONS.get(name)
    if function is None:
        return _finish(400, f"Bad request - Action name not known: {name}")
    help_url = request.build_absolute_uri(reverse("ckan:action", args=["help_show"])) + f"?name={name}"
    params = _params(request)
    if params is None:
        return _finish(400, "Bad request - JSON Error: Could not decode the request body as a JSON object")
    try:
        result = function(params)
    except ValidationError as error:
        body = {"__type": "Validation Error", **error.errors}
        return _finish(409, {"help": help_url, "success": False, "error": body})
    except SearchQueryError as error:
        body = {"__type": "Search Query Error", "message": str(error)}
        return _finish(400, {"help": help_url, "success": False, "error": body})
    except NotFound as error:
        message = "Not found" if error.detail in ("Not found", "") else f"Not found: {error.detail}"
        return _finish(
            404,
            {"help": help_url, "success": False, "error": {"__type": "Not Found Error", "message": message}},
        )
    return _finish(200, {"help": help_url, "success": True, "result": result})
