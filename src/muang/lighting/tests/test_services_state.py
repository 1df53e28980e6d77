"""A controller's readings become the pole's state, named as TALQ / Smart Data Models Streetlight."""

import pytest

from muang.core.access import SYSTEM
from muang.lighting import selectors
from muang.lighting.models import PoleState
from muang.lighting.tests.helpers import DAY, MIN, NIGHT, dark, lit, lit_town, pole, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def lt(areas):
    return lit_town()


def test_readings_become_power_state_dimming_power_energy_hours_and_switch_ons(lt):
    p = pole(lt, 1, rated=100)
    dark(p, NIGHT - 60 * MIN)
    lit(p, NIGHT - 30 * MIN, energy_kwh=10.0)
    lit(p, NIGHT + 30 * MIN, dim=50, energy_kwh=10.075)
    state = PoleState.objects.get(pole=p)
    assert state.power_state == "on" and state.dimming_level == 50
    assert state.power_consumption == 50.0 and state.energy == 10.075
    assert state.operating_hours == pytest.approx(1.0)  # on from 21:30 to 22:30
    assert state.switch_on_count == 1
    view = selectors.streetlight(actor=SYSTEM, organization=lt.org, pole_id=p.pk)
    assert (view.status, view.power_state, view.dimming_level, view.map_class) == ("ok", "on", 50, "dimmed")


def test_a_late_delivery_does_not_move_the_state_back(lt):
    p = pole(lt, 1)
    lit(p, NIGHT)
    report(p, NIGHT - 10 * MIN, on=False, dim=0, power_w=0.0, lamp_failure=False)
    assert PoleState.objects.get(pole=p).power_state == "on"


def test_poles_without_controllers_and_off_lamps_in_daylight_on_the_map(lt):
    p = pole(lt, 1)
    pole(lt, 2, controller=False)
    dark(p, DAY)
    counts = selectors.state_counts(selectors.streetlights(actor=SYSTEM, organization=lt.org))
    assert counts["off"] == 1 and counts["none"] == 1 and counts["faulty"] == 0
