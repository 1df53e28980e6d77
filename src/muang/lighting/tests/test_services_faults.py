"""Fault rules one by one; each confirmed fault opens or updates ONE repair case in the engineering department
at the pole; the lamp clears it by reporting normal; a case resolved while the lamp still fails reopens; a whole
circuit dark is one case; a silent controller is a fault too."""

import pytest

from muang.cases.models import Case, Channel, EventKind
from muang.cases.services import case_change_status
from muang.core.access import SYSTEM
from muang.lighting import selectors
from muang.lighting.models import Fault, FaultKind
from muang.lighting.services.state import faults_sweep
from muang.lighting.tests.helpers import DAY, MIN, NIGHT, dark, lit, lit_town, pole, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def lt(areas):
    return lit_town()


def open_kinds(p):
    return set(Fault.objects.filter(pole=p, cleared_at__isnull=True).values_list("kind", flat=True))


def test_a_lamp_failure_opens_one_case_for_the_engineers_at_the_pole(lt):
    p = pole(lt, 1)
    lit(p, NIGHT)
    lit(p, NIGHT + 5 * MIN, power_w=1.5, lamp_failure=True)
    lit(p, NIGHT + 10 * MIN, power_w=1.5, lamp_failure=True)
    fault = Fault.objects.get(pole=p, kind=FaultKind.LAMP_FAILURE)
    case = Case.objects.get(organization=lt.org)
    assert fault.case == case and fault.confirmed_at == NIGHT + 5 * MIN
    assert case.department == lt.town.works and case.category == lt.town.category
    assert case.channel == Channel.DEVICE and case.location.equals_exact(p.location, 1e-9)
    assert p.code in case.title
    view = selectors.streetlight(actor=SYSTEM, organization=lt.org, pole_id=p.pk)
    assert (
        view.status == "defectiveLamp" and view.map_class == "faulty" and view.case_code == case.tracking_code
    )


def test_the_lamp_reporting_normal_clears_the_fault_with_a_note_and_a_resolved_case_stays_resolved(lt):
    p = pole(lt, 1)
    lit(p, NIGHT, power_w=1.5, lamp_failure=True)
    case = Fault.objects.get().case
    case_change_status(
        actor=lt.town.admin, case=case, status="resolved", message="เปลี่ยนหลอดแล้ว", now=NIGHT + MIN
    )
    lit(p, NIGHT + 5 * MIN)
    fault = Fault.objects.get()
    assert fault.cleared_at == NIGHT + 5 * MIN
    case.refresh_from_db()
    assert not case.is_open and case.reopen_count == 0


def test_a_case_resolved_while_the_lamp_still_fails_reopens_with_a_thai_note(lt):
    p = pole(lt, 1)
    lit(p, NIGHT, power_w=1.5, lamp_failure=True)
    case = Fault.objects.get().case
    case_change_status(actor=lt.town.admin, case=case, status="resolved", message="แก้แล้ว", now=NIGHT + MIN)
    lit(p, NIGHT + 5 * MIN, power_w=1.5, lamp_failure=True)
    case.refresh_from_db()
    assert case.is_open and case.reopen_count == 1
    note = case.events.filter(kind=EventKind.REOPENED).get().message
    assert p.code in note and "เปิด" in note
    assert Case.objects.filter(organization=lt.org).count() == 1


def test_off_at_night_is_confirmed_after_one_report_interval(lt):
    p = pole(lt, 1)
    dark(p, NIGHT)
    assert open_kinds(p) == {FaultKind.NOT_LIT} and not Case.objects.exists()  # not yet confirmed
    dark(p, NIGHT + 5 * MIN)
    assert Fault.objects.get().case is not None


def test_on_with_almost_no_power_at_night_is_not_lit(lt):
    p = pole(lt, 1, rated=100)
    lit(p, NIGHT, power_w=2.0)
    assert open_kinds(p) == {FaultKind.NOT_LIT}


def test_on_in_daylight_is_a_day_burner_and_off_in_daylight_is_fine(lt):
    p, q = pole(lt, 1), pole(lt, 2)
    lit(p, DAY)
    dark(q, DAY)
    assert open_kinds(p) == {FaultKind.DAY_BURNING} and open_kinds(q) == set()
    dark(p, DAY + 5 * MIN)
    assert open_kinds(p) == set()


