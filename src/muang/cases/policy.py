"""Who may do what to one case, on top of the role permissions of `muang.core.permissions`.

* Officers and department heads act on the cases of their own department, or on cases assigned to them;
  executives, system administrators, tokens and the system act on every case of the organisation.
* Staff of an organisation invited as co-responsible (`CaseInvitation`) may see the case and add notes and
  photos to it, as their own organisation; they may not assign, change its status or route it.
"""

from django.utils.translation import gettext as _

from muang.cases.permissions import CasePerm
from muang.core.access import Actor, require
from muang.core.errors import AccessDenied
from muang.core.models import ROLES_WITH_DEPARTMENT, Organization

from .models import Case, CaseInvitation


def is_department_bound(actor: Actor, organization: Organization) -> bool:
    membership = actor.membership_in(organization)
    return membership is not None and membership.role in ROLES_WITH_DEPARTMENT


def organizations_with(actor: Actor, perm: str) -> list[int]:
    """Ids of the organisations in which the actor holds `perm` through a membership or its token."""
    if actor.token is not None:
        return [actor.token.organization_id] if actor.has_perm(actor.token.organization, perm) else []
    return [m.organization_id for m in actor.memberships.values() if actor.has_perm(m.organization, perm)]


def require_on_case(actor: Actor, case: Case, perm: str) -> None:
    """`perm` in the case's organisation, and the case within the actor's department (or assigned to them)."""
    require(actor, case.organization, perm)
    if not is_department_bound(actor, case.organization):
        return
    membership = actor.membership_in(case.organization)
    if case.department_id == membership.department_id:
        return
    if perm == CasePerm.CASE_WORK and actor.user is not None and case.assignee_id == actor.user.pk:
        return
    raise AccessDenied(
        _("Case %(code)s belongs to another department; only its department or its assignee may do this.")
        % {"code": case.tracking_code}
    )


def invited_organization_for(actor: Actor, case: Case, perm: str) -> Organization | None:
    """The organisation through which the actor, invited as co-responsible, holds `perm` on the case."""
    candidates = organizations_with(actor, perm)
    if not candidates:
        return None
    invitation = (
        CaseInvitation.objects.filter(
            organization_id=case.organization_id, case=case, invited_organization_id__in=candidates
        )
        .select_related("invited_organization")
        .first()
    )
    return invitation.invited_organization if invitation is not None else None


def require_view(actor: Actor, case: Case) -> None:
    if actor.has_perm(case.organization, CasePerm.CASE_VIEW):
        return
    if invited_organization_for(actor, case, CasePerm.CASE_VIEW) is None:
        raise AccessDenied(_("You may not see case %(code)s.") % {"code": case.tracking_code})


def acting_organization_for_notes(actor: Actor, case: Case) -> Organization:
    """The organisation in whose name the actor adds a note: the case's own, or an invited one."""
    if actor.has_perm(case.organization, CasePerm.CASE_WORK):
        require_on_case(actor, case, CasePerm.CASE_WORK)
        return case.organization
    invited = invited_organization_for(actor, case, CasePerm.CASE_WORK)
    if invited is None:
        raise AccessDenied(_("You may not add to case %(code)s.") % {"code": case.tracking_code})
    return invited
