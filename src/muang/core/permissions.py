"""What each role may do. Checked in services and selectors (through `muang.core.access`), not only in views."""

from enum import StrEnum

from muang.core.models import ApiScope, Role


class Perm(StrEnum):
    ORG_VIEW = "org.view"  # the organisation's profile, boundary and departments (public facts)
    ORG_EDIT = "org.edit"  # contact details, boundary, settings
    DEPARTMENT_EDIT = "department.edit"
    STAFF_VIEW = "staff.view"  # who works where (names, roles): never shown to overseers
    AUDIT_VIEW = "audit.view"
    TOKEN_MANAGE = "token.manage"  # noqa: S105 (a permission name, not a secret)
    ROLLUP_VIEW = "rollup.view"  # aggregate figures only, no personal data


ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.OFFICER: frozenset({Perm.ORG_VIEW}),
    Role.DEPARTMENT_HEAD: frozenset({Perm.ORG_VIEW, Perm.STAFF_VIEW}),
    Role.EXECUTIVE: frozenset({Perm.ORG_VIEW, Perm.STAFF_VIEW, Perm.AUDIT_VIEW, Perm.ROLLUP_VIEW}),
    Role.OVERSEER: frozenset({Perm.ORG_VIEW, Perm.ROLLUP_VIEW}),
    Role.SYSTEM_ADMIN: frozenset(Perm),
}

# What a role in a district / province office may do in the organisations it oversees: read-only roll-ups.
OVERSIGHT_PERMISSIONS: frozenset[Perm] = frozenset({Perm.ORG_VIEW, Perm.ROLLUP_VIEW})
OVERSIGHT_ROLES = frozenset({Role.OVERSEER, Role.EXECUTIVE, Role.SYSTEM_ADMIN})

SCOPE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    ApiScope.ORG_READ: frozenset({Perm.ORG_VIEW}),
    ApiScope.ORG_WRITE: frozenset({Perm.ORG_VIEW, Perm.ORG_EDIT, Perm.DEPARTMENT_EDIT}),
    ApiScope.AUDIT_READ: frozenset({Perm.AUDIT_VIEW}),
}
