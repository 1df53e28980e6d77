"""Tax years as data: seeded from the national defaults, converted back into the pure rules, edited with
validation, copied with their prices; price tables set one by one or imported from CSV / Excel."""

import io
from decimal import Decimal

import pytest

from muang.core.errors import AccessDenied, InvalidInput
from muang.core.models import AuditEntry
from muang.core.tests.factories import OrganizationFactory
from muang.property.assessment.services import ruledata, valuation
from muang.property.models import BuildingPrice, ImportBatch, LandPrice
from muang.property.tests.factories import actor_for
from muang.taxlaw import seed
from muang.taxlaw.land_building import TaxClass, assess
from muang.taxlaw.signboard import SignType, signboard_tax

pytestmark = pytest.mark.django_db
EXEMPTIONS = ruledata.exemptions_to_json(seed.default_tax_year_rules(2025).exemptions)


@pytest.fixture
def org(areas):
    return OrganizationFactory()


@pytest.fixture
def admin(org):
    return actor_for(org)


@pytest.fixture
def year(org, admin):
    return valuation.tax_year_create(actor=admin, organization=org, year=2025)


def csv_bytes(text: str) -> bytes:
    return text.strip().encode("utf-8")


@pytest.mark.parametrize("y", [2020, 2021, 2023, 2025])
def test_a_seeded_year_converts_back_into_the_national_defaults(org, admin, y):
    tax_year = valuation.tax_year_create(actor=admin, organization=org, year=y)
    tax_year.refresh_from_db()
    assert tax_year.land_building_rules() == seed.default_tax_year_rules(y)
    assert tax_year.depreciation_schedules() == seed.default_depreciation_schedules()
    assert tax_year.land_building_penalty_rules() == seed.default_land_building_penalty_rules()
    assert tax_year.signboard_penalty_rules() == seed.default_signboard_penalty_rules()
    if y >= 2021:
        assert tax_year.signboard_rates() == seed.default_sign_rates(y)
    else:
        assert tax_year.signboard_rates() is None


def test_the_worked_examples_of_the_rules_hold_with_stored_data(year):
    rules = year.land_building_rules()
    assert assess(Decimal(80_000_000), TaxClass.RESIDENCE_MAIN_HOME, rules).tax == Decimal("10000.00")
    assert assess(Decimal(60_000_000), TaxClass.OTHER, rules).tax == Decimal("190000.00")
    sign = signboard_tax(
        area_cm2=20000, sign_type=SignType.THAI_MIXED, moving=False, rates=year.signboard_rates()
    )
    assert sign.tax == Decimal("1040.00")


def test_b_e_years_and_years_before_the_act_are_refused(org, admin):
    with pytest.raises(InvalidInput, match=r"B\.E\."):
        valuation.tax_year_create(actor=admin, organization=org, year=2568)
    with pytest.raises(InvalidInput):
        valuation.tax_year_create(actor=admin, organization=org, year=2019)


def test_a_year_exists_once(org, admin, year):
    with pytest.raises(InvalidInput, match="already exists"):
        valuation.tax_year_create(actor=admin, organization=org, year=2025)


def test_only_a_valuation_editor_sets_the_tables(org, year):
    for role in ("officer", "department_head", "executive"):
        with pytest.raises(AccessDenied):
            valuation.land_price_set(
                actor=actor_for(org, role), tax_year=year, key="01", price_per_square_wah=Decimal(1)
            )


def test_an_update_is_validated_by_the_rules(admin, year):
    schedules = ruledata.schedules_to_json(seed.default_rate_schedules())
    schedules["residence_other"][0]["rate_percent"] = "0.5"  # above the 0.3% ceiling of s.37
    with pytest.raises(InvalidInput) as e:
        valuation.tax_year_update(
            actor=admin, tax_year=year, data={"rate_schedules": schedules}, reason="ordinance"
        )
    assert "ceiling" in e.value.detail
    schedules["residence_other"][0]["rate_percent"] = "0.03"  # a local ordinance's higher rate
    updated = valuation.tax_year_update(
        actor=admin,
        tax_year=year,
        data={"rate_schedules": schedules, "reduction_percent": Decimal(15)},
        reason="ordinance 2568",
    )
    rules = updated.land_building_rules()
    assert rules.schedules.residence_other.brackets[0].rate_percent == Decimal("0.03")
    assert rules.reduction_percent == 15
    entry = AuditEntry.objects.get(object_type="property.TaxYear", action="update")
    assert entry.reason == "ordinance 2568" and "rate_schedules" in entry.changes


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"reduction_percent": Decimal(95)}, "rate_schedules"),  # above the s.55 limit of 90
        ({"exemptions": EXEMPTIONS | {"residence_main_home": "-1"}}, "exemptions.residence_main_home"),
        ({"depreciation": {"masonry": {}}}, "depreciation.masonry.bands"),
        ({"calendar": {"payment_due": "30/04/2025"}}, "calendar.payment_due"),
        ({"calendar": {"instalments": ["2025-05-31", "2025-04-30"]}}, "calendar.instalments"),
        ({"sign_rates": {"thai_only": {"moving": 1.5, "static": "5"}}}, "sign_rates.thai_only.moving"),
    ],
)
def test_bad_rule_data_is_refused_by_field(admin, year, data, field):
    with pytest.raises(InvalidInput) as e:
        valuation.tax_year_update(actor=admin, tax_year=year, data=data, reason="x")
    assert field in e.value.field_errors, e.value.field_errors


