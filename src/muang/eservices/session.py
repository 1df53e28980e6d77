"""The applicant's session: which mobile number, proven with a one-time code, is signed in to which
organisation's e-services. Kept in the Django session under its own key (not a staff login: `request.user`
stays anonymous). The key is cycled on sign-in and sign-out; the session ends after 30 minutes idle."""

from __future__ import annotations

import datetime as dt

from django.contrib.sessions.backends.base import SessionBase

from muang.core.access import CitizenActor, CitizenGrant
from muang.core.citizen_session import CitizenSession
from muang.core.models import Organization
from muang.core.sms import mask_thai_mobile
from muang.eservices.permissions import ApplicantPerm, ApplicantScope

APPLICANT_KEY = "muang_applicant"
CHALLENGE_KEY = "muang_applicant_challenge"
IDLE_TIMEOUT = dt.timedelta(minutes=30)
_SESSION = CitizenSession(APPLICANT_KEY, CHALLENGE_KEY, IDLE_TIMEOUT)


def applicant_actor(
    organization_id: int, phone: str, *, ip_address: str | None = None, request_id: str = ""
) -> CitizenActor:
    """The signed-in applicant as a citizen principal (ADR 0010): their own applications (those filed with
    their mobile number) in this organisation, nothing else. The audit log names them by the masked number."""
    return CitizenActor(
        organization_id=organization_id,
        principal=f"applicant:{mask_thai_mobile(phone)}",
        grants=(CitizenGrant({ApplicantPerm.APPLICATION_OWN}, ApplicantScope(phone)),),
        ip_address=ip_address,
        request_id=request_id,
    )


remember_challenge = _SESSION.remember_challenge
pending_challenge_id = _SESSION.pending_challenge_id
sign_out = _SESSION.sign_out


def sign_in(
    session: SessionBase, organization: Organization, phone: str, now: dt.datetime | None = None
) -> None:
    _SESSION.sign_in(session, organization.pk, now, phone=phone)


def signed_in_phone(
    session: SessionBase, organization: Organization, now: dt.datetime | None = None
) -> str | None:
    """The mobile number signed in for this organisation, or None (another organisation, idle too long)."""
    data = _SESSION.signed_in(session, organization, now)
    if data is None or not data.get("phone"):
        return None
    return data["phone"]
