"""A citizen's report of a dark street light (the street-light category) within 30 m of a pole with an open fault
case joins that case (web and Open311, through the cases create service) instead of opening another, and the
citizen hears when the case is resolved."""

import pytest
from django.test import Client

from muang.cases.models import Case, Channel, SystemStatus
from muang.cases.services import case_change_status
from muang.core.access import SYSTEM
from muang.core.models import Notification
from muang.core.services import api_token_create
from muang.lighting.models import Fault
from muang.lighting.tests.helpers import NIGHT, STEP_DEG, lit, lit_town, place, pole
from muang.reports.permissions import ReportScope

pytestmark = pytest.mark.django_db


@pytest.fixture
def lt(areas):
    lt = lit_town()
    lt.pole = pole(lt, 1)
    lit(lt.pole, NIGHT, power_w=1.5, lamp_failure=True)
    lt.fault_case = Fault.objects.get().case
    return lt


def web_report(client: Client, lt, lat: float, lon: float, key: str):
    return client.post(
        "/r/",
        {
            "lat": f"{lat:.6f}",
            "lon": f"{lon:.6f}",
            "category": lt.town.category.code,
            "description": "ไฟถนนหน้าบ้านดับมาสองคืนแล้วค่ะ",
            "contact_name": "สมศรี",
            "contact_phone": "0812345678",
            "contact_email": "",
            "idempotency_key": key * 32,
        },
    )


def test_a_web_report_near_the_faulty_pole_joins_its_case_and_hears_when_it_is_fixed(client, lt):
    near = place(lt, 1)
    response = web_report(client, lt, near.y + 0.0001, near.x, "a")  # about 11 m north of the pole
    assert response.status_code in (200, 302), response.content[:500]
    report = Case.objects.get(channel=Channel.WEB)
    assert report.duplicate_of == lt.fault_case and report.attributes.get("joined") is True
    assert not report.is_open and report.status.code == SystemStatus.DUPLICATE
    assert Case.objects.filter(organization=lt.org, is_open=True).count() == 1  # still the one repair case
    before = Notification.objects.count()
    case_change_status(actor=lt.town.admin, case=lt.fault_case, status="resolved", message="เปลี่ยนหลอดแล้ว")
    sent = Notification.objects.order_by("pk")[before:]
    told = [n for n in sent if "0812345678" in n.recipient or "812345678" in n.recipient]
    assert len(told) == 1
    assert report.tracking_code in str(told[0].messages)


def test_a_report_further_than_30_m_or_of_another_category_is_a_case_of_its_own(client, lt):
    far = place(lt, 10)  # about 300 m away
    web_report(client, lt, far.y, far.x + STEP_DEG, "b")
    assert Case.objects.get(channel=Channel.WEB).is_open
    assert Case.objects.get(channel=Channel.WEB).duplicate_of is None


def test_an_open311_report_near_the_faulty_pole_joins_its_case(lt):
    _token, key = api_token_create(
        actor=SYSTEM, organization=lt.org, name="app", scopes=[ReportScope.REPORTS_SUBMIT]
    )
    near = place(lt, 1)
    response = Client().post(
        "/open311/v2/requests.json",
        data={
            "api_key": key,
            "jurisdiction_id": lt.org.slug,
            "service_code": lt.town.category.code,
            "lat": str(near.y),
            "long": str(near.x + 0.0001),
            "description": "ไฟดับหน้าโรงเรียน",
            "phone": "0898765432",
        },
    )
    assert response.status_code == 201, response.content
    (answer,) = response.json()
    report = Case.objects.get(tracking_code=answer["service_request_id"])
    assert report.channel == Channel.OPEN311 and report.duplicate_of == lt.fault_case


def test_once_the_fault_case_is_resolved_a_new_report_is_a_case_of_its_own(client, lt):
    case_change_status(actor=lt.town.admin, case=lt.fault_case, status="resolved", message="ซ่อมแล้ว")
    near = place(lt, 1)
    web_report(client, lt, near.y, near.x, "c")
    assert Case.objects.get(channel=Channel.WEB).duplicate_of is None
