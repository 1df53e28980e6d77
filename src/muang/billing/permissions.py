"""Who may do what in billing: bills carry payers' names and tax IDs, so even reading them is a permission.

Executives read every bill; the rest of the billing work belongs to the organisation's revenue department
(`REVENUE_DEPARTMENT`, resolved by `muang.billing.access`); system administrators hold everything. Taxpayers
reach their own bills as citizen principals with a `PayerScope` grant (`muang.billing.access`).
"""

from enum import StrEnum

from muang.core.contract import Grant
from muang.core.models import Role


class BillingPerm(StrEnum):
    BILL_VIEW = "bill.view"  # bills, payments, receipts, bank statements, arrears
    BILL_ISSUE = "bill.issue"  # issue and cancel bills, send warning letters
    PAYMENT_RECORD = "payment.record"  # counter payments and their receipts
    BANK_RECONCILE = "bank.reconcile"  # import bank statements, resolve their lines
    BILL_ADJUST = "bill.adjust"  # record objections and their decisions, refunds
    OBJECTION_FILE = (
        "objection.file"  # file an objection against a bill (staff for a taxpayer, or the taxpayer)
    )
    BILLING_CONFIGURE = "billing.configure"  # biller ID, bank accounts, receipt numbering


GRANTS = (Grant({BillingPerm.BILL_VIEW}, roles={Role.EXECUTIVE}),)

# Billing work belongs to one department (กองคลัง / งานจัดเก็บรายได้), named in the organisation's
# BillingProfile: its members get these on top of their role's permissions (muang.billing.access).
REVENUE_DEPARTMENT: dict[str, frozenset[str]] = {
    Role.OFFICER: frozenset({BillingPerm.BILL_VIEW, BillingPerm.PAYMENT_RECORD, BillingPerm.BANK_RECONCILE}),
    Role.DEPARTMENT_HEAD: frozenset(
        {
            BillingPerm.BILL_VIEW,
            BillingPerm.PAYMENT_RECORD,
            BillingPerm.BANK_RECONCILE,
            BillingPerm.BILL_ISSUE,
            BillingPerm.BILL_ADJUST,
            BillingPerm.OBJECTION_FILE,
        }
    ),
}
