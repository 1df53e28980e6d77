"""Bills from the assessment run and from the signboards: the source_ref convention, re-issuing after a
re-run, conflicts with paid bills, permissions and tenant isolation; the typed sheet's ids behind the lines."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from muang.billing.models import Bill, BillKind, BillStatus
from muang.billing.services.payments import payment_record
from muang.billing.tests.factories import billing_organization, revenue_member, staff_actor
from muang.core.access import Actor
from muang.core.errors import AccessDenied, Conflict
from muang.core.models import AuditEntry, Role
from muang.property.assessment.services.assessment import assessment_run_start
from muang.property.assessment.services.assessment_exports import assessments_xlsx
from muang.property.assessment.services.billing_run import assessment_bills_issue, signboard_bills_issue
from muang.property.assessment.sheet import AssessmentSheet, SheetProperty
from muang.property.models import (
    Assessment,
    AssessmentRun,
    BuildingPrice,
    LandPrice,
    Ownership,
    Parcel,
    TaxYear,
)
from muang.property.tests.factories import (
    BuildingFactory,
    OwnerFactory,
    ParcelFactory,
    SignboardFactory,
    tax_year_fields,
)
from muang.selfservice.explain import explain_sheet

YEAR = 2026
ISSUED = dt.date(2026, 2, 10)
pytestmark = pytest.mark.django_db


@pytest.fixture
def org(areas):
    return billing_organization()


@pytest.fixture
def admin(org):
    return staff_actor(org)


@pytest.fixture
def tax_year(org):
    return TaxYear.objects.create(organization=org, year=YEAR, **tax_year_fields(YEAR))


def commercial(org, tax_year, owner, per_wah="150000"):
    """Commercial land of 400 sq wah owned by `owner` (60M at 150,000/wah → 190,000 baht)."""
    parcel = ParcelFactory(organization=org, use="other", share_residential=0, share_other=100)
    LandPrice.objects.create(
        organization=org, tax_year=tax_year, key=parcel.code, price_per_square_wah=Decimal(per_wah)
    )
    Ownership.objects.create(organization=org, owner=owner, parcel=parcel, valid_from=dt.date(2020, 1, 1))
    return parcel


def run_assessment(org, admin, django_capture_on_commit_callbacks) -> AssessmentRun:
    with django_capture_on_commit_callbacks(execute=True):
        run = assessment_run_start(actor=admin, organization=org, year=YEAR)
    run.refresh_from_db()
    assert run.status == AssessmentRun.Status.DONE
    return run


@pytest.fixture
def world(org, admin, tax_year, django_capture_on_commit_callbacks):
    rich = OwnerFactory(organization=org, address="1 ถนนมิตรภาพ")
    parcel = commercial(org, tax_year, rich)
    BuildingFactory(parcel=parcel, number=1, use="other", share_residential=0, share_other=100)
    BuildingPrice.objects.create(
        organization=org, tax_year=tax_year, type_code="100", price_per_square_metre=Decimal(0)
    )
    small = OwnerFactory(organization=org)
    small_parcel = commercial(org, tax_year, small, per_wah="1000")  # 400,000 → 1,200 baht
    apart = OwnerFactory(organization=org)  # owns a building on someone else's land
    building = BuildingFactory(
        parcel=small_parcel, number=2, use="other", share_residential=0, share_other=100
    )
    BuildingPrice.objects.filter(tax_year=tax_year).update(price_per_square_metre=Decimal(10000))
    Ownership.objects.create(organization=org, owner=apart, building=building, valid_from=dt.date(2020, 1, 1))
    nothing = OwnerFactory(organization=org)  # an exempt main home: 0 baht
    home = ParcelFactory(organization=org)
    Ownership.objects.create(organization=org, owner=nothing, parcel=home, valid_from=dt.date(2020, 1, 1))
    run = run_assessment(org, admin, django_capture_on_commit_callbacks)
    return {
        "run": run,
        "rich": rich,
        "small": small,
        "apart": apart,
        "parcel": parcel,
        "small_parcel": small_parcel,
        "building": building,
    }


def bills_of(org, kind=BillKind.LAND_BUILDING_TAX):
    return Bill.objects.filter(organization=org, kind=kind, cancelled_at__isnull=True)


def test_one_bill_per_taxpayer_with_the_convention(org, admin, world):
    summary = assessment_bills_issue(actor=admin, run=world["run"], issued_on=ISSUED)
    assert (summary.issued, summary.unchanged, summary.reissued, summary.skipped_zero) == (3, 0, 0, 1)
    assert summary.conflicts == []
    rich = bills_of(org).get(source_ref=f"property:owner:{world['rich'].pk}")
    assert rich.year == YEAR and rich.payer_name == world["rich"].display_name
    assert rich.payer_tax_id == world["rich"].national_id and rich.payer_address == "1 ถนนมิตรภาพ"
    assert rich.amount > Decimal("190000")  # the land's 190,000 plus its commercial building
    line = rich.lines.get()
    assert line.source_ref == f"property:parcel:{world['parcel'].pk}"
    assert world["parcel"].code in line.description and line.amount == rich.amount
    assert line.description.endswith(" 1")  # the building held with the land is named on the parcel's line
    # the tax year's calendar: due at the end of April, three instalments April/May/June
    assert rich.due_date == dt.date(2026, 4, 30) and rich.has_instalments
    assert [i.due_date for i in rich.instalments.all()] == [
        dt.date(2026, 4, 30),
        dt.date(2026, 5, 31),
        dt.date(2026, 6, 30),
    ]
    small = bills_of(org).get(source_ref=f"property:owner:{world['small'].pk}")
    assert small.amount == Decimal("1200.00") and not small.has_instalments
    apart = bills_of(org).get(source_ref=f"property:owner:{world['apart'].pk}")
    assert apart.lines.get().source_ref == f"property:building:{world['building'].pk}"
    assert summary.issued_total == sum(b.amount for b in bills_of(org))
    assert AuditEntry.objects.filter(object_type="property.AssessmentRun", reason="bills issued").exists()


def test_issuing_twice_leaves_the_bills_alone(org, admin, world):
    assessment_bills_issue(actor=admin, run=world["run"], issued_on=ISSUED)
    numbers = set(bills_of(org).values_list("number", flat=True))
    again = assessment_bills_issue(actor=admin, run=world["run"], issued_on=ISSUED)
    assert (again.issued, again.unchanged, again.reissued, again.cancelled) == (0, 3, 0, 0)
    assert set(bills_of(org).values_list("number", flat=True)) == numbers


def test_a_rerun_reissues_changed_unpaid_bills_and_reports_paid_ones(
    org, admin, world, tax_year, django_capture_on_commit_callbacks
):
    assessment_bills_issue(actor=admin, run=world["run"], issued_on=ISSUED)
    small_bill = bills_of(org).get(source_ref=f"property:owner:{world['small'].pk}")
    rich_bill = bills_of(org).get(source_ref=f"property:owner:{world['rich'].pk}")
    payment_record(
        actor=admin, bill=rich_bill, amount=Decimal("1000.00"), channel="cash", paid_on=dt.date(2026, 3, 1)
    )
    LandPrice.objects.filter(tax_year=tax_year).update(price_per_square_wah=Decimal(2000))  # every price
    rerun = run_assessment(org, admin, django_capture_on_commit_callbacks)
    summary = assessment_bills_issue(actor=admin, run=rerun, issued_on=dt.date(2026, 3, 2))
    # small: 800,000 → 2,400 baht, unpaid → cancelled and re-issued; apart: building unchanged
    assert (summary.issued, summary.unchanged, summary.reissued) == (0, 1, 1)
    small_bill.refresh_from_db()
    assert small_bill.status == BillStatus.CANCELLED and str(rerun.pk) in small_bill.cancel_reason
    new = bills_of(org).get(source_ref=f"property:owner:{world['small'].pk}")
    assert new.amount == Decimal("2400.00") and new.pk != small_bill.pk
    # rich had paid something: not touched, reported
    [conflict] = summary.conflicts
    assert conflict.bill_id == rich_bill.pk and conflict.paid == Decimal("1000.00")
    assert conflict.assessed < conflict.billed
    rich_bill.refresh_from_db()
    assert rich_bill.cancelled_at is None and rich_bill.amount == conflict.billed


def test_an_owner_who_owes_nothing_any_more_has_the_open_bill_cancelled(
    org, admin, world, django_capture_on_commit_callbacks
):
    assessment_bills_issue(actor=admin, run=world["run"], issued_on=ISSUED)
    Ownership.objects.filter(owner=world["apart"]).update(valid_from=dt.date(2026, 1, 2))  # sold before
    rerun = run_assessment(org, admin, django_capture_on_commit_callbacks)
    summary = assessment_bills_issue(actor=admin, run=rerun, issued_on=ISSUED)
    assert summary.cancelled == 1
    assert not bills_of(org).filter(source_ref=f"property:owner:{world['apart'].pk}").exists()


def test_refused_unless_the_run_is_the_finished_one_in_force(
    org, admin, world, tax_year, django_capture_on_commit_callbacks
):
    queued = AssessmentRun.objects.create(
        organization=org, tax_year=tax_year, year=YEAR, started_by_label="x"
    )
    with pytest.raises(Conflict, match="finished run"):
        assessment_bills_issue(actor=admin, run=queued, issued_on=ISSUED)
    queued.delete()
    run_assessment(org, admin, django_capture_on_commit_callbacks)
    with pytest.raises(Conflict, match="newer assessment run"):
        assessment_bills_issue(actor=admin, run=world["run"], issued_on=ISSUED)
    assert not Bill.objects.filter(organization=org).exists()


def test_permission_is_billings_issue(org, world):
    officer = Actor(user=revenue_member(org, Role.OFFICER))  # records payments, does not issue
    with pytest.raises(AccessDenied):
        assessment_bills_issue(actor=officer, run=world["run"], issued_on=ISSUED)
    head = Actor(user=revenue_member(org, Role.DEPARTMENT_HEAD))
    assert assessment_bills_issue(actor=head, run=world["run"], issued_on=ISSUED).issued == 3


def test_another_organisations_admin_cannot_issue(org, world):
    other = billing_organization()
    with pytest.raises(AccessDenied):
        assessment_bills_issue(actor=staff_actor(other), run=world["run"], issued_on=ISSUED)
    assert not Bill.objects.exists()


def test_signboard_bills_one_per_owner_one_line_per_sign(org, admin, tax_year):
    shop = OwnerFactory(organization=org)
    a = SignboardFactory(owner=shop, installed_on=dt.date(2020, 5, 1))  # 40 units × 26 = 1,040
    b = SignboardFactory(
        owner=shop, width_cm=Decimal(50), height_cm=Decimal(50), installed_on=dt.date(2019, 1, 1)
    )
    late = SignboardFactory(owner=shop, installed_on=dt.date(2026, 8, 1))  # after the notice: next notice
    gone = SignboardFactory(owner=shop, installed_on=dt.date(2019, 1, 1), removed_on=dt.date(2025, 6, 1))
    new = OwnerFactory(organization=org)
    fresh = SignboardFactory(owner=new, installed_on=dt.date(2026, 2, 1))  # first quarter: whole year
    summary = signboard_bills_issue(actor=admin, organization=org, year=YEAR, issued_on=dt.date(2026, 4, 1))
    assert summary.issued == 2
    bill = bills_of(org, BillKind.SIGNBOARD_TAX).get(source_ref=f"property:signboard-owner:{shop.pk}")
    lines = {line.source_ref: line.amount for line in bill.lines.all()}
    assert lines == {
        f"property:signboard:{a.pk}": Decimal("1040.00"),
        f"property:signboard:{b.pk}": Decimal("200.00"),
    }
    assert f"property:signboard:{late.pk}" not in lines and f"property:signboard:{gone.pk}" not in lines
    assert bill.due_date == dt.date(2026, 4, 16) and bill.amount == Decimal("1240.00")
    other = bills_of(org, BillKind.SIGNBOARD_TAX).get(source_ref=f"property:signboard-owner:{new.pk}")
    assert other.lines.get().source_ref == f"property:signboard:{fresh.pk}"
    again = signboard_bills_issue(actor=admin, organization=org, year=YEAR, issued_on=dt.date(2026, 9, 1))
    # the late sign (installed August, third quarter: half a year) changes the shop's unpaid bill
    assert (again.reissued, again.unchanged) == (1, 1)
    reissued = bills_of(org, BillKind.SIGNBOARD_TAX).get(source_ref=f"property:signboard-owner:{shop.pk}")
    assert reissued.amount == Decimal("1240.00") + Decimal("520.00")


# --- the typed sheet: ids, not labels ------------------------------------------------------------------------
# The calculation sheet carries the ids of what it taxes: bills, the export and the taxpayer's explanation find
# the parcel, building or unit by id, never by rebuilding its label.


def sheet_of(owner) -> AssessmentSheet:
    return AssessmentSheet.from_json(Assessment.objects.get(owner=owner).sheet)


def test_the_run_writes_the_ids_of_the_parcel_its_buildings_and_a_building_held_apart(world):
    (land,) = sheet_of(world["rich"]).properties
    building_on_it = world["parcel"].buildings.get()
    assert (land.kind, land.parcel_id, land.building_ids, land.condo_unit_id) == (
        "parcel", world["parcel"].pk, (building_on_it.pk,), None
    )  # fmt: skip
    (apart,) = sheet_of(world["apart"]).properties
    assert (apart.kind, apart.parcel_id, apart.building_ids) == ("building", None, (world["building"].pk,))


def test_bills_name_the_properties_by_id_even_after_a_parcel_code_changed(org, admin, world):
    # The registry moves on between the run and the bills: the code the sheet printed is no longer the
    # parcel's. Labels rebuilt from today's registry would lose the parcel; the ids do not.
    Parcel.objects.filter(pk=world["parcel"].pk).update(code="99Z999")
    assessment_bills_issue(actor=admin, run=world["run"], issued_on=ISSUED)
    rich = Bill.objects.get(
        organization=org, kind=BillKind.LAND_BUILDING_TAX, source_ref=f"property:owner:{world['rich'].pk}"
    )
    assert rich.lines.get().source_ref == f"property:parcel:{world['parcel'].pk}"


def test_old_sheets_without_ids_match_parcels_by_code_and_bill_one_line():
    old = SheetProperty.from_json({"kind": "parcel", "label": "01A001", "share": "1/1", "tax": "10.00"})
    assert not old.has_ids and old.is_parcel(5, "01A001") and not old.is_parcel(5, "01A002")
    new = SheetProperty.from_json({"kind": "parcel", "id": 5, "label": "01A001", "tax": "10.00"})
    assert new.is_parcel(5, "changed") and not new.is_parcel(6, "01A001")


def test_the_export_and_the_explanation_carry_the_ids(org, admin, world):
    content = assessments_xlsx(actor=admin, organization=org, year=world["run"].year)
    rows = list(openpyxl.load_workbook(io.BytesIO(content))["properties"].values)
    assert rows[0][-3:] == ("parcel_id", "building_ids", "condo_unit_id")
    by_owner = {r[0]: r for r in rows[1:]}
    assert by_owner[world["rich"].pk][-3:-1] == (world["parcel"].pk, str(world["parcel"].buildings.get().pk))
    explained = explain_sheet(Assessment.objects.get(owner=world["apart"]).sheet)
    (part,) = explained.properties
    assert (part.parcel_id, part.building_ids) == (None, (world["building"].pk,))
    assert explained.total_tax == sheet_of(world["apart"]).total_tax > 0
    assert explained.year == world["run"].year
