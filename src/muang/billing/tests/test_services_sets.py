"""The set-based twins (`billing.services.sets`) write exactly what `bills_issue` and `bills_sync` write: the same
numbers, bills, lines, instalments, audit entries and Thai QR payloads, and refuse the same input with the same
errors. Each test runs the one-by-one path, records every row, rolls it back (the numbers come back with it) and
runs the set path on the same input."""

import datetime as dt
import random
from decimal import Decimal as D

import pytest
from django.db import transaction

from muang.billing import thaiqr
from muang.billing.models import Bill, BillingProfile, BillKind, BillLine, Instalment
from muang.billing.services.bills import BillDraft, LineDraft, Payer, bills_issue
from muang.billing.services.notices import qr_payload
from muang.billing.services.payments import payment_record
from muang.billing.services.sets import BILL_COLUMNS, bills_issue_set, bills_sync_set
from muang.billing.services.sync import WantedBill, bills_sync
from muang.billing.sources import SourceKind
from muang.billing.tests.factories import BILLER_ID, NATIONAL_ID, cashier_actor, staff_actor
from muang.core.access import SYSTEM
from muang.core.errors import AccessDenied, Conflict, InvalidInput
from muang.core.models import AuditEntry

pytestmark = pytest.mark.django_db
HOUSEHOLD = SourceKind("waste", "household")
ISSUED_ON = dt.date(2026, 1, 10)
DUE = dt.date(2026, 1, 31)


def rows(org) -> dict:
    """Every row the issue wrote, without ids and timestamps (bills by number)."""
    bill_fields = [c for c in BILL_COLUMNS if c not in ("id", "created_at")]
    bills = list(Bill.objects.filter(organization=org).order_by("number").values(*bill_fields))
    for bill in bills:  # when a bill was cancelled differs between the runs; that it was does not
        bill["cancelled_at"] = bill["cancelled_at"] is not None
    lines = list(
        BillLine.objects.filter(organization=org)
        .order_by("bill__number", "position")
        .values("bill__number", "position", "description", "source_ref", "amount")
    )
    instalments = list(
        Instalment.objects.filter(organization=org)
        .order_by("bill__number", "seq")
        .values("bill__number", "seq", "amount", "due_date", "running_total")
    )
    numbers = dict(Bill.objects.filter(organization=org).values_list("pk", "number"))
    audit = []
    for entry in AuditEntry.objects.filter(organization=org, object_type="billing.Bill").order_by("id"):
        changes = dict(entry.changes)
        if entry.action == AuditEntry.Action.CREATE:
            assert changes.pop("id") == [None, int(entry.object_id)]
            assert changes.pop("created_at")[1]  # the moment differs between the runs
        changes.pop("cancelled_at", None)
        audit.append(
            (
                numbers[int(entry.object_id)],
                entry.action,
                entry.actor_label,
                entry.object_repr,
                entry.reason,
                changes,
            )
        )
    profile = BillingProfile.objects.get(organization=org)
    payloads = {
        b.number: qr_payload(profile, b, b.amount)
        for b in Bill.objects.filter(organization=org, status="open")
    }
    return {
        "bills": bills,
        "lines": lines,
        "instalments": instalments,
        "audit": sorted(audit),
        "qr": payloads,
    }


def both(org, single, bulk):
    """What `single()` wrote (then rolled back) and what `bulk()` wrote, and both results."""
    with transaction.atomic():
        single_result = single()
        before = rows(org)
        transaction.set_rollback(True)
    bulk_result = bulk()
    return before, rows(org), single_result, bulk_result


