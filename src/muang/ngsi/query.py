"""The NGSI-LD query language (`q`, GS CIM 009 clause 4.9), parsed once and compiled to SQL per entity type.

    q        = or
    or       = and *("|" and)
    and      = term *(";" term)             ; ";" (AND) binds tighter than "|" (OR)
    term     = "(" or ")" / attribute [operator value]
    attribute = name *("." name) / name "[" member "]"   ; a.observedAt, value[pm25]
    operator = "==" / "!=" / ">=" / ">" / "<=" / "<" / "~=" / "!~="
    value    = item ".." item / item *("," item)          ; a range, a list (== and != only)
    item     = '"' text '"' / number / dateTime / date / true / false / URI

An attribute alone tests that the entity has it. An attribute the entity type does not have, or a value of
another type than the attribute's (a number against a text), matches nothing — as the specification says
for a query on an attribute an entity lacks; only syntax is refused (`QueryError`, a 400 naming the spot).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import warnings
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from muang.ngsi.providers import (
    BOOLEAN,
    DATE,
    DATETIME,
    JSON,
    NUMBER,
    TEXT,
    TEXT_ARRAY,
    EntityType,
)

MAX_QUERY_LENGTH = 2000
MAX_DEPTH = 20
OPERATORS = ("!~=", "==", "!=", ">=", "<=", "~=", ">", "<")  # longest first
NAME = re.compile(r"[A-Za-z_@][A-Za-z0-9_@:\-]*")
NUMBER_RE = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
DATETIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?")
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
BARE_END = ';|),"'


class QueryError(ValueError):
    """A `q` (or id pattern) the server cannot read; the message says what and where."""


@dataclass(frozen=True)
class Literal:
    kind: str  # NUMBER, TEXT, BOOLEAN, DATETIME, DATE, "uri"
    value: Any


@dataclass(frozen=True)
class Term:
    path: tuple[str, ...]  # ("temperature",), ("value", "observedAt")
    member: str | None  # value[pm25] -> "pm25"
    op: str | None  # None: the attribute exists
    values: tuple[Literal, ...] = ()
    is_range: bool = False


@dataclass(frozen=True)
class Junction:
    op: str  # "AND" / "OR"
    parts: tuple


# --- parsing ---------------------------------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str):
        self.s = text
        self.i = 0
        self.depth = 0

    def fail(self, message: str):
        raise QueryError(_("q: %(message)s (at character %(at)s)") % {"message": message, "at": self.i + 1})

    def peek(self, token: str) -> bool:
        return self.s.startswith(token, self.i)

    def parse(self):
        node = self.disjunction()
        if self.i != len(self.s):
            self.fail(_("unexpected “%(c)s”") % {"c": self.s[self.i]})
        return node

    def disjunction(self):
        parts = [self.conjunction()]
        while self.peek("|"):
            self.i += 1
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else Junction("OR", tuple(parts))

    def conjunction(self):
        parts = [self.term()]
        while self.peek(";"):
            self.i += 1
            parts.append(self.term())
        return parts[0] if len(parts) == 1 else Junction("AND", tuple(parts))

    def term(self):
        if self.peek("("):
            self.depth += 1
            if self.depth > MAX_DEPTH:
                self.fail(_("too many nested parentheses"))
            self.i += 1
            node = self.disjunction()
            if not self.peek(")"):
                self.fail(_("a parenthesis is not closed"))
            self.i += 1
            self.depth -= 1
            return node
        path, member = self.attribute()
        op = next((o for o in OPERATORS if self.peek(o)), None)
        if op is None:
            return Term(path, member, None)
        self.i += len(op)
        values, is_range = self.value()
        if (is_range or len(values) > 1) and op not in ("==", "!="):
            self.fail(_("a range or a list goes only with == or !="))
        if op in ("~=", "!~="):
            if values[0].kind != TEXT:
                self.fail(_("a pattern is a regular expression in double quotes"))
            check_pattern(values[0].value, "q")
        return Term(path, member, op, tuple(values), is_range)

    def attribute(self) -> tuple[tuple[str, ...], str | None]:
        names = [self.name()]
        while self.peek("."):
            self.i += 1
            names.append(self.name())
        member = None
        if self.peek("["):
            self.i += 1
            member = self.name()
            if not self.peek("]"):
                self.fail(_("“[” without “]”"))
            self.i += 1
        if len(names) > 2:
            self.fail(_("an attribute path has at most one sub-attribute"))
        return tuple(names), member

    def name(self) -> str:
        m = NAME.match(self.s, self.i)
        if not m:
            self.fail(_("an attribute name is expected"))
        self.i = m.end()
        return m.group()

    def value(self) -> tuple[list[Literal], bool]:
        first = self.item()
        if self.peek(".."):
            self.i += 2
            return [first, self.item()], True
        items = [first]
        while self.peek(","):
            self.i += 1
            items.append(self.item())
        return items, False

    def item(self) -> Literal:
        if self.peek('"'):
            j = self.i + 1
            out = []
            while j < len(self.s) and self.s[j] != '"':
                if self.s[j] == "\\" and j + 1 < len(self.s):
                    j += 1
                out.append(self.s[j])
                j += 1
            if j >= len(self.s):
                self.fail(_('a string is not closed with “"”'))
            self.i = j + 1
            return Literal(TEXT, "".join(out))
        j = self.i
        while j < len(self.s) and self.s[j] not in BARE_END and not self.s.startswith("..", j):
            j += 1
        raw = self.s[self.i : j]
        if not raw:
            self.fail(_("a value is expected"))
        literal = classify(raw)
        if literal is None:
            self.fail(_("“%(v)s” is not a value: put text in double quotes") % {"v": raw})
        self.i = j
        return literal


def classify(raw: str) -> Literal | None:
    if raw in ("true", "false"):
        return Literal(BOOLEAN, raw == "true")
    if NUMBER_RE.fullmatch(raw):
        number = float(raw)
        if not math.isfinite(number):
            raise QueryError(_("q: the number %(v)s is out of range") % {"v": raw})
        return Literal(NUMBER, number)
    if DATETIME_RE.fullmatch(raw):
        try:
            moment = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            raise QueryError(_("q: %(v)s is not a date and time") % {"v": raw}) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)  # NGSI-LD times are UTC
        return Literal(DATETIME, moment)
    if DATE_RE.fullmatch(raw):
        try:
            return Literal(DATE, dt.date.fromisoformat(raw))
        except ValueError:
            raise QueryError(_("q: %(v)s is not a date") % {"v": raw}) from None
    if ":" in raw and " " not in raw:  # a URI (a Relationship's object, an enumerated value)
        return Literal("uri", raw)
    return None


def parse_q(text: str):
    """The syntax tree of a `q`, or QueryError."""
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(_("q: at most %(n)s characters") % {"n": MAX_QUERY_LENGTH})
    if not text.strip():
        raise QueryError(_("q is empty"))
    return _Parser(text).parse()


def check_pattern(pattern: str, field: str) -> None:
    """A regular expression PostgreSQL and Python both read (POSIX ERE is close to Python's for what NGSI-LD
    clients send); the database's own refusal is caught by the engine as well."""
    if len(pattern) > 500:
        raise QueryError(_("%(f)s: the pattern is too long") % {"f": field})
    try:
        with warnings.catch_warnings():  # "possible nested set" and the like: PostgreSQL decides, not Python
            warnings.simplefilter("ignore")
            re.compile(pattern)
    except re.error as e:
        raise QueryError(_("%(f)s: not a regular expression (%(e)s)") % {"f": field, "e": e}) from None


