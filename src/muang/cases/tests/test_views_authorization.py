"""The authorisation matrix of the staff work pages: who gets what, and nothing is written by a refused caller."""

import pytest
from django.test import Client
from django.utils import timezone

from muang.cases.models import Case
from muang.cases.tests.conftest import make_town
from muang.cases.tests.factories import submit_case
from muang.core.models import Role
from muang.core.tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db

# principal -> expected status for (read pages, writes on the case)
EXPECTED = {
    "anonymous": (302, 302),
    "outsider": (403, 403),  # signed in, no membership: what a citizen account is to the staff pages
    "overseer": (403, 403),  # a role without the case permissions
    "officer": (200, 302),  # an officer of the case's department
    "other_department": (200, 422),  # reads the organisation's cases, may not work another department's
    "other_org": (403, 403),  # the administrator of another organisation
}


@pytest.fixture
def world(areas):
    town, other = make_town(), make_town()
    users = {
        "outsider": UserFactory(),
        "overseer": member(town.org, Role.OVERSEER),
        "officer": town.officer.user,
        "other_department": town.other_officer.user,
        "other_org": other.admin.user,
    }
    return town, users


def client_for(users, principal) -> Client:
    client = Client()
    if principal in users:
        client.force_login(users[principal])
    return client


@pytest.mark.parametrize("principal", list(EXPECTED))
def test_case_pages_and_writes(world, principal):
    town, users = world
    case = submit_case(town.category)
    client = client_for(users, principal)
    read, write = EXPECTED[principal]
    assert client.get(f"/work/cases/{case.tracking_code}/").status_code == read
    response = client.post(f"/work/cases/{case.tracking_code}/status", {"status": "in_progress"})
    assert response.status_code == write
    response = client.post(f"/work/cases/{case.tracking_code}/note", {"message": "บันทึก"})
    assert response.status_code == write
    case.refresh_from_db()
    assert case.status.code == ("in_progress" if principal == "officer" else "received")
    assert case.events.filter(kind="note").exists() == (principal == "officer")


@pytest.mark.parametrize("principal", list(EXPECTED))
def test_queue_map_export_and_bulk(world, principal):
    town, users = world
    case = submit_case(town.category)
    client = client_for(users, principal)
    today = timezone.localdate().isoformat()
    read = {"other_org": 200, "other_department": 200}.get(principal, EXPECTED[principal][0])
    for url, params in [
        ("/work/cases/", {}),
        ("/work/cases/map.geojson", {}),
        ("/work/cases/export", {"created_from": today, "created_to": today}),
    ]:
        response = client.get(url, params)
        assert response.status_code == read, url
        if read == 200:
            assert (case.tracking_code in response.content.decode()) == (principal == "officer")
    response = client.post("/work/cases/bulk", {"codes": [case.tracking_code], "status": "in_progress"})
    assert response.status_code == (302 if read == 200 or principal == "anonymous" else 403)
    expected = "in_progress" if principal == "officer" else "received"
    assert Case.objects.get(pk=case.pk).status.code == expected