def test_a_calendar_update_keeps_the_other_dates(admin, year):
    updated = valuation.tax_year_update(
        actor=admin, tax_year=year, data={"calendar": {"payment_due": "2025-08-31"}}, reason="MOI extension"
    )
    assert updated.calendar["payment_due"] == "2025-08-31"
    assert updated.calendar["instalments"] == ["2025-04-30", "2025-05-31", "2025-06-30"]


def test_a_copied_year_carries_the_prices(org, admin, year):
    valuation.land_price_set(actor=admin, tax_year=year, key="01A", price_per_square_wah=Decimal("4500"))
    valuation.building_price_set(
        actor=admin, tax_year=year, type_code="100", price_per_square_metre=Decimal("7800")
    )
    new = valuation.tax_year_create(actor=admin, organization=org, year=2026, copy_from=year)
    assert list(new.land_prices.values_list("key", "price_per_square_wah")) == [("01A", Decimal("4500.00"))]
    assert new.building_prices.get().price_per_square_metre == 7800
    assert new.calendar["payment_due"] == "2026-04-30"


def test_a_price_is_set_then_replaced_and_both_are_in_the_history(admin, year):
    valuation.land_price_set(actor=admin, tax_year=year, key="01a001", price_per_square_wah=Decimal("100"))
    valuation.land_price_set(
        actor=admin, tax_year=year, key="01A001", price_per_square_wah=Decimal("120"), reason="appeal"
    )
    assert LandPrice.objects.get().price_per_square_wah == 120
    actions = list(
        AuditEntry.objects.filter(object_type="property.LandPrice").values_list("action", flat=True)
    )
    assert sorted(actions) == ["create", "update"]


@pytest.mark.parametrize("key", ["1", "01AB", "01A01", "A01"])
def test_land_price_keys_are_zone_block_or_parcel(admin, year, key):
    with pytest.raises(InvalidInput):
        valuation.land_price_set(actor=admin, tax_year=year, key=key, price_per_square_wah=Decimal(1))


# --- import ----------------------------------------------------------------------------------------------------

LAND_PRICES = """
key,price,note
01,1200,
01A,"4,500.50",ริมถนนมะลิวัลย์
01A001,9000,
02X,abc,
1A,100,
01A,4600,
03,-5,
"""


def test_a_dry_run_reports_every_rejected_row_and_writes_nothing(admin, year):
    report = valuation.valuation_table_import(
        actor=admin, tax_year=year, table="land_prices", data=csv_bytes(LAND_PRICES), filename="prices.csv"
    )
    assert (report.rows_total, report.accepted, report.rejected_rows) == (7, 3, 4)
    rejected = {(r.row, r.field) for r in report.rejected}
    assert rejected == {(4, "price"), (5, "key"), (6, "key"), (7, "price")}
    assert "Duplicate of row 2" in next(r.message for r in report.rejected if r.row == 6)
    assert not LandPrice.objects.exists() and not ImportBatch.objects.exists()


def test_an_import_with_a_rejected_row_imports_nothing(admin, year):
    with pytest.raises(InvalidInput) as e:
        valuation.valuation_table_import(
            actor=admin,
            tax_year=year,
            table="land_prices",
            data=csv_bytes(LAND_PRICES),
            filename="prices.csv",
            dry_run=False,
            reason="Treasury 2566-2569",
        )
    assert "rows.4.price" in e.value.field_errors
    assert not LandPrice.objects.exists()


def test_a_clean_import_upserts_and_audits_each_row(admin, year):
    valuation.land_price_set(actor=admin, tax_year=year, key="01", price_per_square_wah=Decimal("1000"))
    good = "key,price\n01,1200\n01A,4500.50\n"
    report = valuation.valuation_table_import(
        actor=admin,
        tax_year=year,
        table="land_prices",
        data=csv_bytes(good),
        filename="p.csv",
        dry_run=False,
        reason="Treasury",
    )
    assert report.imported == 2 and report.batch_id
    assert dict(LandPrice.objects.values_list("key", "price_per_square_wah")) == {
        "01": 1200,
        "01A": Decimal("4500.50"),
    }
    entries = AuditEntry.objects.filter(object_type="property.LandPrice").exclude(reason="price set")
    assert sorted(entries.values_list("action", flat=True)) == ["create", "update"]
    assert all(f"import {report.batch_id}" in e.reason for e in entries)


