"""The demo: 1,500 poles in nonsaat, the iot demo's 50 controllers on the first 50, every group scheduled, a
tariff; loaded once."""

import pytest

from muang.core.demo import load_demo
from muang.iot.demo import load_demo_iot
from muang.lighting.demo import POLES, load_demo_lighting
from muang.lighting.models import Circuit, Pole, ScheduleStep, Tariff

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(areas, tmp_path):
    load_demo()
    load_demo_iot(path=tmp_path / "iot.json", broker_dir=tmp_path / "mqtt")
    return load_demo_lighting()


def test_the_demo_town_gets_its_poles_controllers_schedules_and_tariff_once(demo):
    assert demo == POLES == Pole.objects.count()
    assert Pole.objects.filter(device__isnull=False).count() == 50
    assert Circuit.objects.count() == POLES // 50
    assert ScheduleStep.objects.values("group").distinct().count() == 3
    assert Tariff.objects.count() == 1
    assert load_demo_lighting() == 0
