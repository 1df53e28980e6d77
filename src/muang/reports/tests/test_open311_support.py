"""Helpers for the Open311 tests: a town with services and questions, and a client that speaks GeoReport v2."""

from dataclasses import dataclass
from xml.etree import ElementTree as ET

from django.conf import settings
from django.test import Client

from muang.cases.models import CaseCategory
from muang.cases.tests.conftest import Town, make_town
from muang.cases.tests.factories import CaseCategoryFactory
from muang.core.access import SYSTEM
from muang.core.services import api_token_create
from muang.reports.models import CategoryQuestion
from muang.reports.permissions import ReportScope

BASE = "/open311/v2"


@dataclass
class Open311Town:
    town: Town
    noise: CaseCategory  # sensitive, with questions
    key: str  # reports:submit


def english_client() -> Client:
    """Open311 answers follow the language switch like every page (Thai first); the tests read English.

    Test modules register it with `client = pytest.fixture(english_client, name="client")`."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def open311_town() -> Open311Town:
    town = make_town()
    noise = CaseCategoryFactory(
        organization=town.org,
        code="noise",
        name_th="เสียงรบกวน",
        name_en="Noise",
        default_department=town.health,
        is_sensitive=True,
    )
    CategoryQuestion.objects.create(
        organization=town.org,
        category=noise,
        code="when",
        description="เกิดขึ้นช่วงเวลาใด",
        datatype=CategoryQuestion.Datatype.SINGLEVALUELIST,
        required=True,
        values=[{"key": "night", "name": "กลางคืน"}, {"key": "day", "name": "กลางวัน"}],
        order=1,
    )
    CategoryQuestion.objects.create(
        organization=town.org,
        category=noise,
        code="decibels",
        description="ดังกี่เดซิเบล",
        datatype="number",
        order=2,
    )
    _token, key = api_token_create(
        actor=SYSTEM, organization=town.org, name="app", scopes=[ReportScope.REPORTS_SUBMIT]
    )
    return Open311Town(town=town, noise=noise, key=key)


def inside(town: Town) -> tuple[float, float]:
    point = town.org.boundary.point_on_surface
    return point.y, point.x


def post_request(client: Client, fmt: str = "json", headers: dict | None = None, **data):
    return client.post(f"{BASE}/requests.{fmt}", data=data, **(headers or {}))


def xml(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    return ET.fromstring(response.content)  # noqa: S314 (our own output)


def assert_errors(response, status: int, *fragments: str) -> list[dict]:
    assert response.status_code == status, response.content
    body = response.json()
    assert isinstance(body, list) and body and all(set(e) == {"code", "description"} for e in body)
    assert all(e["code"] == status for e in body)
    text = " ".join(e["description"] for e in body)
    for fragment in fragments:
        assert fragment in text, text
    return body
