"""The environment demo: a station for every demo air station and gauge (after `iot.devices`), gauge levels that
the simulator's rising river crosses, PM2.5 bands its haze episode crosses, a few followers; once."""

import datetime as dt

import pytest

from muang.core.demo import load_demo
from muang.core.registry import demo_loaders
from muang.environment.demo import load_demo_environment
from muang.environment.levels import band_for
from muang.environment.models import Follow, Station
from muang.environment.selectors import aqi_bands
from muang.iot.demo import load_demo_iot
from muang.iot.simulator import SimDevice, air_values, gauge_values

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("areas")]
BANGKOK_1800 = dt.datetime(2026, 3, 2, 11, 0, tzinfo=dt.UTC)
BANGKOK_0900 = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


def test_the_demo_makes_a_station_of_every_air_station_and_gauge_once(tmp_path):
    load_demo()
    load_demo_iot(path=tmp_path / "iot.json", broker_dir=tmp_path / "mqtt")
    assert load_demo_environment() == 16
    assert load_demo_environment() == 0
    assert Station.objects.filter(kind="air").count() == 12
    gauges = Station.objects.filter(kind="water")
    assert gauges.count() == 4
    assert all(g.alert_level < g.danger_level <= g.bank_level and g.rise_alert for g in gauges)
    assert Follow.objects.count() == 4
    names = [loader.name for loader in demo_loaders()]
    assert names.index("environment.stations") > names.index("iot.devices")

    rising = gauges.get(device__serial="GAUGE-NANONGTHUM-01")
    river = SimDevice("nanongthum", "gauge", "GAUGE-NANONGTHUM-01", "chirpstack", "x", "x")
    level, _battery = gauge_values(river, BANGKOK_1800, seed=1)
    assert level > rising.danger_level  # the afternoon storm takes the river over the danger level
    haze = SimDevice("chumphae", "air", "AQ-CHUMPHAE-01", "mqtt", "x", "x")
    hour = [air_values(haze, BANGKOK_0900 + dt.timedelta(minutes=m), seed=1)["pm2_5"] for m in range(60)]
    assert band_for(sum(hour) / 60, aqi_bands()["pm25"]).colour in {"orange", "red"}