def test_replace_deletes_prices_missing_from_the_file(admin, year):
    valuation.land_price_set(actor=admin, tax_year=year, key="09", price_per_square_wah=Decimal("1"))
    valuation.valuation_table_import(
        actor=admin,
        tax_year=year,
        table="land_prices",
        data=csv_bytes("key,price\n01,1200\n"),
        filename="p.csv",
        dry_run=False,
        replace=True,
        reason="new appraisal round",
    )
    assert list(LandPrice.objects.values_list("key", flat=True)) == ["01"]
    assert AuditEntry.objects.filter(object_type="property.LandPrice", action="delete").count() == 1


def test_building_prices_from_excel_with_thai_headers(admin, year):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["รหัสประเภทสิ่งปลูกสร้าง", "รายละเอียด", "ราคาต่อตารางเมตร"])
    sheet.append([100, "บ้านเดี่ยว", 7800])
    sheet.append(["200", "ทาวน์เฮาส์", 6900.5])
    sheet.append(["40", "ผิด", 1])
    out = io.BytesIO()
    workbook.save(out)
    report = valuation.valuation_table_import(
        actor=admin, tax_year=year, table="building_prices", data=out.getvalue(), filename="treasury.xlsx"
    )
    assert (report.accepted, [(r.row, r.field) for r in report.rejected]) == (2, [(3, "type_code")])
    fixed = out.getvalue()  # the same workbook without the bad row
    workbook.active.delete_rows(4)
    out = io.BytesIO()
    workbook.save(out)
    assert out.getvalue() != fixed
    valuation.valuation_table_import(
        actor=admin,
        tax_year=year,
        table="building_prices",
        data=out.getvalue(),
        filename="treasury.xlsx",
        dry_run=False,
        reason="Treasury 2566-2569",
    )
    assert dict(BuildingPrice.objects.values_list("type_code", "price_per_square_metre")) == {
        "100": 7800,
        "200": Decimal("6900.50"),
    }


def test_rate_brackets_import_replaces_a_schedule_and_respects_the_ceiling(admin, year):
    brackets = "tax_class,upper,rate_percent\nresidence_other,50000000,0.05\nresidence_other,,0.2\n"
    valuation.valuation_table_import(
        actor=admin,
        tax_year=year,
        table="rate_brackets",
        data=csv_bytes(brackets),
        filename="b.csv",
        dry_run=False,
        reason="ordinance",
    )
    year.refresh_from_db()
    schedule = year.land_building_rules().schedules.residence_other
    assert [(b.upper, b.rate_percent) for b in schedule.brackets] == [
        (50_000_000, Decimal("0.05")),
        (None, Decimal("0.2")),
    ]
    too_high = "tax_class,upper,rate_percent\nagricultural,,0.5\n"
    report = valuation.valuation_table_import(
        actor=admin, tax_year=year, table="rate_brackets", data=csv_bytes(too_high), filename="b.csv"
    )
    assert report.rejected and "ceiling" in report.rejected[0].message


def test_depreciation_import_checks_the_bands(admin, year):
    bands = "construction,through_age,percent_per_year,cap_percent\nwood,10,4,90\nwood,,6,90\n"
    valuation.valuation_table_import(
        actor=admin,
        tax_year=year,
        table="depreciation",
        data=csv_bytes(bands),
        filename="d.csv",
        dry_run=False,
        reason="Treasury",
    )
    year.refresh_from_db()
    assert year.depreciation_schedules()["wood"].cap_percent == 90
    bad = "construction,through_age,percent_per_year,cap_percent\nwood,10,4,90\n"  # not open-ended
    report = valuation.valuation_table_import(
        actor=admin, tax_year=year, table="depreciation", data=csv_bytes(bad), filename="d.csv"
    )
    assert report.rejected and "open-ended" in report.rejected[0].message


def test_unknown_tables_and_files_are_refused(admin, year):
    with pytest.raises(InvalidInput):
        valuation.valuation_table_import(actor=admin, tax_year=year, table="x", data=b"", filename="a.csv")
    with pytest.raises(InvalidInput):
        valuation.valuation_table_import(
            actor=admin, tax_year=year, table="land_prices", data=b"x", filename="a.pdf"
        )
    with pytest.raises(InvalidInput):
        valuation.valuation_table_import(
            actor=admin, tax_year=year, table="land_prices", data=b"PK\x03", filename="a.xlsx"
        )


def test_the_most_specific_land_price_applies(org, admin, year):
    from muang.property.registry.selectors import parcels_with_land_price
    from muang.property.tests.factories import ParcelFactory

    for code in ("01A001", "01A002", "01B001", "02A001"):
        ParcelFactory(organization=org, code=code)
    for key, price in (("01", "1000"), ("01A", "2000"), ("01A001", "3000")):
        valuation.land_price_set(actor=admin, tax_year=year, key=key, price_per_square_wah=Decimal(price))
    prices = dict(parcels_with_land_price(organization=org, tax_year=year).values_list("code", "land_price"))
    assert prices == {"01A001": 3000, "01A002": 2000, "01B001": 1000, "02A001": None}
