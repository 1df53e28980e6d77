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
from muang.core import form_errors
from muang.core.access import Actor
from muang.core.errors import MuangError
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
    """Put a domain error on the field it names, or on the form, saying where (a bank file's "line 7") when the
    form has no such field. Access errors are not form errors: they propagate (the page answers 403 and
    nothing was written)."""
    form_errors.add_service_errors(
        form, error, aliases=FIELD_ALIASES, raise_access=True, summary=True, keep_place=True
    )


def parse_as_of(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None
