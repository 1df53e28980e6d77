"""From readings to LINE pushes: the station's level kept in the database with hysteresis, one alert per
follower when a band is crossed up, one all-clear when it falls back, nothing for repeated readings, and the
followers of a station, an area or the whole organisation, each once, only in their organisation."""

import datetime as dt

import pytest

from muang.core.models import Citizen, Notification
from muang.environment.models import Station, StationAlert
from muang.environment.selectors import aqi_bands
from muang.environment.services import follow_start, station_evaluate

from .conftest import NOW, make_city, pm, water

pytestmark = pytest.mark.django_db
MIN = dt.timedelta(minutes=1)
USERS = [f"U{i:032d}" for i in range(4)]


def pushes(user: str | None = None):
    rows = Notification.objects.filter(channel=Notification.Channel.LINE_PUSH, subject__startswith="env:")
    return list(rows.filter(recipient=user) if user else rows)


def state(station) -> Station:
    return Station.objects.get(pk=station.pk)


def test_pm25_hovering_at_the_threshold_sends_one_alert_and_falling_back_one_all_clear(city):
    follow_start(organization=city.org, line_user_id=USERS[0], station=city.air)
    t = NOW - dt.timedelta(hours=3)
    for i in range(60):  # an hour of clean air: yellow at most, nothing sent
        pm(city, 30.0, t + i * MIN)
    assert state(city.air).level == 2 and not pushes()
    t += dt.timedelta(hours=1)
    # The hourly mean climbs over 37.5 and hovers there: 37.4, 37.6, 37.5, 37.7, 37.3 ...
    for i, value in enumerate([45.0] * 40 + [36.0, 37.0, 38.0, 37.0, 38.0, 36.0] * 5):
        pm(city, value, t + i * MIN)
    assert state(city.air).level == 3
    assert len(pushes(USERS[0])) == 1
    assert StationAlert.objects.filter(station=city.air, kind="alert").count() == 1
    text = pushes(USERS[0])[0].messages[0]["text"]
    assert "สถานีอากาศ ตลาดสด" in text and "เริ่มมีผลกระทบต่อสุขภาพ" in text
    t += dt.timedelta(minutes=70)
    for i in range(90):  # the air clears
        pm(city, 12.0, t + i * MIN)
    assert state(city.air).level < 3
    sent = pushes(USERS[0])
    assert len(sent) == 2 and StationAlert.objects.filter(station=city.air, kind="all_clear").count() == 1
    assert "ปานกลาง" in sent[1].messages[0]["text"] or "ดี" in sent[1].messages[0]["text"]


def test_a_rise_from_orange_to_red_is_another_alert_and_red_to_orange_is_not(city):
    follow_start(organization=city.org, line_user_id=USERS[0], station=city.air)
    pm(city, 50.0, NOW - 3 * MIN)
    pm(city, 200.0, NOW - 2 * MIN)  # hourly mean (50 + 200) / 2 = 125: red
    pm(city, 10.0, NOW - MIN)  # mean 86.7: still red (hysteresis)
    pm(city, 10.0, NOW)  # mean 67.5: orange, no push
    assert [a.kind for a in StationAlert.objects.order_by("at")] == ["alert", "alert"]
    assert len(pushes()) == 2 and state(city.air).level == 3


def test_a_repeated_or_older_reading_sends_nothing_again(city):
    follow_start(organization=city.org, line_user_id=USERS[0], station=city.air)
    pm(city, 50.0, NOW)
    station = state(city.air)
    figures = {"pm25_1h": 50.0}
    for at in (NOW, NOW - MIN):
        assert (
            station_evaluate(
                organization=city.org, station_id=station.pk, at=at, figures=figures, bands=aqi_bands()
            )
            == 0
        )
    assert len(pushes()) == 1


def test_followers_of_the_station_an_area_around_it_and_the_whole_organisation_each_hear_once(city, areas):
    Citizen.objects.create(line_user_id=USERS[3], preferred_language="en")
    follow_start(organization=city.org, line_user_id=USERS[0], station=city.air)
    follow_start(organization=city.org, line_user_id=USERS[0])  # the same person, also everything: once
    follow_start(
        organization=city.org, line_user_id=USERS[1], station=city.gauge, radius_m=3000
    )  # 1.5 km away
    follow_start(organization=city.org, line_user_id=USERS[2], station=city.far, radius_m=3000)  # 11 km away
    follow_start(
        organization=city.org, line_user_id=USERS[3], citizen=Citizen.objects.get(line_user_id=USERS[3])
    )
    other = make_city(lon=102.2)
    follow_start(organization=other.org, line_user_id="U" + "9" * 32)  # another organisation's follower
    pm(city, 60.0, NOW)
    assert sorted(n.recipient for n in pushes()) == [USERS[0], USERS[1], USERS[3]]
    english = pushes(USERS[3])[0].messages[0]["text"]
    assert "Air quality alert" in english and "Starting to affect health" in english


def test_the_water_gauge_alerts_on_its_level_and_its_rise_rate_then_all_clear(city):
    follow_start(organization=city.org, line_user_id=USERS[0], station=city.gauge)
    start = NOW - dt.timedelta(hours=4)
    for i in range(13):  # steady at 2.0 m for an hour
        water(city, 2.0, start + i * 5 * MIN)
    assert state(city.gauge).level == 0 and not pushes()
    t = start + dt.timedelta(hours=1)
    for i in range(1, 13):  # rising 0.9 m/h, still under the alert level
        water(city, 2.0 + 0.9 * i / 12, t + i * 5 * MIN)
    gauge = state(city.gauge)
    assert gauge.level == 1 and gauge.rise_rate == pytest.approx(0.9, abs=0.1)
    assert len(pushes()) == 1
    t += dt.timedelta(hours=1)
    for i in range(1, 13):  # over the danger level
        water(city, 2.9 + 2.0 * i / 12, t + i * 5 * MIN)
    assert state(city.gauge).level == 2 and len(pushes()) == 2
    t += dt.timedelta(hours=1)
    for i in range(1, 25):  # back down and steady
        water(city, 2.0, t + i * 5 * MIN)
    assert state(city.gauge).level == 0
    assert [a.kind for a in StationAlert.objects.filter(station=city.gauge).order_by("at")] == [
        "alert",
        "alert",
        "all_clear",
    ]
    assert len(pushes()) == 3


def test_a_station_that_is_not_public_cannot_be_followed(city):
    Station.objects.filter(pk=city.air.pk).update(is_public=False)
    from muang.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        follow_start(organization=city.org, line_user_id=USERS[0], station=state(city.air))
