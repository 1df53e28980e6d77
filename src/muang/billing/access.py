"""Who may reach a bill: staff through their permissions in its organisation (role × the duties of their
department, `permissions.py`), and the taxpayer's own bills as a citizen principal.

A taxpayer is a `CitizenActor` of one organisation holding a `PayerScope` grant: the bills of one payer. The
billing services that serve them (notice and receipt PDFs, filing an objection) check that grant against the
bill itself (`require_on_bill`), not a caller's promise (ADR 0010).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from muang.core.access import Actor, CitizenActor, require, require_grant

# --- citizens: the bills of one payer ------------------------------------------------------------------------


@dataclass(frozen=True)
class PayerScope:
    """What a citizen's billing grant covers: the bills of one payer in the grant's organisation, that is the
    bills whose `source_ref` is one of `source_refs` (the payer's own records in the app that bills them) or
    whose payer tax ID is `tax_id`."""

    source_refs: frozenset[str]
    tax_id: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "source_refs", frozenset(self.source_refs))

    def q(self) -> Q:
        """The bills covered, as a filter (add the organisation)."""
        q = Q(source_ref__in=sorted(self.source_refs))
        if self.tax_id:
            q |= Q(payer_tax_id=self.tax_id)
        return q

    def covers(self, bill) -> bool:
        return bill.source_ref in self.source_refs or bool(self.tax_id and bill.payer_tax_id == self.tax_id)


def require_on_bill(actor: Actor, bill, perm: str) -> None:
    """`perm` on this bill: staff through their permissions in the bill's organisation, a citizen through a `PayerScope` grant of `perm` in that organisation that covers the bill."""
    if isinstance(actor, CitizenActor):
        require_grant(actor, bill.organization, perm, PayerScope, lambda scope: scope.covers(bill))
    else:
        require(actor, bill.organization, perm)
