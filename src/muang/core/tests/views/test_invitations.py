"""The invitations page (/invitations/) × every kind of caller (muang.testing.authz): any signed-in account
sees and answers only its own invitations; tokens are not sessions; nothing is written for anyone else."""

import datetime as dt

import pytest
from django.utils import timezone

from muang.core.models import Invitation, Membership, Role
from muang.testing.authz import PRINCIPALS, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(areas):
    world = build_world()
    world.invitation = Invitation.objects.create(
        organization=world.other_org,
        user=world.users["officer"],
        role=Role.EXECUTIVE,
        expires_at=timezone.now() + dt.timedelta(days=14),
    )
    return world


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_the_page_shows_only_ones_own_invitations(world, principal):
    response = world.call(principal, "GET", "/invitations/")
    if principal not in world.users:  # anonymous and every token: the page needs a signed-in account
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        return
    assert response.status_code == 200
    assert (f'id="invitation-{world.invitation.pk}"' in response.content.decode()) == (principal == "officer")


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_only_the_invited_account_answers(world, principal):
    client = world.client_for(principal)
    response = client.post(
        "/invitations/",
        {"invitation": world.invitation.pk, "answer": "accept"},
        **world.headers_for(principal),
    )
    assert response.status_code == 302
    joined = Membership.objects.filter(organization=world.other_org, user=world.users["officer"]).exists()
    assert joined == (principal == "officer")
    world.invitation.refresh_from_db()
    assert world.invitation.status == ("accepted" if principal == "officer" else "pending")


def test_bad_answers_are_messages_not_errors(world):
    client = world.client_for("officer")
    for data in (
        {},
        {"invitation": "x", "answer": "accept"},
        {"invitation": world.invitation.pk, "answer": "?"},
    ):
        response = client.post("/invitations/", data, follow=True)
        assert response.status_code == 200 and response.redirect_chain[-1][0] == "/invitations/"
    assert client.post("/invitations/", {"invitation": 999999, "answer": "accept"}).status_code == 302
    world.invitation.refresh_from_db()
    assert world.invitation.status == "pending"
