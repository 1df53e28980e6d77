"""The NGSI-LD API, read side, at /ngsi-ld/v1 (ETSI GS CIM 009 v1.6, clauses 5.7 and 6.4–6.5; docs/ngsi-ld.md):

- `GET /entities`: `type`, `id`, `idPattern`, `attrs`, `q`, `georel` + `geometry` + `coordinates` (+ `geoproperty`),
  `options=keyValues|sysAttrs`, `limit` / `offset`, `count` (the `NGSILD-Results-Count` header).
- `GET /entities/{id}`: `attrs`, `options`.
- `GET /types`: the EntityTypeList of the types the tenant has entities of (`details=true`: EntityType objects).

Plain Django views rather than ninja operations: the answers are JSON-LD with the specification's own
ProblemDetails, not the /api/v1 problem+json. Each view declares itself public (the public entity types); the
other types are checked per request (`selectors.may_read`).
"""

from __future__ import annotations

import hashlib
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from muang.core.input_guard import refuses_input_with
from muang.core.views.pages import public_page
from muang.ngsi import documents, engine, selectors
from muang.ngsi.documents import NgsiError
from muang.ngsi.geoquery import parse_geoquery
from muang.ngsi.providers import EntityType, entity_types
from muang.ngsi.query import QueryError, check_pattern, parse_q

NGSI_REASON = (
    "NGSI-LD: public entity types (environmental data) are readable by anyone; every other type needs an "
    "API token or a staff session holding its permission in the tenant (checked per request)"
)
OPTIONS = {"keyValues", "simplified", "normalized", "sysAttrs"}
MAX_LIST = 100


def _refused(request: HttpRequest, view_kwargs: dict, status: int, field: str | None, message: str):
    """Input the edge refuses (a NUL character, a body past the limit): ProblemDetails too."""
    kind = "BadRequestData" if status == 400 else None
    return documents.error_response(
        documents.NgsiError(status, kind, _("The request cannot be read"), message)
    )


def ngsi_view(view):
    """Turn NgsiError / QueryError, and input refused before the view runs, into ProblemDetails."""

    @refuses_input_with(_refused)
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # A machine interface: Accept-Language decides (Thai without one), as on /api/v1.
        language = translation.get_language_from_request(request)
        with translation.override(language):
            try:
                response = view(request, *args, **kwargs)
            except NgsiError as e:
                response = documents.error_response(e)
            except QueryError as e:
                response = documents.error_response(documents.bad_request(str(e)))
        response["Content-Language"] = language
        patch_vary_headers(response, ["Accept-Language"])
        return response

    return wrapped


def _list(request: HttpRequest, name: str) -> tuple[str, ...]:
    raw = request.GET.get(name, "")
    items = tuple(dict.fromkeys(p.strip() for p in raw.replace("|", ",").split(",") if p.strip()))
    if len(items) > MAX_LIST:
        raise documents.bad_request(_("%(name)s: at most %(n)s items") % {"name": name, "n": MAX_LIST})
    return items


def _number(request: HttpRequest, name: str, default: int, *, low: int, high: int = 2**31 - 1) -> int:
    raw = request.GET.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise documents.bad_request(_("%(name)s is a whole number") % {"name": name}) from None
    if value < low:
        raise documents.bad_request(_("%(name)s is at least %(low)s") % {"name": name, "low": low})
    if value > high:
        if name == "limit":
            raise documents.too_many(
                _("%(name)s is at most %(high)s: page with offset") % {"name": name, "high": high}
            )
        raise documents.bad_request(_("%(name)s is at most %(high)s") % {"name": name, "high": high})
    return value


def _options(request: HttpRequest) -> set[str]:
    options = set(_list(request, "options"))
    unknown = options - OPTIONS
    if unknown:
        raise documents.bad_request(
            _("options: unknown %(o)s (keyValues, sysAttrs)") % {"o": ", ".join(sorted(unknown))}
        )
    if {"keyValues", "normalized"} <= options or {"simplified", "normalized"} <= options:
        raise documents.bad_request(_("options: keyValues and normalized exclude each other"))
    return options


def _types_named(names: tuple[str, ...]) -> tuple[EntityType, ...]:
    """The types the names (short or expanded) denote; names of no type denote nothing (an empty answer)."""
    return tuple(t for t in entity_types() if t.name in names or t.uri in names)


def _readable(actor, organization, types: tuple[EntityType, ...], *, named: bool) -> tuple[EntityType, ...]:
    """The types the caller may read; a type named in the request that the caller may not read is refused."""
    readable = []
    for entity_type in types:
        if selectors.may_read(actor, organization, entity_type):
            readable.append(entity_type)
        elif named:
            raise selectors.refusal(actor, entity_type)
    return tuple(readable)


def _representation(options: set[str]):
    simplified = bool(options & {"keyValues", "simplified"})
    sys_attrs = "sysAttrs" in options
    build = engine.key_values if simplified else engine.normalized
    return lambda found: build(found, sys_attrs=sys_attrs)


