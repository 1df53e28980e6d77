"""The assessment run end to end through the registry: THAI-RULES §1 worked examples and more.

Given a registry and a tax year, when the run executes (the ImmediateBackend runs the task inline after the
commit), then each taxpayer's Assessment holds the tax and the sheet that explains it.
"""

import datetime as dt
from decimal import Decimal

import pytest

from muang.core.errors import AccessDenied, Conflict
from muang.property.assessment.selectors import assessments_of, get_assessment_for
from muang.property.assessment.services.assessment import assessment_run_start
from muang.property.models import (
    Assessment,
    AssessmentRun,
    BuildingPrice,
    HouseRegistration,
    LandPrice,
    Ownership,
)
from muang.property.tests.factories import (
    BuildingFactory,
    OwnerFactory,
    ParcelFactory,
    actor_for,
)

YEAR = 2025
JAN1 = dt.date(YEAR, 1, 1)
pytestmark = pytest.mark.django_db


def price_parcel(tax_year, parcel, per_wah) -> None:
    LandPrice.objects.create(
        organization=tax_year.organization, tax_year=tax_year, key=parcel.code, price_per_square_wah=per_wah
    )


def own(owner, *, parcel=None, building=None, num=1, den=1, since=dt.date(2020, 1, 1)):
    return Ownership.objects.create(
        organization=owner.organization,
        owner=owner,
        parcel=parcel,
        building=building,
        share_numerator=num,
        share_denominator=den,
        valid_from=since,
    )


def parcel_of(org, use="residential", **kw):
    shares = {f"share_{use}": Decimal(100)} if use != "mixed" else {}
    defaults = {"share_residential": Decimal(0), **shares}
    return ParcelFactory(organization=org, use=use, **{**defaults, **kw})


