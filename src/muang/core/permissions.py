"""What the platform itself lets people do: the organisation, its staff, its audit log and its API tokens.

Each app declares its own permissions (a `StrEnum` like this one), its API scopes and who is granted what, in
its own `permissions.py`, and lists them in its `AppConfig.contract()`; `muang.core.registry` assembles every
app's grants and `muang.core.access` checks them inside services and selectors, not only in views.

A member's permissions in an organisation are what their role is granted plus, for officers and department
heads, what the duties of their department grant that role (`Grant(..., duty=Duty.TAX)` in the app that
serves the duty): the tax registry belongs to the department holding the tax duty, bills to the one holding
the finance duty. Which department holds which duty is each organisation's own data (`Department.duties`,
edited in the scoped admin); the duty-by-role table is assembled from the apps
(`muang.core.registry.duty_permissions()`).
A permission is a plain string ("org.view"); the enums make the names greppable and typo-proof.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from muang.core.contract import Grant, Scope
from muang.core.models import ApiScope, Role


class CorePerm(StrEnum):
    ORG_VIEW = "org.view"  # the organisation's profile, boundary and departments (public facts)
    ORG_EDIT = "org.edit"  # contact details, boundary, settings
    DEPARTMENT_EDIT = "department.edit"
    STAFF_VIEW = "staff.view"  # who works where (names, roles): never shown to overseers
    # Create staff accounts, invite existing ones, change memberships (system administrators only). Never
    # reaches an account with a membership elsewhere, a superuser or platform staff (core.access).
    STAFF_MANAGE = "staff.manage"
    AUDIT_VIEW = "audit.view"
    TOKEN_MANAGE = "token.manage"  # noqa: S105 (a permission name, not a secret)
    ROLLUP_VIEW = "rollup.view"  # aggregate figures only, no personal data


SCOPES = (
    Scope(ApiScope.ORG_READ, _("Read the organisation, its departments and areas")),
    Scope(ApiScope.ORG_WRITE, _("Update the organisation's details and departments")),
    Scope(ApiScope.AUDIT_READ, _("Read the audit log")),
)

GRANTS = (
    Grant({CorePerm.ORG_VIEW}, roles=set(Role.values), scopes={ApiScope.ORG_READ, ApiScope.ORG_WRITE}),
    Grant({CorePerm.ORG_EDIT, CorePerm.DEPARTMENT_EDIT}, scopes={ApiScope.ORG_WRITE}),
    Grant({CorePerm.STAFF_VIEW}, roles={Role.DEPARTMENT_HEAD, Role.EXECUTIVE}),
    Grant({CorePerm.AUDIT_VIEW}, roles={Role.EXECUTIVE}, scopes={ApiScope.AUDIT_READ}),
    Grant({CorePerm.ROLLUP_VIEW}, roles={Role.EXECUTIVE, Role.OVERSEER}),
    # A district or province office's staff, in the local governments it oversees: read-only roll-ups.
    Grant({CorePerm.ORG_VIEW, CorePerm.ROLLUP_VIEW}, oversight=True),
)

# The roles of an overseeing office whose members see its roll-ups.
OVERSIGHT_ROLES = frozenset({Role.OVERSEER, Role.EXECUTIVE, Role.SYSTEM_ADMIN})
