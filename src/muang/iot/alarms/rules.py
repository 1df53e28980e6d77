"""An alarm rule's declaration, validated against its profile as data, and whether a reading satisfies it.

Pure (no database): the rule model's `clean()` and the evaluation share it.

    threshold  key  gt | gte | lt | lte  value,  or  outside [low, high];  held for duration_seconds (0: at once)
    state      key  eq  value  (a bool or int key: lamp_failure == 1)
    silence    no report for `silence_intervals` of the profile's expected report interval
"""

from __future__ import annotations

import math

from django.utils.translation import gettext as _

from muang.core.errors import InvalidInput

THRESHOLD_OPERATORS = ("gt", "gte", "lt", "lte", "outside")
MAX_DURATION = 7 * 86400
MAX_SILENCE_INTERVALS = 1000


def _finite(value, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidInput.for_field(field, _("%(field)s must be a finite number.") % {"field": field})
    return float(value)


def check_rule(rule, key_types: dict[str, str]) -> None:
    """Refuse a rule its profile cannot evaluate, naming the field. `key_types`: the profile's key -> type."""
    kind = rule.kind
    if kind in ("threshold", "state"):
        if rule.key not in key_types:
            raise InvalidInput.for_field(
                "key", _("The profile has no telemetry key %(key)s.") % {"key": rule.key or "—"}
            )
        if rule.silence_intervals is not None:
            raise InvalidInput.for_field("silence_intervals", _("Only a silence rule counts missed reports."))
    if kind == "threshold":
        if rule.operator not in THRESHOLD_OPERATORS:
            raise InvalidInput.for_field(
                "operator", _("A threshold is one of >, ≥, <, ≤ or outside a range.")
            )
        if rule.operator == "outside":
            low, high = _finite(rule.low, "low"), _finite(rule.high, "high")
            if low >= high:
                raise InvalidInput.for_field("high", _("The upper bound must be above the lower bound."))
        else:
            _finite(rule.value, "value")
        if not 0 <= rule.duration_seconds <= MAX_DURATION:
            raise InvalidInput.for_field("duration_seconds", _("A duration is between 0 and 7 days."))
    elif kind == "state":
        if rule.operator != "eq":
            raise InvalidInput.for_field("operator", _("A state rule compares with = ."))
        if key_types[rule.key] not in ("bool", "int"):
            raise InvalidInput.for_field("key", _("A state rule needs a bool or int key (a flag)."))
        _finite(rule.value, "value")
        if rule.duration_seconds:
            raise InvalidInput.for_field("duration_seconds", _("A state rule fires at once."))
    elif kind == "silence":
        if rule.key or rule.operator:
            raise InvalidInput.for_field("key", _("A silence rule watches the device, not a key."))
        if (
            not isinstance(rule.silence_intervals, int)
            or not 1 <= rule.silence_intervals <= MAX_SILENCE_INTERVALS
        ):
            raise InvalidInput.for_field(
                "silence_intervals", _("Give the number of missed reports (1 to 1000).")
            )
    else:
        raise InvalidInput.for_field("kind", _("A rule is a threshold, a state or a silence rule."))


def holds(rule, value: float) -> bool:
    """Whether one reading of the rule's key is in alarm."""
    op = rule.operator
    if op == "gt":
        return value > rule.value
    if op == "gte":
        return value >= rule.value
    if op == "lt":
        return value < rule.value
    if op == "lte":
        return value <= rule.value
    if op == "outside":
        return value < rule.low or value > rule.high
    if op == "eq":
        return value == rule.value
    return False


def describe(rule) -> str:
    """The condition in a line, for an alarm's details and a case's description: `pm25 > 37.5`."""
    if rule.kind == "silence":
        return _("no report for %(n)s × the report interval") % {"n": rule.silence_intervals}
    if rule.operator == "outside":
        return f"{rule.key} ∉ [{rule.low:g}, {rule.high:g}]"
    symbol = {"gt": ">", "gte": "≥", "lt": "<", "lte": "≤", "eq": "="}[rule.operator]
    return f"{rule.key} {symbol} {rule.value:g}"