def test_power_more_than_20_percent_off_rated_times_dim_is_a_dimming_failure(lt):
    p = pole(lt, 1, rated=100)
    lit(p, NIGHT, dim=50, power_w=61.0)  # expected 50 W: 22 % over
    assert open_kinds(p) == {FaultKind.POWER_DEVIATION}
    lit(p, NIGHT + 5 * MIN, dim=50, power_w=58.0)  # 16 %: within
    assert open_kinds(p) == set()


def test_three_switch_ons_within_an_hour_is_cycling(lt):
    p = pole(lt, 1)
    for i in range(4):
        lit(p, NIGHT + (10 * i) * MIN)
        report(p, NIGHT + (10 * i + 5) * MIN, on=False, dim=0, power_w=0.0)
    lit(p, NIGHT + 40 * MIN)
    assert FaultKind.CYCLING in open_kinds(p)
    assert Fault.objects.get(pole=p, kind=FaultKind.CYCLING).case is not None


def test_a_whole_circuit_dark_at_once_is_one_case_for_the_circuit_not_one_per_pole(lt):
    poles = [pole(lt, i, circuit="C-07") for i in range(1, 7)]
    other = pole(lt, 20, circuit="C-08")
    for p in poles:
        lit(p, NIGHT - 10 * MIN)
    lit(other, NIGHT - 10 * MIN)
    for p in poles:
        dark(p, NIGHT)
    for p in poles:
        dark(p, NIGHT + 5 * MIN)
    dark(other, NIGHT)
    dark(other, NIGHT + 5 * MIN)  # alone on its circuit: its own case
    circuit_fault = Fault.objects.get(kind=FaultKind.SUPPLY_LOSS)
    assert circuit_fault.circuit.code == "C-07" and circuit_fault.case is not None
    cases = Case.objects.filter(organization=lt.org)
    assert cases.count() == 2
    assert set(Fault.objects.filter(pole__in=poles).values_list("parent", flat=True)) == {circuit_fault.pk}
    assert not Fault.objects.filter(pole__in=poles, case__isnull=False).exists()
    view = selectors.streetlight(actor=SYSTEM, organization=lt.org, pole_id=poles[0].pk)
    assert view.map_class == "faulty" and view.case_code == circuit_fault.case.tracking_code
    # Supply back: the circuit's fault clears.
    for p in poles:
        lit(p, NIGHT + 10 * MIN)
    circuit_fault.refresh_from_db()
    assert circuit_fault.cleared_at is not None


def test_a_silent_controller_is_a_fault_and_a_case_and_its_next_report_clears_it(lt):
    p = pole(lt, 1)
    lit(p, NIGHT)
    assert faults_sweep(now=NIGHT + 10 * MIN) == 0
    assert faults_sweep(now=NIGHT + 16 * MIN) == 1
    assert faults_sweep(now=NIGHT + 17 * MIN) == 0  # once
    fault = Fault.objects.get(kind=FaultKind.CONTROLLER_SILENT)
    assert fault.case is not None
    assert selectors.streetlight(actor=SYSTEM, organization=lt.org, pole_id=p.pk).map_class == "silent"
    lit(p, NIGHT + 20 * MIN)
    fault.refresh_from_db()
    assert fault.cleared_at is not None


def test_the_case_page_panel_names_the_poles_of_a_circuit_case(lt):
    from muang.cases import desk

    p = pole(lt, 1)
    lit(p, NIGHT, power_w=1.5, lamp_failure=True)
    case = Fault.objects.get().case
    panels = {panel.key: panel for panel in desk.case_panels(actor=lt.town.admin, case=case)}
    rows = panels["lighting-fault"].context["rows"]
    assert [r["subject"] for r in rows] == [p.code] and not rows[0]["cleared"]


def test_a_whole_circuit_of_silent_controllers_is_one_case_not_one_per_pole(lt):
    poles = [pole(lt, i, circuit="C-09") for i in range(1, 5)]
    for p in poles:
        lit(p, NIGHT)
    assert faults_sweep(now=NIGHT + 16 * MIN) == 4
    circuit_fault = Fault.objects.get(kind=FaultKind.SUPPLY_LOSS)
    assert circuit_fault.case is not None
    assert Case.objects.filter(organization=lt.org).count() == 1
    assert set(Fault.objects.filter(kind=FaultKind.CONTROLLER_SILENT).values_list("parent", flat=True)) == {
        circuit_fault.pk
    }
    faults_sweep(now=NIGHT + 20 * MIN)
    assert Case.objects.filter(organization=lt.org).count() == 1
