"""Schedules: a group's steps (set by the engineering staff), the worker's commands to the controllers, and what
each controller confirmed.

`schedules_send` (periodic, every minute) works out each scheduled group's planned level and sends it to every
controller of the group whose last command differs — through the iot downlink (`device_downlink_send`: The
Things Stack, ChirpStack, else the MQTT `down` topic), payload `{"dim": <0-100>}` — and records a `Command`. A
controller *confirms* by its next report showing that level (`on` false for 0): the telemetry listener calls
`commands_confirm`. No explicit acknowledgement is needed, so controllers that cannot send one still confirm,
and a command that was delivered but not carried out stays unconfirmed (what staff need to see).
"""

from __future__ import annotations

import datetime as dt
import json
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muang.core import audit
from muang.core.access import SYSTEM, Actor, require
from muang.core.errors import InvalidInput
from muang.core.models import AuditEntry, Organization
from muang.iot.lorawan.downlink import Downlink, DownlinkError, device_downlink_send
from muang.iot.models import Device
from muang.lighting.models import Command, Pole, PoleGroup, ScheduleStep
from muang.lighting.permissions import LightingPerm
from muang.lighting.schedules import planned_level
from muang.lighting.sun import place_of

logger = logging.getLogger("muang.lighting")
RESEND_AFTER = dt.timedelta(minutes=15)  # an unconfirmed command is sent again after this


@transaction.atomic
def schedule_set(*, actor: Actor, organization: Organization, group: PoleGroup, steps: list[dict]) -> list:
    """Replace the group's steps: [{"anchor": "sunset", "offset_minutes": 0, "dim_level": 100}, {"anchor":
    "fixed", "at": "00:00", "dim_level": 50}, ...]."""
    require(actor, organization, LightingPerm.LIGHTING_MANAGE)
    if group.organization_id != organization.pk:
        raise InvalidInput.for_field("group", _("No such group in this organisation."))
    rows = []
    for i, raw in enumerate(steps):
        anchor = raw.get("anchor")
        if anchor not in ScheduleStep.Anchor.values:
            raise InvalidInput.for_field(f"steps.{i}.anchor", _("One of sunset, sunrise, fixed."))
        level = raw.get("dim_level")
        if not isinstance(level, int) or isinstance(level, bool) or not 0 <= level <= 100:
            raise InvalidInput.for_field(f"steps.{i}.dim_level", _("A dimming level is 0 to 100."))
        offset = raw.get("offset_minutes", 0)
        if not isinstance(offset, int) or isinstance(offset, bool) or not -180 <= offset <= 180:
            raise InvalidInput.for_field(f"steps.{i}.offset_minutes", _("An offset is -180 to 180 minutes."))
        at = None
        if anchor == "fixed":
            try:
                at = dt.time.fromisoformat(str(raw.get("at", "")))
            except ValueError as e:
                raise InvalidInput.for_field(f"steps.{i}.at", _("A time as HH:MM.")) from e
        rows.append(
            ScheduleStep(
                organization=organization,
                group=group,
                anchor=anchor,
                offset_minutes=offset,
                at=at,
                dim_level=level,
            )
        )
    ScheduleStep.objects.filter(organization=organization, group=group).delete()
    ScheduleStep.objects.bulk_create(rows)
    audit.record(
        actor=actor,
        organization=organization,
        instance=group,
        action=AuditEntry.Action.UPDATE,
        changes={"steps": [None, steps]},
        reason="schedule",
    )
    return rows


def schedules_send(*, now: dt.datetime | None = None, send=None) -> int:
    """Periodic: send each scheduled group's planned level to its controllers that were not told it yet (or not
    confirmed it for 15 minutes). Returns how many commands were sent. Safe to repeat and to run on two workers
    (a pole's send is under its row lock, re-checked)."""
    now = now or timezone.now()
    send = send or device_downlink_send
    sent = 0
    steps_by_group: dict[int, list[ScheduleStep]] = {}
    for step in ScheduleStep.objects.select_related("organization").order_by("group_id", "id"):
        steps_by_group.setdefault(step.group_id, []).append(step)
    for group_id, steps in steps_by_group.items():
        organization = steps[0].organization
        lat, lon = place_of(organization)
        level = planned_level(steps, lat, lon, now)
        if level is None:
            continue
        poles = (
            Pole.objects.filter(organization=organization, group_id=group_id, device__isnull=False)
            .exclude(device__state=Device.State.RETIRED)
            .order_by("pk")
        )
        for pole_id in poles.values_list("pk", flat=True):
            with transaction.atomic():
                pole = Pole.objects.select_for_update(of=("self",)).select_related("device").get(pk=pole_id)
                last = Command.objects.filter(organization=organization, pole=pole).first()
                if (
                    last is not None
                    and last.dim_level == level
                    and (last.confirmed_at is not None or now - last.sent_at < RESEND_AFTER)
                ):
                    continue
                command = Command(organization=organization, pole=pole, dim_level=level, sent_at=now)
                payload = json.dumps({"dim": level}).encode()
                try:
                    command.channel = send(
                        actor=SYSTEM,
                        organization=organization,
                        device_id=pole.device_id,
                        downlink=Downlink(payload),
                    )
                except DownlinkError as e:
                    command.error = str(e)[:300]
                    logger.warning("lighting: command to pole %s failed", pole.pk)
                command.save()
                sent += 1
    return sent


def commands_confirm(*, pole: Pole, dim_level: int | None, power_state: str, at: dt.datetime) -> None:
    """The controller's report at `at`: confirms its latest command if it shows the commanded level."""
    last = Command.objects.filter(
        organization_id=pole.organization_id, pole=pole, confirmed_at__isnull=True, sent_at__lte=at, error=""
    ).first()
    if last is None:
        return
    newest = Command.objects.filter(organization_id=pole.organization_id, pole=pole).values_list(
        "pk", flat=True
    )
    if newest.first() != last.pk:
        return  # a newer command went out: this one is superseded
    shows = (
        (power_state == "off")
        if last.dim_level == 0
        else (power_state == "on" and dim_level == last.dim_level)
    )
    if shows:
        Command.objects.filter(pk=last.pk, organization_id=pole.organization_id).update(confirmed_at=at)
