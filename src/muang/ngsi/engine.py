"""The query engine: an NGSI-LD query over the tenant's entity types, as one SQL statement (and one more for
`count=true`). Generic: everything it knows about a type is the provider's `EntityType` (providers.py).

Each selected type contributes a SELECT of (type index, entity id, its attributes as one jsonb array) with the
tenant's condition, the ids, the id pattern, `q`, `attrs` and the geo-query in its WHERE clause; one type is
ordered by its key (the index of (organisation, key) answers it), several are a UNION ALL ordered by id. The
attributes' values are formatted by PostgreSQL (GeoJSON, ISO 8601 in UTC), so Python only places them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db import DataError, connection, transaction
from django.utils.translation import gettext as _

from muang.core.models import Organization
from muang.ngsi.geoquery import GeoQuery
from muang.ngsi.providers import (
    DATE,
    DATETIME,
    GEO_PROPERTY,
    GEOMETRY,
    RELATIONSHIP,
    Attribute,
    EntityType,
)
from muang.ngsi.query import Params, QueryError, compile_q, has_pattern

STATEMENT_TIMEOUT_MS = 5000  # a hostile regular expression stops here


@dataclass(frozen=True)
class EntityQuery:
    types: tuple[EntityType, ...]  # the types asked for that the caller may read
    ids: tuple[str, ...] = ()
    id_pattern: str | None = None
    attrs: tuple[str, ...] = ()
    attrs_required: bool = True  # a query: only entities that have one of `attrs`
    q: Any = None  # a parsed q (muang.ngsi.query.parse_q)
    geo: GeoQuery | None = None
    limit: int = 20
    offset: int = 0
    count: bool = False
    sys_attrs: bool = False

    @property
    def has_pattern(self) -> bool:
        """A caller's regular expression (idPattern, ~= in q) is in the statement."""
        return self.id_pattern is not None or (self.q is not None and has_pattern(self.q))


@dataclass(frozen=True)
class Found:
    """One entity as stored: its type, id and attribute values (None when it lacks one)."""

    entity_type: EntityType
    id: str
    values: dict[str, tuple[Any, str | None]]  # name -> (value, observedAt)
    created_at: str | None = None
    modified_at: str | None = None


def _utc(sql: str) -> str:
    return f"""to_char(({sql}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')"""


def _value_sql(attribute: Attribute) -> str:
    if attribute.value_type == GEOMETRY:
        return f"ST_AsGeoJSON({attribute.sql}, 6)::jsonb"
    if attribute.value_type == DATETIME:
        return _utc(attribute.sql)
    if attribute.value_type == DATE:
        return f"to_char({attribute.sql}, 'YYYY-MM-DD')"
    return attribute.sql


def _selected(entity_type: EntityType, attrs: tuple[str, ...]) -> list[Attribute]:
    if not attrs:
        return list(entity_type.attributes)
    return [a for a in entity_type.attributes if a.name in attrs]


def _select(
    index: int, entity_type: EntityType, query: EntityQuery, params: Params, *, counting: bool
) -> str | None:
    """One type's SELECT, or None when no entity of the type can match (ids of another type, attrs or a
    geoproperty it lacks)."""
    conditions = [entity_type.tenant_sql]
    if query.ids:
        keys = [k for k in (entity_type.local_key(i) for i in query.ids) if k is not None]
        if not keys:
            return None
        conditions.append(f"{entity_type.key_sql} = ANY({params.add(keys)})")
    id_sql = f"({params.add(entity_type.id_prefix)} || {entity_type.key_sql})"
    if query.id_pattern is not None:
        conditions.append(f"{id_sql} ~ {params.add(query.id_pattern)}")
    attributes = _selected(entity_type, query.attrs)
    if query.attrs and query.attrs_required:
        if not attributes:
            return None
        conditions.append("(" + " OR ".join(f"({a.sql}) IS NOT NULL" for a in attributes) + ")")
    if query.q is not None:
        conditions.append(compile_q(query.q, entity_type, params))
    if query.geo is not None:
        geoproperty = entity_type.attribute(query.geo.geoproperty)
        if geoproperty is None or geoproperty.kind != GEO_PROPERTY:
            return None
        conditions.append(query.geo.sql(geoproperty.sql, params))
    where = " AND ".join(conditions)
    if counting:
        return f"SELECT count(*) FROM {entity_type.from_sql} WHERE {where}"  # noqa: S608 (see providers.py)
    members = [
        f"jsonb_build_array({_value_sql(a)}, {_utc(a.observed_at) if a.observed_at else 'NULL'})"
        for a in attributes
    ]
    if query.sys_attrs:
        for sql in (entity_type.created_at_sql, entity_type.modified_at_sql):
            members.append(f"jsonb_build_array({_utc(sql) if sql else 'NULL'}, NULL)")
    data = f"jsonb_build_array({', '.join(members)})" if members else "'[]'::jsonb"
    return (
        f"SELECT {index} AS t, {id_sql} AS id, {entity_type.key_sql} AS k, {data} AS data "  # noqa: S608
        f"FROM {entity_type.from_sql} WHERE {where}"
    )


