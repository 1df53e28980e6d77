"""Staff API for ภ.ด.ส.5 notices: every endpoint × every kind of caller (muang.testing.authz), then the
decision's rules."""

import datetime as dt

import pytest

from muang.core.models import AuditEntry, Duty, Role
from muang.core.tests.factories import member
from muang.property.tests.factories import OwnerFactory, ParcelFactory
from muang.selfservice.models import UseChangeNotice, UseChangeStatus
from muang.selfservice.services.filings import use_change_file
from muang.selfservice.session import taxpayer_actor
from muang.selfservice.tests.factories import own
from muang.testing.authz import PRINCIPALS, Endpoint, assert_matrix_cell, build_world, give_duties

VIEW = frozenset({"officer", "privileged", "department_head"})
DECIDE = frozenset({"privileged", "department_head"})
ORG = "/api/v1/organizations/{org}/use-change-notices"


ENDPOINTS = [
    Endpoint("GET", ORG, VIEW),
    Endpoint("GET", ORG + "?status=received", VIEW),
    Endpoint("GET", ORG + "/{ref}", VIEW),
    Endpoint("POST", ORG + "/{ref}/decision", DECIDE, {"status": "accepted", "note": ""}),
]


def file_notice(org):
    owner = OwnerFactory(organization=org, phone="0812345678")
    parcel = ParcelFactory(organization=org)
    own(owner, parcel=parcel)
    return use_change_file(
        actor=taxpayer_actor(owner), owner=owner, holding=parcel, use="other", changed_on=dt.date(2026, 3, 1)
    )


@pytest.fixture
def world(areas):
    world = build_world()
    give_duties(world, "officer", Duty.TAX)
    world.users["department_head"] = member(world.org, Role.DEPARTMENT_HEAD, duties=[Duty.TAX])
    world.notice = file_notice(world.org)
    world.other_notice = file_notice(world.other_org)
    return world


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
@pytest.mark.parametrize("principal", [*PRINCIPALS, "department_head"])
def test_matrix(world, endpoint, principal):
    path = endpoint.path.format(org=world.org.slug, ref=world.notice.reference)
    audit_before = AuditEntry.objects.count()
    response = world.call(principal, endpoint.method, path, endpoint.body)
    assert_matrix_cell(world, principal, endpoint.allowed, response, writes=endpoint.method == "POST")
    if endpoint.method == "POST" and principal not in endpoint.allowed:
        assert AuditEntry.objects.count() == audit_before
        assert UseChangeNotice.objects.get(pk=world.notice.pk).status == UseChangeStatus.RECEIVED


@pytest.mark.django_db
def test_another_organisations_notice_is_404_even_for_an_administrator(world):
    path = ORG.format(org=world.org.slug) + f"/{world.other_notice.reference}"
    assert world.call("privileged", "GET", path).status_code == 404
    assert world.call("privileged", "POST", path + "/decision", {"status": "accepted"}).status_code == 404
    listed = world.call("privileged", "GET", ORG.format(org=world.org.slug)).json()["items"]
    assert [n["reference"] for n in listed] == [world.notice.reference]


@pytest.mark.django_db
def test_the_list_shows_the_filing(world):
    item = world.call("officer", "GET", ORG.format(org=world.org.slug)).json()["items"][0]
    assert (
        item["property_kind"] == "parcel" and item["previous_use"] == "residential" and item["use"] == "other"
    )
    assert item["status"] == "received" and item["late"] is True and item["share_other"] == "100.00"


@pytest.mark.django_db
def test_a_decision_is_recorded_once_and_a_rejection_needs_a_reason(world):
    path = ORG.format(org=world.org.slug) + f"/{world.notice.reference}/decision"
    response = world.call("department_head", "POST", path, {"status": "rejected", "note": ""})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "note"
    response = world.call("department_head", "POST", path, {"status": "accepted"})
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    notice = UseChangeNotice.objects.get(pk=world.notice.pk)
    assert notice.decided_by == world.users["department_head"] and notice.decided_at is not None
    again = world.call("department_head", "POST", path, {"status": "rejected", "note": "ตรวจแล้วไม่ตรง"})
    assert again.status_code == 409
    response = world.call("department_head", "POST", path, {"status": "maybe"})
    assert response.status_code == 422


@pytest.mark.django_db
def test_staff_decide_in_the_admin_only_for_their_own_organisation(world):
    from django.contrib import admin
    from django.test import Client

    admin_user = world.users["privileged"]
    admin_user.is_staff = True
    admin_user.save()
    client = Client()
    client.force_login(admin_user)
    changelist = "/admin/selfservice/usechangenotice/"
    page = client.get(changelist)
    assert page.status_code == 200
    assert world.notice.reference in page.content.decode()
    assert world.other_notice.reference not in page.content.decode()
    response = client.post(
        changelist,
        {"action": "accept", admin.helpers.ACTION_CHECKBOX_NAME: [world.notice.pk, world.other_notice.pk]},
    )
    assert response.status_code == 302
    assert UseChangeNotice.objects.get(pk=world.notice.pk).status == UseChangeStatus.ACCEPTED
    assert UseChangeNotice.objects.get(pk=world.other_notice.pk).status == UseChangeStatus.RECEIVED
    assert client.get(f"{changelist}{world.notice.pk}/change/").status_code == 200  # viewable, read-only
