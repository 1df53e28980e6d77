"""The staff sign-in backend: Django's ModelBackend (passwords, active check), with the signed-in user of each
request read from a per-process stamped cache (muang.core.stamps) instead of one query per request (issue 11).
Any change of an account (password, active flag, name) bumps the stamp in the same transaction, so every worker
sees it at its next request: a deactivated account or a changed password ends the sessions at once, as before."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from muang.core.stamps import StampedCache, fresh_copy

_users: StampedCache = StampedCache("users", tables=("core_user",), max_entries=20_000, in_requests_only=True)


def _load_user(user_id):
    return get_user_model()._default_manager.filter(pk=user_id).first()


class StampedModelBackend(ModelBackend):
    def get_user(self, user_id):
        row = _users.get(user_id, lambda: _load_user(user_id))
        if row is None:
            return None
        user = fresh_copy(row)  # the request's own: a page may change and save it
        return user if self.user_can_authenticate(user) else None
