"""Who may do what in billing: bills carry payers' names and tax IDs, so even reading them is a permission.

Executives read every bill; the rest of the billing work belongs to the department holding the finance duty
(a duty grant); system administrators hold everything. Taxpayers
reach their own bills as citizen principals with a `PayerScope` grant (`muang.billing.access`).
"""

from enum import StrEnum

from muang.core.contract import Grant
from muang.core.models import Duty, Role


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


GRANTS = (
    # Executives oversee the whole organisation: they read the bills, they do not write them.
    Grant({BillingPerm.BILL_VIEW}, roles={Role.EXECUTIVE}),
    # กองคลัง (การเงิน), the department holding the finance duty: officers record payments and reconcile bank
    # statements; the head also issues bills, decides objections and refunds, and files an objection for a
    # taxpayer. Which department holds the duty is each organisation's own data (`Department.duties`).
    Grant(
        {BillingPerm.BILL_VIEW, BillingPerm.PAYMENT_RECORD, BillingPerm.BANK_RECONCILE},
        roles={Role.OFFICER, Role.DEPARTMENT_HEAD},
        duty=Duty.FINANCE,
    ),
    Grant(
        {BillingPerm.BILL_ISSUE, BillingPerm.BILL_ADJUST, BillingPerm.OBJECTION_FILE},
        roles={Role.DEPARTMENT_HEAD},
        duty=Duty.FINANCE,
    ),
)
