"""A citizen's sign-in kept in the Django session under the app's own key (not a staff login: `request.user` stays
anonymous, and a staff member signed in in the same browser keeps their own login), for one organisation.

The apps that let citizens sign in with a one-time code (the e-services applicant by mobile number, the taxpayer
by owner) differ only in what they keep: the steps are these. The session key is cycled on sign-in and sign-out
(no session fixation); the sign-in ends after `idle` without a page view and is refreshed at most once a minute
(a session write per page view would cost every request a write)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.utils import timezone

from muang.core.models import Organization

REFRESH_SECONDS = 60


@dataclass(frozen=True)
class CitizenSession:
    key: str  # where the sign-in is kept in the session
    challenge_key: str  # where the pending one-time code's challenge is kept
    idle: dt.timedelta = dt.timedelta(minutes=30)

    def remember_challenge(self, session: SessionBase, organization: Organization, challenge_id) -> None:
        session[self.challenge_key] = {"org": organization.pk, "id": str(challenge_id)}

    def pending_challenge_id(self, session: SessionBase, organization: Organization) -> str | None:
        data = session.get(self.challenge_key) or {}
        return data.get("id") if data.get("org") == organization.pk else None

    def sign_in(
        self, session: SessionBase, organization_id: int, now: dt.datetime | None = None, **kept: Any
    ) -> None:
        now = now or timezone.now()
        session.cycle_key()
        session.pop(self.challenge_key, None)
        session[self.key] = {"org": organization_id, **kept, "seen": now.timestamp()}

    def sign_out(self, session: SessionBase) -> None:
        session.pop(self.key, None)
        session.pop(self.challenge_key, None)
        session.cycle_key()

    def signed_in(
        self, session: SessionBase, organization: Organization, now: dt.datetime | None = None
    ) -> dict[str, Any] | None:
        """What the sign-in keeps, for this organisation, or None (none, another organisation, idle too long:
        then it is forgotten). Seen again now: the idle clock restarts (written at most once a minute)."""
        data = session.get(self.key) or {}
        if data.get("org") != organization.pk:
            return None
        now = now or timezone.now()
        idle_for = now.timestamp() - float(data.get("seen", 0))
        if idle_for > self.idle.total_seconds():
            self.forget(session)
            return None
        if idle_for > REFRESH_SECONDS:
            session[self.key] = {**data, "seen": now.timestamp()}
        return data

    def forget(self, session: SessionBase) -> None:
        """Drop the sign-in (its subject is gone), keeping the session."""
        session.pop(self.key, None)
