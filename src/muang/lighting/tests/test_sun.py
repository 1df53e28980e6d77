"""Sunrise and sunset with astral at a fixed date and place (Khon Kaen city, Asia/Bangkok)."""

import datetime as dt

from muang.core.thai_dates import BANGKOK
from muang.lighting.sun import is_night, sun_times

KHON_KAEN = (16.4419, 102.8360)


def minutes(t: dt.datetime) -> int:
    return t.hour * 60 + t.minute


def test_sunset_and_sunrise_in_khon_kaen_on_a_fixed_date():
    # Published almanac times for Khon Kaen (within two minutes: refraction and the city centre chosen).
    for day, rise, set_ in (
        (dt.date(2026, 6, 21), (5, 38), (18, 44)),
        (dt.date(2026, 12, 21), (6, 32), (17, 40)),
    ):
        sunrise, sunset = sun_times(*KHON_KAEN, day)
        assert sunrise.utcoffset() == dt.timedelta(hours=7)
        assert abs(minutes(sunrise) - (rise[0] * 60 + rise[1])) <= 2
        assert abs(minutes(sunset) - (set_[0] * 60 + set_[1])) <= 2


def test_night_day_and_the_twilight_margin():
    day = dt.date(2026, 3, 2)
    _sunrise, sunset = sun_times(*KHON_KAEN, day)
    assert is_night(*KHON_KAEN, dt.datetime(2026, 3, 2, 12, tzinfo=BANGKOK)) is False
    assert is_night(*KHON_KAEN, dt.datetime(2026, 3, 2, 23, tzinfo=BANGKOK)) is True
    assert is_night(*KHON_KAEN, sunset + dt.timedelta(minutes=10)) is None  # twilight: either is fine
