"""The session engine's writes (muang.core.sessions): one statement each, safe inside a caller's transaction."""

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from muang.core.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_a_new_session_is_one_insert_and_reads_back():
    store = SessionStore()
    store["x"] = 1
    with CaptureQueriesContext(connection) as q:
        store.save()
    assert len(q) == 1 and q[0]["sql"].startswith("INSERT INTO django_session")
    assert SessionStore(store.session_key)["x"] == 1


def test_a_taken_key_draws_another_without_aborting_the_transaction(monkeypatch):
    taken = SessionStore()
    taken["who"] = "first"
    taken.save()
    keys = iter([taken.session_key, "k" * 32])
    store = SessionStore()
    monkeypatch.setattr(store, "_get_new_session_key", lambda: next(keys))
    store["who"] = "second"
    with transaction.atomic():
        store.save()
        assert Session.objects.count() == 2  # the transaction still works after the clash
    assert store.session_key == "k" * 32
    assert SessionStore(taken.session_key)["who"] == "first"


def test_a_change_is_one_update_and_a_deleted_session_is_not_brought_back():
    store = SessionStore()
    store["x"] = 1
    store.save()
    again = SessionStore(store.session_key)
    again["x"] = 2
    with CaptureQueriesContext(connection) as q:
        again.save()
    assert len(q) == 1 and q[0]["sql"].startswith("UPDATE django_session")
    assert SessionStore(store.session_key)["x"] == 2
    Session.objects.filter(session_key=store.session_key).delete()  # signed out elsewhere
    again["x"] = 3
    with pytest.raises(UpdateError):
        again.save()


def test_a_session_written_now_is_not_written_again_until_it_changes():
    store = SessionStore()
    store["x"] = 1
    store.write_now()
    assert store.modified  # the response still sets the cookie
    with CaptureQueriesContext(connection) as q:
        store.save()  # what the middleware does after the response
    assert len(q) == 0
    store["x"] = 2
    with CaptureQueriesContext(connection) as q:
        store.save()
    assert len(q) == 1
    assert SessionStore(store.session_key)["x"] == 2
