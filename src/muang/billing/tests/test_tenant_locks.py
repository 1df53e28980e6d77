"""Every re-lock and bulk write of a tenant-owned row filters by organisation as well as by id (issue 9): a
row object that came from elsewhere never reaches another organisation's row, and the tables can later be
distributed by organisation. Walked over every domain app's code with ast, and shown on billing's services
(cases: cases/tests/test_services_tenant_locks.py; core's shared update: core/tests/test_services_audit.py)."""

from __future__ import annotations

import ast
import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import pytest

import muang
from muang.billing.models import Bill, BillStatus
from muang.billing.services.bills import bill_cancel
from muang.billing.services.payments import payment_record
from muang.billing.tests.factories import billing_organization, issue, staff_actor

SRC = Path(muang.__file__).parent
TENANT_KEYWORDS = {"organization", "organization_id"}
WRITES = {"select_for_update", "update", "delete"}


def _chain(node: ast.AST) -> list[ast.Call]:
    """The calls of a method chain, outermost first: a.objects.b(...).c(...) → [c(...), b(...)]."""
    calls = []
    while isinstance(node, ast.Call | ast.Attribute):
        if isinstance(node, ast.Call):
            calls.append(node)
            node = node.func
        else:
            node = node.value
    return calls


def _on_objects(node: ast.AST) -> bool:
    return _model_of(node) is not None


def _model_of(node: ast.AST) -> str | None:
    """`Bill` of `Bill.objects....`, or None when the chain is not on a manager."""
    while isinstance(node, ast.Call | ast.Attribute):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            return node.value.id if isinstance(node.value, ast.Name) else "?"
        node = node.func if isinstance(node, ast.Call) else node.value
    return None


# The tenant itself (an organisation locks its own row by its id), and platform maintenance that spans every
# organisation on purpose, each with why.
NOT_TENANT_ROWS = {"Organization"}
EVERY_ORGANISATION = {
    ("iot/services/partitions.py", "SeenMessage"): "forgets the dedup ids of every organisation by age",
}


def _unscoped_writes(source: str, label: str) -> list[str]:
    found = []
    tree = ast.parse(source, filename=label)
    calls_in_chains = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
    inner = {id(c) for node in calls_in_chains for c in _chain(node)[1:]}
    for node in calls_in_chains:
        if id(node) in inner or not isinstance(node.func, ast.Attribute):
            continue  # only whole chains: Model.objects.select_for_update().get(...), not its parts
        calls = _chain(node)
        names = {c.func.attr for c in calls if isinstance(c.func, ast.Attribute)}
        if not (names & WRITES) or not _on_objects(node):
            continue
        model = _model_of(node)
        if model in NOT_TENANT_ROWS or (label, model) in EVERY_ORGANISATION:
            continue
        keywords = {k.arg for c in calls for k in c.keywords if k.arg}
        if not keywords & TENANT_KEYWORDS and not any(k.startswith("organization") for k in keywords):
            found.append(f"{label}:{node.lineno}")
    return sorted(set(found))


def test_the_walker_flags_a_lock_or_an_update_by_id_alone():
    source = (
        "def f(b):\n"
        "    Bill.objects.select_for_update().get(pk=b.pk)\n"
        "    Bill.objects.select_for_update().get(pk=b.pk, organization_id=b.organization_id)\n"
        "    Bill.objects.filter(pk=b.pk).update(status='paid')\n"
        "    Bill.objects.filter(organization=o, pk=b.pk).update(status='paid')\n"
        "    d.update(x=1)\n"
    )
    assert _unscoped_writes(source, "sample") == ["sample:2", "sample:4"]


@pytest.mark.parametrize("app", ["billing", "property", "selfservice", "cases", "reports", "iot"])
def test_every_relock_update_and_delete_filters_by_organisation(app):
    root = SRC / app
    paths = [
        p for p in sorted(root.rglob("*.py")) if not {"tests", "migrations"} & set(p.relative_to(root).parts)
    ]
    unscoped = [
        where for path in paths for where in _unscoped_writes(path.read_text(), str(path.relative_to(SRC)))
    ]
    assert unscoped == []


@pytest.mark.django_db
def test_a_bill_object_naming_another_organisations_row_is_never_cancelled_or_paid(areas):
    mine, theirs = billing_organization(), billing_organization()
    actor = staff_actor(mine)
    their_bill = issue(theirs, "1000.00")
    forged = Bill.objects.get(pk=their_bill.pk)
    forged.organization, forged.organization_id = mine, mine.pk  # e.g. an id taken from a request
    with pytest.raises(Bill.DoesNotExist):
        bill_cancel(actor=actor, bill=forged, reason="ทดสอบ")
    with pytest.raises(Bill.DoesNotExist):
        payment_record(
            actor=actor, bill=forged, amount=D("1000.00"), channel="cash", paid_on=dt.date(2026, 4, 1)
        )
    their_bill.refresh_from_db()
    assert (their_bill.status, their_bill.paid_principal) == (BillStatus.OPEN, D("0.00"))
