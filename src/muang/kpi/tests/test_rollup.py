"""The roll-up written by the monthly snapshot (issue 15, speed): each indicator's ranks among the local
governments of the district, the province and the country, adoption, and the averages per district, province and
country; a correction of a month rewrites what it moved; the roll-up selectors read those rows only."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest

from muang.core.access import SYSTEM
from muang.core.tests.factories import OrganizationFactory
from muang.kpi import selectors, services
from muang.kpi.models import (
    Indicator,
    RollupAdoption,
    RollupAggregate,
    RollupPeriod,
    RollupValue,
    Snapshot,
    Source,
)
from muang.kpi.tests.conftest import FEB_5, JAN

pytestmark = pytest.mark.django_db


def _waste(org, value: str, month: dt.date = JAN) -> None:
    services.csv_import(
        actor=SYSTEM,
        organization=org,
        text=f"indicator,month,value\nenvironment.waste_recycled,{month:%Y-%m},{value}\n",
        now=FEB_5,
    )


@pytest.fixture
def towns(areas):
    """Three towns of Chumphae (district 4005, Khon Kaen), one of another Khon Kaen district, one in Bangkok."""
    a, b, c = (OrganizationFactory(name_th=f"เทศบาลตำบล{n}") for n in "กขค")
    other_district = OrganizationFactory(district_id="4001", subdistrict_id=None, name_th="เทศบาลอื่น")
    bangkok = OrganizationFactory(
        province_id="10", district_id="1001", subdistrict_id=None, name_th="เขตพระนคร"
    )
    for org, value in ((a, "30"), (b, "10"), (c, "20"), (other_district, "99"), (bangkok, "50")):
        _waste(org, value)
    return a, b, c, other_district, bangkok


def _ranks(org) -> tuple:
    row = RollupValue.objects.get(month=JAN, organization=org, indicator__code="environment.waste_recycled")
    return row.rank_district, row.rank_province, row.rank_national


def test_ranks_are_written_for_the_district_the_province_and_the_country(towns):
    a, b, _c, other_district, bangkok = towns
    assert RollupPeriod.objects.filter(month=JAN).exists()
    assert _ranks(a) == (1, 2, 3)  # first of Chumphae, behind 99 in Khon Kaen, behind 99 and 50 nationally
    assert _ranks(b) == (3, 4, 5)
    assert _ranks(other_district) == (1, 1, 1)
    assert _ranks(bangkok) == (1, 1, 2)
    waste = Indicator.objects.get(code="environment.waste_recycled")
    averages = {
        (level, code): (organizations, measured, average)
        for level, code, organizations, measured, average in RollupAggregate.objects.filter(
            month=JAN, indicator=waste
        ).values_list("level", "code", "organizations", "measured", "average")
    }
    assert averages[("district", "4005")] == (3, 3, Decimal("20"))
    assert averages[("province", "40")] == (4, 4, Decimal("39.75"))
    assert averages[("national", "")] == (5, 5, Decimal("41.8"))


def test_a_correction_rewrites_the_ranks_of_everyone_in_the_month(towns):
    a, b, *_ = towns
    _waste(b, "95")  # b's January corrected by a new import
    assert _ranks(b) == (1, 2, 2) and _ranks(a) == (2, 3, 4)
    waste = Indicator.objects.get(code="environment.waste_recycled")
    district = RollupAggregate.objects.get(month=JAN, indicator=waste, level="district", code="4005")
    assert district.average == Decimal("48.3333")


def test_adoption_counts_the_modules_used_and_follows_a_recompute(towns):
    a, b, *_ = towns
    sla = Indicator.objects.get(code="cases.resolved_within_sla")
    Snapshot.objects.create(
        organization=a, indicator=sla, month=JAN, value=Decimal(80), origin=Source.COMPUTED
    )
    services.rollup_refresh(month=JAN)
    modules = len(selectors.installed_modules())
    adoption = RollupAdoption.objects.get(month=JAN, organization=a)
    assert adoption.months_used == {"cases": 1}
    assert adoption.adoption == (Decimal(100) / modules).quantize(Decimal(1), ROUND_HALF_UP)  # SQL's round()
    assert RollupAdoption.objects.get(month=JAN, organization=b).adoption == 0
    # February written too; a recompute of January moves January's adoption and February's window.
    feb = dt.date(2026, 2, 1)
    Snapshot.objects.create(
        organization=a, indicator=sla, month=feb, value=Decimal(70), origin=Source.COMPUTED
    )
    services.rollup_refresh(month=feb)
    assert RollupAdoption.objects.get(month=feb, organization=a).months_used == {"cases": 2}
    # The recompute measures January again from the case tables (no case: nothing measured).
    services.snapshot_recompute(
        actor=SYSTEM,
        organization=a,
        month=JAN,
        reason="การแก้ไขข้อมูลเรื่องร้องเรียน",
        now=FEB_5 + dt.timedelta(days=30),
    )
    assert Snapshot.objects.get(organization=a, indicator=sla, month=JAN).value is None
    assert RollupAdoption.objects.get(month=JAN, organization=a).adoption == 0
    assert RollupAdoption.objects.get(month=feb, organization=a).months_used == {"cases": 1}


def test_the_roll_up_selectors_read_the_written_rows(towns, django_assert_max_num_queries):
    today = FEB_5.date()
    with django_assert_max_num_queries(5):
        district = selectors.rollup(level="district", code="4005", today=today)
    assert [r.name for r in district.rows] == ["เทศบาลตำบลก", "เทศบาลตำบลข", "เทศบาลตำบลค"]
    assert district.total == 3 and district.month == JAN
    waste = Indicator.objects.get(code="environment.waste_recycled")
    assert [r.ranks[waste.pk] for r in district.rows] == [1, 3, 2]
    country = selectors.rollup(level="national", today=today, limit=2, offset=2)
    assert country.total == 5 and len(country.rows) == 2
    overview = selectors.national_overview(user=_operator(), today=today)
    provinces = {row.code: row for row in overview.provinces}
    assert set(provinces) == {"10", "40"} and provinces["40"].organizations == 4
    assert provinces["10"].averages[waste.pk] == Decimal("50.00") and provinces["10"].ranks[waste.pk] == 1
    assert provinces["40"].ranks[waste.pk] == 2 and overview.country.organizations == 5


def test_no_roll_up_month_yet_is_said_not_guessed(areas):
    assert selectors.rollup(level="national", today=FEB_5.date()).month is None
    assert selectors.national_overview(user=_operator(), today=FEB_5.date()).month is None


def _operator():
    from muang.core.tests.factories import UserFactory

    return UserFactory(is_superuser=True, is_staff=True)


@pytest.mark.django_db(transaction=True)
def test_the_monthly_snapshot_shared_among_worker_processes_writes_what_one_process_writes(
    areas, monkeypatch
):
    """The periodic step measures in forked workers (outside a transaction): the same rows as one process."""
    from muang.cases.services import case_change_status
    from muang.cases.tests.conftest import make_town
    from muang.cases.tests.factories import submit_case
    from muang.core.thai_dates import BANGKOK

    town = make_town()
    quiet = [OrganizationFactory() for _ in range(3)]
    day = dt.datetime(2026, 1, 6, 9, tzinfo=BANGKOK)
    case = submit_case(town.category, now=day)
    case_change_status(actor=town.admin, case=case, status="resolved", now=day + dt.timedelta(hours=1))
    organizations = [town.org, *quiet]
    shared, measure = [], services._measure_in_workers
    monkeypatch.setattr(services, "_measure_in_workers", lambda *a: shared.append(a[2]) or measure(*a))
    written = services.snapshot_month(month=JAN, organizations=organizations, workers=2)
    assert shared == [2]  # two processes measured
    computed = Indicator.objects.filter(source=Source.COMPUTED, is_active=True).count()
    assert written == computed * len(organizations)
    assert Snapshot.objects.get(
        organization=town.org, indicator__code="cases.resolved_within_sla", month=JAN
    ).value == Decimal("100.0")
    assert RollupAdoption.objects.get(month=JAN, organization=town.org).months_used == {"cases": 1}
    assert services.snapshot_month(month=JAN, organizations=organizations, workers=2) == 0  # safe to repeat
