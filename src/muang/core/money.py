"""Rounding and splitting of baht amounts to satang (สตางค์).

None of the Acts prescribes a rounding method, so Muang uses one everywhere: half-up (ปัดครึ่งขึ้น) to
0.01 baht, applied to every amount printed on a notice or calculation sheet, so that the printed lines of a
sheet always add up to its printed total.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

SATANG = Decimal("0.01")
ZERO = Decimal(0)
HUNDRED = Decimal(100)


def round_satang(amount: Decimal) -> Decimal:
    """Round half-up to the satang (0.01 baht)."""
    return amount.quantize(SATANG, rounding=ROUND_HALF_UP)


def percent_of(amount: Decimal, percent: Decimal) -> Decimal:
    """``amount × percent / 100``, exact (callers round where the amount is printed)."""
    return amount * percent / HUNDRED


def allocate_satang(total: Decimal, weights: Sequence[Decimal]) -> tuple[Decimal, ...]:
    """Split ``total`` (a whole number of satang) in proportion to ``weights``, to the satang.

    Largest-remainder method: every share is rounded down, then the leftover satang go one by one to the
    shares with the largest remainders (ties to the earlier share), so the shares always add up to ``total``
    exactly. Used to spread one owner's aggregated tax over the parcels of a notice (ภ.ด.ส.6).
    """
    if total != round_satang(total):
        raise ValueError(f"total must be a whole number of satang, got {total}")
    if total < 0:
        raise ValueError("total must not be negative")
    if not weights:
        raise ValueError("weights must not be empty")
    if any(w < 0 for w in weights):
        raise ValueError("weights must not be negative")
    weight_sum = sum(weights, ZERO)
    if weight_sum == 0:
        raise ValueError("weights must not all be zero")
    exact = [total * w / weight_sum for w in weights]
    shares = [e.quantize(SATANG, rounding=ROUND_DOWN) for e in exact]
    leftover = int((total - sum(shares, ZERO)) / SATANG)
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in by_remainder[:leftover]:
        shares[i] += SATANG
    return tuple(shares)
