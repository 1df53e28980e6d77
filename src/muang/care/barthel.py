"""The Barthel ADL index as the Department of Health uses it (กรมอนามัย): ten items, each with its own range,
a total of 0–20, and three groups. Pure: no database, no Django models.

Groups (ติดสังคม / ติดบ้าน / ติดเตียง): socially active 12–20, home-bound 5–11, bed-bound 0–4.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class Group(StrEnum):
    SOCIAL = "social"  # ติดสังคม 12–20
    HOME = "home"  # ติดบ้าน 5–11
    BED = "bed"  # ติดเตียง 0–4


# item: highest score (every item starts at 0). Order as on the Department of Health's form.
ITEMS: dict[str, int] = {
    "feeding": 2,
    "grooming": 1,
    "transfer": 3,
    "toilet": 2,
    "mobility": 3,
    "dressing": 2,
    "stairs": 2,
    "bathing": 1,
    "bowels": 2,
    "bladder": 2,
}
MAX_TOTAL = sum(ITEMS.values())  # 20
SOCIAL_FROM = 12
HOME_FROM = 5
DEPENDENT = frozenset({Group.HOME, Group.BED})


def group_of(total: int) -> Group:
    if not 0 <= total <= MAX_TOTAL:
        raise ValueError(f"a Barthel total is 0–{MAX_TOTAL}, not {total}")
    if total >= SOCIAL_FROM:
        return Group.SOCIAL
    if total >= HOME_FROM:
        return Group.HOME
    return Group.BED


@dataclass(frozen=True)
class Score:
    items: dict[str, int]
    total: int
    group: Group


def out_of_range(items: Mapping[str, object]) -> dict[str, int]:
    """The items that are missing, not whole numbers or outside their range: {item: its highest score}."""
    bad = {}
    for item, high in ITEMS.items():
        value = items.get(item)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
            bad[item] = high
    return bad


def score(items: Mapping[str, int]) -> Score:
    """The total and group of ten valid item scores (check them with `out_of_range` first)."""
    if bad := out_of_range(items):
        raise ValueError(f"items out of range: {sorted(bad)}")
    values = {item: int(items[item]) for item in ITEMS}
    total = sum(values.values())
    return Score(values, total, group_of(total))
