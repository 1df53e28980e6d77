"""The environment demo (deterministic, once): a station record for each demo air station and river gauge of the
iot demo (`iot.devices`), with gauge levels that the simulator's rising river crosses (the first gauge of
อบต.นาหนองทุ่ม climbs about 3.2 m in the afternoon storm: past 3.5 m alert and 4.5 m danger) and PM2.5 bands that
its haze episode crosses (ชุมแพ and โนนสะอาด, 06:00-13:00: past 37.5 µg/m³), and a few LINE followers."""

from muang.core.access import SYSTEM
from muang.core.models import Organization
from muang.environment.models import Station
from muang.environment.services import follow_start, station_create
from muang.iot.models import Device

AIR_PROFILE = "สถานีตรวจวัดคุณภาพอากาศ"
GAUGE_PROFILE = "เครื่องวัดระดับน้ำ (LoRaWAN)"
BANK, ALERT, DANGER, RISE = 4.8, 3.5, 4.5, 0.5  # metres, metres, metres, m/h
# (organisation, LINE user id, follows): the whole organisation, one station, the area around a station.
FOLLOWERS = [
    ("chumphae", "Udemo00000000000000000000000000001", None, None),
    ("chumphae", "Udemo00000000000000000000000000002", 0, None),
    ("nonsaat", "Udemo00000000000000000000000000003", 0, 3000),
    ("nanongthum", "Udemo00000000000000000000000000004", None, None),
]


def load_demo_environment() -> int:
    devices = list(
        Device.objects.filter(profile__name__in=[AIR_PROFILE, GAUGE_PROFILE])
        .select_related("profile", "organization")
        .order_by("organization__slug", "serial")
    )
    if not devices or Station.objects.filter(device__in=devices).exists():
        return 0
    created = 0
    for device in devices:
        air = device.profile.name == AIR_PROFILE
        levels = (
            {}
            if air
            else {"bank_level": BANK, "alert_level": ALERT, "danger_level": DANGER, "rise_alert": RISE}
        )
        station_create(
            actor=SYSTEM,
            organization=device.organization,
            device_id=device.pk,
            kind=Station.Kind.AIR if air else Station.Kind.WATER,
            name=device.name,
            name_en=device.serial,
            **levels,
        )
        created += 1
    for slug, line_user_id, index, radius_m in FOLLOWERS:
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            continue
        stations = list(Station.objects.filter(organization=organization).order_by("kind", "name"))
        station = stations[index] if index is not None and stations else None
        follow_start(organization=organization, line_user_id=line_user_id, station=station, radius_m=radius_m)
    return created
