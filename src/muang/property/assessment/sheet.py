"""The land-and-building tax calculation sheet (ภ.ด.ส.7) as a type, with the ids of what it taxes.

The assessment run writes each owner's sheet as JSON (`Assessment.sheet`, built in the hot loop of
:mod:`muang.property.assessment.services.assessment`); every reader goes through :meth:`AssessmentSheet.from_json`
instead of digging in the dict, and finds a property by its ids, never by rebuilding its label:

- a ``parcel`` property: ``parcel_id``, and ``building_ids`` of the buildings its owner holds with the land;
- a ``building`` property (held apart from its land): ``building_ids`` = that building;
- a ``condo_unit`` property: ``condo_unit_id``.

Sheets written before the ids were (runs of earlier versions) have none; :meth:`SheetProperty.is_parcel`
then falls back to the parcel code, and the billing run to one line for the whole tax. Signboards have no
calculation sheet: their bills name each sign's id on its line (``property:signboard:<id>``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

PARCEL = "parcel"
BUILDING = "building"
CONDO_UNIT = "condo_unit"


def _d(value: Any) -> Decimal:
    return Decimal(str(value or "0"))


def _id(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass(frozen=True)
class SheetItem:
    """One valued thing of a property: its land, a building on it, or a condominium unit."""

    kind: str  # land, building, unit
    id: int | None  # the parcel, building or unit
    number: int | None  # a building's number on its parcel
    raw: dict = field(compare=False, repr=False)  # the figures, as the sheet stores them


@dataclass(frozen=True)
class SheetProperty:
    kind: str  # parcel, building, condo_unit
    label: str  # parcel code, or "condominium code unit number": for people, not for lookups
    share: str  # "1/2"
    value: Decimal
    tax: Decimal
    parcel_id: int | None
    building_ids: tuple[int, ...]
    condo_unit_id: int | None
    items: tuple[SheetItem, ...]
    group: str = ""  # the piece of adjoining land it was assessed with (s.42), by labels
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def has_ids(self) -> bool:
        return self.parcel_id is not None or bool(self.building_ids) or self.condo_unit_id is not None

    @property
    def building_numbers(self) -> tuple[str, ...]:
        return tuple(str(i.number) for i in self.items if i.kind == "building" and i.number)

    @property
    def whole(self) -> bool:
        num, _sep, den = self.share.partition("/")
        return num == den

    def is_parcel(self, parcel_id: int, code: str) -> bool:
        """Whether this is the property of that parcel (by id; by code on sheets older than the ids)."""
        if self.kind != PARCEL:
            return False
        return self.parcel_id == parcel_id if self.parcel_id is not None else self.label == code

    @classmethod
    def from_json(cls, p: dict) -> SheetProperty:
        kind = p.get("kind", "")
        items = tuple(
            SheetItem(kind=i.get("kind", ""), id=_id(i.get("id")), number=i.get("number"), raw=i)
            for i in p.get("items", [])
        )
        own_id = _id(p.get("id"))
        buildings = tuple(i.id for i in items if i.kind == "building" and i.id is not None)
        if kind == BUILDING and own_id is not None and own_id not in buildings:
            buildings = (own_id, *buildings)
        return cls(
            kind=kind,
            label=p.get("label", ""),
            share=p.get("share", "1/1") or "1/1",
            value=_d(p.get("value")),
            tax=_d(p.get("tax")),
            parcel_id=own_id if kind == PARCEL else None,
            building_ids=buildings,
            condo_unit_id=own_id if kind == CONDO_UNIT else None,
            items=items,
            group=p.get("group", ""),
            raw=p,
        )


@dataclass(frozen=True)
class AssessmentSheet:
    year: int
    total_value: Decimal
    total_tax: Decimal
    properties: tuple[SheetProperty, ...]
    farmer: dict | None = None
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_json(cls, sheet: dict | None) -> AssessmentSheet:
        sheet = sheet or {}
        return cls(
            year=int(sheet.get("year") or 0),
            total_value=_d(sheet.get("total_value")),
            total_tax=_d(sheet.get("total_tax")),
            properties=tuple(SheetProperty.from_json(p) for p in sheet.get("properties", [])),
            farmer=sheet.get("farmer"),
            raw=sheet,
        )

    def parcel_properties(self, parcel_id: int, code: str) -> list[SheetProperty]:
        return [p for p in self.properties if p.is_parcel(parcel_id, code)]