def drafts():
    """A mix: Thai names, an address with a tab, a newline and a backslash (COPY escapes them), tax IDs with
    dashes and none, several lines, the three-instalment split, two kinds and two years."""
    out = []
    for i in range(1, 31):
        out.append(
            BillDraft(
                kind=BillKind.WASTE_FEE,
                year=2026 if i % 7 else 2025,
                payer=Payer(
                    name=f"  ครัวเรือน {i}  ",
                    tax_id="1-1017-00230-70-8" if i % 3 == 0 else "",
                    address="บ้านเลขที่ 9\tหมู่ 2\nตำบลชุมแพ \\ ขอนแก่น" if i == 5 else f"บ้านเลขที่ {i}",
                ),
                lines=[
                    LineDraft(
                        description=f"ค่าเก็บขยะ 01/2569 (H{i:03d})",
                        amount=D("20.00"),
                        source_ref=f"waste:household:{i}",
                    ),
                    *([LineDraft(description="ค่าถังขยะ", amount=D("155.50"))] if i % 4 == 0 else []),
                ],
                due_date=DUE,
                source_ref=f"waste:household:{i}",
            )
        )
    out.append(
        BillDraft(
            kind=BillKind.LAND_BUILDING_TAX,
            year=2026,
            payer=Payer(name="บริษัท ตัวอย่าง จำกัด", tax_id=NATIONAL_ID),
            lines=[LineDraft(description="ภาษีที่ดินและสิ่งปลูกสร้าง", amount=D("10000.00"))],
            due_date=dt.date(2026, 4, 30),
            instalments=True,
            source_ref="property:owner:7",
        )
    )
    out.append(
        BillDraft(
            kind=BillKind.SERVICE_FEE,
            year=2026,
            payer=Payer(name="ร้านอาหาร"),
            lines=[LineDraft(description="ค่าธรรมเนียม", amount=D("500.00"))],
            due_date=DUE,
            number="SF0001",
        )
    )
    return out


def test_the_set_path_writes_what_bills_issue_writes(org):
    actor = staff_actor(org)
    before, after, single, bulk = both(
        org,
        lambda: bills_issue(actor=actor, organization=org, drafts=drafts(), issued_on=ISSUED_ON),
        lambda: bills_issue_set(actor=actor, organization=org, drafts=drafts(), issued_on=ISSUED_ON),
    )
    assert len(after["bills"]) == 32 and len(after["instalments"]) == 34 and len(after["lines"]) == 39
    assert after == before
    assert [b.number for b in single] == [b.number for b in bulk]
    assert [b.amount for b in single] == [b.amount for b in bulk]
    assert [b.number for b in bulk][:2] == ["WF2569000001", "WF2569000002"]
    address = Bill.objects.get(organization=org, source_ref="waste:household:5").payer_address
    assert address == "บ้านเลขที่ 9\tหมู่ 2\nตำบลชุมแพ \\ ขอนแก่น"


def test_the_set_path_refuses_what_bills_issue_refuses_with_the_same_errors(org):
    actor = staff_actor(org)
    bad = [
        *drafts()[:2],
        BillDraft(
            kind=BillKind.WASTE_FEE,
            year=2026,
            payer=Payer(name=" ", tax_id="1234567890123"),
            lines=[LineDraft(description="x", amount=D("1.005"), source_ref="not a ref")],
            due_date=ISSUED_ON - dt.timedelta(days=1),
        ),
    ]
    errors = []
    for issue in (bills_issue, bills_issue_set):
        with pytest.raises(InvalidInput) as e:
            issue(actor=actor, organization=org, drafts=bad, issued_on=ISSUED_ON)
        errors.append((e.value.detail, e.value.field_errors))
    assert errors[0] == errors[1]
    assert {"2.payer.name", "2.payer.tax_id", "2.lines.0.amount", "2.due_date"} <= set(errors[1][1])
    assert not Bill.objects.filter(organization=org).exists()
    # A number already used: refused as a conflict, nothing written (the numbers reserved come back too).
    bills_issue_set(actor=actor, organization=org, drafts=drafts()[-1:], issued_on=ISSUED_ON)
    with pytest.raises(Conflict):
        bills_issue_set(actor=actor, organization=org, drafts=drafts(), issued_on=ISSUED_ON)
    assert Bill.objects.filter(organization=org).count() == 1
    assert AuditEntry.objects.filter(organization=org, object_type="billing.Bill").count() == 1


def want(key, amount):
    return WantedBill(
        source=HOUSEHOLD.ref(key),
        payer=Payer(name=f"บ้านเลขที่ {key}", tax_id=NATIONAL_ID if key % 2 else ""),
        lines=[LineDraft(description="ค่าเก็บขยะ", amount=D(amount), source_ref=str(HOUSEHOLD.ref(key)))],
        due_date=DUE,
    )