def _run(sql: str, params: dict[str, Any], *, guarded: bool = False) -> list[tuple]:
    """Run a statement. `guarded` (a caller's regular expression is in it): inside a savepoint with a time limit,
    and a pattern PostgreSQL refuses is the caller's 400. Otherwise one round trip, nothing more."""
    if not guarded:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}")
            cursor.execute(sql, params)
            return cursor.fetchall()
    except DataError as e:
        raise QueryError(_("The query cannot be run: %(e)s") % {"e": str(e).splitlines()[0][:200]}) from None


def find_entities(*, organization: Organization, query: EntityQuery) -> tuple[list[Found], int | None]:
    """The page of entities the query selects in the organisation, and their number when `count` is asked."""
    params = Params()
    params.values["org"] = organization.pk
    parts = []
    for index, entity_type in enumerate(query.types):
        sql = _select(index, entity_type, query, params, counting=False)
        if sql is not None:
            parts.append((index, entity_type, sql))
    total = None
    if query.count:
        count_params = Params()
        count_params.values["org"] = organization.pk
        counts = [_select(i, t, query, count_params, counting=True) for i, t in enumerate(query.types)]
        counts = [f"({c})" for c in counts if c is not None]
        total = (
            _run(f"SELECT {' + '.join(counts)}", count_params.values, guarded=query.has_pattern)[0][0]
            if counts
            else 0
        )
    if not parts or query.limit == 0:
        return [], total
    page = {"limit": params.add(query.limit), "offset": params.add(query.offset)}
    if len(parts) == 1:
        _, entity_type, sql = parts[0]
        statement = f"{sql} ORDER BY {entity_type.key_sql} LIMIT {page['limit']} OFFSET {page['offset']}"
    else:
        union = " UNION ALL ".join(f"({sql})" for _, _, sql in parts)
        statement = f"SELECT t, id, k, data FROM ({union}) u ORDER BY id LIMIT {page['limit']} OFFSET {page['offset']}"  # noqa: S608
    rows = _run(statement, params.values, guarded=query.has_pattern)
    return [_found(query, query.types[t], entity_id, data) for t, entity_id, _k, data in rows], total


def _found(query: EntityQuery, entity_type: EntityType, entity_id: str, data: str | list) -> Found:
    if isinstance(data, str):  # Django reads jsonb as text
        data = json.loads(data)
    attributes = _selected(entity_type, query.attrs)
    values = {a.name: (v, observed) for a, (v, observed) in zip(attributes, data, strict=False)}
    created = modified = None
    if query.sys_attrs:
        created, modified = data[-2][0], data[-1][0]
    return Found(entity_type, entity_id, values, created, modified)


# --- representations -------------------------------------------------------------------------------------------


def normalized(found: Found, *, sys_attrs: bool = False) -> dict[str, Any]:
    """The entity in the normalized form: each attribute a Property / GeoProperty / Relationship object."""
    entity: dict[str, Any] = {"id": found.id, "type": found.entity_type.name}
    if sys_attrs:
        if found.created_at:
            entity["createdAt"] = found.created_at
        if found.modified_at:
            entity["modifiedAt"] = found.modified_at
    for attribute in found.entity_type.attributes:
        if attribute.name not in found.values:
            continue
        value, observed = found.values[attribute.name]
        if value is None:
            continue
        if attribute.kind == RELATIONSHIP:
            member: dict[str, Any] = {"type": RELATIONSHIP, "object": value}
        else:
            member = {"type": attribute.kind, "value": value}
        if observed:
            member["observedAt"] = observed
        if attribute.unit_code:
            member["unitCode"] = attribute.unit_code
        entity[attribute.name] = member
    return entity


def key_values(found: Found, *, sys_attrs: bool = False) -> dict[str, Any]:
    """The simplified form (`options=keyValues`): each attribute its bare value."""
    entity: dict[str, Any] = {"id": found.id, "type": found.entity_type.name}
    if sys_attrs:
        if found.created_at:
            entity["createdAt"] = found.created_at
        if found.modified_at:
            entity["modifiedAt"] = found.modified_at
    for attribute in found.entity_type.attributes:
        value = found.values.get(attribute.name, (None, None))[0]
        if value is not None:
            entity[attribute.name] = value
    return entity


def existing_types(*, organization: Organization, types: tuple[EntityType, ...]) -> list[EntityType]:
    """The types of which the organisation has at least one entity (`GET /types`), in one statement."""
    if not types:
        return []
    parts = [
        f"SELECT {i} WHERE EXISTS (SELECT 1 FROM {t.from_sql} WHERE {t.tenant_sql})"  # noqa: S608
        for i, t in enumerate(types)
    ]
    rows = _run(" UNION ALL ".join(parts), {"org": organization.pk})
    return [types[i] for (i,) in sorted(rows)]
