"""What a bill asks for on a given day: principal, penalty and surcharge per instalment. Pure: no ORM.

The counter, the bank reconciliation, the arrears report and the notices all call these functions, with
plain values, so that every path computes the same figures (and the bulk path stays fast).

Penalties and surcharges are not billing's law: each kind of bill gets them from the app that issues it,
through :mod:`muang.billing.charges` (the land-and-building and signboard tax rules of the tax year, registered
by the property app; nothing for waste and service fees). What billing itself decides:

- Instalments: each instalment is late from its own due date. Missing one ends the instalment right: from
  then on the whole remaining balance is payable at once (only the full amount matches), but penalties and
  surcharges run only on the instalments that are actually overdue, each from its own due date
  (the Act applies penalty and surcharge "เฉพาะงวดที่ไม่ได้ชำระ", to the unpaid instalments only).
- A payment covers, instalment by instalment in order, the instalment's charges together with its
  principal: a payment too small for a whole late instalment pays the largest principal whose own charges
  it can also pay, so that charges are always settled with the tax they were charged on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import NamedTuple

from muang.billing.charges import ChargeRules, default_charge_rules
from muang.core.money import SATANG, ZERO

INSTALMENT_COUNT = 3


class InstalmentState(NamedTuple):
    seq: int
    amount: Decimal
    due_date: dt.date
    paid: Decimal = ZERO

    @property
    def unpaid(self) -> Decimal:
        return self.amount - self.paid


def instalments_paid(instalments: Sequence[tuple[int, Decimal, dt.date]], paid_principal: Decimal):
    """Instalment states from the bill's principal paid: payments fill instalments strictly in order (see
    :func:`allocate`), so what each instalment has received follows from the total and need not be stored."""
    states, left = [], paid_principal
    for seq, amount, due_date in sorted(instalments):
        paid = min(amount, max(left, ZERO))
        left -= paid
        states.append(InstalmentState(seq, amount, due_date, paid))
    return states


@dataclass(frozen=True)
class ChargeContext:
    """Facts about a bill, besides its instalments, that change its charges."""

    kind: str
    warning_received_on: dt.date | None = None
    warning_deadline: dt.date | None = None
    extension_until: dt.date | None = None
    # The penalty and surcharge rules the bill is under (its organisation's and year's); None: the kind's
    # statutory defaults (see muang.billing.charges).
    rules: ChargeRules | None = None


@dataclass(frozen=True)
class Charges:
    penalty: Decimal
    surcharge: Decimal
    months_late: int

    @property
    def total(self) -> Decimal:
        return self.penalty + self.surcharge


NO_CHARGES = Charges(ZERO, ZERO, 0)


def charges_on(principal: Decimal, due_date: dt.date, as_of: dt.date, ctx: ChargeContext) -> Charges:
    """Penalty and surcharge on ``principal`` due on ``due_date`` and paid on ``as_of``."""
    if as_of <= due_date or principal <= 0:
        return NO_CHARGES
    rules = ctx.rules if ctx.rules is not None else default_charge_rules(ctx.kind)
    return rules.charges(principal, due_date, as_of, ctx)


@dataclass(frozen=True)
class InstalmentDue:
    seq: int
    due_date: dt.date
    principal: Decimal  # unpaid principal
    penalty: Decimal
    surcharge: Decimal
    months_late: int

    @property
    def total(self) -> Decimal:
        return self.principal + self.penalty + self.surcharge


@dataclass(frozen=True)
class AmountDue:
    as_of: dt.date
    instalments: tuple[InstalmentDue, ...]  # unpaid ones only, in order
    instalment_right_ended: bool

    @property
    def principal(self) -> Decimal:
        return sum((i.principal for i in self.instalments), ZERO)

    @property
    def penalty(self) -> Decimal:
        return sum((i.penalty for i in self.instalments), ZERO)

    @property
    def surcharge(self) -> Decimal:
        return sum((i.surcharge for i in self.instalments), ZERO)

    @property
    def total(self) -> Decimal:
        return sum((i.total for i in self.instalments), ZERO)

    @property
    def overdue(self) -> bool:
        return any(i.due_date < self.as_of for i in self.instalments)

    @property
    def months_late(self) -> int:
        return max((i.months_late for i in self.instalments), default=0)

    @property
    def payable_now(self) -> Decimal:
        """The smallest payment that keeps the bill in good standing today."""
        return self.exact_amounts[0] if self.exact_amounts else ZERO

    @property
    def exact_amounts(self) -> tuple[Decimal, ...]:
        """Payments that settle something exactly: the whole balance, or, while the instalment right holds,
        the next one, two, … instalments."""
        if not self.instalments:
            return ()
        if self.instalment_right_ended:
            return (self.total,)
        return _running_sums(i.total for i in self.instalments)

    @property
    def printed_amounts(self) -> tuple[Decimal, ...]:
        """The same sums without charges: what the notice's QR codes ask for."""
        if not self.instalments:
            return ()
        return _running_sums(i.principal for i in self.instalments)


