"""The case configuration in the Django admin: scoped to one's organisations; built-in statuses protected."""

import pytest

from muang.cases.models import CaseStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, town):
    user = town.admin.user
    user.is_staff = True
    user.save()
    client.force_login(user)
    return client


def test_lists_only_own_categories(admin_client, town, other_town):
    other_town.category.name_th = "หมวดของเมืองอื่น"
    other_town.category.save()
    html = admin_client.get("/admin/cases/casecategory/").content.decode()
    assert town.category.name_th in html and "หมวดของเมืองอื่น" not in html
    response = admin_client.get(f"/admin/cases/casecategory/{other_town.category.pk}/change/")
    assert response.status_code in (302, 403, 404)


def test_builtin_statuses_keep_their_code_and_kind(admin_client, town):
    received = CaseStatus.objects.get(organization=town.org, code="received")
    html = admin_client.get(f"/admin/cases/casestatus/{received.pk}/change/").content.decode()
    assert 'name="name_th"' in html and 'name="code"' not in html and 'name="kind"' not in html
    assert admin_client.get(f"/admin/cases/casestatus/{received.pk}/delete/").status_code == 403


def test_holidays_page(admin_client):
    assert admin_client.get("/admin/cases/holiday/").status_code == 200
