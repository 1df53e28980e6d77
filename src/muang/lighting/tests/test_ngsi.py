"""The `Streetlight` NGSI-LD entity type (lighting/ngsi.py) through /ngsi-ld/v1: a pole's controller reports a
lamp failure through the ingest service and NGSI-LD shows `status: defectiveLamp`, then `ok` once it reports
normal; the entity's shape, `q`, `near`, who may read it, and tenants."""

from decimal import Decimal

import pytest
from django.test import Client

from muang.core.access import SYSTEM
from muang.core.models import Duty, Role
from muang.core.services import api_token_create
from muang.core.tests.factories import member
from muang.lighting import selectors
from muang.lighting.models import Pole, PoleGroup
from muang.lighting.tests.helpers import MIN, NIGHT, dark, lit, lit_town, pole

pytestmark = pytest.mark.django_db
E = "/ngsi-ld/v1/entities"


@pytest.fixture
def lt(areas):
    return lit_town()


def token(org, scopes=("lighting:read",)) -> str:
    return api_token_create(actor=SYSTEM, organization=org, name="ngsi", scopes=list(scopes))[1]


def get(path: str, org, bearer: str | None = None, client: Client | None = None):
    headers = {"HTTP_NGSILD_TENANT": org.slug, "HTTP_ACCEPT_LANGUAGE": "en"}
    if bearer:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {bearer}"
    return (client or Client()).get(path, **headers)


def entity(path: str, org, bearer: str) -> dict:
    response = get(path, org, bearer)
    assert response.status_code == 200, response.content
    return response.json()


def test_a_lamp_failure_reported_through_ingest_is_defective_lamp_then_ok(lt):
    p = pole(lt, 1)
    url = f"{E}/urn:ngsi-ld:Streetlight:{p.code}"
    lit(p, NIGHT)
    bearer = token(lt.org)
    assert entity(url, lt.org, bearer)["status"] == {"type": "Property", "value": "ok"}

    lit(p, NIGHT + 5 * MIN, power_w=1.5, lamp_failure=True)
    assert entity(url, lt.org, bearer)["status"]["value"] == "defectiveLamp"
    staff = Client()
    staff.force_login(member(lt.org, Role.OFFICER, duties=[Duty.ENGINEERING]))
    assert get(url + "?options=keyValues", lt.org, client=staff).json()["status"] == "defectiveLamp"

    lit(p, NIGHT + 10 * MIN)
    assert entity(url, lt.org, bearer)["status"]["value"] == "ok"


def test_the_entity_normalized_and_key_values(lt):
    p = pole(lt, 1)
    group = PoleGroup.objects.create(organization=lt.org, name="ถนนมิตรภาพ")
    Pole.objects.filter(pk=p.pk).update(lantern_height=Decimal("9.5"), group=group)
    lit(p, NIGHT, dim=50, power_w=50.0)
    bearer = token(lt.org)
    e = entity(f"{E}/urn:ngsi-ld:Streetlight:P-0001", lt.org, bearer)
    assert e["id"] == "urn:ngsi-ld:Streetlight:P-0001" and e["type"] == "Streetlight"
    assert e["name"]["value"] == "P-0001" and e["status"]["value"] == "ok"
    assert e["powerState"] == {"type": "Property", "value": "on", "observedAt": "2026-03-02T15:00:00.000Z"}
    assert e["illuminanceLevel"]["value"] == 0.5 and e["illuminanceLevel"]["unitCode"] == "C62"
    assert e["powerConsumption"]["value"] == 50.0 and e["powerConsumption"]["unitCode"] == "WTT"
    assert e["lanternHeight"]["value"] == 9.5 and e["circuit"]["value"] == "C-01"
    assert e["refStreetlightGroup"] == {
        "type": "Relationship",
        "object": f"urn:ngsi-ld:StreetlightGroup:{group.pk}",
    }
    assert e["refDevice"] == {"type": "Relationship", "object": "urn:ngsi-ld:Device:SL-0001"}
    assert e["location"]["type"] == "GeoProperty" and e["location"]["value"]["type"] == "Point"
    assert "dateLastLampChange" not in e  # NULL: left out
    kv = entity(f"{E}?type=Streetlight&options=keyValues", lt.org, bearer)
    assert kv[0]["status"] == "ok" and kv[0]["powerState"] == "on" and kv[0]["illuminanceLevel"] == 0.5
    assert kv[0]["location"]["coordinates"] == pytest.approx([p.location.x, p.location.y])


def test_status_matches_the_map_for_each_kind_of_fault(lt):
    poles = [pole(lt, i) for i in range(1, 5)]
    lit(poles[0], NIGHT)
    lit(poles[1], NIGHT, power_w=1.5, lamp_failure=True)
    dark(poles[2], NIGHT)  # off at night: not lit
    views = {v.code: v.status for v in selectors.streetlights(actor=SYSTEM, organization=lt.org)}
    rows = entity(f"{E}?type=Streetlight&attrs=status&options=keyValues", lt.org, token(lt.org))
    assert {e["id"].rsplit(":", 1)[1]: e.get("status") for e in rows} == views
    assert views["P-0002"] == "defectiveLamp"


def test_q_on_status_and_a_near_query(lt):
    a, b, _c = pole(lt, 1), pole(lt, 2), pole(lt, 10)  # ~33 m apart, the third ~300 m away
    lit(a, NIGHT)
    lit(b, NIGHT, power_w=1.5, lamp_failure=True)
    bearer = token(lt.org)
    found = entity(f'{E}?type=Streetlight&q=status=="defectiveLamp"', lt.org, bearer)
    assert [e["id"] for e in found] == ["urn:ngsi-ld:Streetlight:P-0002"]
    near = f"{E}?type=Streetlight&georel=near%3BmaxDistance%3D%3D50&geometry=Point&coordinates=[{a.location.x},{a.location.y}]"
    assert [e["id"] for e in entity(near, lt.org, bearer)] == [
        "urn:ngsi-ld:Streetlight:P-0001",
        "urn:ngsi-ld:Streetlight:P-0002",
    ]


def test_anonymous_and_tokens_without_lighting_are_refused(lt):
    pole(lt, 1)
    url = f"{E}/urn:ngsi-ld:Streetlight:P-0001"
    assert get(url, lt.org).status_code == 401
    assert get(f"{E}?type=Streetlight", lt.org).status_code == 401
    assert get(url, lt.org, token(lt.org, ["cases:read"])).status_code == 403
    assert get(url, lt.org, token(lt.org, ["ngsi:read"])).status_code == 200


def test_another_organisations_poles_never_appear(lt):
    other = lit_town()
    pole(lt, 1)
    theirs = pole(other, 1)  # the same code, another tenant
    lit(theirs, NIGHT, power_w=1.5, lamp_failure=True)
    mine = entity(f"{E}?type=Streetlight&options=keyValues", lt.org, token(lt.org))
    assert [(e["id"], e["status"]) for e in mine] == [("urn:ngsi-ld:Streetlight:P-0001", "ok")]
    assert get(f"{E}?type=Streetlight", other.org, token(lt.org)).status_code == 403
