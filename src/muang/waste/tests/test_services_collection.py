"""Routes, trips, bin-fill readings, and missed-collection reports reaching the route's crew."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from muang.cases.services.setup import seed_statuses
from muang.cases.tests.factories import CaseCategoryFactory, bkk, submit_case
from muang.core.access import SYSTEM
from muang.core.errors import AccessDenied, InvalidInput
from muang.core.tests.factories import DepartmentFactory
from muang.iot.services.ingest import Reading
from muang.iot.tests.factories import air_profile, device
from muang.waste.models import MissedCollection, Priority, Stop
from muang.waste.panels import missed_panel
from muang.waste.selectors import crew_day, crew_routes, stops_of
from muang.waste.services.collection import (
    missed_collections_dispatch,
    on_telemetry,
    route_create,
    trip_record,
)

pytestmark = pytest.mark.django_db
NOW = bkk(2026, 11, 23, 9)  # a Monday


def test_a_route_keeps_its_stops_in_order_and_refuses_bad_input(town):
    assert [s.name for s in stops_of(town.route)] == ["หน้าตลาด", "ซอยวัด", "ท้ายซอย"]
    with pytest.raises(InvalidInput) as e:
        route_create(
            actor=town.health_officer,
            organization=town.org,
            code="R1",
            name="",
            crew_code="nope",
            weekdays=[7],
            stops=[{"name": "", "lat": 95, "lon": 200}],
        )
    assert set(e.value.field_errors) == {"name", "crew", "weekdays", "stops.0.name", "stops.0.location"}
    with pytest.raises(InvalidInput) as e:
        route_create(
            actor=town.health_officer,
            organization=town.org,
            code="R1",
            name="x",
            crew_code="health-env",
            weekdays=[1],
        )
    assert "code" in e.value.field_errors
    with pytest.raises(AccessDenied):
        route_create(
            actor=town.finance_head,
            organization=town.org,
            code="R2",
            name="x",
            crew_code="health-env",
            weekdays=[1],
        )


def test_a_full_bin_raises_its_stop_until_the_trip_empties_it(town):
    profile = air_profile(town.org, name="bin sensor")
    sensor, _credential = device(town.org, profile, serial="BIN-1")
    other, _credential = device(town.org, profile, serial="BIN-2")
    stop = Stop.objects.get(route=town.route, seq=3)
    stop.device = sensor
    stop.save(update_fields=["device"])
    t = timezone.now() - dt.timedelta(minutes=5)
    on_telemetry(
        organization=town.org,
        readings=[
            Reading(device=sensor, time=t, values={"fillingLevel": 0.9}),
            Reading(device=sensor, time=t - dt.timedelta(hours=1), values={"fillingLevel": 0.2}),
            Reading(device=other, time=t, values={"fillingLevel": 1.0}),
        ],
    )
    stop.refresh_from_db()
    assert stop.fill_percent == Decimal("90.0") and stop.priority == Priority.HIGH
    assert [s.seq for s in stops_of(town.route)] == [3, 1, 2]  # the full bin first
    # A late older reading changes nothing; a reading out of range is ignored.
    on_telemetry(
        organization=town.org,
        readings=[Reading(device=sensor, time=t - dt.timedelta(hours=2), values={"fill": 10})],
    )
    on_telemetry(
        organization=town.org,
        readings=[Reading(device=sensor, time=t + dt.timedelta(minutes=1), values={"fill": 250})],
    )
    stop.refresh_from_db()
    assert stop.fill_percent == Decimal("90.0")
    trip = trip_record(
        actor=town.health_officer, route=town.route, day=timezone.localdate(), stops_collected=3
    )
    assert trip.stops_collected == 3
    stop.refresh_from_db()
    assert stop.priority == Priority.NORMAL
    with pytest.raises(InvalidInput) as e:
        trip_record(actor=town.health_officer, route=town.route, day=timezone.localdate(), stops_collected=3)
    assert "day" in e.value.field_errors
    with pytest.raises(InvalidInput) as e:
        trip_record(actor=town.health_officer, route=town.route, day=dt.date(2026, 1, 5), stops_collected=4)
    assert "stops_collected" in e.value.field_errors


def test_a_missed_collection_report_reaches_the_routes_crew(town):
    seed_statuses(town.org)
    desk = DepartmentFactory(organization=town.org, code="palad")
    garbage = CaseCategoryFactory(organization=town.org, code="garbage", default_department=desk)
    near_stop = Stop.objects.get(route=town.route, seq=2).location
    case = submit_case(garbage, now=NOW, location=near_stop, description="รถขยะไม่มาเก็บ")
    far = submit_case(garbage, now=NOW, location=town.point(399), description="ขยะตกค้าง")
    assert case.department == desk
    assert missed_collections_dispatch(organization=town.org, now=NOW) == 1
    assert missed_collections_dispatch(organization=town.org, now=NOW) == 0  # once
    case.refresh_from_db()
    far.refresh_from_db()
    assert case.department == town.health and far.department == desk
    missed = MissedCollection.objects.get()
    assert missed.route == town.route and missed.stop.seq == 2 and missed.distance_m < 5
    # On the crew's phone, under its stop; on the case page, the route's panel.
    assert list(crew_routes(actor=town.health_officer, organization=town.org)) == [town.route]
    day = crew_day(actor=town.health_officer, organization=town.org, route=town.route, day=NOW.date())
    assert day.runs_today and [m.case for m in day.stops[1].missed] == [case]
    panel = missed_panel(actor=SYSTEM, case=case)
    assert panel.context["route"] == "สายตลาดสด" and panel.context["crew"] == "กองสาธารณสุขและสิ่งแวดล้อม"
    assert missed_panel(actor=SYSTEM, case=far) is None
