"""Who may do what with cases. Officers and department heads work the cases of their own department (or
assigned to them); executives and system administrators, every case of the organisation (`muang.cases.policy`).
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from muang.core.contract import Grant, Scope
from muang.core.models import Role


class CasePerm(StrEnum):
    CASE_VIEW = "case.view"  # the queue and every case of the organisation, with reporters' contacts
    CASE_CREATE = "case.create"  # file a case on behalf of a citizen (phone call, walk-in)
    CASE_WORK = "case.work"  # notes, photos, status changes, reopen, duplicates, rating on behalf
    CASE_ASSIGN = "case.assign"  # choose who works a case
    CASE_ROUTE = "case.route"  # change category / department, forward to or invite another organisation
    CASE_CONFIGURE = "case.configure"  # categories, statuses, holidays, working hours


class CaseScope(StrEnum):
    CASES_READ = "cases:read"
    CASES_WRITE = "cases:write"


CASE_OFFICER = frozenset({CasePerm.CASE_VIEW, CasePerm.CASE_CREATE, CasePerm.CASE_WORK})
CASE_MANAGER = CASE_OFFICER | {CasePerm.CASE_ASSIGN, CasePerm.CASE_ROUTE}

SCOPES = (
    Scope(CaseScope.CASES_READ, _("Read the case queue and cases, with reporters' contacts")),
    Scope(CaseScope.CASES_WRITE, _("File cases for citizens and work them: assign, status, notes, routing")),
)

GRANTS = (
    Grant(CASE_OFFICER, roles={Role.OFFICER}),
    Grant(CASE_MANAGER, roles={Role.DEPARTMENT_HEAD, Role.EXECUTIVE}),
    # An integration (a call-centre system, a contractor's maintenance app) working the organisation's cases.
    # A token is not bound to a department: it acts on every case of its organisation (muang.cases.policy).
    Grant({CasePerm.CASE_VIEW}, scopes={CaseScope.CASES_READ}),
    Grant(CASE_MANAGER, scopes={CaseScope.CASES_WRITE}),
)
