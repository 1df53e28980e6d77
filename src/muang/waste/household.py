"""The household's own waste-fee pages under /my-tax/<organisation>/waste/: its accounts, bills and arrears,
paying a bill by Thai QR (on the page, and as a picture to open in a banking app), and the receipts once paid.

The household signs in as the taxpayer self-service does (national or tax ID and a one-time SMS code, ADR
0010): `taxpayer_page` loads the organisation from the URL and the person from their session, and every read
goes through selectors scoped to that person's billing grant, so another household's bill number answers 404.
The QR picture and the receipt PDF are self-service's own pages (`selfservice:qr`, `selfservice:receipt`),
which check the same grant."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from muang.billing.models import BillingProfile
from muang.billing.selectors import amount_due_of
from muang.billing.services import notices
from muang.core.thai_dates import buddhist_era
from muang.selfservice.views import _context, _qr_svg, taxpayer_page
from muang.waste import selectors


@require_GET
@taxpayer_page
def household(request: HttpRequest, organization, owner) -> HttpResponse:
    today = timezone.localdate()
    accounts = selectors.household_accounts(organization=organization, owner=owner, today=today)
    return render(
        request,
        "waste/household.html",
        _context(
            request,
            organization,
            owner,
            accounts=accounts,
            owed=sum((a.owed for a in accounts), 0),
            today=today,
        ),
    )


@require_GET
@taxpayer_page
def household_bill(request: HttpRequest, organization, owner, number: str) -> HttpResponse:
    bill = selectors.household_bill(organization=organization, owner=owner, number=number)
    today = timezone.localdate()
    due = amount_due_of(bill, today)
    profile = BillingProfile.objects.filter(organization=organization).first()
    qr = None
    if profile is not None and due.payable_now > 0:
        payload = notices.qr_payload(profile, bill, due.payable_now)
        qr = {"amount": due.payable_now, "payload": payload, "svg": _qr_svg(payload)}
    return render(
        request,
        "waste/household_bill.html",
        _context(
            request,
            organization,
            owner,
            bill=bill,
            due=due,
            qr=qr,
            lines=list(bill.lines.all()),
            payments=list(bill.payments.all()),
            year_be=buddhist_era(bill.year),
            today=today,
        ),
    )
