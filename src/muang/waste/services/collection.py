"""Collection: routes with ordered stops, trips, bin-fill readings that raise a stop's priority, and citizens'
reports of a missed collection handed to the route's crew."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Sequence
from decimal import Decimal

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.measure import D
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muang.cases.models import Case
from muang.cases.services import case_change_category
from muang.core import audit
from muang.core.access import SYSTEM, Actor, require
from muang.core.bulk import among
from muang.core.errors import InvalidInput
from muang.core.models import Organization
from muang.core.validation import point_from
from muang.waste.models import CODE_RE, MissedCollection, Priority, Route, Stop, Trip
from muang.waste.permissions import WastePerm

logger = logging.getLogger(__name__)

# The report categories that mean "the truck did not come" (the reports app's demo seeds `garbage`).
MISSED_CATEGORIES = ("garbage",)
MISSED_RADIUS_M = 200  # a report further than this from every stop is not a missed collection of a route
MISSED_LOOKBACK = dt.timedelta(days=7)
FULL_PERCENT = Decimal(80)  # a bin this full goes first
FILL_KEYS = ("fillingLevel", "fill", "fill_percent")  # Smart Data Models WasteContainer: 0–1; others: %


@transaction.atomic
def route_create(
    *,
    actor: Actor,
    organization: Organization,
    code: str,
    name: str,
    crew_code: str,
    weekdays: Sequence[int],
    stops: Sequence[dict] = (),
) -> Route:
    """A route with its crew (a department's code), weekdays (0 = Monday) and stops in order
    (``{"name", "lat", "lon"}``)."""
    require(actor, organization, WastePerm.WASTE_MANAGE)
    errors: dict[str, list[str]] = {}
    if not re.fullmatch(CODE_RE, code.strip()):
        errors["code"] = [_("Use 1–20 letters, digits, hyphens or underscores.")]
    if not name.strip():
        errors["name"] = [_("Give the route a name.")]
    crew = organization.departments.filter(code=crew_code, is_active=True).first()
    if crew is None:
        errors["crew"] = [_("Choose an active department of %(org)s.") % {"org": organization}]
    days = sorted(set(weekdays))
    if not days or any(not isinstance(d, int) or not 0 <= d <= 6 for d in days):
        errors["weekdays"] = [_("Choose the days the route runs.")]
    points = []
    for i, stop in enumerate(stops):
        if not str(stop.get("name", "")).strip():
            errors[f"stops.{i}.name"] = [_("Name the stop.")]
        try:
            points.append(point_from(lat=stop.get("lat"), lon=stop.get("lon")))
        except InvalidInput as e:
            errors[f"stops.{i}.location"] = e.field_errors.get("location", [str(e)])
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], field_errors=errors)
    route = Route(organization=organization, code=code.strip(), name=name.strip(), crew=crew, weekdays=days)
    try:
        with transaction.atomic():
            route.save()
    except IntegrityError as e:
        raise InvalidInput.for_field("code", _("There is already a route with this code.")) from e
    Stop.objects.bulk_create(
        Stop(organization=organization, route=route, seq=i, name=str(s["name"]).strip(), location=p)
        for i, (s, p) in enumerate(zip(stops, points, strict=True), start=1)
    )
    audit.record_create(actor=actor, organization=organization, instance=route)
    return route


@transaction.atomic
def trip_record(
    *,
    actor: Actor,
    route: Route,
    day: dt.date,
    stops_collected: int,
    note: str = "",
) -> Trip:
    """The crew's round of a day, recorded once (a second record of the same day is refused)."""
    require(actor, route.organization, WastePerm.WASTE_CREW)
    total = Stop.objects.filter(route=route).count()
    if not 0 <= stops_collected <= total:
        raise InvalidInput.for_field("stops_collected", _("From 0 to %(n)s stops.") % {"n": total})
    if day > timezone.localdate():
        raise InvalidInput.for_field("day", _("A trip cannot be recorded for a future day."))
    trip = Trip(
        organization=route.organization,
        route=route,
        day=day,
        stops_collected=stops_collected,
        note=note.strip()[:500],
        recorded_by=actor.user,
    )
    try:
        with transaction.atomic():
            trip.save()
    except IntegrityError as e:
        raise InvalidInput.for_field("day", _("This day's trip is already recorded.")) from e
    # Collected: the full bins of the round are emptied.
    Stop.objects.filter(route=route, priority=Priority.HIGH).update(priority=Priority.NORMAL)
    audit.record_create(actor=actor, organization=route.organization, instance=trip)
    return trip


def _fill_percent(values: dict[str, float]) -> Decimal | None:
    for key in FILL_KEYS:
        if key in values:
            value = float(values[key])
            percent = value * 100 if key == "fillingLevel" else value
            if 0 <= percent <= 100:
                return Decimal(str(round(percent, 1)))
            return None
    return None


def on_telemetry(*, organization: Organization, readings, now: dt.datetime | None = None) -> None:
    """The telemetry listener (`AppContract.telemetry_listeners`): the latest fill level of each bin sensor
    on a stop; a bin at 80 % or more makes the stop a priority until the next trip empties it."""
    latest: dict[int, tuple[dt.datetime, Decimal]] = {}
    for r in readings:
        percent = _fill_percent(r.values)
        if percent is None:
            continue
        if r.device.pk not in latest or r.time > latest[r.device.pk][0]:
            latest[r.device.pk] = (r.time, percent)
    if not latest:
        return
    stops = Stop.objects.filter(organization=organization, device_id__in=among(latest)).order_by("pk")
    with transaction.atomic():
        for stop in stops.select_for_update():
            at, percent = latest[stop.device_id]
            if stop.fill_at is not None and stop.fill_at >= at:
                continue  # an older reading arriving late
            stop.fill_percent = percent
            stop.fill_at = at
            if percent >= FULL_PERCENT:
                stop.priority = Priority.HIGH
            stop.save(update_fields=["fill_percent", "fill_at", "priority"])


def missed_collections_dispatch(
    *, organization: Organization | None = None, now: dt.datetime | None = None
) -> int:
    """Open reports of a missed collection near a route's stop, not yet handed over: each goes to the route's
    crew (the case moves to the crew's department, same category) and is remembered. Safe to repeat on any
    worker: the case's row lock and the one-row-per-case constraint keep it to once. Returns how many."""
    now = now or timezone.now()
    cases = Case.objects.filter(
        category__code__in=MISSED_CATEGORIES,
        is_open=True,
        location__isnull=False,
        created_at__gte=now - MISSED_LOOKBACK,
        duplicate_of__isnull=True,
    ).exclude(pk__in=MissedCollection.objects.values("case_id"))
    if organization is not None:
        cases = cases.filter(organization=organization)
    done = 0
    for case in cases.select_related("organization", "category", "department").order_by("pk")[:500]:
        stop = (
            Stop.objects.filter(
                organization_id=case.organization_id,
                location__distance_lte=(case.location, D(m=MISSED_RADIUS_M)),
            )
            .annotate(distance=Distance("location", case.location))
            .select_related("route__crew")
            .order_by("distance", "pk")
            .first()
        )
        if stop is None:
            continue
        try:
            with transaction.atomic():
                MissedCollection.objects.create(
                    organization_id=case.organization_id,
                    case=case,
                    route=stop.route,
                    stop=stop,
                    distance_m=int(stop.distance.m),
                    dispatched_at=now,
                )
                if case.department_id != stop.route.crew_id:
                    case_change_category(
                        actor=SYSTEM, case=case, category=case.category, department=stop.route.crew, now=now
                    )
        except IntegrityError:
            continue  # another worker handed it over first
        done += 1
    return done
