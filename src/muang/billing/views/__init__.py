"""The billing back office (session login): bills and the counter (`bills`), bank statements (`bank`), the
arrears report with its exports and warning letters (`arrears`).

Every page works in the staff member's active organisation; a bill, receipt or statement of any other
organisation is simply not found (404). Reading needs the billing view permission; each write is checked
again by its service (collect, issue, adjust, reconcile), and a refused write shows the forbidden page.
"""

from __future__ import annotations

import datetime as dt

from django import forms

from muang.billing.permissions import BillingPerm
from muang.core.access import Actor
from muang.core.errors import AccessDenied, MuangError
from muang.core.models import Membership
from muang.core.views.pages import holds, staff_page

# Service field names that a form names differently.
FIELD_ALIASES = {"receipt_number": "receipt", "payment": "receipt"}


# Signed-in staff allowed to read the billing of their active organisation; passes actor and membership.
# Domain errors a view does not handle itself become 403 / 404.
billing_view = staff_page(holds(BillingPerm.BILL_VIEW))


def perms_of(actor: Actor, membership: Membership) -> dict[str, bool]:
    """What the page may offer: forms for writes the person cannot make are not shown."""
    perms = actor.permissions_in(membership.organization)
    return {
        "can_collect": BillingPerm.PAYMENT_RECORD in perms,
        "can_issue": BillingPerm.BILL_ISSUE in perms,
        "can_adjust": BillingPerm.BILL_ADJUST in perms,
        "can_reconcile": BillingPerm.BANK_RECONCILE in perms,
    }


def add_service_errors(form: forms.Form, error: MuangError) -> None:
    """Put a domain error on the field it names, or on the form. Access errors are not form errors: they
    propagate (the page answers 403 and nothing was written)."""
    if isinstance(error, AccessDenied):
        raise error
    if not error.field_errors:
        form.add_error(None, error.detail)
        return
    all_messages = [m for messages in error.field_errors.values() for m in messages]
    if error.detail not in all_messages:  # a summary, e.g. "3 rows of the file cannot be read"
        form.add_error(None, error.detail)
    for name, messages in error.field_errors.items():
        field = FIELD_ALIASES.get(name, name)
        for message in messages:
            if field in form.fields:
                form.add_error(field, message)
            elif name == "__all__":
                form.add_error(None, message)
            else:  # e.g. a bank file's "line 7": keep the place in the message
                form.add_error(None, f"{name}: {message}")


def parse_as_of(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None
