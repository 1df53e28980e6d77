"""Reads of the lighting app: the register, each pole's state in Smart Data Models `Streetlight` terms (what the
map, the API and later the NGSI-LD `Streetlight` provider read), open faults, and the case a citizen's report of a
dark street joins."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from muang.cases.models import Case, CaseCategory
from muang.core.access import Actor, require
from muang.core.errors import NotFound
from muang.core.geo import SRID, point_sql
from muang.core.models import Organization
from muang.iot.models import Device
from muang.lighting.models import Circuit, Command, Fault, FaultKind, Pole, PoleGroup
from muang.lighting.permissions import LightingPerm
from muang.lighting.services.faults import STREETLIGHT_CATEGORY

JOIN_RADIUS_M = 30  # a citizen's "the light is out here" within this of a faulty pole is about that pole
# The poles within JOIN_RADIUS_M of a point, as `location__distance_lte=(point, D(m=...))` read them (the sphere's
# distance), written once instead of compiled by the ORM at every filing; the box (0.0005° is at least 52 m
# anywhere in Thailand, up to 20.5° N) lets the pole's spatial index find them instead of measuring every pole.
_POLES_NEAR = (
    "SELECT id, circuit_id FROM lighting_pole WHERE organization_id = %(org)s"  # noqa: S608 (constants only)
    f" AND location && ST_Expand({point_sql('%(x)s', '%(y)s')}, 0.0005)"
    f" AND ST_DistanceSphere(location, {point_sql('%(x)s', '%(y)s')}) <= %(m)s ORDER BY id"
)
DIMMED_BELOW = 90  # a lit lamp under this dimming level shows as dimmed

# Smart Data Models Streetlight `status` for each fault (ok when none): the lamp, or the column's supply.
STATUS_OF_FAULT = {
    FaultKind.LAMP_FAILURE: "defectiveLamp",
    FaultKind.NOT_LIT: "defectiveLamp",
    FaultKind.DAY_BURNING: "defectiveLamp",
    FaultKind.POWER_DEVIATION: "defectiveLamp",
    FaultKind.CYCLING: "defectiveLamp",
    FaultKind.CONTROLLER_SILENT: "brokenLantern",
    FaultKind.SUPPLY_LOSS: "columnIssue",
}
# The map's classes, worst first.
LIT, DIMMED, OFF, FAULTY, SILENT, NO_CONTROLLER = "lit", "dimmed", "off", "faulty", "silent", "none"


def poles_of(*, actor: Actor, organization: Organization) -> QuerySet[Pole]:
    require(actor, organization, LightingPerm.LIGHTING_VIEW)
    return Pole.objects.filter(organization=organization).select_related(
        "circuit", "group", "device", "state"
    )


def get_pole_for(*, actor: Actor, organization: Organization, pole_id: int) -> Pole:
    pole = poles_of(actor=actor, organization=organization).filter(pk=pole_id).first()
    if pole is None:
        raise NotFound(_("No pole %(id)s.") % {"id": pole_id})
    return pole


def circuits_of(*, actor: Actor, organization: Organization) -> QuerySet[Circuit]:
    require(actor, organization, LightingPerm.LIGHTING_VIEW)
    return Circuit.objects.filter(organization=organization)


def groups_of(*, actor: Actor, organization: Organization) -> QuerySet[PoleGroup]:
    require(actor, organization, LightingPerm.LIGHTING_VIEW)
    return PoleGroup.objects.filter(organization=organization)


def open_faults_of(*, actor: Actor, organization: Organization) -> QuerySet[Fault]:
    require(actor, organization, LightingPerm.LIGHTING_VIEW)
    return (
        Fault.objects.filter(organization=organization, cleared_at__isnull=True)
        .select_related("pole", "circuit", "case", "parent__case")
        .order_by("-started_at", "-pk")
    )


@dataclass(frozen=True)
class PoleView:
    """One pole as the map, its card, the API and the NGSI-LD provider see it (Streetlight names)."""

    id: int
    code: str
    lat: float
    lon: float
    lamp_type: str
    lamp_type_label: str
    rated_watts: int
    lantern_height: float | None
    circuit: str
    group: str
    installed_on: dt.date | None
    last_lamp_change: dt.date | None
    controller: str
    status: str  # ok / defectiveLamp / columnIssue / brokenLantern
    power_state: str  # on / off / "" (no report)
    dimming_level: int | None
    power_consumption: float | None  # W
    energy: float | None  # kWh
    operating_hours: float | None
    switch_on_count: int | None
    reported_at: dt.datetime | None
    map_class: str  # lit / dimmed / off / faulty / silent / none
    faults: tuple[tuple[str, str], ...]  # (kind, label) of the open faults
    case_code: str  # the repair case of its first open fault, if any
    case_id: int | None


def _view(pole: Pole, faults: list[Fault]) -> PoleView:
    state = getattr(pole, "state", None) if pole.device_id else None
    confirmed = [f for f in faults if f.confirmed_at is not None or f.parent_id is not None]
    status = "ok"
    for f in confirmed:
        status = STATUS_OF_FAULT[f.kind]
        if status != "defectiveLamp":
            break
    if pole.device_id is None:
        map_class = NO_CONTROLLER
    elif any(f.kind == FaultKind.CONTROLLER_SILENT for f in confirmed) or (
        pole.device.state == Device.State.SILENT
    ):
        map_class = SILENT
    elif confirmed:
        map_class = FAULTY
    elif state is None or state.power_state != "on":
        map_class = OFF
    elif state.dimming_level is not None and state.dimming_level < DIMMED_BELOW:
        map_class = DIMMED
    else:
        map_class = LIT
    case = None
    for f in confirmed:
        case = f.case or (f.parent.case if f.parent_id else None)
        if case is not None:
            break
    return PoleView(
        id=pole.pk,
        code=pole.code,
        lat=round(pole.location.y, 6),
        lon=round(pole.location.x, 6),
        lamp_type=pole.lamp_type,
        lamp_type_label=str(pole.get_lamp_type_display()),
        rated_watts=pole.rated_watts,
        lantern_height=float(pole.lantern_height) if pole.lantern_height is not None else None,
        circuit=pole.circuit.code if pole.circuit_id else "",
        group=pole.group.name if pole.group_id else "",
        installed_on=pole.installed_on,
        last_lamp_change=pole.last_lamp_change,
        controller=pole.device.serial if pole.device_id else "",
        status=status,
        power_state=state.power_state if state else "",
        dimming_level=state.dimming_level if state else None,
        power_consumption=state.power_consumption if state else None,
        energy=state.energy if state else None,
        operating_hours=round(state.operating_hours, 1) if state else None,
        switch_on_count=state.switch_on_count if state else None,
        reported_at=state.reported_at if state else None,
        map_class=map_class,
        faults=tuple((f.kind, str(FaultKind(f.kind).label)) for f in confirmed),
        case_code=case.tracking_code if case else "",
        case_id=case.pk if case else None,
    )


def _with_faults(poles: QuerySet[Pole]) -> QuerySet[Pole]:
    return poles.prefetch_related(
        Prefetch(
            "faults",
            queryset=Fault.objects.filter(cleared_at__isnull=True)
            .select_related("case", "parent__case")
            .order_by("pk"),
            to_attr="open_faults",
        )
    )


def streetlights(*, actor: Actor, organization: Organization) -> list[PoleView]:
    """Every pole with its state, in Streetlight terms (three queries whatever the number of poles)."""
    poles = _with_faults(poles_of(actor=actor, organization=organization).order_by("code"))
    return [_view(p, p.open_faults) for p in poles]


def streetlight(*, actor: Actor, organization: Organization, pole_id: int) -> PoleView:
    pole = _with_faults(poles_of(actor=actor, organization=organization)).filter(pk=pole_id).first()
    if pole is None:
        raise NotFound(_("No pole %(id)s.") % {"id": pole_id})
    return _view(pole, pole.open_faults)


def state_counts(views: list[PoleView]) -> dict[str, int]:
    counts = dict.fromkeys((LIT, DIMMED, OFF, FAULTY, SILENT, NO_CONTROLLER), 0)
    for v in views:
        counts[v.map_class] += 1
    return counts


def fault_case_near(*, organization: Organization, category: CaseCategory, point) -> Case | None:
    """The case joiner (`AppContract.case_joiners`): for a report in the street-light category, the open repair
    case of a confirmed fault of the nearest pole within 30 m (its own, its dark circuit's), else None."""
    if category.code != STREETLIGHT_CATEGORY or point is None:
        return None
    if point.srid not in (None, SRID):
        point = point.transform(SRID, clone=True)
    # Every street-light report asks: one statement, not compiled each time.
    with connection.cursor() as cursor:
        cursor.execute(_POLES_NEAR, {"org": organization.pk, "x": point.x, "y": point.y, "m": JOIN_RADIUS_M})
        poles = dict(cursor.fetchall())
    if not poles:
        return None
    faults = Fault.objects.filter(organization=organization, cleared_at__isnull=True).select_related(
        "case", "parent__case"
    )
    candidates = list(faults.filter(pole_id__in=list(poles)).order_by("started_at", "pk")) + list(
        faults.filter(
            pole__isnull=True, circuit_id__in=[c for c in poles.values() if c], kind=FaultKind.SUPPLY_LOSS
        ).order_by("started_at", "pk")
    )
    for fault in candidates:
        case = fault.parent.case if fault.parent_id and fault.parent.case_id else fault.case
        if case is not None and case.is_open:
            return case
    return None


def last_command(*, actor: Actor, organization: Organization, pole_id: int) -> Command | None:
    """The schedule's last command to the pole's controller, and whether the controller confirmed it."""
    require(actor, organization, LightingPerm.LIGHTING_VIEW)
    return Command.objects.filter(organization=organization, pole_id=pole_id).first()


@dataclass(frozen=True)
class GroupSchedule:
    id: int
    name: str
    steps: tuple[str, ...]  # "sunset +0 → 100 %", already in the reader's language
    controllers: int
    level: int | None  # the level of the group's latest command
    confirmed: int  # controllers that confirmed it


def tariffs_of(*, actor: Actor, organization: Organization) -> list:
    """The organisation's tariff rows, newest first."""
    from muang.lighting.models import Tariff

    require(actor, organization, LightingPerm.LIGHTING_VIEW)
    return list(Tariff.objects.filter(organization=organization).order_by("-effective_from"))


def group_for(*, actor: Actor, organization: Organization, group_id: int) -> PoleGroup:
    """One of the organisation's pole groups (another organisation's is simply not found)."""
    require(actor, organization, LightingPerm.LIGHTING_VIEW)
    group = PoleGroup.objects.filter(organization=organization, pk=group_id).first()
    if group is None:
        raise NotFound(_("No such group."))
    return group


def schedule_overview(*, actor: Actor, organization: Organization) -> list[GroupSchedule]:
    """Each group's steps and how its controllers answered the latest command (four queries)."""
    from muang.lighting.models import ScheduleStep

    require(actor, organization, LightingPerm.LIGHTING_VIEW)
    groups = list(PoleGroup.objects.filter(organization=organization).order_by("name"))
    steps: dict[int, list[str]] = {}
    for step in ScheduleStep.objects.filter(organization=organization).order_by("group_id", "id"):
        if step.anchor == ScheduleStep.Anchor.FIXED:
            when = step.at.strftime("%H:%M")
        else:
            when = f"{step.get_anchor_display()} {step.offset_minutes:+d} " + _("min")
        steps.setdefault(step.group_id, []).append(f"{when} → {step.dim_level}%")
    controllers: dict[int, int] = {}
    for group_id in Pole.objects.filter(organization=organization, device__isnull=False).values_list(
        "group_id", flat=True
    ):
        controllers[group_id] = controllers.get(group_id, 0) + 1
    latest: dict[int, tuple[int, bool]] = {}
    for group_id, level, confirmed in (
        Command.objects.filter(organization=organization)
        .order_by("pole_id", "-sent_at")
        .distinct("pole_id")
        .values_list("pole__group_id", "dim_level", "confirmed_at")
    ):
        latest.setdefault(group_id, [])
        latest[group_id].append((level, confirmed is not None))
    out = []
    for g in groups:
        answers = latest.get(g.pk, [])
        level = max(
            (lv for lv, _ok in answers), default=None, key=lambda lv: sum(1 for x, _ in answers if x == lv)
        )
        out.append(
            GroupSchedule(
                id=g.pk,
                name=g.name,
                steps=tuple(steps.get(g.pk, ())),
                controllers=controllers.get(g.pk, 0),
                level=level,
                confirmed=sum(1 for lv, ok in answers if ok and lv == level),
            )
        )
    return out
