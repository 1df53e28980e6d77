"""The per-request work every call pays (issue 11): the session read with one precompiled statement, the signed-in
user and the actor's memberships from per-process caches kept right by stamps. What must hold: a change made
anywhere (another worker, the admin, a bulk UPDATE) is seen at the next request, and no request sees what another
changed on its copies."""

import datetime as dt

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from muang.core.access import Actor, _memberships
from muang.core.middleware import _request_token
from muang.core.models import Department, Membership, Organization, Role, User
from muang.core.sessions import SessionStore
from muang.core.stamps import fresh_copy
from muang.core.tests.factories import OrganizationFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(areas):
    org = OrganizationFactory()
    user = member(org, Role.SYSTEM_ADMIN)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client, org, user


def me(client):
    return client.get("/api/v1/me")


def test_a_warm_request_reads_the_session_and_the_stamps_only_in_one_statement(signed_in):
    from django.db import connection

    client, org, user = signed_in
    assert me(client).status_code == 200  # loads the user and the memberships into this process's caches
    with CaptureQueriesContext(connection) as q:
        body = me(client).json()
    assert body["username"] == user.username and [m["organization"]["slug"] for m in body["memberships"]] == [
        org.slug
    ]
    sql = [x["sql"] for x in q.captured_queries]
    assert len(sql) == 1, sql
    assert sql[0].startswith("SELECT (SELECT session_data FROM django_session")
    assert sql[0].endswith("array_agg(name), array_agg(version) FROM core_cache_stamp")


def test_stamps_read_with_the_session_are_current(signed_in):
    """The stamps that come with the session are those of the moment: a change of a cached table made by
    someone else between two requests is seen at the next one (as with their own query)."""
    client, _org, user = signed_in
    assert me(client).json()["display_name"]
    User.objects.filter(pk=user.pk).update(
        first_name="สมหมายใหม่"
    )  # no signal: only the trigger bumps the stamp
    assert me(client).json()["display_name"].startswith("สมหมายใหม่")


def test_outside_a_web_request_the_session_is_read_alone(signed_in):
    from django.db import connection

    client, _org, user = signed_in
    store = SessionStore(session_key=client.session.session_key)
    with CaptureQueriesContext(connection) as q:
        assert store.load()["_auth_user_id"] == str(user.pk)
    assert [x["sql"].split(" WHERE")[0] for x in q.captured_queries] == [
        "SELECT session_data FROM django_session"
    ]


def test_a_membership_ended_by_a_bulk_update_is_seen_at_the_next_request(signed_in):
    client, org, user = signed_in
    assert client.get(f"/api/v1/organizations/{org.slug}/tokens").status_code == 200
    Membership.objects.filter(user=user).update(is_active=False)  # no signal: only the trigger knows
    assert client.get(f"/api/v1/organizations/{org.slug}/tokens").status_code in (403, 404)
    assert me(client).json()["memberships"] == []


def test_a_role_changed_by_a_bulk_update_is_seen_at_the_next_request(signed_in):
    client, org, user = signed_in
    assert client.get(f"/api/v1/organizations/{org.slug}/tokens").status_code == 200
    Membership.objects.filter(user=user).update(role=Role.OFFICER)
    assert client.get(f"/api/v1/organizations/{org.slug}/tokens").status_code == 403


def test_an_organisation_deactivated_or_a_department_changed_is_seen_at_the_next_request(signed_in, areas):
    client, org, user = signed_in
    works = Department.objects.create(organization=org, code="works", name_th="กองช่าง", name_en="Works")
    Membership.objects.filter(user=user).update(department=works)
    assert me(client).json()["memberships"][0]["department"] == "works"
    Department.objects.filter(pk=works.pk).update(code="roads")
    assert me(client).json()["memberships"][0]["department"] == "roads"
    Organization.objects.filter(pk=org.pk).update(name_en="Renamed Town")
    assert me(client).json()["memberships"][0]["organization"]["name_en"] == "Renamed Town"
    Organization.objects.filter(pk=org.pk).update(is_active=False)
    assert me(client).json()["memberships"] == []


def test_a_deactivated_account_or_a_changed_password_ends_the_session_at_the_next_request(signed_in):
    client, _org, user = signed_in
    assert me(client).status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert me(client).status_code == 401
    User.objects.filter(pk=user.pk).update(is_active=True)
    client.force_login(User.objects.get(pk=user.pk))
    assert me(client).status_code == 200
    other = User.objects.get(pk=user.pk)
    other.set_password("a-new-password-2569")
    other.save()  # the session's auth hash no longer matches
    assert me(client).status_code == 401


def test_a_request_changing_its_copies_changes_nothing_for_the_next(signed_in):
    _client, org, user = signed_in
    token = _request_token.set(object())  # as inside a web request: the per-process cache is used
    try:
        first = Actor(user=user).memberships[org.pk]
        first.organization.name_en = "Changed in memory only"
        first.role = Role.OFFICER
        second = Actor(user=user).memberships[org.pk]
    finally:
        _request_token.reset(token)
    assert second.organization.name_en == org.name_en and second.role == Role.SYSTEM_ADMIN
    assert second is not first and second.organization is not first.organization
    assert second.user is user  # the actor's own user, no query


def test_outside_a_request_the_memberships_are_read_afresh(signed_in, django_assert_num_queries):
    _client, org, user = signed_in
    _memberships.clear()
    with django_assert_num_queries(1):  # no stamps read, no cache: as a job or a command always did
        assert list(Actor(user=user).memberships) == [org.pk]
    assert not _memberships._entries


def test_fresh_copy_has_its_own_values_and_state(signed_in):
    _client, org, _user = signed_in
    copy = fresh_copy(org)
    copy.name_en = "Other"
    assert org.name_en != "Other" and copy.pk == org.pk and not copy._state.adding
    assert copy._state is not org._state and copy._state.fields_cache == {}


def test_sessions_written_by_djangos_engine_are_read_and_expired_ones_are_not(signed_in):
    _client, _org, user = signed_in
    django_session = DjangoSessionStore()
    django_session["_auth_user_id"] = str(user.pk)
    django_session[BACKEND_SESSION_KEY] = "muang.core.auth_backends.StampedModelBackend"
    django_session.create()
    ours = SessionStore(django_session.session_key)
    assert ours["_auth_user_id"] == str(user.pk)
    expired = DjangoSessionStore()
    expired["x"] = 1
    expired.set_expiry(timezone.now() - dt.timedelta(seconds=1))
    expired.create()
    stale = SessionStore(expired.session_key)
    assert "x" not in stale and stale.session_key is None
    assert "x" not in SessionStore("no-such-session-key-0000000000000")


def test_a_new_session_is_inserted_without_looking_its_key_up_and_a_clash_draws_another(
    signed_in, monkeypatch
):
    from django.db import connection

    first = SessionStore()
    first["n"] = 1
    with CaptureQueriesContext(connection) as q:
        first.create()
    assert not any(x["sql"].startswith("SELECT") for x in q.captured_queries), q.captured_queries
    keys = iter([first.session_key, "k" * 32])  # the first draw clashes with the existing session
    monkeypatch.setattr(SessionStore, "_get_new_session_key", lambda self: next(keys))
    second = SessionStore()
    second["n"] = 2
    second.create()
    assert second.session_key == "k" * 32
    assert SessionStore(first.session_key)["n"] == 1 and SessionStore("k" * 32)["n"] == 2