def _tenant_headers(request: HttpRequest) -> dict[str, str]:
    slug = request.META.get(selectors.TENANT_HEADER, "").strip()
    return {"NGSILD-Tenant": slug} if slug else {}


@public_page(NGSI_REASON)
@require_GET
@ngsi_view
def entities(request: HttpRequest) -> HttpResponse:
    """Query entities (clause 5.7.2)."""
    media = documents.negotiate(request)
    actor = selectors.caller(request)
    organization = selectors.tenant(request, actor)
    type_names, attrs, ids = _list(request, "type"), _list(request, "attrs"), _list(request, "id")
    id_pattern = request.GET.get("idPattern")
    q = request.GET.get("q")
    geo = parse_geoquery(
        request.GET.get("georel"),
        request.GET.get("geometry"),
        request.GET.get("coordinates"),
        request.GET.get("geoproperty"),
    )
    if not (type_names or attrs or q or geo or ids):
        raise documents.bad_request(
            _("Name at least one of type, attrs, q, a geo-query (georel, geometry, coordinates) or id.")
        )
    for entity_id in ids:
        if ":" not in entity_id:
            raise documents.bad_request(_("id: %(id)s is not a URI") % {"id": entity_id[:200]})
    if id_pattern is not None:
        check_pattern(id_pattern, "idPattern")
    options = _options(request)
    count = request.GET.get("count", "false")
    if count not in ("true", "false"):
        raise documents.bad_request(_("count is true or false"))
    limit = _number(request, "limit", 20, low=0, high=settings.MUANG_NGSI_MAX_LIMIT)
    offset = _number(request, "offset", 0, low=0)
    if limit == 0 and count != "true":
        raise documents.bad_request(_("limit=0 goes with count=true"))
    named = bool(type_names)
    types = _types_named(type_names) if named else entity_types()
    query = engine.EntityQuery(
        types=_readable(actor, organization, types, named=named),
        ids=ids,
        id_pattern=id_pattern,
        attrs=attrs,
        q=parse_q(q) if q is not None else None,
        geo=geo,
        limit=limit,
        offset=offset,
        count=count == "true",
        sys_attrs="sysAttrs" in options,
    )
    found, total = engine.find_entities(organization=organization, query=query)
    build = _representation(options)
    headers = _tenant_headers(request)
    if total is not None:
        headers["NGSILD-Results-Count"] = str(total)
    return documents.render([build(f) for f in found], media, headers=headers)


@public_page(NGSI_REASON)
@require_GET
@ngsi_view
def entity(request: HttpRequest, entity_id: str) -> HttpResponse:
    """Retrieve an entity (clause 5.7.1)."""
    media = documents.negotiate(request)
    actor = selectors.caller(request)
    organization = selectors.tenant(request, actor)
    if ":" not in entity_id:
        raise documents.bad_request(_("The entity id is a URI (urn:ngsi-ld:<Type>:<id>)."))
    options = _options(request)
    candidates = [t for t in entity_types() if t.local_key(entity_id) is not None]
    if not candidates:
        raise documents.not_found(_("No entity %(id)s.") % {"id": entity_id[:200]})
    types = _readable(actor, organization, tuple(candidates), named=True)
    query = engine.EntityQuery(
        types=types,
        ids=(entity_id,),
        attrs=_list(request, "attrs"),
        attrs_required=False,  # an entity without those attributes is still that entity (id and type)
        limit=1,
        sys_attrs="sysAttrs" in options,
    )
    found, _total = engine.find_entities(organization=organization, query=query)
    if not found:
        raise documents.not_found(_("No entity %(id)s.") % {"id": entity_id[:200]})
    return documents.render(_representation(options)(found[0]), media, headers=_tenant_headers(request))


@public_page(NGSI_REASON)
@require_GET
@ngsi_view
def types(request: HttpRequest) -> HttpResponse:
    """Retrieve available entity types (clause 5.7.5): those the tenant has entities of that the caller may read."""
    media = documents.negotiate(request)
    actor = selectors.caller(request)
    organization = selectors.tenant(request, actor)
    details = request.GET.get("details", "false")
    if details not in ("true", "false"):
        raise documents.bad_request(_("details is true or false"))
    readable = _readable(actor, organization, entity_types(), named=False)
    present = engine.existing_types(organization=organization, types=readable)
    if details == "true":
        payload = [
            {
                "id": t.uri,
                "type": "EntityType",
                "typeName": t.name,
                "attributeNames": [a.name for a in t.attributes],
            }
            for t in present
        ]
        return documents.render(payload, media, headers=_tenant_headers(request))
    names = [t.name for t in present]
    digest = hashlib.sha256(f"{organization.pk}:{','.join(names)}".encode()).hexdigest()[:16]
    payload = {"id": f"urn:ngsi-ld:EntityTypeList:{digest}", "type": "EntityTypeList", "typeList": names}
    return documents.render(payload, media, headers=_tenant_headers(request))
