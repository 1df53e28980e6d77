"""Reads of the EMS service: incidents, units, the dispatch board, the ranking, the CSV export."""

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from muang.care.models import Person
from muang.core import audit
from muang.core.access import Actor, require
from muang.core.errors import NotFound
from muang.core.models import Organization
from muang.core.thai_dates import BANGKOK, bangkok_days
from muang.ems import cbd, routing
from muang.ems.models import (
    OPEN_ALERT_STATUSES,
    SEVERITY_RANK,
    STEP_FIELDS,
    Alert,
    AlertEvent,
    AlertStatus,
    Incident,
    OnCall,
    Step,
    Unit,
    Wristband,
)
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


def incident_opened(*, actor: Actor, incident: Incident) -> None:
    """The incident page shows the patient and the crew's care record (health data, PDPA s.26): each opening is
    a health read for an emergency, audited (`core.audit.record_read`)."""
    require(actor, incident.organization, EmsPerm.EMS_VIEW)
    audit.record_read(
        actor=actor,
        organization=incident.organization,
        instance=incident,
        purpose="emergency",
        what="incident: patient and care record",
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


# --- wristband alerts (the care centre's board) --------------------------------------------------------------


def alerts_of(*, actor: Actor, organization: Organization, open_only: bool = False) -> QuerySet[Alert]:
    """Alerts, newest first (`ems.alerts_read`: no health data in an alert row)."""
    require(actor, organization, EmsPerm.ALERTS_READ)
    qs = Alert.objects.filter(organization=organization).select_related(
        "person", "acknowledged_by", "wristband__device", "incident"
    )
    if open_only:
        qs = qs.filter(status__in=OPEN_ALERT_STATUSES)
    return qs.order_by("-raised_at", "-pk")


def get_alert_for(*, actor: Actor, organization: Organization, alert_id: int) -> Alert:
    alert = alerts_of(actor=actor, organization=organization).filter(pk=alert_id).first()
    if alert is None:
        raise NotFound(_("No alert %(id)s.") % {"id": alert_id})
    return alert


@dataclass(frozen=True)
class AlertBoard:
    waiting: list[Alert]  # nobody took them yet: the board rings
    taken: list[Alert]
    recent: list[Alert]  # closed in the last hours


def alert_board(*, actor: Actor, organization: Organization, now: dt.datetime) -> AlertBoard:
    """What the care centre's board shows: waiting alerts (most severe first, then oldest), the taken ones,
    and the last closed ones. Two queries on the partial index of open alerts and the organisation's recent
    ones."""
    require(actor, organization, EmsPerm.ALERTS)
    open_alerts = list(alerts_of(actor=actor, organization=organization, open_only=True))
    open_alerts.sort(key=lambda a: (SEVERITY_RANK[a.severity], a.raised_at, a.pk))  # severity, then oldest
    recent = list(
        alerts_of(actor=actor, organization=organization)
        .exclude(status__in=OPEN_ALERT_STATUSES)
        .filter(closed_at__gte=now - dt.timedelta(hours=12))[:10]
    )
    return AlertBoard(
        waiting=[a for a in open_alerts if a.status == AlertStatus.OPEN],
        taken=[a for a in open_alerts if a.status == AlertStatus.ACKNOWLEDGED],
        recent=recent,
    )


@dataclass(frozen=True)
class AlertCard:
    """One alert as the operator opens it: the wearer, their medical summary (a health read, audited), their
    emergency contacts, what happened so far, and the CBD criteria to start the incident from."""

    alert: Alert
    person: Person
    wristband: Wristband
    medical_summary: str
    adl_group: str
    contacts: list[dict]
    events: list[AlertEvent]
    suggested_group: int
    criteria: list[cbd.Criterion]
    history: list[Alert]  # the person's other alerts, newest first


def alert_card(*, actor: Actor, organization: Organization, alert_id: int) -> AlertCard:
    """Opening an alert reads its wearer's medical summary for an emergency: recorded as a health read
    (`core.audit.record_read`, purpose "emergency", the care register's purposes)."""
    from muang.care.models import ReadPurpose
    from muang.ems.services.alerts import SUGGESTED_GROUP

    require(actor, organization, EmsPerm.ALERTS)
    alert = get_alert_for(actor=actor, organization=organization, alert_id=alert_id)
    band = alert.wristband
    person = alert.person
    audit.record_read(
        actor=actor,
        organization=organization,
        instance=person,
        purpose=ReadPurpose.EMERGENCY,
        what="wristband alert: medical summary and alert history",
    )
    group = SUGGESTED_GROUP.get(alert.kind, 16)
    contacts = [dict(c) for c in person.emergency_contacts if c.get("phone")]
    contacts += [{"name": _("the person"), "relation": "", "phone": p} for p in person.phones]
    return AlertCard(
        alert=alert,
        person=person,
        wristband=band,
        medical_summary=band.medical_summary,
        adl_group=person.get_adl_group_display() if person.adl_group else "",
        contacts=contacts,
        events=list(alert.events.order_by("at", "pk")),
        suggested_group=group,
        criteria=cbd.criteria_of(group),
        history=[a for a in _person_alerts(organization, person) if a.pk != alert.pk],
    )


def on_call_of(*, actor: Actor, organization: Organization) -> QuerySet[OnCall]:
    require(actor, organization, EmsPerm.ALERTS)
    return OnCall.objects.filter(organization=organization).order_by("position")


def read_wristband_photo(read):
    """The reader of `/files/ems-wristband/...` (the wearer's photo on the care centre's board)."""
    from muang.core.uploads import Visibility

    band = (
        Wristband.objects.filter(organization_id=read.organization_id, photo=read.name)
        .select_related("organization")
        .first()
    )
    if band is None:
        raise NotFound()
    require(read.actor, band.organization, EmsPerm.ALERTS)
    return Visibility.PERSONAL


# --- wristbands given to people, the on-call list (the care centre's staff pages) ------------------------------


def wristbands_of(
    *, actor: Actor, organization: Organization, active_only: bool = True
) -> QuerySet[Wristband]:
    require(actor, organization, EmsPerm.WRISTBANDS)
    qs = Wristband.objects.filter(organization=organization).select_related("person", "device")
    if active_only:
        qs = qs.filter(active=True)
    return qs.order_by("person__full_name", "pk")


def get_wristband_for(*, actor: Actor, organization: Organization, band_id: int) -> Wristband:
    band = wristbands_of(actor=actor, organization=organization, active_only=False).filter(pk=band_id).first()
    if band is None:
        raise NotFound(_("No wristband %(id)s.") % {"id": band_id})
    return band


def band_of_person(*, actor: Actor, organization: Organization, person: Person) -> Wristband | None:
    """The person's band (the one in use, else the last one taken off), for the link from their care page to the
    band's page and alert history; None when they never wore one, or for a reader that page would refuse (the
    care duty's `EmsPerm.WRISTBANDS`): the link is shown only to whom it opens for."""
    if not actor.has_perm(organization, EmsPerm.WRISTBANDS):
        return None
    return (
        Wristband.objects.filter(organization=organization, person=person).order_by("-active", "-pk").first()
    )


def people_without_band(*, actor: Actor, organization: Organization) -> QuerySet[Person]:
    """The care register's living people who wear no band: whom a new band can be given to."""
    require(actor, organization, EmsPerm.WRISTBANDS)
    worn = Wristband.objects.filter(organization=organization, active=True).values("person_id")
    return (
        Person.objects.filter(organization=organization, died_on=None, anonymized_at=None)
        .exclude(pk__in=worn)
        .order_by("full_name", "pk")
    )


def person_for_band(*, actor: Actor, organization: Organization, person_id) -> Person | None:
    """The person of the care register picked for a band, or None (unknown here, or another organisation's)."""
    require(actor, organization, EmsPerm.WRISTBANDS)
    try:
        pk = int(person_id)
    except (TypeError, ValueError):
        return None
    return Person.objects.filter(organization=organization, pk=pk).first()


def alert_history(*, actor: Actor, organization: Organization, person: Person, purpose: str) -> list[Alert]:
    """Every alert of the person's bands, newest first: what, when, who took it, how it ended, the incident.
    A read of the person's health-related record: audited (`core.audit.record_read`) with its purpose."""
    if not (actor.has_perm(organization, EmsPerm.ALERTS) or actor.has_perm(organization, EmsPerm.WRISTBANDS)):
        require(actor, organization, EmsPerm.ALERTS)  # raises, naming the permission
    audit.record_read(
        actor=actor,
        organization=organization,
        instance=person,
        purpose=purpose,
        what="wristband alert history",
    )
    return _person_alerts(organization, person)


HISTORY_LENGTH = 100


def _person_alerts(organization: Organization, person: Person) -> list[Alert]:
    return list(
        Alert.objects.filter(organization=organization, person=person)
        .select_related("acknowledged_by", "closed_by", "incident", "wristband__device")
        .order_by("-raised_at", "-pk")[:HISTORY_LENGTH]
    )
