"""The provider interface: how an app offers an NGSI-LD entity type (`AppContract.ngsi_entity_types`).

A provider is a frozen `EntityType` value, declared in the owning app (e.g. `muang.iot.ngsi.DEVICE`) and named
by a dotted path in its contract. It is plain data — SQL text and names — so the query engine
(`muang.ngsi.engine`) can translate every `type`, `id`, `idPattern`, `attrs`, `q` and geo-query into one SQL
statement per request: nothing is filtered in Python, and the organisation is always in the WHERE clause.

Everything an `EntityType` holds is written by the app's developers, never by a caller: every value a caller
sends reaches the database as a parameter. See docs/ngsi-ld.md for a worked example.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from django.utils.module_loading import import_string

PROPERTY = "Property"
GEO_PROPERTY = "GeoProperty"
RELATIONSHIP = "Relationship"

# How `q` compares an attribute (and how its value is written out):
TEXT = "text"  # text; `==`, `!=`, `<`… on text, `~=` regular expressions
NUMBER = "number"  # float8
BOOLEAN = "boolean"
DATETIME = "datetime"  # timestamptz, written as ISO 8601 in UTC ("2026-03-02T09:00:00.000Z")
DATE = "date"  # date, written as "2026-03-02"
TEXT_ARRAY = "text_array"  # text[]: `==` holds when one element matches (any of a list)
JSON = "json"  # jsonb object: `attr[key]` in q compares one member
GEOMETRY = "geometry"  # a geometry in SRID 4326 (GeoProperty), written as GeoJSON
VALUE_TYPES = frozenset({TEXT, NUMBER, BOOLEAN, DATETIME, DATE, TEXT_ARRAY, JSON, GEOMETRY})


@dataclass(frozen=True)
class Attribute:
    """One attribute of the entity type.

    `sql` is an expression over the type's `from_sql` (a column, a join's column, a correlated subquery); NULL
    means the entity does not have the attribute at the moment (it is left out, and `q` does not match it).
    `observed_at` is an optional timestamptz expression written as the attribute's `observedAt`."""

    name: str  # the short name, as Smart Data Models spells it ("serialNumber")
    sql: str
    value_type: str = TEXT
    kind: str = PROPERTY
    observed_at: str = ""
    unit_code: str = ""  # UN/CEFACT common code ("C62" for a ratio, "P1" percent, "MTR" metre)

    def __post_init__(self) -> None:
        if self.value_type not in VALUE_TYPES:
            raise ValueError(f"{self.name}: unknown value type {self.value_type!r}")
        if self.kind not in (PROPERTY, GEO_PROPERTY, RELATIONSHIP):
            raise ValueError(f"{self.name}: unknown attribute kind {self.kind!r}")
        if (self.kind == GEO_PROPERTY) != (self.value_type == GEOMETRY):
            raise ValueError(f"{self.name}: a GeoProperty and only a GeoProperty is a geometry")


@dataclass(frozen=True)
class EntityType:
    """An NGSI-LD entity type served from an app's tables.

    - `name`, `uri`: the short type name and its expanded URI (Smart Data Models), both accepted in `type=`.
    - `public`: readable by anyone (environmental data); otherwise the caller needs `permission` in the tenant
      (or the `ngsi.read` permission of the `ngsi:read` API scope).
    - `from_sql`: the FROM clause (tables with aliases, joins); `tenant_sql`: the condition that keeps the
      tenant's rows, with the parameter `%(org)s` (the organisation's id) — the engine always applies it.
    - `id_prefix` + `key_sql`: the entity id is `id_prefix || key_sql`; `key_sql` is unique within the tenant
      and indexed with the organisation, so `id=` and paging (ordered by id) use the index.
    - `attributes`: the attributes, each an SQL expression; GeoProperties are geometry columns in SRID 4326 with
      a GiST index (the engine's `near` prefilters on the column's bounding box so the index is used).
    - `created_at_sql`, `modified_at_sql`: timestamptz expressions for `options=sysAttrs` (optional).
    """

    name: str
    uri: str
    from_sql: str
    tenant_sql: str
    id_prefix: str
    key_sql: str
    attributes: tuple[Attribute, ...]
    public: bool = False
    permission: str = ""
    created_at_sql: str = ""
    modified_at_sql: str = ""
    by_name: dict[str, Attribute] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "attributes", tuple(self.attributes))
        names = [a.name for a in self.attributes]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.name}: an attribute is declared twice")
        if not self.public and not self.permission:
            raise ValueError(f"{self.name}: a type that is not public names the permission to read it")
        if "%(org)s" not in self.tenant_sql:
            raise ValueError(f"{self.name}: tenant_sql keeps the tenant's rows with %(org)s")
        if not self.id_prefix.startswith("urn:ngsi-ld:"):
            raise ValueError(f"{self.name}: entity ids are URNs (urn:ngsi-ld:{self.name}:…)")
        object.__setattr__(self, "by_name", {a.name: a for a in self.attributes})

    def attribute(self, name: str) -> Attribute | None:
        return self.by_name.get(name)

    def local_key(self, entity_id: str) -> str | None:
        """The key of an entity id of this type, or None when the id is not one of this type's."""
        if entity_id.startswith(self.id_prefix) and len(entity_id) > len(self.id_prefix):
            return entity_id[len(self.id_prefix) :]
        return None


def entity_types() -> tuple[EntityType, ...]:
    """Every installed app's entity types, in app order (see `AppContract.ngsi_entity_types`)."""
    from muang.core import registry

    return _load(registry.collected("ngsi_entity_types"))


@functools.cache
def _load(paths: tuple[str, ...]) -> tuple[EntityType, ...]:
    types = tuple(import_string(p) for p in paths)
    for path, t in zip(paths, types, strict=True):
        if not isinstance(t, EntityType):
            raise TypeError(f"{path} is not an EntityType")
    names = [t.name for t in types]
    if len(set(names)) != len(names):
        raise ValueError(f"two apps offer the same NGSI-LD entity type: {names}")
    return types
