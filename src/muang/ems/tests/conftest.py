import datetime as dt

import pytest

from muang.core.access import SYSTEM, Actor
from muang.core.models import Duty, Role
from muang.core.tests.factories import OrganizationFactory, member
from muang.ems.services.incidents import incident_create
from muang.ems.services.units import unit_create

NOW = dt.datetime(2026, 3, 2, 19, 0, tzinfo=dt.UTC)  # 2 a.m. in Chumphae
CHUMPHAE = (16.54, 102.10)


@pytest.fixture
def org(areas):
    return OrganizationFactory(boundary=None)


@pytest.fixture
def dispatcher(org) -> Actor:
    return Actor(user=member(org, Role.OFFICER, duties=[Duty.EMERGENCY_MEDICAL]))


def make_unit(org, call_sign: str, lat: float, lon: float, **kwargs):
    return unit_create(actor=SYSTEM, organization=org, call_sign=call_sign, lat=lat, lon=lon, **kwargs)


def make_incident(
    org, *, criterion: str = "6-red-1", lat: float = CHUMPHAE[0], lon: float = CHUMPHAE[1], **kw
):
    kw.setdefault("received_at", NOW)
    kw.setdefault("now", NOW)
    return incident_create(
        actor=SYSTEM,
        organization=org,
        caller_name="บุญมี",
        caller_phone="0812345678",
        lat=lat,
        lon=lon,
        criterion=criterion,
        **kw,
    )


DAUGHTER_LINE = "U" + "d" * 32


def make_person(org, n: int = 1):
    """A person of the care register with a home at CHUMPHAE."""
    from muang.care.services.people import person_create
    from muang.care.tests.helpers import TODAY, person_data

    return person_create(
        actor=SYSTEM, organization=org, today=TODAY, **person_data(n, lat=CHUMPHAE[0], lon=CHUMPHAE[1])
    )


def make_band(org, *, n: int = 1, serial: str = "IMEI0001", **rules):
    """A person of the care register (home at CHUMPHAE) wearing a band with `rules`."""
    from muang.ems.services.wristbands import wristband_create

    person = make_person(org, n)
    rules.setdefault("medical_summary", "เบาหวาน ความดันสูง แพ้ยาเพนิซิลลิน")
    rules.setdefault("family_line", [{"name": "สมศรี", "relation": "ลูกสาว", "line_user_id": DAUGHTER_LINE}])
    return wristband_create(actor=SYSTEM, organization=org, person=person, serial=serial, **rules)


def osmand_get(client, org, **params):
    from urllib.parse import urlencode

    return client.get(f"/osmand/{org.slug}?{urlencode(params)}")
