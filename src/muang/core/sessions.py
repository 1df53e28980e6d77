"""Sessions in the database, as Django's own `db` engine keeps them (same table, same signed encoding, same
cookies), read with one precompiled statement: the ORM compiled `Session.objects.get(...)` anew on every request,
a measurable part of what each request costs (issue 11). Writes, creation, deletion and expiry are Django's; a new
session's key is not first looked up (Django's `create` inserts with `must_create` and draws another key if the
insert meets an existing one), one query less for every sign-in and every citizen's first filing."""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.db import connections, router
from django.utils import timezone
from django.utils.crypto import get_random_string


class _Row:
    __slots__ = ("session_data",)

    def __init__(self, session_data: str):
        self.session_data = session_data


class SessionStore(db.SessionStore):
    # Django signs the data with a salt made from the class's __qualname__: ours is also "SessionStore", so
    # sessions written by Django's engine read here and the other way round.

    def _get_session_from_db(self):
        with connections[router.db_for_read(self.model)].cursor() as cursor:
            cursor.execute(
                "SELECT session_data FROM django_session WHERE session_key = %s AND expire_date > %s",
                [self.session_key, timezone.now()],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return _Row(row[0])

    def _get_new_session_key(self) -> str:
        # 32 characters of 36: a clash is caught by the primary key on insert (`create` retries), never assumed.
        return get_random_string(32, VALID_KEY_CHARS)
