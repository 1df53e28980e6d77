"""What each role may do. Checked in services and selectors (through `muang.core.access`), not only in views.

A member's permissions in an organisation are their role's (`ROLE_PERMISSIONS`) plus, for officers and
department heads, what the duties of their department give that role (`DUTY_PERMISSIONS`): the tax registry
belongs to the department holding the tax duty, bills to the one holding the finance duty. Which department
holds which duty is each organisation's own data (`Department.duties`, edited in the scoped admin).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import TYPE_CHECKING

from muang.core.models import ROLES_WITH_DEPARTMENT, ApiScope, Duty, Role

if TYPE_CHECKING:
    from muang.core.models import Membership


class Perm(StrEnum):
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
    # Cases (muang.cases). Officers and department heads work the cases of their own department (or assigned
    # to them); executives and system administrators, every case of the organisation.
    CASE_VIEW = "case.view"  # the queue and every case of the organisation, with reporters' contacts
    CASE_CREATE = "case.create"  # file a case on behalf of a citizen (phone call, walk-in)
    CASE_WORK = "case.work"  # notes, photos, status changes, reopen, duplicates, rating on behalf
    CASE_ASSIGN = "case.assign"  # choose who works a case
    CASE_ROUTE = "case.route"  # change category / department, forward to or invite another organisation
    CASE_CONFIGURE = "case.configure"  # categories, statuses, holidays, working hours
    # Billing (muang.billing): bills carry payers' names and tax IDs, so even reading them is a permission.
    BILL_VIEW = "bill.view"  # bills, payments, receipts, bank statements, arrears
    BILL_ISSUE = "bill.issue"  # issue and cancel bills, send warning letters
    PAYMENT_RECORD = "payment.record"  # counter payments and their receipts
    BANK_RECONCILE = "bank.reconcile"  # import bank statements, resolve their lines
    BILL_ADJUST = "bill.adjust"  # record objections and their decisions, refunds
    BILLING_CONFIGURE = "billing.configure"  # biller ID, bank accounts, receipt numbering
    # Property registry and valuation (muang.property): owners carry national IDs, so reading is a permission.
    PROPERTY_VIEW = "property.view"  # parcels, buildings, condo units, signboards, owners, history, tables
    PROPERTY_EDIT = "property.edit"  # registry writes and parcel imports (every change with a reason)
    VALUATION_EDIT = "valuation.edit"  # a tax year's tables: prices, brackets, exemptions, reductions


_CASE_OFFICER = frozenset({Perm.CASE_VIEW, Perm.CASE_CREATE, Perm.CASE_WORK})
_CASE_MANAGER = _CASE_OFFICER | {Perm.CASE_ASSIGN, Perm.CASE_ROUTE}

# What the role gives in any department. Registry and billing work come from the department's duties below.
ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.OFFICER: frozenset({Perm.ORG_VIEW}) | _CASE_OFFICER,
    Role.DEPARTMENT_HEAD: frozenset({Perm.ORG_VIEW, Perm.STAFF_VIEW}) | _CASE_MANAGER,
    # Executives oversee the whole organisation: they read the registry and the bills, they do not write them.
    Role.EXECUTIVE: frozenset(
        {
            Perm.ORG_VIEW,
            Perm.STAFF_VIEW,
            Perm.AUDIT_VIEW,
            Perm.ROLLUP_VIEW,
            Perm.BILL_VIEW,
            Perm.PROPERTY_VIEW,
        }
    )
    | _CASE_MANAGER,
    Role.OVERSEER: frozenset({Perm.ORG_VIEW, Perm.ROLLUP_VIEW}),
    Role.SYSTEM_ADMIN: frozenset(Perm),
}

# What a role in a district / province office may do in the organisations it oversees: read-only roll-ups.
OVERSIGHT_PERMISSIONS: frozenset[Perm] = frozenset({Perm.ORG_VIEW, Perm.ROLLUP_VIEW})
OVERSIGHT_ROLES = frozenset({Role.OVERSEER, Role.EXECUTIVE, Role.SYSTEM_ADMIN})

# What a duty of the member's department adds to their role (officers and department heads only: the other
# roles have no department). A duty without an entry here gives nothing yet; the apps that serve it (care,
# disaster prevention, ...) add theirs.
DUTY_PERMISSIONS: dict[str, dict[str, frozenset[Perm]]] = {
    # งานจัดเก็บรายได้ / งานแผนที่ภาษี: officers read the registry, the tax map and the tax office; the head
    # also edits the registry. A tax year's tables stay with the system administrator (valuation.edit).
    Duty.TAX: {
        Role.OFFICER: frozenset({Perm.PROPERTY_VIEW}),
        Role.DEPARTMENT_HEAD: frozenset({Perm.PROPERTY_VIEW, Perm.PROPERTY_EDIT}),
    },
    # กองคลัง (การเงิน): officers record payments and reconcile bank statements; the head also issues bills
    # and decides objections and refunds.
    Duty.FINANCE: {
        Role.OFFICER: frozenset({Perm.BILL_VIEW, Perm.PAYMENT_RECORD, Perm.BANK_RECONCILE}),
        Role.DEPARTMENT_HEAD: frozenset(
            {Perm.BILL_VIEW, Perm.PAYMENT_RECORD, Perm.BANK_RECONCILE, Perm.BILL_ISSUE, Perm.BILL_ADJUST}
        ),
    },
}


def role_permissions(role: str, duties: Iterable[str] = ()) -> frozenset[Perm]:
    """A role's permissions with what the given duties of its department add."""
    perms = ROLE_PERMISSIONS.get(role, frozenset())
    if role not in ROLES_WITH_DEPARTMENT:
        return perms
    return perms.union(*(DUTY_PERMISSIONS.get(d, {}).get(role, frozenset()) for d in duties))


def department_duties(membership: Membership) -> tuple[str, ...]:
    """The duties of the member's department (an inactive department holds none). Reads the department the
    membership carries: load memberships with `select_related("department")` and this costs no query."""
    if membership.department_id is None:
        return ()
    department = membership.department
    return tuple(department.duties) if department.is_active else ()


def membership_permissions(membership: Membership) -> frozenset[Perm]:
    """What a member may do in the membership's organisation: role × the duties of their department."""
    return role_permissions(membership.role, department_duties(membership))


SCOPE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    ApiScope.ORG_READ: frozenset({Perm.ORG_VIEW}),
    ApiScope.ORG_WRITE: frozenset({Perm.ORG_VIEW, Perm.ORG_EDIT, Perm.DEPARTMENT_EDIT}),
    ApiScope.AUDIT_READ: frozenset({Perm.AUDIT_VIEW}),
    # A citizen-facing app (Open311 client) files reports as the citizens it serves: no staff permission.
    # The Open311 endpoint checks the scope itself (muang.reports.open311).
    ApiScope.REPORTS_SUBMIT: frozenset(),
    # An integration (a call-centre system, a contractor's maintenance app) working the organisation's cases.
    # A token is not bound to a department: it acts on every case of its organisation (muang.cases.policy).
    ApiScope.CASES_READ: frozenset({Perm.CASE_VIEW}),
    ApiScope.CASES_WRITE: _CASE_MANAGER,
}
