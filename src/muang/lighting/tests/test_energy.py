"""Monthly energy by a hand-computed example: one 100 W pole lit from 18:00 at 100 %, dimmed to 50 % at midnight,
off at 06:00, its meter going 10.0 → 10.6 → 10.9 kWh; the tariff 4.00 THB/kWh.

    kWh     10.9 − 10.0 (its last reading before the month... none: its first in the month) = 0.9 kWh
    baht    0.9 × 4.00 = 3.60
    saving  6 h at 50 %: 6 × 100 W × 50 % = 0.3 kWh = 1.20 baht
    availability: 2 poles × 1 night; the other pole's lamp failed that night → 50.0 %
"""

import datetime as dt
from decimal import Decimal

import pytest

from muang.core.access import SYSTEM
from muang.core.thai_dates import BANGKOK
from muang.lighting.energy import DEFAULT_TARIFF, month_energy, tariff_on
from muang.lighting.models import Tariff
from muang.lighting.tests.helpers import dark, lit, lit_town, pole

pytestmark = pytest.mark.django_db


def bkk(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BANGKOK)


def test_a_month_of_one_pole_by_hand(areas):
    lt = lit_town()
    Tariff.objects.create(
        organization=lt.org, effective_from=dt.date(2026, 1, 1), baht_per_kwh=Decimal("4.00")
    )
    p = pole(lt, 1, rated=100, circuit="C-01")
    q = pole(lt, 2, rated=100, circuit="C-02")
    lit(p, bkk(2026, 3, 1, 18, 0), dim=100, energy_kwh=10.0)
    lit(p, bkk(2026, 3, 2, 0, 0), dim=50, energy_kwh=10.6)
    dark(p, bkk(2026, 3, 2, 6, 0), energy_kwh=10.9)
    lit(q, bkk(2026, 3, 1, 20, 0), power_w=1.5, lamp_failure=True)
    lit(q, bkk(2026, 3, 2, 7, 0), lamp_failure=False)  # repaired in the morning (lit in daylight, but normal)
    figures = month_energy(
        actor=SYSTEM, organization=lt.org, month=dt.date(2026, 3, 1), now=bkk(2026, 3, 2, 12, 0)
    )
    assert figures.tariff == Decimal("4.00")
    c1 = next(line for line in figures.circuits if line.circuit == "C-01")
    assert c1.kwh == Decimal("0.900") and c1.baht == Decimal("3.60")
    assert c1.saving_kwh == Decimal("0.300")
    assert figures.kwh == Decimal("0.900") and figures.baht == Decimal("3.60")
    assert figures.saving_baht == Decimal("1.20")
    assert figures.availability == Decimal("50.0")


def test_the_tariff_in_force_is_data_with_a_default(areas):
    lt = lit_town()
    assert tariff_on(lt.org, dt.date(2026, 3, 1)) == DEFAULT_TARIFF
    Tariff.objects.create(
        organization=lt.org, effective_from=dt.date(2026, 5, 1), baht_per_kwh=Decimal("4.5")
    )
    assert tariff_on(lt.org, dt.date(2026, 4, 30)) == DEFAULT_TARIFF
    assert tariff_on(lt.org, dt.date(2026, 5, 1)) == Decimal("4.5")
