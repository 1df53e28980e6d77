"""Cases crossing organisations: forwarding (a new case over there, this one closed as `forwarded`) and
inviting a co-responsible organisation (it sees the case and adds to it; the case stays here).

Forwarding creates a new case rather than moving the row: a case's organisation never changes, each
organisation keeps its own record of what it did, and the chain `forwarded_from` is the history.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from muang.cases.permissions import CasePerm
from muang.core import audit
from muang.core.access import Actor, require
from muang.core.errors import Conflict, InvalidInput
from muang.core.models import Organization
from muang.core.uploads import copy_stored_file

from ..models import Attachment, Case, CaseCategory, CaseInvitation, Channel, EventKind, SystemStatus
from ..notify import reporter_notify
from ..policy import require_on_case
from .intake import new_case
from .steps import (
    MAX_MESSAGE,
    add_event,
    audit_case_update,
    clean_text,
    current_time,
    lock_case,
    move_to_status,
    save_case,
    status_for,
)

MAX_FORWARD_CHAIN = 50


def forward_chain(case: Case) -> list[Case]:
    """The case and the cases it was forwarded from, newest first."""
    chain = [case]
    while chain[-1].forwarded_from_id is not None and len(chain) < MAX_FORWARD_CHAIN:
        chain.append(Case.objects.select_related("organization").get(pk=chain[-1].forwarded_from_id))
    return chain


def _target_category(case: Case, organization: Organization, category_code: str) -> CaseCategory:
    code = category_code or case.category.code
    category = (
        CaseCategory.objects.select_related("default_department")
        .filter(organization=organization, code=code, is_active=True)
        .first()
    )
    if category is None:
        codes = ", ".join(
            CaseCategory.objects.filter(organization=organization, is_active=True).values_list(
                "code", flat=True
            )
        )
        raise InvalidInput.for_field(
            "category",
            _("%(org)s has no category “%(code)s”; choose one of: %(codes)s.")
            % {"org": organization, "code": code, "codes": codes or "-"},
        )
    return category


def _check_other_organization(case: Case, organization: Organization) -> None:
    if organization.pk == case.organization_id:
        raise InvalidInput.for_field("organization", _("Choose another organisation than the case's own."))
    if not organization.is_active:
        raise InvalidInput.for_field("organization", _("%(org)s is not active.") % {"org": organization})


@transaction.atomic
def case_forward(
    *,
    actor: Actor,
    case: Case,
    to_organization: Organization,
    reason: str,
    category_code: str = "",
    now: dt.datetime | None = None,
) -> Case:
    """Hand the case to the organisation responsible for it; returns the new case there.

    The new case gets the target's category with `category_code` (default: the same code as here), its
    department and SLA; text, place, reporter and photos are copied. Forwarding to an organisation the case
    has already passed through is a loop and is refused.
    """
    require(actor, case.organization, CasePerm.CASE_ROUTE)
    now = current_time(now)
    reason = clean_text(reason, field="reason", max_length=MAX_MESSAGE, required=True)
    _check_other_organization(case, to_organization)
    case = lock_case(case)
    require_on_case(actor, case, CasePerm.CASE_ROUTE)
    if not case.is_open:
        raise Conflict(
            _("Case %(code)s is closed; only an open case can be forwarded.") % {"code": case.tracking_code}
        )
    chain = forward_chain(case)
    if any(c.organization_id == to_organization.pk for c in chain):
        raise Conflict(
            _("Case %(code)s already came through %(org)s: forwarding it there again would make a loop.")
            % {"code": case.tracking_code, "org": to_organization}
        )
    category = _target_category(case, to_organization, category_code)
    forwarded, _created = new_case(
        organization=to_organization,
        category=category,
        department=None,
        channel=Channel.FORWARD,
        description=case.description,
        title=case.title,
        location=case.location,
        address=case.address,
        attributes=case.attributes,
        reporter=case.reporter,
        contact_name=case.contact_name,
        contact_phone=case.contact_phone,
        contact_email=case.contact_email,
        created_by=actor.user,
        forwarded_from=case,
        now=now,
    )
    # The photos travel with the case, as copies filed under the other organisation: each organisation's
    # files are its own (who may read one is decided by the case it belongs to, see muang.core.uploads).
    copies = []
    for a in Attachment.objects.filter(organization_id=case.organization_id, case=case):
        copy = Attachment(
            organization_id=to_organization.pk,
            case=forwarded,
            kind=a.kind,
            width=a.width,
            height=a.height,
            size=a.size,
            is_public=a.is_public,
            uploaded_by_id=a.uploaded_by_id,
            uploaded_by_citizen_id=a.uploaded_by_citizen_id,
            created_at=a.created_at,
        )
        copy.file = copy_stored_file(a.file, to=copy)
        if copy.file:
            copies.append(copy)
    Attachment.objects.bulk_create(copies)
    before = audit.snapshot(case)
    move_to_status(case, status_for(case, SystemStatus.FORWARDED), now=now)
    changes = save_case(case, before)
    add_event(
        case=case,
        kind=EventKind.FORWARDED,
        now=now,
        public=True,
        message=reason,
        data={
            "organization": to_organization.slug,
            "organization_name": to_organization.name_th,
            "tracking_code": forwarded.tracking_code,
        },
        actor=actor,
    )
    add_event(
        case=forwarded,
        kind=EventKind.FORWARD_RECEIVED,
        now=now,
        public=True,
        message=reason,
        data={
            "organization": case.organization.slug,
            "organization_name": case.organization.name_th,
            "tracking_code": case.tracking_code,
        },
        actor=actor,
        acting_organization=case.organization,
    )
    reporter_notify(case=case)
    audit_case_update(actor=actor, case=case, changes=changes, reason=f"forwarded to {to_organization.slug}")
    audit.record_create(
        actor=actor,
        organization=to_organization,
        instance=forwarded,
        reason=f"forwarded from {case.organization.slug} {case.tracking_code}",
    )
    return forwarded


@transaction.atomic
def case_invite(
    *,
    actor: Actor,
    case: Case,
    organization: Organization,
    message: str = "",
    now: dt.datetime | None = None,
) -> CaseInvitation:
    """Ask another organisation to share responsibility for an open case; its staff may then see and add to it."""
    require(actor, case.organization, CasePerm.CASE_ROUTE)
    now = current_time(now)
    message = clean_text(message, field="message", max_length=MAX_MESSAGE)
    _check_other_organization(case, organization)
    case = lock_case(case)
    require_on_case(actor, case, CasePerm.CASE_ROUTE)
    if not case.is_open:
        raise Conflict(_("Case %(code)s is closed.") % {"code": case.tracking_code})
    invitation = CaseInvitation(
        organization_id=case.organization_id,
        case=case,
        invited_organization=organization,
        message=message,
        invited_by=actor.user,
        created_at=now,
    )
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError as e:
        raise Conflict(
            _("%(org)s is already co-responsible for case %(code)s.")
            % {"org": organization, "code": case.tracking_code}
        ) from e
    add_event(
        case=case,
        kind=EventKind.INVITED,
        now=now,
        public=True,
        data={"organization": organization.slug, "organization_name": organization.name_th},
        actor=actor,
    )
    Case.objects.filter(organization_id=case.organization_id, pk=case.pk).update(updated_at=now)
    audit.record_create(actor=actor, organization=case.organization, instance=invitation)
    return invitation
