"""Sunrise and sunset at an organisation's place (astral), in Asia/Bangkok: when a street light should be lit.

Thailand lies between 5° and 21° N: the sun rises and sets every day of the year, so astral never raises its
"sun never sets" errors here."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from astral import LocationInfo
from astral.sun import sun

from muang.core.models import Organization
from muang.core.thai_dates import BANGKOK

# A lamp switched by a photocell or a schedule may lead or lag the sun by this much without being a fault.
TWILIGHT_MARGIN = dt.timedelta(minutes=30)


def place_of(organization: Organization) -> tuple[float, float]:
    """(lat, lon) of the organisation: its boundary's centre (Khon Kaen province's when it has none)."""
    if organization.boundary:
        centre = organization.boundary.centroid
        return round(centre.y, 4), round(centre.x, 4)
    return 16.4419, 102.8360


@lru_cache(maxsize=4096)
def sun_times(lat: float, lon: float, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """(sunrise, sunset) on `day` (a Bangkok date) at the place, aware Bangkok times."""
    info = LocationInfo(latitude=lat, longitude=lon, timezone="Asia/Bangkok")
    times = sun(info.observer, date=day, tzinfo=BANGKOK)
    return times["sunrise"], times["sunset"]


def is_night(
    lat: float, lon: float, at: dt.datetime, *, margin: dt.timedelta = TWILIGHT_MARGIN
) -> bool | None:
    """True in the dark (after sunset + margin, before sunrise - margin), False in daylight (after sunrise +
    margin, before sunset - margin), None in the twilight margins, when a lamp may be either."""
    local = at.astimezone(BANGKOK)
    sunrise, sunset = sun_times(lat, lon, local.date())
    if sunrise + margin <= local <= sunset - margin:
        return False
    if local >= sunset + margin or local <= sunrise - margin:
        return True
    return None
