"""The IoT demo loader: what it says it creates (profiles, devices inside their organisations, alarm rules, the
LoRaWAN secrets, the credentials file at 0600, the broker's files), once."""

import stat

import pytest

from muang.core.demo import load_demo
from muang.core.models import Organization
from muang.iot.demo import LIGHTS_ORG, PROFILES, load_demo_iot, read_credentials
from muang.iot.lorawan.models import LorawanIntegration
from muang.iot.models import AlarmRule, Device, DeviceProfile
from muang.iot.services.devices import credential_matches

pytestmark = pytest.mark.usefixtures("areas")


@pytest.fixture
def demo(tmp_path):
    load_demo()
    path, broker = tmp_path / "iot-demo.json", tmp_path / "mqtt"
    return load_demo_iot(path=path, broker_dir=broker), path, broker


def counts():
    return (DeviceProfile.objects.count(), Device.objects.count(), AlarmRule.objects.count(),
            LorawanIntegration.objects.count())  # fmt: skip


def test_the_demo_creates_stations_gauges_and_lights_inside_their_organisations(demo):
    created, _path, _broker = demo
    assert created == 12 + 4 + 50
    by_profile = {
        name: Device.objects.filter(profile__name=p["name"]).count() for name, p in PROFILES.items()
    }
    assert by_profile == {"air": 12, "gauge": 4, "light": 50}
    assert set(Device.objects.filter(profile__name=PROFILES["light"]["name"]).values_list(
        "organization__slug", flat=True)) == {LIGHTS_ORG}  # fmt: skip
    for org in Organization.objects.filter(devices__isnull=False).distinct():
        inside = Device.objects.filter(organization=org, location__within=org.boundary).count()
        assert inside == Device.objects.filter(organization=org).count()
    assert set(Device.objects.exclude(dev_eui=None).values_list("profile__name", flat=True)) == {
        PROFILES["gauge"]["name"]
    }
    assert LorawanIntegration.objects.count() == 3  # the organisations with gauges


def test_the_rules_include_pm25_levels_the_danger_level_and_a_lamp_failure_case_for_the_engineers(demo):
    air = AlarmRule.objects.filter(organization__slug="chumphae", alarm_type="pm25_high").order_by("value")
    assert [(r.severity, r.value, r.duration_seconds) for r in air] == [
        ("major", 37.5, 600),
        ("critical", 75, 0),
    ]
    assert (
        AlarmRule.objects.filter(alarm_type="water_level_high", severity="critical", value=4.5).count() == 3
    )
    lamp = AlarmRule.objects.get(alarm_type="lamp_failure")
    assert lamp.organization.slug == LIGHTS_ORG and lamp.kind == "state" and lamp.value == 1
    assert lamp.case_category.code == "streetlight" and lamp.case_department.code == "engineering"
    assert lamp.case_department.name_th == "กองช่าง"
    # Every profile of every organisation watches for silent devices.
    assert AlarmRule.objects.filter(kind="silence").count() == DeviceProfile.objects.count()


def test_the_credentials_file_is_private_and_its_secrets_work(demo):
    _created, path, broker = demo
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = read_credentials(path)
    assert len(data["devices"]) == 66 and set(data["lorawan"]) == {"chumphae", "nonsaat", "nanongthum"}
    assert {d["channel"] for d in data["devices"]} == {"mqtt", "chirpstack", "tts"}
    first = data["devices"][0]
    device = Device.objects.get(organization__slug=first["org"], serial=first["serial"])
    assert credential_matches(device, first["credential"])
    passwd = (broker / "passwd").read_text()
    assert all(f"{d['credential_id']}:" in passwd for d in data["devices"])  # the broker knows them


def test_loading_again_creates_nothing_and_keeps_the_credentials(demo):
    _created, path, broker = demo
    before, text = counts(), path.read_text()
    assert load_demo_iot(path=path, broker_dir=broker) == 0
    assert counts() == before and path.read_text() == text
