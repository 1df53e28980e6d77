"""The ministry's ceilings on the monthly waste-collection fee, kept as dated data.

A local ordinance sets its own fees (THAI-RULES §12) but may not exceed the ceilings of the Ministry of Public
Health's regulation on fees for collecting and transporting solid waste (กฎกระทรวงกำหนดค่าธรรมเนียมการให้บริการ
เก็บ ขน มูลฝอย, B.E. 2559/2560 as cited). The ceiling depends on the volume a payer leaves each day:

- up to 20 litres a day: 40 baht a month;
- over 20 up to 500 litres a day: 40 baht a month for every 20 litres (or part of 20);
- over 500 litres a day: 2,000 baht a month for every cubic metre (or part of one).

These are the figures as reported in the press and in municipal ordinances citing the regulation; THAI-RULES
notes that reports vary, so they are data with their source and the date they take effect, and a new
regulation is a new entry here (never a change of an old one). Verify against the Royal Gazette before relying
on them in production.

Checked (issue 14, December 2026): THAI-RULES §12 names the regulation (B.E. 2559) but gives no figures, and
says the figures reported vary; it does not confirm these bands. Public municipal pages disagree with each other
too: Chamkho municipality's e-service page (chamkhocity.go.th, "ขอรับบริการเก็บขยะ") states the current ceiling as
30 baht a month per 20 litres a day, while Khlong Mai (Sam Phran) publishes 50 baht a month for up to 20 litres
a day, above both. These bands therefore stay UNVERIFIED until read in the Royal Gazette; the rates module
refuses a schedule above them, so a municipality whose real ceiling is higher would be wrongly refused (and one
whose ceiling is lower, wrongly accepted). The ceilings are data in this module, not in a data migration.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

SOURCE = (
    "กฎกระทรวงกำหนดค่าธรรมเนียมการให้บริการของราชการส่วนท้องถิ่นในการเก็บ ขน หรือกำจัดสิ่งปฏิกูลหรือมูลฝอย "
    "(Ministry of Public Health)"
)


@dataclass(frozen=True)
class Band:
    up_to_litres: int | None  # None: no upper bound
    unit_litres: int  # the fee is per started unit of this many litres a day
    baht_per_unit: Decimal  # a month


@dataclass(frozen=True)
class Ceilings:
    effective_from: dt.date
    source: str
    bands: tuple[Band, ...]

    def monthly_ceiling(self, litres_per_day: int) -> Decimal:
        """The highest monthly fee for a payer leaving ``litres_per_day`` litres a day."""
        for band in self.bands:
            if band.up_to_litres is None or litres_per_day <= band.up_to_litres:
                units = -(-litres_per_day // band.unit_litres)  # started units count whole
                return band.baht_per_unit * units
        raise AssertionError("the last band has no upper bound")


CEILINGS: tuple[Ceilings, ...] = (
    Ceilings(
        effective_from=dt.date(2017, 1, 1),
        source=SOURCE,
        bands=(
            Band(20, 20, Decimal("40.00")),
            Band(500, 20, Decimal("40.00")),
            Band(None, 1000, Decimal("2000.00")),
        ),
    ),
)


def ceilings_on(day: dt.date) -> Ceilings | None:
    """The ceilings in force on ``day`` (None before the first regulation)."""
    in_force = [c for c in CEILINGS if c.effective_from <= day]
    return max(in_force, key=lambda c: c.effective_from) if in_force else None