def _running_sums(values) -> tuple[Decimal, ...]:
    sums, running = [], ZERO
    for v in values:
        running += v
        sums.append(running)
    return tuple(sums)


def amount_due(instalments: Sequence[InstalmentState], as_of: dt.date, ctx: ChargeContext) -> AmountDue:
    """``instalments`` in order of seq."""
    lines = []
    for inst in instalments:  # in order of seq
        if inst.unpaid <= 0:
            continue
        c = charges_on(inst.unpaid, inst.due_date, as_of, ctx)
        lines.append(
            InstalmentDue(inst.seq, inst.due_date, inst.unpaid, c.penalty, c.surcharge, c.months_late)
        )
    right_ended = len(instalments) > 1 and any(line.due_date < as_of for line in lines)
    return AmountDue(as_of=as_of, instalments=tuple(lines), instalment_right_ended=right_ended)


@dataclass(frozen=True)
class AllocationPart:
    seq: int
    principal: Decimal
    penalty: Decimal
    surcharge: Decimal
    months_late: int

    def as_json(self) -> dict:
        return {
            "seq": self.seq,
            "principal": str(self.principal),
            "penalty": str(self.penalty),
            "surcharge": str(self.surcharge),
            "months_late": self.months_late,
        }


@dataclass(frozen=True)
class Allocation:
    parts: tuple[AllocationPart, ...]
    unallocated: Decimal  # > 0 means the payment was larger than everything due

    @property
    def principal(self) -> Decimal:
        return sum((p.principal for p in self.parts), ZERO)

    @property
    def penalty(self) -> Decimal:
        return sum((p.penalty for p in self.parts), ZERO)

    @property
    def surcharge(self) -> Decimal:
        return sum((p.surcharge for p in self.parts), ZERO)


def allocate(
    amount: Decimal, instalments: Sequence[InstalmentState], as_of: dt.date, ctx: ChargeContext
) -> Allocation:
    """Split a payment of ``amount`` made on ``as_of`` over the unpaid instalments, in order."""
    left = amount
    parts: list[AllocationPart] = []
    for inst in instalments:  # in order of seq
        if left <= 0:
            break
        unpaid = inst.unpaid
        if unpaid <= 0:
            continue
        full = charges_on(unpaid, inst.due_date, as_of, ctx)
        if left >= unpaid + full.total:
            parts.append(AllocationPart(inst.seq, unpaid, full.penalty, full.surcharge, full.months_late))
            left -= unpaid + full.total
            continue
        parts.append(_partial(inst.seq, left, unpaid, inst.due_date, as_of, ctx, full))
        left = ZERO
    return Allocation(parts=tuple(parts), unallocated=left)


def _partial(
    seq: int,
    amount: Decimal,
    unpaid: Decimal,
    due_date: dt.date,
    as_of: dt.date,
    ctx: ChargeContext,
    full: Charges,
) -> AllocationPart:
    """The largest principal p ≤ unpaid with p + charges(p) ≤ amount; leftover satang go to principal."""
    if full.total == 0:
        return AllocationPart(seq, amount, ZERO, ZERO, full.months_late)
    ratio = full.total / unpaid  # charges are proportional to the principal, up to satang rounding
    p = min(unpaid, (amount / (1 + ratio)).quantize(SATANG, rounding=ROUND_DOWN))
    while p > 0 and p + charges_on(p, due_date, as_of, ctx).total > amount:
        p -= SATANG
    while p + SATANG <= unpaid and p + SATANG + charges_on(p + SATANG, due_date, as_of, ctx).total <= amount:
        p += SATANG
    c = charges_on(p, due_date, as_of, ctx)
    principal = min(unpaid, amount - c.total)
    surcharge = amount - principal - c.penalty
    return AllocationPart(seq, principal, c.penalty, surcharge, full.months_late)


def split_instalments(total: Decimal, count: int = INSTALMENT_COUNT) -> tuple[Decimal, ...]:
    """``count`` equal parts to the satang; the satang that do not divide go to the FIRST part."""
    if total != total.quantize(SATANG) or total <= 0:
        raise ValueError("total must be a positive whole number of satang")
    share = (total / count).quantize(SATANG, rounding=ROUND_DOWN)
    return (total - share * (count - 1), *([share] * (count - 1)))
