"""Category questions in the Django admin: scoped to the administrator's organisations, checked, audited."""

import json

import pytest

from muang.cases.tests.conftest import make_town
from muang.core.models import AuditEntry
from muang.reports.models import CategoryQuestion

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(areas):
    return make_town()


@pytest.fixture
def other_town(areas):
    return make_town()


@pytest.fixture
def admin_client(client, town):
    user = town.admin.user
    user.is_staff = True
    user.save()
    client.force_login(user)
    return client


def form(category, **overrides) -> dict:
    data = {
        "organization": category.organization_id,
        "category": category.pk,
        "code": "when",
        "description": "ดับตั้งแต่เมื่อไร",
        "datatype": "singlevaluelist",
        "datatype_description": "",
        "required": "on",
        "values": json.dumps([{"key": "today", "name": "วันนี้"}, {"key": "week", "name": "เกินหนึ่งสัปดาห์"}]),
        "order": "1",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_an_administrator_adds_a_question_and_it_is_audited(admin_client, town):
    response = admin_client.post("/admin/reports/categoryquestion/add/", form(town.category))
    assert response.status_code == 302, response.content.decode()[:2000]
    question = CategoryQuestion.objects.get()
    assert question.category == town.category and question.values[1]["key"] == "week"
    assert AuditEntry.objects.filter(
        object_type="reports.CategoryQuestion", object_id=str(question.pk)
    ).exists()


def test_another_organisations_categories_and_questions_are_out_of_reach(admin_client, town, other_town):
    theirs = CategoryQuestion.objects.create(
        organization=other_town.org, category=other_town.category, code="x", description="คำถามของเมืองอื่น"
    )
    assert "คำถามของเมืองอื่น" not in admin_client.get("/admin/reports/categoryquestion/").content.decode()
    assert admin_client.get(f"/admin/reports/categoryquestion/{theirs.pk}/change/").status_code in (
        302,
        403,
        404,
    )
    response = admin_client.post("/admin/reports/categoryquestion/add/", form(other_town.category))
    assert response.status_code == 200 and not CategoryQuestion.objects.filter(code="when").exists()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ("[]", "A question with a list of answers needs at least one choice."),
        ('[{"name": "no key"}]', "with a key each"),
        ('[{"key": "a", "name": "1"}, {"key": "a", "name": "2"}]', "Each choice needs its own key."),
        ('{"key": "a"}', "with a key each"),
    ],
)
def test_malformed_choices_are_refused(admin_client, town, values, message):
    response = admin_client.post("/admin/reports/categoryquestion/add/", form(town.category, values=values))
    assert response.status_code == 200 and message in response.content.decode()
    assert not CategoryQuestion.objects.exists()
