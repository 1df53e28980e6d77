"""Reads of the EMS service: incidents, units, the dispatch board, the ranking, the CSV export."""

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from muang.core.access import Actor, require
from muang.core.errors import NotFound
from muang.core.models import Organization
from muang.core.thai_dates import BANGKOK, bangkok_days
from muang.ems import routing
from muang.ems.models import STEP_FIELDS, Incident, Step, Unit
from muang.ems.permissions import EmsPerm


def incidents_of(
    *, actor: Actor, organization: Organization, open_only: bool = False, colour: str = ""
) -> QuerySet[Incident]:
    require(actor, organization, EmsPerm.EMS_VIEW)
    qs = Incident.objects.filter(organization=organization).select_related("unit")
    if open_only:
        qs = qs.exclude(step=Step.BACK_AT_BASE)
    if colour:
        qs = qs.filter(colour=colour)
    return qs.order_by("-call_received_at", "-pk")


def get_incident_for(*, actor: Actor, organization: Organization, incident_id: int) -> Incident:
    incident = incidents_of(actor=actor, organization=organization).filter(pk=incident_id).first()
    if incident is None:  # another organisation's incident is simply not found
        raise NotFound(_("No incident %(id)s.") % {"id": incident_id})
    return incident


def units_of(*, actor: Actor, organization: Organization) -> QuerySet[Unit]:
    require(actor, organization, EmsPerm.EMS_VIEW)
    return Unit.objects.filter(organization=organization).order_by("call_sign")


def get_unit_for(*, actor: Actor, organization: Organization, unit_id: int) -> Unit:
    unit = units_of(actor=actor, organization=organization).filter(pk=unit_id).first()
    if unit is None:
        raise NotFound(_("No unit %(id)s.") % {"id": unit_id})
    return unit


def ranking_for(*, actor: Actor, incident: Incident) -> list[routing.Ranked]:
    """Available units for an incident, nearest by road first (or the labelled straight-line estimate)."""
    require(actor, incident.organization, EmsPerm.EMS_VIEW)
    return routing.rank_by_road(incident.organization, lon=incident.location.x, lat=incident.location.y)


@dataclass(frozen=True)
class Board:
    open_incidents: list[Incident]
    units: list[Unit]
    has_network: bool


def board(*, actor: Actor, organization: Organization) -> Board:
    """What the dispatch board shows: open incidents (red first, then oldest) and every unit. Three queries."""
    incidents = list(incidents_of(actor=actor, organization=organization, open_only=True))
    rank = {"red": 0, "yellow": 1, "green": 2, "white": 3, "black": 4}
    incidents.sort(key=lambda i: (rank.get(i.colour, 9), i.call_received_at))
    return Board(
        open_incidents=incidents,
        units=list(units_of(actor=actor, organization=organization)),
        has_network=routing.has_network(organization),
    )


def timeline(incident: Incident) -> list[tuple[str, dt.datetime | None]]:
    """Each step's label and stamp, in the legal order."""
    return [(Step(step).label, getattr(incident, field)) for step, field in STEP_FIELDS.items()]


def response_seconds(incident: Incident) -> float | None:
    """Call received to at scene."""
    if incident.at_scene_at is None:
        return None
    return (incident.at_scene_at - incident.call_received_at).total_seconds()


CSV_COLUMNS = (
    "number",
    "dispatch_code",
    "colour",
    "cbd_group",
    "unit",
    "hospital",
    "lat",
    "lon",
    *STEP_FIELDS.values(),
    "response_seconds",
    "source",
)


def incidents_csv(*, actor: Actor, organization: Organization, start: dt.date, end: dt.date) -> str:
    """The provincial EMS office's file: one row an incident received between the Bangkok days `start` and
    `end`, every timestamp in Asia/Bangkok ISO 8601. No caller's or patient's name or phone."""
    first, after = bangkok_days(start, end)
    rows = incidents_of(actor=actor, organization=organization).filter(
        call_received_at__gte=first, call_received_at__lt=after
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for i in rows.order_by("call_received_at", "pk").iterator(chunk_size=2000):
        stamps = [getattr(i, f) for f in STEP_FIELDS.values()]
        seconds = response_seconds(i)
        writer.writerow(
            [
                i.number,
                i.dispatch_code,
                i.colour,
                i.cbd_group,
                i.unit.call_sign if i.unit else "",
                i.hospital,
                f"{i.location.y:.6f}",
                f"{i.location.x:.6f}",
                *[s.astimezone(BANGKOK).isoformat() if s else "" for s in stamps],
                "" if seconds is None else int(seconds),
                i.source_ref,
            ]
        )
    return out.getvalue()
