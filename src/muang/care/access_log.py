"""Refused attempts at the care register, logged (`muang.care.access`): who, where, when (the log record's time).

The audit log records what was *done*; a refused caller writes nothing there (a standards test holds every
page and API operation to that), so refusals go to this security log, which operations keep and watch."""

from __future__ import annotations

import logging

from muang.core.access import Actor, get_organization_for
from muang.core.errors import AccessDenied
from muang.core.models import Organization

logger = logging.getLogger("muang.care.access")


def log_refusal(*, actor: Actor, where: str, organization_id: int | None) -> None:
    logger.warning(
        "care record refused: user=%s token=%s organization=%s at=%s",
        actor.user.pk if actor.user else None,
        actor.token.pk if actor.token else None,
        organization_id,
        where,
    )


def care_organization_for(actor: Actor, slug: str, perm: str, *, where: str) -> Organization:
    """`get_organization_for` with the refusal logged."""
    try:
        return get_organization_for(actor, slug, perm)
    except AccessDenied:
        log_refusal(actor=actor, where=where, organization_id=None)
        raise
