"""The applicant's session: which mobile number, proven with a one-time code, is signed in to which
organisation's e-services. Kept in the Django session under its own key (not a staff login: `request.user`
stays anonymous). The key is cycled on sign-in and sign-out; the session ends after 30 minutes idle."""

from __future__ import annotations

import datetime as dt

from django.contrib.sessions.backends.base import SessionBase
from django.utils import timezone

from muang.core.access import CitizenActor, CitizenGrant
from muang.core.models import Organization
from muang.core.sms import mask_thai_mobile
from muang.eservices.permissions import ApplicantPerm, ApplicantScope

APPLICANT_KEY = "muang_applicant"
CHALLENGE_KEY = "muang_applicant_challenge"
IDLE_TIMEOUT = dt.timedelta(minutes=30)


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


def remember_challenge(session: SessionBase, organization: Organization, challenge_id) -> None:
    session[CHALLENGE_KEY] = {"org": organization.pk, "id": str(challenge_id)}


def pending_challenge_id(session: SessionBase, organization: Organization) -> str | None:
    data = session.get(CHALLENGE_KEY) or {}
    return data.get("id") if data.get("org") == organization.pk else None


def sign_in(
    session: SessionBase, organization: Organization, phone: str, now: dt.datetime | None = None
) -> None:
    now = now or timezone.now()
    session.cycle_key()
    session.pop(CHALLENGE_KEY, None)
    session[APPLICANT_KEY] = {"org": organization.pk, "phone": phone, "seen": now.timestamp()}


def sign_out(session: SessionBase) -> None:
    session.pop(APPLICANT_KEY, None)
    session.pop(CHALLENGE_KEY, None)
    session.cycle_key()


def signed_in_phone(
    session: SessionBase, organization: Organization, now: dt.datetime | None = None
) -> str | None:
    """The mobile number signed in for this organisation, or None (another organisation, idle too long)."""
    data = session.get(APPLICANT_KEY) or {}
    if data.get("org") != organization.pk or not data.get("phone"):
        return None
    now = now or timezone.now()
    if now.timestamp() - float(data.get("seen", 0)) > IDLE_TIMEOUT.total_seconds():
        session.pop(APPLICANT_KEY, None)
        return None
    if now.timestamp() - float(data["seen"]) > 60:  # write the session at most once a minute
        session[APPLICANT_KEY] = {**data, "seen": now.timestamp()}
    return data["phone"]