def run(org, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        started = assessment_run_start(actor=admin, organization=org, year=YEAR)
    started.refresh_from_db()
    return started


def tax_of(admin, org, owner) -> Decimal:
    return get_assessment_for(actor=admin, organization=org, year=YEAR, owner_id=owner.pk).total_tax


def test_main_home_80m_is_10000(org, admin, tax_year, django_capture_on_commit_callbacks):
    """THAI-RULES: a main home (land + building) worth 80M → base 30M → 25M×0.03% + 5M×0.05% = 10,000."""
    owner = OwnerFactory(organization=org)
    parcel = parcel_of(org)  # 400 square wah
    price_parcel(tax_year, parcel, Decimal("197525"))  # land 79,010,000
    BuildingPrice.objects.create(
        organization=org, tax_year=tax_year, type_code="100", price_per_square_metre=Decimal("10000")
    )
    # 100 m² × 10,000 = 1,000,000, one year old masonry: 1% → 990,000. Land + building = 80,000,000.
    building = BuildingFactory(parcel=parcel, floor_area_m2=Decimal(100), year_built=YEAR - 1)
    own(owner, parcel=parcel)
    HouseRegistration.objects.create(
        organization=org, owner=owner, building=building, registered_on=dt.date(2015, 5, 1)
    )

    done = run(org, admin, django_capture_on_commit_callbacks)

    assert done.status == AssessmentRun.Status.DONE
    assessment = get_assessment_for(actor=admin, organization=org, year=YEAR, owner_id=owner.pk)
    assert assessment.total_value == Decimal("80000000.00")
    assert assessment.total_tax == Decimal("10000.00")
    (prop,) = assessment.sheet["properties"]
    (cls,) = prop["classes"]
    assert cls["class"] == "residence_main_home"
    assert Decimal(cls["exemption"]) == Decimal(50_000_000)
    assert [(Decimal(line[3]), Decimal(line[4])) for line in cls["lines"]] == [
        (Decimal("0.03"), Decimal("7500.00")),
        (Decimal("0.05"), Decimal("2500.00")),
    ]
    building_item = next(i for i in prop["items"] if i["kind"] == "building")
    assert Decimal(building_item["depreciation_percent"]) == 1
    assert Decimal(building_item["depreciation"]) == Decimal("10000.00")


def test_moved_out_before_1_january_loses_the_main_home_exemption(
    org, admin, tax_year, django_capture_on_commit_callbacks
):
    owner = OwnerFactory(organization=org)
    parcel = parcel_of(org)
    price_parcel(tax_year, parcel, Decimal("200000"))  # 80M land, no building price → building 0
    building = BuildingFactory(parcel=parcel, year_built=2000)
    own(owner, parcel=parcel)
    HouseRegistration.objects.create(
        organization=org,
        owner=owner,
        building=building,
        registered_on=dt.date(2015, 5, 1),
        moved_out_on=dt.date(2024, 12, 31),
    )

    run(org, admin, django_capture_on_commit_callbacks)

    sheet = get_assessment_for(actor=admin, organization=org, year=YEAR, owner_id=owner.pk).sheet
    (prop,) = sheet["properties"]
    assert [c["class"] for c in prop["classes"]] == ["residence_other"]
    # 50M × 0.02% + 25M × 0.03% + 5M × 0.05% = 10,000 + 7,500 + 2,500
    assert Decimal(sheet["total_tax"]) == Decimal("20000.00")
    assert any(i.get("missing_price") for i in prop["items"])


def test_commercial_land_60m_is_190000(org, admin, tax_year, django_capture_on_commit_callbacks):
    owner = OwnerFactory(organization=org)
    parcel = parcel_of(org, use="other")
    price_parcel(tax_year, parcel, Decimal("150000"))  # 400 × 150,000 = 60M
    own(owner, parcel=parcel)

    run(org, admin, django_capture_on_commit_callbacks)

    assert tax_of(admin, org, owner) == Decimal("190000.00")


def test_farmer_exemption_is_aggregated_over_parcels(
    org, admin, tax_year, django_capture_on_commit_callbacks
):
    """s.40: 2 × 40M agricultural → one 50M exemption → 30M × 0.01% = 3,000 (each alone would be 0)."""
    farmer = OwnerFactory(organization=org, is_farmer=True)
    not_farmer = OwnerFactory(organization=org)
    for owner in (farmer, not_farmer):
        for _ in range(2):
            parcel = parcel_of(org, use="agricultural")
            price_parcel(tax_year, parcel, Decimal("100000"))  # 40M
            own(owner, parcel=parcel)

    run(org, admin, django_capture_on_commit_callbacks)

    sheet = get_assessment_for(actor=admin, organization=org, year=YEAR, owner_id=farmer.pk).sheet
    assert Decimal(sheet["total_tax"]) == Decimal("3000.00")
    assert Decimal(sheet["farmer"]["assessment"]["exemption"]) == Decimal(50_000_000)
    assert [Decimal(h["tax"]) for h in sheet["farmer"]["holdings"]] == [Decimal("1500.00")] * 2
    # A non-farmer's agricultural land: no exemption, each parcel 40M × 0.01% = 4,000.
    assert tax_of(admin, org, not_farmer) == Decimal("8000.00")


def test_co_owned_parcel_is_split_by_shares(org, admin, tax_year, django_capture_on_commit_callbacks):
    a, b = OwnerFactory(organization=org), OwnerFactory(organization=org)
    parcel = parcel_of(org, use="other")
    price_parcel(tax_year, parcel, Decimal("150000"))  # 60M
    own(a, parcel=parcel, num=2, den=3)
    own(b, parcel=parcel, num=1, den=3)

    run(org, admin, django_capture_on_commit_callbacks)

    assert tax_of(admin, org, a) == Decimal("120000.00")  # 40M × 0.3% (alone, 60M would be 190,000)
    assert tax_of(admin, org, b) == Decimal("60000.00")  # 20M × 0.3%


def test_mixed_use_is_taxed_by_share(org, admin, tax_year, django_capture_on_commit_callbacks):
    owner = OwnerFactory(organization=org)
    parcel = parcel_of(org, use="mixed", share_other=Decimal(50), share_residential=Decimal(50))
    price_parcel(tax_year, parcel, Decimal("150000"))  # 60M: 30M other, 30M other residential
    own(owner, parcel=parcel)

    run(org, admin, django_capture_on_commit_callbacks)

    sheet = get_assessment_for(actor=admin, organization=org, year=YEAR, owner_id=owner.pk).sheet
    classes = {c["class"]: Decimal(c["tax"]) for c in sheet["properties"][0]["classes"]}
    assert classes == {"other": Decimal("90000.00"), "residence_other": Decimal("6000.00")}
    assert Decimal(sheet["total_tax"]) == Decimal("96000.00")


@pytest.mark.parametrize(
    ("vacant_since", "tax"),
    [
        (YEAR, "30000.00"),  # 1st year: 10M × 0.3%
        (YEAR - 2, "30000.00"),  # 3rd year
        (YEAR - 3, "60000.00"),  # 4th year: +0.3 → 0.6%
        (YEAR - 5, "60000.00"),  # 2020, the Act's first year: 6th year, still one step
        # Years before 2020 do not count (s.43 applies from the Act's first tax year): vacant since 2019 or
        # 2010 is, in 2025, the 6th year of vacancy, not the 7th or 16th (which would be +0.6 or +1.5).
        (YEAR - 6, "60000.00"),
        (2010, "60000.00"),
    ],
)
def test_vacant_land_escalates(org, admin, tax_year, django_capture_on_commit_callbacks, vacant_since, tax):
    owner = OwnerFactory(organization=org)
    parcel = parcel_of(org, use="vacant", vacant_since=vacant_since)
    price_parcel(tax_year, parcel, Decimal("25000"))  # 10M
    own(owner, parcel=parcel)

    run(org, admin, django_capture_on_commit_callbacks)

    assert tax_of(admin, org, owner) == Decimal(tax)


def test_building_only_residence_gets_10m_exemption(org, admin, tax_year, django_capture_on_commit_callbacks):
    landlord, tenant = OwnerFactory(organization=org), OwnerFactory(organization=org)
    parcel = parcel_of(org, use="other")
    price_parcel(tax_year, parcel, Decimal("0"))
    BuildingPrice.objects.create(
        organization=org, tax_year=tax_year, type_code="100", price_per_square_metre=Decimal("10000")
    )
    # 1,500 m² × 10,000 = 15M, built 2024 → 1% → 14,850,000; − 10M = 4,850,000 × 0.02% = 970
    building = BuildingFactory(parcel=parcel, floor_area_m2=Decimal(1500), year_built=YEAR - 1)
    own(landlord, parcel=parcel)
    own(tenant, building=building)
    HouseRegistration.objects.create(organization=org, owner=tenant, building=building, registered_on=JAN1)

    run(org, admin, django_capture_on_commit_callbacks)

    sheet = get_assessment_for(actor=admin, organization=org, year=YEAR, owner_id=tenant.pk).sheet
    assert sheet["properties"][0]["classes"][0]["class"] == "residence_building_only"
    assert Decimal(sheet["total_tax"]) == Decimal("970.00")
    assert tax_of(admin, org, landlord) == Decimal("0.00")  # the land only, priced 0; the building is not his


def test_second_run_while_one_is_queued_is_refused(org, admin, tax_year):
    assessment_run_start(actor=admin, organization=org, year=YEAR)  # not executed: on_commit not run
    with pytest.raises(Conflict):
        assessment_run_start(actor=admin, organization=org, year=YEAR)
    assert AssessmentRun.objects.filter(organization=org).count() == 1


def test_officer_may_not_start_a_run(org, tax_year):
    with pytest.raises(AccessDenied):
        assessment_run_start(actor=actor_for(org, "officer"), organization=org, year=YEAR)


def test_rerun_replaces_results_and_progress_reaches_total(
    org, admin, tax_year, django_capture_on_commit_callbacks
):
    owners = [OwnerFactory(organization=org) for _ in range(3)]
    parcels = []
    for owner in owners:
        parcel = parcel_of(org, use="other")
        price_parcel(tax_year, parcel, Decimal("150000"))
        own(owner, parcel=parcel)
        parcels.append(parcel)

    first = run(org, admin, django_capture_on_commit_callbacks)
    assert (first.progress_done, first.progress_total, first.assessments_count) == (3, 3, 3)
    assert first.total_tax == Decimal("570000.00")

    LandPrice.objects.filter(key=parcels[0].code).update(price_per_square_wah=Decimal("125000"))  # 50M
    second = run(org, admin, django_capture_on_commit_callbacks)

    assert second.status == AssessmentRun.Status.DONE
    assert second.progress_done == second.progress_total == 3
    assert set(Assessment.objects.filter(organization=org).values_list("run_id", flat=True)) == {second.pk}
    assert tax_of(admin, org, owners[0]) == Decimal("150000.00")
    listed = assessments_of(actor=admin, organization=org, year=YEAR)
    assert sorted(a.owner_id for a in listed) == sorted(o.pk for o in owners)


def test_the_run_reads_the_registry_in_a_fixed_number_of_queries(
    org, admin, tax_year, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    for _ in range(20):
        owner = OwnerFactory(organization=org)
        parcel = parcel_of(org)
        BuildingFactory(parcel=parcel)
        own(owner, parcel=parcel)
    # 21: the run's own results table is created and, complete, attached (two statements where a DELETE of
    # the previous rows was one); the number does not grow with the registry.
    with django_assert_max_num_queries(21):
        run(org, admin, django_capture_on_commit_callbacks)
    assert Assessment.objects.filter(organization=org).count() == 20


def test_a_failed_run_leaves_no_rows_and_frees_the_year(
    org, admin, tax_year, django_capture_on_commit_callbacks, monkeypatch
):
    from muang.property.assessment.services import assessment as service

    owner = OwnerFactory(organization=org)
    parcel = parcel_of(org, use="other")
    price_parcel(tax_year, parcel, Decimal("150000"))
    own(owner, parcel=parcel)

    def broken(self, rows):
        raise RuntimeError("rules exploded")

    monkeypatch.setattr(service.Calculator, "owner", broken)
    failed = run(org, admin, django_capture_on_commit_callbacks)  # the backend records the task's failure

    assert failed.status == AssessmentRun.Status.FAILED
    assert "rules exploded" in failed.error
    assert not Assessment.objects.filter(run=failed).exists()
    monkeypatch.undo()
    assert run(org, admin, django_capture_on_commit_callbacks).status == AssessmentRun.Status.DONE
    assert tax_of(admin, org, owner) == Decimal("190000.00")