def has_pattern(node) -> bool:
    if isinstance(node, Junction):
        return any(has_pattern(p) for p in node.parts)
    return node.op in ("~=", "!~=")


# --- compiling -------------------------------------------------------------------------------------------------


class Params:
    """Named SQL parameters, numbered in the order they are added."""

    def __init__(self, prefix: str = "p"):
        self.prefix = prefix
        self.values: dict[str, Any] = {}

    def add(self, value: Any) -> str:
        name = f"{self.prefix}{len(self.values)}"
        self.values[name] = value
        return f"%({name})s"


SQL_OPS = {"==": "=", "!=": "<>", ">": ">", ">=": ">=", "<": "<", "<=": "<="}
CASTS = {NUMBER: "float8", TEXT: "text", BOOLEAN: "boolean", DATETIME: "timestamptz", DATE: "date"}
FALSE = "FALSE"


def compile_q(node, entity_type: EntityType, params: Params) -> str:
    if isinstance(node, Junction):
        glue = " AND " if node.op == "AND" else " OR "
        return "(" + glue.join(compile_q(p, entity_type, params) for p in node.parts) + ")"
    return _term(node, entity_type, params)


def _operand(term: Term, entity_type: EntityType) -> tuple[str, str] | None:
    """(SQL expression, its value type) that the term compares, or None when the type has no such thing."""
    attribute = entity_type.attribute(term.path[0])
    if attribute is None:
        return None
    if len(term.path) == 2:
        if term.path[1] == "observedAt" and attribute.observed_at and term.member is None:
            return attribute.observed_at, DATETIME
        return None
    if term.member is not None:
        if attribute.value_type != JSON:
            return None
        return f"({attribute.sql} -> '{_member(term.member)}')", JSON
    return attribute.sql, attribute.value_type


