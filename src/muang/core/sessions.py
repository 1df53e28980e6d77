"""Sessions in the database, as Django's own `db` engine keeps them (same table, same signed encoding, same
cookies), read with one precompiled statement: the ORM compiled `Session.objects.get(...)` anew on every request,
a measurable part of what each request costs (issue 11). Writes, creation, deletion and expiry are Django's; a new
session's key is not first looked up (Django's `create` inserts with `must_create` and draws another key if the
insert meets an existing one), one query less for every sign-in and every citizen's first filing. In a web request
the same round trip brings the stamps of the per-process caches (`muang.core.stamps`), which a signed-in request
reads next for its user and memberships: one query less for every signed-in request.

Writes are one precompiled statement too (`INSERT ... ON CONFLICT DO NOTHING`, or an `UPDATE`), without the
transaction Django's engine opens around each: a clash of a new key is no error that would abort an enclosing
transaction, so a service may write the session inside its own (`write_now`): a citizen's web filing commits its
case and the session that remembers it once, and the middleware does not write that session again."""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError, UpdateError
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

_INSERT = (
    "INSERT INTO django_session (session_key, session_data, expire_date) VALUES (%s, %s, %s) "
    "ON CONFLICT (session_key) DO NOTHING RETURNING 1"
)
_UPDATE = "UPDATE django_session SET session_data = %s, expire_date = %s WHERE session_key = %s"


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

    # Whether the data as it is now is in the database already (`write_now`): then the middleware's save is
    # skipped. Any change of the data afterwards sets `modified` again, and with it a real save.
    _written = False

    @property
    def modified(self) -> bool:
        return self._modified

    @modified.setter
    def modified(self, value: bool) -> None:
        self._modified = value
        if value:
            self._written = False

    def write_now(self) -> None:
        """Write the session now, in the caller's transaction if there is one (a new session gets its key
        here). `modified` stays set, so the response still carries the cookie; the middleware writes nothing."""
        self.save()
        self._written = True

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None:
            return self.create()
        if self._written and not must_create:
            return None
        data = self.encode(self._get_session(no_load=must_create))
        expire_date = self.get_expiry_date()
        with connections[router.db_for_write(self.model)].cursor() as cursor:
            if must_create:
                cursor.execute(_INSERT, [self.session_key, data, expire_date])
                if cursor.fetchone() is None:
                    raise CreateError  # the key is taken: `create` draws another
            else:
                cursor.execute(_UPDATE, [data, expire_date, self.session_key])
                if cursor.rowcount == 0:
                    raise UpdateError  # deleted meanwhile (a sign-out elsewhere), as Django's engine says
        return None

    def _get_new_session_key(self) -> str:
        # 32 characters of 36: a clash is caught by the primary key on insert (`create` retries), never assumed.
        return get_random_string(32, VALID_KEY_CHARS)


def write_now(session) -> None:
    """Write `session` now, in the caller's transaction (`SessionStore.write_now`); with another session engine
    (a test's settings), nothing: the session middleware writes it after the response, as always."""
    if isinstance(session, SessionStore):
        session.write_now()
