"""Simulate the demo's wristbands and units' trackers over OsmAnd: `manage.py ems_simulate --url http://…`."""

import threading
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from muang.ems.models import Incident, Step, Unit, Wristband
from muang.ems.simulator import SimTracker, band_report, http_getter, unit_report


class Command(BaseCommand):
    help = (
        "Send the demo organisation's wristbands and units' positions (and the odd SOS or fall) over OsmAnd."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="the running Muang")
        parser.add_argument("--org", default="chumphae")
        parser.add_argument("--interval", type=float, default=10.0, help="seconds between reports")
        parser.add_argument("--once", action="store_true", help="one round, then stop")
        parser.add_argument("--seed", type=int, default=13)

    def handle(self, *args, url, org, interval, once, seed, **options):
        get = http_getter(url, org)
        stop = threading.Event()
        while not stop.is_set():
            started = time.monotonic()
            now = timezone.now().replace(microsecond=0)
            codes: dict[int, int] = {}
            bands = Wristband.objects.filter(organization__slug=org, active=True).select_related(
                "device", "person"
            )
            for band in bands:
                home = band.person.location
                if home is None:
                    continue
                tracker = SimTracker(band.device.serial, (home.y, home.x))
                code = get(band_report(tracker, now, seed=seed))
                codes[code] = codes.get(code, 0) + 1
            units = Unit.objects.filter(organization__slug=org, device__isnull=False).select_related("device")
            for unit in units:
                mission = (
                    Incident.objects.filter(unit=unit, step__in=[Step.DISPATCHED, Step.ROLLING])
                    .order_by("-dispatched_at")
                    .first()
                )
                target = (mission.location.y, mission.location.x) if mission else None
                tracker = SimTracker(unit.device.serial, (unit.base.y, unit.base.x), target, band=False)
                code = get(
                    unit_report(tracker, now, started=mission.dispatched_at if mission else None, seed=seed)
                )
                codes[code] = codes.get(code, 0) + 1
            self.stdout.write(f"{now:%H:%M:%S} " + " ".join(f"{c}×{n}" for c, n in sorted(codes.items())))
            if once:
                break
            stop.wait(max(0.0, interval - (time.monotonic() - started)))
