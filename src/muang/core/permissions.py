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

ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.OFFICER: frozenset({Perm.ORG_VIEW, Perm.PROPERTY_VIEW}) | _CASE_OFFICER,
    Role.DEPARTMENT_HEAD: frozenset({Perm.ORG_VIEW, Perm.STAFF_VIEW, Perm.PROPERTY_VIEW, Perm.PROPERTY_EDIT})
    | _CASE_MANAGER,
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

# Billing work belongs to one department (กองคลัง / งานจัดเก็บรายได้), named in the organisation's
# BillingProfile: its members get these on top of their role's permissions (muang.billing.access).
REVENUE_DEPARTMENT_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.OFFICER: frozenset({Perm.BILL_VIEW, Perm.PAYMENT_RECORD, Perm.BANK_RECONCILE}),
    Role.DEPARTMENT_HEAD: frozenset(
        {Perm.BILL_VIEW, Perm.PAYMENT_RECORD, Perm.BANK_RECONCILE, Perm.BILL_ISSUE, Perm.BILL_ADJUST}
    ),
}

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
