"""The land-and-building tax calculation sheet (ภ.ด.ส.7, `Assessment.sheet`) as sentences a taxpayer can follow.

Pure: takes the sheet the assessment run wrote, read through its type (:mod:`muang.property.assessment.sheet`, with the
ids of the parcel, buildings or unit of each property), and returns prepared rows for the template; no queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from muang.property.assessment.sheet import AssessmentSheet

CLASS_TEXT = {
    "agricultural": lambda: _("Agricultural use"),
    "residence_main_home": lambda: _("Your main home (land and house; you are in its house registration)"),
    "residence_building_only": lambda: _(
        "Your home on someone else's land (you are in its house registration)"
    ),
    "residence_other": lambda: _("Other residential use (second home, home for rent)"),
    "other": lambda: _("Other use (commerce, industry, services)"),
    "vacant": lambda: _("Vacant or unused land"),
}
CONSTRUCTION_TEXT = {
    "masonry": lambda: _("masonry"),
    "half_masonry": lambda: _("half masonry, half wood"),
    "wood": lambda: _("wood"),
}


def _d(value) -> Decimal:
    return Decimal(str(value or "0"))


@dataclass
class BracketLine:
    lower: Decimal
    upper: Decimal | None
    amount: Decimal
    rate_percent: Decimal
    tax: Decimal

    @property
    def rate_text(self) -> str:
        """0.300 → "0.3": rates as the Act writes them."""
        text = f"{self.rate_percent:f}"
        return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass
class ClassPart:
    name: str
    value: Decimal
    exemption: Decimal
    base: Decimal
    lines: list[BracketLine]
    additional_percent: Decimal
    vacant_years: int
    gross_tax: Decimal
    reduction_percent: Decimal
    reduction: Decimal
    tax: Decimal


@dataclass
class ItemLine:
    text: str
    value: Decimal
    owned_value: Decimal
    missing_price: bool = False


@dataclass
class PropertyPart:
    label: str
    share: str
    items: list[ItemLine]
    classes: list[ClassPart]
    value: Decimal
    tax: Decimal
    whole: bool = True
    # What the property is, by id (from the typed sheet): the parcel, its buildings, or the condominium unit.
    parcel_id: int | None = None
    building_ids: tuple[int, ...] = ()
    condo_unit_id: int | None = None


@dataclass
class Explained:
    year: int
    properties: list[PropertyPart] = field(default_factory=list)
    farmer: dict | None = None
    total_value: Decimal = Decimal(0)
    total_tax: Decimal = Decimal(0)


def _class(c: dict) -> ClassPart:
    name = CLASS_TEXT.get(c.get("class"), lambda: c.get("class", ""))()
    return ClassPart(
        name=name,
        value=_d(c.get("value")),
        exemption=_d(c.get("exemption")),
        base=_d(c.get("base")),
        lines=[
            BracketLine(_d(lo), None if up is None else _d(up), _d(amount), _d(rate), _d(tax))
            for lo, up, amount, rate, tax in c.get("lines", [])
        ],
        additional_percent=_d(c.get("additional_percent")),
        vacant_years=int(c.get("vacant_years") or 0),
        gross_tax=_d(c.get("gross_tax")),
        reduction_percent=_d(c.get("reduction_percent")),
        reduction=_d(c.get("reduction")),
        tax=_d(c.get("tax")),
    )


def _item(i: dict) -> ItemLine:
    price, quantity = _d(i.get("price")), _d(i.get("quantity"))
    kind = i.get("kind")
    if kind == "land":
        text = _("Land: %(qty)s sq. wah × %(price)s baht per sq. wah (Treasury appraisal)") % {
            "qty": f"{quantity:,}",
            "price": f"{price:,.2f}",
        }
    elif kind == "building":
        construction = CONSTRUCTION_TEXT.get(i.get("construction"), lambda: i.get("construction", ""))()
        text = _(
            "Building no. %(no)s (%(construction)s): %(qty)s m² × %(price)s baht per m² = %(gross)s baht, "
            "less %(pct)s%% depreciation for %(age)s years of age (%(dep)s baht)"
        ) % {
            "no": i.get("number", ""),
            "construction": construction,
            "qty": f"{quantity:,}",
            "price": f"{price:,.2f}",
            "gross": f"{_d(i.get('replacement_value')):,.2f}",
            "pct": i.get("depreciation_percent", "0"),
            "age": i.get("age", 0),
            "dep": f"{_d(i.get('depreciation')):,.2f}",
        }
    else:
        text = _("Condominium unit: %(qty)s m² × %(price)s baht per m²") % {
            "qty": f"{quantity:,}",
            "price": f"{price:,.2f}",
        }
    return ItemLine(text, _d(i.get("value")), _d(i.get("owned_value")), bool(i.get("missing_price")))


def explain_sheet(sheet: dict | AssessmentSheet) -> Explained:
    typed = sheet if isinstance(sheet, AssessmentSheet) else AssessmentSheet.from_json(sheet)
    out = Explained(year=typed.year, total_value=typed.total_value, total_tax=typed.total_tax)
    for p in typed.properties:
        out.properties.append(
            PropertyPart(
                label=p.label,
                share=p.share,
                items=[_item(i.raw) for i in p.items],
                classes=[_class(c) for c in p.raw.get("classes", [])],
                value=p.value,
                tax=p.tax,
                whole=p.whole,
                parcel_id=p.parcel_id,
                building_ids=p.building_ids,
                condo_unit_id=p.condo_unit_id,
            )
        )
    if farmer := typed.farmer:
        out.farmer = {
            "holdings": [
                {"label": h["label"], "value": _d(h["value"]), "tax": _d(h["tax"])}
                for h in farmer["holdings"]
            ],
            "assessment": _class(farmer["assessment"]),
        }
    return out