def test_the_set_sync_issues_reissues_cancels_and_reports_as_bills_sync_does(org):
    def sync(fn, wanted):
        return fn(
            actor=SYSTEM,
            organization=org,
            kind=BillKind.WASTE_FEE,
            year=2026,
            source_kind=HOUSEHOLD,
            wanted=wanted,
            issued_on=ISSUED_ON,
            reason="ปรับอัตรา",
        )

    bills_sync(
        actor=SYSTEM,
        organization=org,
        kind=BillKind.WASTE_FEE,
        year=2026,
        source_kind=HOUSEHOLD,
        wanted=[want(k, "20.00") for k in range(1, 11)],
        issued_on=ISSUED_ON,
        reason="ครั้งแรก",
    )
    paid = Bill.objects.get(organization=org, source_ref="waste:household:2")
    payment_record(actor=cashier_actor(org), bill=paid, amount=D("20.00"), channel="cash", paid_on=ISSUED_ON)
    # 1-3 unchanged, 4-6 a new amount (2 paid: a conflict), 7-8 gone (cancelled), 9-10 unchanged, 11-12 new.
    wanted = [want(k, "30.00" if 2 <= k <= 6 else "20.00") for k in (1, 2, 3, 4, 5, 6, 9, 10, 11, 12)]
    before, after, single, bulk = both(
        org, lambda: sync(bills_sync, wanted), lambda: sync(bills_sync_set, wanted)
    )
    assert after == before
    counts = [(r.issued, r.unchanged, r.reissued, r.cancelled) for r in (single, bulk)]
    assert counts[0] == counts[1] == (2, 3, 4, 2)
    assert single.conflicts == bulk.conflicts and [c.bill_id for c in bulk.conflicts] == [paid.pk]
    assert single.issued_total == bulk.issued_total == D("160.00")
    assert [b.pk for b in bulk.issued_bills] == bulk.bill_ids
    # Twice changes nothing.
    again = sync(bills_sync_set, wanted)
    assert (again.issued, again.unchanged, again.reissued, again.cancelled) == (0, 9, 0, 0)


def test_the_set_sync_checks_its_input_and_the_actor_as_bills_sync_does(org):
    common = {
        "organization": org,
        "kind": BillKind.WASTE_FEE,
        "year": 2026,
        "source_kind": HOUSEHOLD,
        "issued_on": ISSUED_ON,
        "reason": "x",
    }
    other = WantedBill(
        source=SourceKind("waste", "shop").ref(1),
        payer=Payer(name="x"),
        lines=want(1, "1").lines,
        due_date=DUE,
    )
    for wanted in ([want(1, "20.00"), want(1, "20.00")], [other]):
        messages = []
        for fn in (bills_sync, bills_sync_set):
            with pytest.raises(InvalidInput) as e:
                fn(actor=SYSTEM, wanted=wanted, **common)
            messages.append((e.value.detail, e.value.field_errors))
        assert messages[0] == messages[1]
    with pytest.raises(AccessDenied):
        bills_sync_set(actor=cashier_actor(org), wanted=[want(1, "20.00")], **common)
    assert not Bill.objects.filter(organization=org).exists()


def test_many_qr_payloads_at_once_are_the_one_bill_builders_payloads():
    rng = random.Random(14)
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    bills = [
        (
            "".join(rng.choice(letters) for _ in range(rng.randint(1, 20))),
            "".join(rng.choice(letters) for _ in range(rng.randint(0, 20))),
            D(rng.randint(1, 10**12)) / 100,
        )
        for _ in range(2000)
    ]
    bills += [
        ("WF2569000001", "2569", D("20")),
        ("A", "", 5),
        ("B1", "2569", D("1E+1")),
        ("C", "", D("0.10")),
    ]
    fast = thaiqr.build_bill_payments(biller_id=BILLER_ID, bills=bills)
    one_by_one = [
        thaiqr.build_bill_payment(biller_id=BILLER_ID, ref1=r1, ref2=r2, amount=a) for r1, r2, a in bills
    ]
    assert fast == one_by_one
    assert thaiqr.parse(fast[-4]).amount == D("20.00")
    for bad in (
        ("wf1", "", D("1.00")),
        ("A", "", D("0.00")),
        ("A" * 21, "", D("1.00")),
        ("A", "", D("1.001")),
    ):
        with pytest.raises(thaiqr.InvalidQRField):
            thaiqr.build_bill_payments(biller_id=BILLER_ID, bills=[bad])


def test_the_columns_written_are_every_column_of_a_bill():
    columns = {f.column for f in Bill._meta.concrete_fields if not f.generated}
    assert columns == set(BILL_COLUMNS)
