"""Thai land units: ไร่ (rai), งาน (ngan), ตารางวา (square wah), and square metres.

1 rai = 4 ngan = 400 square wah; 1 ngan = 100 square wah; 1 square wah = 4 m² (a wah is 2 m). Title deeds
(โฉนด) state areas as rai-ngan-wah, with the wah part often to one decimal (e.g. 2-1-35.5). These are unit
definitions, not tax data, so they are constants here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

SQUARE_METRES_PER_SQUARE_WAH = Decimal(4)
SQUARE_WAH_PER_NGAN = 100
NGAN_PER_RAI = 4
SQUARE_WAH_PER_RAI = SQUARE_WAH_PER_NGAN * NGAN_PER_RAI


@dataclass(frozen=True)
class RaiNganWah:
    """An area as written on a deed: ``rai``-``ngan``-``wah`` (ngan 0–3, wah 0 to under 100)."""

    rai: int
    ngan: int
    wah: Decimal

    def __post_init__(self) -> None:
        if self.rai < 0:
            raise ValueError("rai must not be negative")
        if not 0 <= self.ngan < NGAN_PER_RAI:
            raise ValueError(f"ngan must be 0–{NGAN_PER_RAI - 1}, got {self.ngan}")
        if not 0 <= self.wah < SQUARE_WAH_PER_NGAN:
            raise ValueError(f"wah must be at least 0 and under {SQUARE_WAH_PER_NGAN}, got {self.wah}")

    @property
    def square_wah(self) -> Decimal:
        return to_square_wah(self.rai, self.ngan, self.wah)

    @property
    def square_metres(self) -> Decimal:
        return square_wah_to_square_metres(self.square_wah)

    def __str__(self) -> str:
        return f"{self.rai}-{self.ngan}-{self.wah}"


def to_square_wah(rai: int, ngan: int, wah: Decimal | int) -> Decimal:
    """Total square wah of ``rai``-``ngan``-``wah``; ngan and wah may exceed their usual range."""
    if rai < 0 or ngan < 0 or wah < 0:
        raise ValueError("rai, ngan and wah must not be negative")
    return Decimal(rai * SQUARE_WAH_PER_RAI + ngan * SQUARE_WAH_PER_NGAN) + Decimal(wah)


def to_square_metres(rai: int, ngan: int, wah: Decimal | int) -> Decimal:
    """m² = (rai × 400 + ngan × 100 + wah) × 4."""
    return square_wah_to_square_metres(to_square_wah(rai, ngan, wah))


def square_wah_to_square_metres(square_wah: Decimal) -> Decimal:
    return Decimal(square_wah) * SQUARE_METRES_PER_SQUARE_WAH


def square_metres_to_square_wah(square_metres: Decimal) -> Decimal:
    """Exact: a quarter of a decimal always has a finite decimal expansion."""
    return Decimal(square_metres) / SQUARE_METRES_PER_SQUARE_WAH


def from_square_wah(square_wah: Decimal | int) -> RaiNganWah:
    """Normalise a total in square wah to rai-ngan-wah (the deed notation)."""
    total = Decimal(square_wah)
    if total < 0:
        raise ValueError("area must not be negative")
    whole_ngan = int(total // SQUARE_WAH_PER_NGAN)
    rai, ngan = divmod(whole_ngan, NGAN_PER_RAI)
    return RaiNganWah(rai=rai, ngan=ngan, wah=total - whole_ngan * SQUARE_WAH_PER_NGAN)


def from_square_metres(square_metres: Decimal | int) -> RaiNganWah:
    return from_square_wah(square_metres_to_square_wah(Decimal(square_metres)))