def _member(name: str) -> str:
    # NAME allows no quote; doubled anyway so the literal can never be closed early.
    return name.replace("'", "''")


def _fits(literal: Literal, value_type: str) -> bool:
    if value_type in (TEXT, TEXT_ARRAY):
        return literal.kind in (TEXT, "uri")
    if value_type == DATETIME:
        return literal.kind in (DATETIME, DATE)
    return literal.kind == value_type


def _term(term: Term, entity_type: EntityType, params: Params) -> str:
    operand = _operand(term, entity_type)
    if operand is None:
        return FALSE
    sql, value_type = operand
    if term.op is None:
        return f"({sql} IS NOT NULL)"
    if value_type == JSON:
        return _json_term(sql, term, params)
    if term.op in ("~=", "!~="):
        if value_type not in (TEXT, TEXT_ARRAY):
            return FALSE
        pattern = params.add(term.values[0].value)
        if value_type == TEXT_ARRAY:
            found = f"EXISTS (SELECT 1 FROM unnest({sql}) AS e WHERE e ~ {pattern})"  # noqa: S608 (a parameter)
            return found if term.op == "~=" else f"NOT {found}"
        return f"({sql} ~ {pattern})" if term.op == "~=" else f"({sql} !~ {pattern})"
    if not all(_fits(v, value_type) for v in term.values):
        return FALSE
    values = [v.value for v in term.values]
    if value_type == TEXT_ARRAY:
        if term.op not in ("==", "!="):
            return FALSE
        overlap = f"({sql} && {params.add(values)}::text[])"
        return overlap if term.op == "==" else f"(NOT {overlap})"
    cast = CASTS[value_type]
    if term.is_range:
        low, high = (f"{params.add(v)}::{cast}" for v in values)
        inside = f"({sql} BETWEEN {low} AND {high})"
        return inside if term.op == "==" else f"({sql} NOT BETWEEN {low} AND {high})"
    if len(values) > 1:
        listed = f"({sql} = ANY({params.add(values)}::{cast}[]))"
        return listed if term.op == "==" else f"(NOT {listed})"
    if value_type == BOOLEAN and term.op not in ("==", "!="):
        return FALSE
    return f"({sql} {SQL_OPS[term.op]} {params.add(values[0])}::{cast})"


def _json_term(sql: str, term: Term, params: Params) -> str:
    """A member of a JSON object (`value[pm25]>30`): compared as jsonb of the same JSON type only."""
    kinds = {NUMBER: "number", TEXT: "string", "uri": "string", BOOLEAN: "boolean"}
    if term.op in ("~=", "!~="):
        pattern = params.add(term.values[0].value)
        match = f"(jsonb_typeof({sql}) = 'string' AND ({sql} #>> '{{}}') ~ {pattern})"
        return match if term.op == "~=" else f"(NOT {match})"
    if any(v.kind not in kinds for v in term.values) or len({kinds[v.kind] for v in term.values}) != 1:
        return FALSE
    json_type = kinds[term.values[0].kind]
    same = f"jsonb_typeof({sql}) = '{json_type}'"
    casts = {NUMBER: "float8", TEXT: "text", "uri": "text", BOOLEAN: "boolean"}
    as_json = [f"to_jsonb({params.add(v.value)}::{casts[v.kind]})" for v in term.values]
    if term.is_range:
        inside = f"({same} AND {sql} BETWEEN {as_json[0]} AND {as_json[1]})"
        return inside if term.op == "==" else f"(NOT {inside})"
    if len(as_json) > 1:
        listed = f"({same} AND {sql} IN ({', '.join(as_json)}))"
        return listed if term.op == "==" else f"(NOT {listed})"
    if json_type == "boolean" and term.op not in ("==", "!="):
        return FALSE
    return f"({same} AND {sql} {SQL_OPS[term.op]} {as_json[0]})"
