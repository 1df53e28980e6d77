"""Who decides the penalty and surcharge of a late bill: the app that issues that kind of bill.

Billing computes what a bill asks for on a given day (:mod:`muang.billing.dues`), but the law that adds
penalties and surcharges belongs to the charge: the Land and Building Tax Act for land-and-building tax, the
Signboard Tax Act for signboards, nothing at all for a waste fee. Billing therefore never imports that law.
Each app registers, for each kind of bill it issues, a :class:`ChargeRuleSource`:

- ``default``: the rules of the Act as enacted (no query), used where no organisation or year is known;
- ``for_year(organization_id, year)``: the rules the organisation's staff set for that tax or fee year (the
  tax year's edited penalty percentages), read once per organisation, kind and year and kept in the caller's
  ``cache`` for a whole report or bank statement.

A kind without a registration bears no charges. The property app registers land-and-building and signboard
tax in its ``AppConfig.ready``; a waste-fee app that wants a late fee registers its own rules the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from muang.billing.dues import ChargeContext, Charges


class ChargeRules(Protocol):
    """Penalty and surcharge on ``principal`` due on ``due_date`` and paid on ``as_of`` (``as_of`` is later)."""

    def charges(
        self, principal: Decimal, due_date: dt.date, as_of: dt.date, ctx: ChargeContext
    ) -> Charges: ...


@dataclass(frozen=True)
class NoCharges:
    """Nothing is ever added (waste and service fees, and any kind nobody registered)."""

    def charges(self, principal: Decimal, due_date: dt.date, as_of: dt.date, ctx: ChargeContext) -> Charges:
        from muang.billing.dues import NO_CHARGES

        return NO_CHARGES


NO_RULES = NoCharges()


@dataclass(frozen=True)
class ChargeRuleSource:
    default: ChargeRules
    for_year: Callable[[int, int], ChargeRules] | None = None


_SOURCES: dict[str, ChargeRuleSource] = {}

RulesCache = dict[tuple[int, str, int], "ChargeRules"]


def register_charge_rules(kind: str, source: ChargeRuleSource) -> None:
    """Called by the app that issues bills of ``kind`` (in its ``AppConfig.ready``); registering the same
    kind twice replaces the first (tests re-run ``ready``), so one app owns each kind."""
    _SOURCES[kind] = source


def unregister_charge_rules(kind: str) -> None:
    _SOURCES.pop(kind, None)


def default_charge_rules(kind: str) -> ChargeRules:
    source = _SOURCES.get(kind)
    return source.default if source else NO_RULES


def charge_rules_for(
    *, organization_id: int, kind: str, year: int, cache: RulesCache | None = None
) -> ChargeRules:
    """The rules that apply to a bill of ``kind`` and ``year`` in the organisation (one query at most, none
    when ``cache`` already holds them)."""
    source = _SOURCES.get(kind)
    if source is None:
        return NO_RULES
    if source.for_year is None:
        return source.default
    key = (organization_id, kind, year)
    if cache is not None and key in cache:
        return cache[key]
    rules = source.for_year(organization_id, year)
    if cache is not None:
        cache[key] = rules
    return rules


class _RulesOfYear:
    """The rules of one organisation, kind and year, looked up on first use: bills paid on time (most of
    them, on every page that lists bills) cost no query."""

    __slots__ = ("_cache", "_kind", "_organization_id", "_rules", "_year")

    def __init__(self, organization_id: int, kind: str, year: int, cache: RulesCache | None) -> None:
        self._organization_id, self._kind, self._year = organization_id, kind, year
        self._cache = cache
        self._rules: ChargeRules | None = None

    def charges(self, principal: Decimal, due_date: dt.date, as_of: dt.date, ctx: ChargeContext) -> Charges:
        if self._rules is None:
            self._rules = charge_rules_for(
                organization_id=self._organization_id, kind=self._kind, year=self._year, cache=self._cache
            )
        return self._rules.charges(principal, due_date, as_of, ctx)


def rules_of_year(
    *, organization_id: int, kind: str, year: int, cache: RulesCache | None = None
) -> ChargeRules:
    """Like :func:`charge_rules_for`, but the query waits until a late amount needs the rules."""
    source = _SOURCES.get(kind)
    if source is None:
        return NO_RULES
    if source.for_year is None:
        return source.default
    return _RulesOfYear(organization_id, kind, year, cache)
