"""Every 4xx and 5xx under /api answers RFC 9457 problem+json."""

import pytest

from muang.core.models import Role
from muang.core.tests.factories import OrganizationFactory, member

pytestmark = pytest.mark.django_db


def test_unknown_api_path_is_problem_json(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Not Found"


def test_malformed_json_body_is_422_problem(client, areas):
    org = OrganizationFactory()
    client.force_login(member(org, Role.SYSTEM_ADMIN))
    response = client.patch(
        f"/api/v1/organizations/{org.slug}", data="{not json", content_type="application/json"
    )
    assert response.status_code in (400, 422)
    assert response["Content-Type"] == "application/problem+json"


def test_unknown_organisation_is_404_problem(client, areas):
    org = OrganizationFactory()
    client.force_login(member(org, Role.SYSTEM_ADMIN))
    response = client.get("/api/v1/organizations/nowhere")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_unexpected_error_is_500_problem_without_internals(client, areas, monkeypatch):
    org = OrganizationFactory()
    client.force_login(member(org, Role.SYSTEM_ADMIN))

    def boom(**kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr("muang.core.selectors.departments_of", boom)
    client.raise_request_exception = False
    response = client.get(f"/api/v1/organizations/{org.slug}/departments")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    assert "secret internal detail" not in response.content.decode()


def test_csrf_failure_on_session_write_is_problem_json(api_client, areas):
    org = OrganizationFactory()
    api_client.force_login(member(org, Role.SYSTEM_ADMIN))
    response = api_client.patch(
        f"/api/v1/organizations/{org.slug}", data={"phone": "1"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
