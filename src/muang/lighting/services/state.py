"""The telemetry listener (`AppContract.telemetry_listeners`): what a pole's controller reports becomes the
pole's state, named as TALQ and the Smart Data Models `Streetlight` (powerState, dimmingLevel,
powerConsumption, energy, operating hours, switch-on count), and its faults.

The controller's keys (the demo profile's, iot/demo.py): `on` (0/1), `dim` (%), `power_w` (W), `energy_kwh`
(the meter), `lamp_failure` (0/1). Rules, evaluated on the newest reading of a batch:

    lamp_failure     the controller's lamp-failure flag
    not_lit          at night: off, or on with under 5 % of the rated power            (TALQ: lamp not lit)
    day_burning      in daylight: on                                                   (TALQ: day burner)
    power_deviation  on, lit: power more than 20 % away from rated × dim level         (TALQ: dimming failure)
    cycling          three switch-ons or more within an hour                           (TALQ: cycling)
    supply_loss      3 or more and at least 80 % of a circuit's controllers not lit at night or silent: ONE
                     fault and ONE case for the circuit; its poles' own faults belong to it
    controller_silent  no report for three intervals (the sweep task, `faults_sweep`)

"Night" and "daylight" come from astral at the organisation's place (`muang.lighting.sun`), with a 30-minute
twilight margin in which neither rule fires. Each pole is written in its own transaction, in pole order.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from muang.core.bulk import among
from muang.core.models import Organization
from muang.iot.models import Device
from muang.lighting.models import Circuit, Fault, FaultKind, Pole, PoleState
from muang.lighting.services.faults import fault_clear, fault_confirm, fault_raise
from muang.lighting.services.schedules import commands_confirm
from muang.lighting.sun import is_night, place_of

DARK_SHARE = 0.05  # under this share of the rated power a lamp that says "on" is not lit
POWER_TOLERANCE = 0.20
CYCLING_SWITCHES = 3
CYCLING_WINDOW = dt.timedelta(hours=1)
CIRCUIT_MIN_POLES = 3
CIRCUIT_DARK_SHARE = 0.8
CIRCUIT_LIT_AGAIN = 0.5  # the circuit fault clears when fewer than half its reporting poles are dark
# Faults a pole's own reading decides (the others: the circuit rule, the silence sweep).
READING_KINDS = (
    FaultKind.LAMP_FAILURE,
    FaultKind.NOT_LIT,
    FaultKind.DAY_BURNING,
    FaultKind.POWER_DEVIATION,
    FaultKind.CYCLING,
)


def on_telemetry(*, organization: Organization, readings, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    by_device: dict[int, list] = defaultdict(list)
    for r in readings:
        by_device[r.device.pk].append(r)
    poles = {
        p.device_id: p
        for p in Pole.objects.filter(
            organization=organization, device_id__in=among(by_device)
        ).select_related("organization", "circuit")
    }
    if not poles:
        return  # the common case for a batch of air stations: one query
    lat, lon = place_of(organization)
    circuits: set[int] = set()
    for device_id in sorted(poles):
        pole = poles[device_id]
        with transaction.atomic():
            _pole_reported(
                pole, sorted(by_device[device_id], key=lambda r: r.time), lat=lat, lon=lon, now=now
            )
        if pole.circuit_id:
            circuits.add(pole.circuit_id)
    for circuit_id in sorted(circuits):
        with transaction.atomic():
            _evaluate_circuit(organization, circuit_id, lat=lat, lon=lon, now=now)
    for device_id in sorted(poles):
        with transaction.atomic():
            for fault in _open_faults(poles[device_id]):
                fault_confirm(fault=fault, now=now)


def _open_faults(pole: Pole, kinds=None) -> list[Fault]:
    faults = Fault.objects.select_for_update(of=("self",)).filter(
        organization_id=pole.organization_id, pole=pole, cleared_at__isnull=True
    )
    if kinds is not None:
        faults = faults.filter(kind__in=kinds)
    return list(faults.select_related("organization", "pole").order_by("pk"))


def _pole_reported(pole: Pole, readings, *, lat: float, lon: float, now: dt.datetime) -> None:
    state, _created = PoleState.objects.select_for_update().get_or_create(
        organization_id=pole.organization_id, pole=pole
    )
    values: dict[str, float] = {}
    for r in readings:
        if state.reported_at is not None and r.time <= state.reported_at:
            continue  # a late delivery says nothing about now
        _apply(state, r.time, r.values)
        values.update(r.values)
    state.save()
    if state.reported_at is not None:
        commands_confirm(
            pole=pole, dim_level=state.dimming_level, power_state=state.power_state, at=state.reported_at
        )
    # A report ends a controller's silence.
    for fault in _open_faults(pole, [FaultKind.CONTROLLER_SILENT]):
        fault_clear(fault=fault, at=readings[-1].time, now=now)
    if not values:
        return
    at = state.reported_at
    night = is_night(lat, lon, at)
    holding = _holding(pole, state, values, night=night, at=at)
    open_faults = {f.kind: f for f in _open_faults(pole, READING_KINDS)}
    for kind in READING_KINDS:
        if kind in holding:
            fault_raise(organization=pole.organization, pole=pole, kind=kind, at=at, details=holding[kind])
        elif kind in open_faults and _decided(kind, values, night):
            fault_clear(fault=open_faults[kind], at=at, now=now)


def _apply(state: PoleState, at: dt.datetime, values: dict[str, float]) -> None:
    was_on = state.power_state == "on"
    if state.reported_at is not None and was_on:
        state.operating_hours += (at - state.reported_at).total_seconds() / 3600
    if "on" in values:
        on = bool(values["on"])
        if on and not was_on and state.power_state:
            state.switch_on_count += 1
            recent = [t for t in state.recent_switches if dt.datetime.fromisoformat(t) > at - CYCLING_WINDOW]
            state.recent_switches = [*recent, at.isoformat()][-10:]
        state.power_state = "on" if on else "off"
    if "dim" in values:
        state.dimming_level = round(values["dim"])
    if "power_w" in values:
        state.power_consumption = values["power_w"]
    if "energy_kwh" in values:
        state.energy = values["energy_kwh"]
    state.reported_at = at


def _holding(pole: Pole, state: PoleState, values: dict, *, night: bool | None, at: dt.datetime) -> dict:
    """The reading faults that hold now, with what shows it."""
    out: dict[str, dict] = {}
    on = state.power_state == "on"
    power = state.power_consumption
    rated = pole.rated_watts
    if values.get("lamp_failure"):
        out[FaultKind.LAMP_FAILURE] = {"lamp_failure": 1}
    not_lit = (not on) or (power is not None and power < DARK_SHARE * rated)
    if night is True and not_lit and FaultKind.LAMP_FAILURE not in out:
        out[FaultKind.NOT_LIT] = {"powerState": state.power_state, "powerConsumption": power}
    if night is False and on:
        out[FaultKind.DAY_BURNING] = {"powerState": "on", "powerConsumption": power}
    if on and power is not None and not not_lit and state.dimming_level is not None:
        expected = rated * state.dimming_level / 100
        if expected > 0 and abs(power - expected) > POWER_TOLERANCE * expected:
            out[FaultKind.POWER_DEVIATION] = {
                "powerConsumption": power,
                "expected_w": round(expected, 1),
                "dimmingLevel": state.dimming_level,
            }
    recent = [t for t in state.recent_switches if dt.datetime.fromisoformat(t) > at - CYCLING_WINDOW]
    if len(recent) >= CYCLING_SWITCHES:
        out[FaultKind.CYCLING] = {"switch_ons_last_hour": len(recent)}
    return out


def _decided(kind: str, values: dict, night: bool | None) -> bool:
    """Whether this reading says enough to clear a fault of `kind` (twilight says nothing about day or night
    rules; a reading without the flag says nothing about the flag)."""
    if kind == FaultKind.LAMP_FAILURE:
        return "lamp_failure" in values
    if kind == FaultKind.NOT_LIT:
        return night is not None or "lamp_failure" in values
    if kind == FaultKind.DAY_BURNING:
        return night is not None
    return True


def _evaluate_circuit(organization: Organization, circuit_id: int, *, lat, lon, now: dt.datetime) -> None:
    """A circuit is dark when 3 or more of its controllers, and at least 80 % of them, are not lit at night or
    silent (the controllers take their power from the circuit: a supply cut silences them all, by day too). One
    fault and one case for the circuit; its poles' own not-lit and silent faults without a case become its
    children. It clears when fewer than half are dark again."""
    circuit = Circuit.objects.select_for_update().get(pk=circuit_id, organization=organization)
    controlled = list(
        Pole.objects.filter(organization=organization, circuit=circuit, device__isnull=False)
        .exclude(device__state=Device.State.RETIRED)
        .values_list("pk", flat=True)
    )
    night = is_night(lat, lon, now)
    kinds = [FaultKind.CONTROLLER_SILENT] + ([FaultKind.NOT_LIT] if night is not False else [])
    dark = set(
        Fault.objects.filter(
            organization=organization, pole_id__in=controlled, kind__in=kinds, cleared_at__isnull=True
        ).values_list("pole_id", flat=True)
    )
    share = len(dark) / len(controlled) if controlled else 0
    open_fault = Fault.objects.filter(
        organization=organization,
        circuit=circuit,
        pole__isnull=True,
        kind=FaultKind.SUPPLY_LOSS,
        cleared_at__isnull=True,
    ).first()
    if len(dark) >= CIRCUIT_MIN_POLES and share >= CIRCUIT_DARK_SHARE:
        fault = fault_raise(
            organization=organization,
            circuit=circuit,
            kind=FaultKind.SUPPLY_LOSS,
            at=now,
            details={"dark_poles": len(dark), "controlled_poles": len(controlled)},
        )
        Fault.objects.filter(
            organization=organization,
            pole_id__in=dark,
            kind__in=kinds,
            cleared_at__isnull=True,
            case__isnull=True,
        ).update(parent=fault)
        fault.organization = organization
        fault.circuit = circuit
        fault_confirm(fault=fault, now=now)
    elif open_fault is not None and share < CIRCUIT_LIT_AGAIN:
        open_fault.circuit = circuit
        fault_clear(fault=open_fault, at=now, now=now)


def faults_sweep(*, now: dt.datetime | None = None) -> int:
    """Periodic: controllers silent for three report intervals get a fault (and a case); faults waiting for
    their confirmation time are confirmed even if their pole said nothing since. Safe to repeat."""
    now = now or timezone.now()
    count = 0
    circuits: set[tuple[int, int]] = set()
    poles = (
        Pole.objects.filter(device__isnull=False)
        .exclude(device__state=Device.State.RETIRED)
        .select_related("organization", "device__profile")
        .order_by("organization_id", "pk")
    )
    for pole in poles:
        device = pole.device
        heard = device.last_seen or device.created_at
        if now - heard > dt.timedelta(seconds=3 * device.profile.report_interval):
            with transaction.atomic():
                fault = fault_raise(
                    organization=pole.organization,
                    pole=pole,
                    kind=FaultKind.CONTROLLER_SILENT,
                    at=now,
                    details={"last_seen": device.last_seen.isoformat() if device.last_seen else None},
                )
                if fault.started_at == now:
                    count += 1
                    if pole.circuit_id:
                        circuits.add((pole.organization_id, pole.circuit_id))
    # Many controllers of one circuit silent at once: its supply, one case (before the poles' own confirm).
    for organization_id, circuit_id in sorted(circuits):
        organization = Organization.objects.get(pk=organization_id)
        lat, lon = place_of(organization)
        with transaction.atomic():
            _evaluate_circuit(organization, circuit_id, lat=lat, lon=lon, now=now)
    pending = (
        Fault.objects.filter(cleared_at__isnull=True, parent__isnull=True)
        .filter(confirmed_at__isnull=True)
        .select_related("organization", "pole", "circuit")
        .order_by("pk")
    )
    for fault in pending:
        with transaction.atomic():
            fault_confirm(fault=fault, now=now)
    # A silent controller whose case staff resolved while it is still silent: reopened (a lamp's other faults
    # wait for its next reading, `on_telemetry`).
    for fault in (
        Fault.objects.filter(
            kind=FaultKind.CONTROLLER_SILENT,
            cleared_at__isnull=True,
            confirmed_at__isnull=False,
            case__is_open=False,
        )
        .select_related("organization", "pole", "circuit")
        .order_by("pk")
    ):
        with transaction.atomic():
            fault_confirm(fault=fault, now=now)
    return count
