"""Street lighting's KPIs (issue 15): lamp availability and the energy saved by dimming over a month, and where
poles were out (availability's map layer), by the energy test's hand-computed example over the whole month.

    availability: 2 poles × 31 nights of March; one pole dark one night → 61 / 62 = 98.4 %
    saving: 6 h at 50 % of 100 W = 0.3 kWh
"""

import datetime as dt
from decimal import Decimal

import pytest

from muang.core.tests.factories import OrganizationFactory
from muang.core.thai_dates import BANGKOK
from muang.lighting import kpis
from muang.lighting.tests.helpers import dark, lit, lit_town, place, pole

pytestmark = pytest.mark.django_db

MARCH = {"start": dt.date(2026, 3, 1), "end": dt.date(2026, 3, 31)}


def bkk(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BANGKOK)


def test_a_month_of_lamps_measured_and_mapped(areas):
    lt = lit_town()
    p = pole(lt, 1, rated=100, circuit="C-01")
    q = pole(lt, 2, rated=100, circuit="C-02")
    lit(p, bkk(2026, 3, 1, 18, 0), dim=100, energy_kwh=10.0)
    lit(p, bkk(2026, 3, 2, 1, 0), dim=50, energy_kwh=10.6)
    dark(p, bkk(2026, 3, 2, 7, 0), energy_kwh=10.9)  # switched off after sunrise: no fault
    lit(q, bkk(2026, 3, 1, 20, 0), power_w=1.5, lamp_failure=True)
    lit(q, bkk(2026, 3, 2, 7, 0), lamp_failure=False)
    assert kpis.lamp_availability(organization=lt.org, **MARCH) == Decimal("98.4")
    assert kpis.energy_saved(organization=lt.org, **MARCH) == Decimal("0.3")
    [(lon, lat, count)] = kpis.dark_places(organization=lt.org, **MARCH)
    assert count == 1
    where = place(lt, 2)
    assert abs(lon - where.x) <= 0.0005 and abs(lat - where.y) <= 0.0005  # q's cell, not p's point
    # April: no fault open, nothing on the map.
    assert kpis.dark_places(organization=lt.org, start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30)) == []


def test_a_city_without_controlled_poles_has_no_figure(areas):
    org = OrganizationFactory()
    assert kpis.lamp_availability(organization=org, **MARCH) is None
    assert kpis.energy_saved(organization=org, **MARCH) is None
