"""Sessions in the database, as Django's own `db` engine keeps them (same table, same signed encoding, same
cookies), read with one precompiled statement: the ORM compiled `Session.objects.get(...)` anew on every request,
a measurable part of what each request costs (issue 11). Writes, creation, deletion and expiry are Django's; a new
session's key is not first looked up (Django's `create` inserts with `must_create` and draws another key if the
insert meets an existing one), one query less for every sign-in and every citizen's first filing. In a web request
the same round trip brings the stamps of the per-process caches (`muang.core.stamps`), which a signed-in request
reads next for its user and memberships: one query less for every signed-in request."""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.utils import timezone
from django.utils.crypto import get_random_string

from muang.core import stamps
from muang.core.middleware import current_request_token

_SESSION = "SELECT session_data FROM django_session WHERE session_key = %s AND expire_date > %s"
_WITH_STAMPS = (  # one row, even without a session (or a stamp)
    "SELECT (SELECT session_data FROM django_session WHERE session_key = %s AND expire_date > %s), "
    "array_agg(name), array_agg(version) FROM core_cache_stamp"
)


class _Row:
    __slots__ = ("session_data",)

    def __init__(self, session_data: str):
        self.session_data = session_data


class SessionStore(db.SessionStore):
    # Django signs the data with a salt made from the class's __qualname__: ours is also "SessionStore", so
    # sessions written by Django's engine read here and the other way round.

    def _get_session_from_db(self):
        alias = router.db_for_read(self.model)
        params = [self.session_key, timezone.now()]
        with connections[alias].cursor() as cursor:
            if alias == DEFAULT_DB_ALIAS and current_request_token() is not None:
                # In a web request the stamps of the per-process caches (`muang.core.stamps`) come with the
                # session in the same round trip: a signed-in request reads them next, for its user.
                cursor.execute(_WITH_STAMPS, params)
                data, names, versions = cursor.fetchone()
                stamps.remember_request_stamps(dict(zip(names or (), versions or (), strict=True)))
            else:
                cursor.execute(_SESSION, params)
                found = cursor.fetchone()
                data = found[0] if found else None
        if data is None:
            self._session_key = None
            return None
        return _Row(data)

    def _get_new_session_key(self) -> str:
        # 32 characters of 36: a clash is caught by the primary key on insert (`create` retries), never assumed.
        return get_random_string(32, VALID_KEY_CHARS)
