"""Every router pages its lists through core.pagination: 50 a page unless the operation says otherwise, a page
size the caller may choose up to 1,000, and the caller read through core.api.actor."""

import pytest
from django.test import Client

from muang.core import audit
from muang.core.access import Actor
from muang.core.api import actor
from muang.core.models import AuditEntry, Role
from muang.core.pagination import DEFAULT_PAGE_SIZE, Page, paginated
from muang.core.tests.factories import OrganizationFactory, member

pytestmark = pytest.mark.django_db


def test_the_page_size_holds():
    """ninja's paginator sets its size in __init__: a class attribute was silently ignored (lists came 100 at
    a time where the routers said 50)."""
    assert Page()._get_page_size(None) == DEFAULT_PAGE_SIZE == 50
    assert Page(page_size=100)._get_page_size(None) == 100
    assert Page()._get_page_size(2000) == 1000
    assert callable(paginated(100))


def test_an_audit_list_comes_fifty_a_page(client: Client, areas):
    org = OrganizationFactory()
    admin = member(org, Role.SYSTEM_ADMIN)
    who = Actor(user=admin)
    audit.record_many(
        [
            audit.entry(
                actor=who, organization=org, instance=org, action=AuditEntry.Action.UPDATE, changes={}
            )
            for _ in range(60)
        ]
    )
    client.force_login(admin)
    url = f"/api/v1/organizations/{org.slug}/audit"
    first = client.get(url).json()
    assert first["count"] == 60 and len(first["items"]) == 50
    assert len(client.get(url, {"page": 2}).json()["items"]) == 10
    assert len(client.get(url, {"page_size": 7}).json()["items"]) == 7
    assert client.get(url, {"page_size": 1001}).status_code == 422


def test_the_actor_is_what_authentication_put_on_the_request(rf):
    request = rf.get("/")
    request.auth = Actor(user=None)
    assert actor(request) is request.auth
