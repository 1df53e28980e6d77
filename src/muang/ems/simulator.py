"""The wristbands and the units' trackers of the demo, simulated over Traccar's OsmAnd protocol (the path a real
band or a Traccar forwarder takes): `manage.py ems_simulate`. The simulation is pure and reproducible (a seed and
the clock give every position); the command posts what it gives to /osmand/<org>.

A band wanders within a few tens of metres of its wearer's home in the daytime and stays still at night; about
one band in 2,000 presses SOS in a given report and one in 4,000 reports a fall. A unit on a mission drives
towards its incident; an available one waits at its base."""

from __future__ import annotations

import datetime as dt
import math
import random
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from muang.core.thai_dates import BANGKOK

SOS_RATE = 1 / 2000
FALL_RATE = 1 / 4000
FORGOT_CHARGE_RATE = 0.02
METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class SimTracker:
    serial: str
    home: tuple[float, float]  # lat, lon: a wearer's home, a unit's base
    target: tuple[float, float] | None = None  # a unit on a mission: where it is going
    band: bool = True


def _rng(seed: int, *parts) -> random.Random:
    return random.Random(":".join(str(p) for p in (seed, *parts)))  # noqa: S311 (a simulation, reproducible)


def _battery(serial: str, now: dt.datetime, *, seed: int) -> int:
    """A band's charge (%): put on the charger every morning around 07:00 and drained about 3 % an hour, so a
    normal day ends near 30 %; now and then (FORGOT_CHARGE_RATE of the band-days) it was not charged and runs low,
    which is the board's "battery low" alert, not one band in six at once."""
    local = now.astimezone(BANGKOK)
    charged_at = 7 + _rng(seed, serial).uniform(0, 2)  # hour of the morning this wearer charges
    hours = (local.hour + local.minute / 60 - charged_at) % 24
    day = (local - dt.timedelta(hours=charged_at)).date()
    if _rng(seed, serial, day.isoformat()).random() < FORGOT_CHARGE_RATE:
        hours += 24
    return max(5, round(100 - 3 * hours))


def band_report(tracker: SimTracker, now: dt.datetime, *, seed: int) -> dict[str, str]:
    """One OsmAnd report of a wristband at `now` (parameters as strings)."""
    rng = _rng(seed, tracker.serial, int(now.timestamp()) // 10)
    hour = now.astimezone(BANGKOK).hour
    awake = 6 <= hour < 21
    reach = 40.0 if awake else 3.0  # metres around home
    angle, dist = rng.uniform(0, 2 * math.pi), rng.uniform(0, reach)
    lat = tracker.home[0] + dist * math.sin(angle) / METRES_PER_DEGREE
    lon = tracker.home[1] + dist * math.cos(angle) / (
        METRES_PER_DEGREE * math.cos(math.radians(tracker.home[0]))
    )
    params = {
        "id": tracker.serial,
        "lat": f"{lat:.6f}",
        "lon": f"{lon:.6f}",
        "timestamp": str(int(now.timestamp())),
        "batt": str(_battery(tracker.serial, now, seed=seed)),
        "heartRate": str(rng.randint(62, 88) if awake else rng.randint(52, 66)),
        "accuracy": str(rng.randint(3, 15)),
    }
    roll = rng.random()
    if roll < FALL_RATE:
        params["alarm"] = "fallDown"
    elif roll < FALL_RATE + SOS_RATE:
        params["alarm"] = "sos"
    return params


def unit_report(
    tracker: SimTracker, now: dt.datetime, *, started: dt.datetime | None, seed: int
) -> dict[str, str]:
    """One OsmAnd report of a unit's tracker: at its base, or on the way to its target at ~40 km/h."""
    lat, lon = tracker.home
    speed = 0.0
    if tracker.target is not None and started is not None:
        total = math.dist(tracker.home, tracker.target) * METRES_PER_DEGREE
        done = min(1.0, (now - started).total_seconds() * 11.0 / max(total, 1.0))
        lat = tracker.home[0] + (tracker.target[0] - tracker.home[0]) * done
        lon = tracker.home[1] + (tracker.target[1] - tracker.home[1]) * done
        speed = 0.0 if done >= 1 else 40 / 1.852  # knots, as OsmAnd sends
    return {
        "id": tracker.serial,
        "lat": f"{lat:.6f}",
        "lon": f"{lon:.6f}",
        "timestamp": str(int(now.timestamp())),
        "speed": f"{speed:.1f}",
        "batt": "100",
    }


def http_getter(base_url: str, org: str, timeout: float = 5) -> Callable[[dict], int]:
    def get(params: dict) -> int:
        url = f"{base_url.rstrip('/')}/osmand/{org}?{urlencode(params)}"  # our own server, from the command line
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
                return response.status
        except urllib.error.HTTPError as e:
            return e.code

    return get
