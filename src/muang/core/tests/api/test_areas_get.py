"""GET /api/v1/areas: DOPA areas by name or code."""

import pytest

pytestmark = pytest.mark.django_db


def test_search_by_thai_name_finds_district_and_subdistrict(client, areas):
    body = client.get("/api/v1/areas", {"q": "ชุมแพ"}).json()
    assert [(a["level"], a["code"]) for a in body][:2] == [("district", "4005"), ("subdistrict", "400501")]
    assert body[0]["full_name_th"] == "อำเภอชุมแพ จังหวัดขอนแก่น"


def test_search_by_english_name_is_case_insensitive(client, areas):
    codes = {a["code"] for a in client.get("/api/v1/areas", {"q": "khon kaen"}).json()}
    assert "40" in codes


def test_search_by_code_prefix(client, areas):
    body = client.get("/api/v1/areas", {"code": "4005", "level": "subdistrict"}).json()
    assert len(body) == 12 and all(a["parent_code"] == "4005" for a in body)


def test_digits_in_q_are_treated_as_a_code(client, areas):
    body = client.get("/api/v1/areas", {"q": "400512"}).json()
    assert body == [
        {
            "level": "subdistrict",
            "code": "400512",
            "name_th": "โนนสะอาด",
            "name_en": "Non Sa-at",
            "parent_code": "4005",
            "full_name_th": "ตำบลโนนสะอาด อำเภอชุมแพ จังหวัดขอนแก่น",
        }
    ]


@pytest.mark.parametrize("code", ["400", "4005123", "40a5", "1"])
def test_malformed_dopa_code_is_refused_with_a_field_message(client, areas, code):
    response = client.get("/api/v1/areas", {"code": code})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "code"


def test_get_by_code_and_unknown_code(client, areas):
    assert client.get("/api/v1/areas/4005").json()["name_en"] == "Chum Phae"
    response = client.get("/api/v1/areas/9999")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_limit_is_bounded(client, areas):
    assert client.get("/api/v1/areas", {"q": "a", "limit": 500}).status_code == 422
