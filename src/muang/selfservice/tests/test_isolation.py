"""A taxpayer sees only their own things, in the organisation they signed in to: anything else is a 404 (or the
sign-in page of the other organisation), never someone else's data."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from muang.billing.services.payments import payment_record
from muang.core.access import SYSTEM
from muang.core.tests.factories import UserFactory
from muang.selfservice.models import UseChangeNotice
from muang.selfservice.services.filings import objection_file_online, use_change_file
from muang.selfservice.session import taxpayer_actor
from muang.selfservice.tests.factories import build_town, signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(areas):
    return build_town()


@pytest.fixture
def client(town):
    return signed_in_client(town.owner)


def url(org, name, *args):
    return reverse(f"selfservice:{name}", args=[org.slug, *args])


def test_the_neighbours_bill_is_404(town, client):
    for name in ("bill", "notice", "qr", "objection-new"):
        assert client.get(url(town.org, name, town.neighbour_bill.number)).status_code == 404, name
    assert (
        client.post(
            url(town.org, "objection-new", town.neighbour_bill.number), {"reason": "x" * 20}
        ).status_code
        == 404
    )


def test_the_neighbours_receipt_is_404(town, client):
    payment = payment_record(actor=SYSTEM, bill=town.neighbour_bill, amount=Decimal("500.00"), channel="cash")
    assert client.get(url(town.org, "receipt", payment.receipt.number)).status_code == 404


def test_the_neighbours_filings_are_404(town, client):
    actor = taxpayer_actor(town.neighbour)
    parcel = town.neighbour.ownerships.get().parcel
    notice = use_change_file(
        actor=actor, owner=town.neighbour, holding=parcel, use="other", changed_on=town.bill.issued_on
    )
    objection = objection_file_online(actor=actor, bill=town.neighbour_bill, reason="ราคาประเมินไม่ถูกต้องครับ")
    assert client.get(url(town.org, "use-change", notice.reference)).status_code == 404
    assert client.get(url(town.org, "objection", objection.pk)).status_code == 404
    home = client.get(url(town.org, "home"))
    assert notice.reference not in home.content.decode()


def test_a_bill_of_the_same_person_in_another_organisation_is_not_shown_here(town, client):
    # Bill numbers restart in each organisation: the twin's bill may have the same number as one here, so the
    # lookup must be by organisation AND owner.
    response = client.get(url(town.org, "home"))
    assert town.twin_bill not in {r.bill for r in response.context["rows"]}


def test_a_session_for_one_organisation_does_not_open_another(town, client):
    response = client.get(url(town.other_org, "home"))
    assert response.status_code == 302
    assert response.url.startswith(url(town.other_org, "sign-in"))
    assert client.get(url(town.other_org, "bill", town.twin_bill.number)).status_code == 302


def test_the_neighbours_property_cannot_get_a_notice(town, client):
    parcel = town.neighbour.ownerships.get().parcel
    client.post(
        url(town.org, "use-change-new"),
        {"property": f"parcel:{parcel.pk}", "use": "vacant", "changed_on": "2026-01-01"},
    )
    assert not UseChangeNotice.objects.exists()


def test_a_staff_login_is_not_a_taxpayer_session(town):
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(url(town.org, "home"))
    assert response.status_code == 302 and "/my-tax/" in response.url


def test_an_unknown_or_inactive_organisation_is_404(town):
    assert Client().get("/my-tax/nowhere/").status_code == 404
    town.org.is_active = False
    town.org.save()
    assert Client().get(url(town.org, "sign-in")).status_code == 404


def test_an_open_redirect_is_refused(town):
    client = signed_in_client(town.owner)
    response = client.get(url(town.org, "sign-in") + "?next=https://evil.example/")
    assert response.status_code == 302 and response.url == url(town.org, "home")
