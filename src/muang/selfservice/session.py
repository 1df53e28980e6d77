"""The taxpayer's session: which owner of which organisation signed in, kept in the (server-side, signed-
cookie keyed) Django session under its own key. It is not a staff login: `request.user` stays anonymous, and a
staff member signed in in the same browser keeps their own login.

The key is cycled on sign-in and sign-out (no session fixation). The session ends after 30 minutes without a
page view.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.sessions.backends.base import SessionBase

from muang.billing.permissions import BillingPerm
from muang.core.access import CitizenActor, CitizenGrant
from muang.core.citizen_session import CitizenSession
from muang.core.models import Organization
from muang.property.models import Owner
from muang.selfservice.permissions import OwnerScope, TaxpayerPerm
from muang.selfservice.selectors import payer_scope

TAXPAYER_KEY = "muang_taxpayer"
CHALLENGE_KEY = "muang_taxpayer_challenge"
IDLE_TIMEOUT = dt.timedelta(minutes=30)
_SESSION = CitizenSession(TAXPAYER_KEY, CHALLENGE_KEY, IDLE_TIMEOUT)


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


remember_challenge = _SESSION.remember_challenge
pending_challenge_id = _SESSION.pending_challenge_id
sign_out = _SESSION.sign_out


def sign_in(session: SessionBase, owner: Owner, now: dt.datetime | None = None) -> None:
    _SESSION.sign_in(session, owner.organization_id, now, owner=owner.pk)


def signed_in_owner(
    session: SessionBase, organization: Organization, now: dt.datetime | None = None
) -> Owner | None:
    """The owner signed in for this organisation, or None (other organisation, idle too long, owner gone)."""
    data = _SESSION.signed_in(session, organization, now)
    if data is None:
        return None
    owner = Owner.objects.filter(organization=organization, pk=data.get("owner")).first()
    if owner is None:
        _SESSION.forget(session)
    return owner
