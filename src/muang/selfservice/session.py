"""The taxpayer's session: which owner of which organisation signed in, kept in the (server-side, signed-
cookie keyed) Django session under its own key. It is not a staff login: `request.user` stays anonymous, and a
staff member signed in in the same browser keeps their own login.

The key is cycled on sign-in and sign-out (no session fixation). The session ends after 30 minutes without a
page view.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.sessions.backends.base import SessionBase
from django.utils import timezone

from muang.billing.permissions import BillingPerm
from muang.core.access import CitizenActor, CitizenGrant
from muang.core.models import Organization
from muang.property.models import Owner
from muang.selfservice.permissions import OwnerScope, TaxpayerPerm
from muang.selfservice.selectors import payer_scope

TAXPAYER_KEY = "muang_taxpayer"
CHALLENGE_KEY = "muang_taxpayer_challenge"
IDLE_TIMEOUT = dt.timedelta(minutes=30)


# What a signed-in taxpayer may do through billing's services, on their own bills only.
TAXPAYER_BILL_PERMS = frozenset({BillingPerm.BILL_VIEW, BillingPerm.OBJECTION_FILE})


def taxpayer_actor(owner: Owner, *, ip_address: str | None = None, request_id: str = "") -> CitizenActor:
    """The signed-in taxpayer as a citizen principal of the owner's organisation: they read and object to their
    own bills, and the billing services check that against each bill (ADR 0010). The audit log names them."""
    return CitizenActor(
        organization_id=owner.organization_id,
        principal=f"taxpayer:owner:{owner.pk}",
        grants=(
            CitizenGrant(TAXPAYER_BILL_PERMS, payer_scope(owner)),
            CitizenGrant({TaxpayerPerm.USE_CHANGE_FILE}, OwnerScope(owner.pk)),
        ),
        ip_address=ip_address,
        request_id=request_id,
    )


def remember_challenge(session: SessionBase, organization: Organization, challenge_id) -> None:
    session[CHALLENGE_KEY] = {"org": organization.pk, "id": str(challenge_id)}


def pending_challenge_id(session: SessionBase, organization: Organization) -> str | None:
    data = session.get(CHALLENGE_KEY) or {}
    return data.get("id") if data.get("org") == organization.pk else None


def sign_in(session: SessionBase, owner: Owner, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    session.cycle_key()
    session.pop(CHALLENGE_KEY, None)
    session[TAXPAYER_KEY] = {"org": owner.organization_id, "owner": owner.pk, "seen": now.timestamp()}


def sign_out(session: SessionBase) -> None:
    session.pop(TAXPAYER_KEY, None)
    session.pop(CHALLENGE_KEY, None)
    session.cycle_key()


def signed_in_owner(
    session: SessionBase, organization: Organization, now: dt.datetime | None = None
) -> Owner | None:
    """The owner signed in for this organisation, or None (other organisation, idle too long, owner gone)."""
    data = session.get(TAXPAYER_KEY) or {}
    if data.get("org") != organization.pk:
        return None
    now = now or timezone.now()
    if now.timestamp() - float(data.get("seen", 0)) > IDLE_TIMEOUT.total_seconds():
        session.pop(TAXPAYER_KEY, None)
        return None
    owner = Owner.objects.filter(organization=organization, pk=data.get("owner")).first()
    if owner is None:
        session.pop(TAXPAYER_KEY, None)
        return None
    if now.timestamp() - float(data["seen"]) > 60:  # write the session at most once a minute
        session[TAXPAYER_KEY] = {**data, "seen": now.timestamp()}
    return owner
