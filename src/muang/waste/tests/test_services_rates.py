import datetime as dt
from decimal import Decimal

import pytest

from muang.core.access import Actor
from muang.core.errors import AccessDenied, InvalidInput
from muang.waste.ceilings import ceilings_on
from muang.waste.models import Rate, RateSchedule
from muang.waste.selectors import rates_in_force
from muang.waste.services.rates import rate_schedule_create

pytestmark = pytest.mark.django_db


def test_the_ceiling_depends_on_the_daily_volume():
    c = ceilings_on(dt.date(2026, 1, 1))
    assert c.monthly_ceiling(20) == Decimal("40.00")
    assert c.monthly_ceiling(21) == Decimal("80.00")  # a started 20 litres counts whole
    assert c.monthly_ceiling(500) == Decimal("1000.00")
    assert c.monthly_ceiling(501) == Decimal("2000.00")
    assert c.monthly_ceiling(2500) == Decimal("6000.00")
    assert ceilings_on(dt.date(2000, 1, 1)) is None


def test_a_rate_above_the_ceiling_is_refused_naming_the_field_and_nothing_is_written(town):
    before = RateSchedule.objects.count(), Rate.objects.count()
    with pytest.raises(InvalidInput) as e:
        rate_schedule_create(
            actor=town.health_officer,
            organization=town.org,
            ordinance="เทศบัญญัติ 2569",
            effective_from=dt.date(2026, 10, 1),
            rates=[
                {"code": "home", "name": "บ้าน", "litres_per_day": 20, "monthly_fee": "40.00"},
                {"code": "big", "name": "โรงแรม", "litres_per_day": 20, "monthly_fee": "40.01"},
            ],
        )
    assert set(e.value.field_errors) == {"rates.1.monthly_fee"}
    assert "40.00" in e.value.field_errors["rates.1.monthly_fee"][0]
    assert (RateSchedule.objects.count(), Rate.objects.count()) == before


def test_bad_values_are_each_named(town):
    with pytest.raises(InvalidInput) as e:
        rate_schedule_create(
            actor=town.health_officer,
            organization=town.org,
            ordinance=" ",
            effective_from=dt.date(2025, 10, 1),
            rates=[
                {"code": "a b", "name": "", "litres_per_day": 0, "monthly_fee": "-1"},
                {"code": "x", "name": "x", "litres_per_day": 10, "monthly_fee": "1.001"},
            ],
        )
    assert set(e.value.field_errors) == {
        "ordinance",
        "rates.0.code",
        "rates.0.name",
        "rates.0.litres_per_day",
        "rates.0.monthly_fee",
        "rates.1.monthly_fee",
    }


def test_a_second_schedule_on_the_same_day_is_refused_and_schedules_are_dated(town):
    with pytest.raises(InvalidInput) as e:
        rate_schedule_create(
            actor=town.health_officer,
            organization=town.org,
            ordinance="ซ้ำ",
            effective_from=dt.date(2025, 10, 1),
            rates=[{"code": "home", "name": "บ้าน", "litres_per_day": 20, "monthly_fee": "30"}],
        )
    assert "effective_from" in e.value.field_errors
    rate_schedule_create(
        actor=town.health_officer,
        organization=town.org,
        ordinance="เทศบัญญัติ 2570",
        effective_from=dt.date(2026, 10, 1),
        rates=[{"code": "home", "name": "บ้าน", "litres_per_day": 20, "monthly_fee": "30"}],
    )
    assert rates_in_force(town.org, dt.date(2026, 9, 30))["home"].monthly_fee == Decimal("20.00")
    assert rates_in_force(town.org, dt.date(2026, 10, 1))["home"].monthly_fee == Decimal("30.00")
    assert rates_in_force(town.org, dt.date(2025, 9, 30)) == {}


def test_only_public_health_staff_set_rates(town):
    for actor in (town.finance_head, town.finance_officer):
        with pytest.raises(AccessDenied):
            rate_schedule_create(
                actor=actor,
                organization=town.org,
                ordinance="x",
                effective_from=dt.date(2027, 1, 1),
                rates=[{"code": "home", "name": "บ้าน", "litres_per_day": 20, "monthly_fee": "30"}],
            )
    assert isinstance(town.health_officer, Actor)


def test_the_seeded_demo_fees_are_within_the_ceilings_kept_as_data():
    """Issue 14, gap 5: the demo's ordinance fees checked against the ceilings (THAI-RULES §12 gives no figures;
    `waste.ceilings` keeps the reported bands as dated data). Home 20 ≤ 40, shop 150 ≤ 200 (100 l/day: five
    started 20 l units), market 1,500 ≤ 2,000 (1 m³/day)."""
    from muang.waste.demo import RATES

    ceilings = ceilings_on(dt.date(2026, 1, 1))
    for rate in RATES:
        assert Decimal(rate["monthly_fee"]) <= ceilings.monthly_ceiling(rate["litres_per_day"]), rate["code"]
    assert [ceilings.monthly_ceiling(r["litres_per_day"]) for r in RATES] == [
        Decimal("40.00"),
        Decimal("200.00"),
        Decimal("2000.00"),
    ]
