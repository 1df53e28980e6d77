"""The household's own waste-fee pages under /my-tax/<organisation>/waste/: its accounts, bills and arrears,
paying a bill by Thai QR (on the page, and as a picture to open in a banking app), and the receipts once paid.

Two ways in, both a one-time SMS code (ADR 0010):
- a taxpayer on the property register signs in as the taxpayer self-service does (national or tax ID; the code
  goes to the number the revenue office has on file): their accounts are those held under that ID;
- a household that is not on the property register (a tenant, a shop in a rented room) signs in with the
  mobile number the waste register has for its account, through the one-stop counter's phone sign-in: its
  accounts are those registered with that number, its bills theirs (billing's `PayerScope` by source).

`household_page` loads the organisation from the URL and the household from the session; every read goes
through selectors scoped to that household, so another household's bill number answers 404. The QR picture and
the receipt PDF have their own pages here, which check the same scope."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from muang.billing.access import PayerScope
from muang.billing.models import BillingProfile, Receipt
from muang.billing.permissions import BillingPerm
from muang.billing.selectors import amount_due_of
from muang.billing.services import notices
from muang.core.access import CitizenActor, CitizenGrant
from muang.core.client_address import client_ip
from muang.core.errors import NotFound
from muang.core.sms import mask_thai_mobile
from muang.core.thai_dates import buddhist_era
from muang.core.views.pages import citizen_page, public_page
from muang.eservices import session as phone_session
from muang.selfservice import session as taxpayer_session
from muang.selfservice.views import _context, _no_store, _organization, _qr_svg, bill_qr_png
from muang.waste import selectors


@dataclass(frozen=True)
class Household:
    """Who is signed in to the waste page: a taxpayer (`owner`) or a household by its mobile number."""

    owner: object | None
    phone: str
    actor: CitizenActor

    @property
    def lookup(self) -> dict:
        return {"owner": self.owner} if self.owner is not None else {"phone": self.phone}


def household_actor(organization, phone: str, scope: PayerScope, request: HttpRequest) -> CitizenActor:
    """The household signed in by its mobile number as a citizen principal: it reads its own waste-fee bills
    and receipts, nothing else. The audit log names it by the masked number."""
    return CitizenActor(
        organization_id=organization.pk,
        principal=f"household:{mask_thai_mobile(phone)}",
        grants=(CitizenGrant({BillingPerm.BILL_VIEW}, scope),),
        ip_address=client_ip(request),
        request_id=getattr(request, "id", ""),
    )


def household_page(view):
    """Organisation from the URL, the household from the session (taxpayer first, then mobile number); anyone
    else goes to the page that offers both sign-ins."""

    @citizen_page(
        "the signed-in household's own waste-fee accounts and bills, in the organisation it signed in to"
    )
    @functools.wraps(view)
    def wrapper(request: HttpRequest, slug: str, *args, **kwargs):
        organization = _organization(slug)
        owner = taxpayer_session.signed_in_owner(request.session, organization)
        if owner is not None:
            actor = taxpayer_session.taxpayer_actor(
                owner, ip_address=client_ip(request), request_id=getattr(request, "id", "")
            )
            household = Household(owner, "", actor)
        elif phone := phone_session.signed_in_phone(request.session, organization):
            accounts = selectors.accounts_with_phone(organization, phone)
            scope = selectors.household_scope(organization, accounts, timezone.localdate())
            household = Household(None, phone, household_actor(organization, phone, scope, request))
        else:
            url = reverse("waste-household:sign-in", args=[organization.slug])
            return redirect(url)
        try:
            response = view(request, organization, household, *args, **kwargs)
        except NotFound as e:
            raise Http404(e.detail) from e
        return _no_store(response)

    return wrapper


def _page_context(request, organization, household: Household, **extra) -> dict:
    if household.owner is not None:
        return _context(request, organization, household.owner, **extra)
    return {"org": organization, "owner": None, "household_phone": mask_thai_mobile(household.phone), **extra}


@public_page("the waste page's sign-in choice: the same page whoever asks, so it reveals nobody's records")
@require_GET
def sign_in(request: HttpRequest, slug: str) -> HttpResponse:
    """Two ways in: the national ID (taxpayers on the property register) or the mobile number the waste register
    has for the household; both come back to the waste page."""
    organization = _organization(slug)
    home = reverse("waste-household:home", args=[organization.slug])
    return _no_store(
        render(
            request,
            "waste/household_sign_in.html",
            {
                "org": organization,
                "by_id": reverse("selfservice:sign-in", args=[organization.slug]) + f"?next={home}",
                "by_phone": reverse("eservices:sign-in", args=[organization.slug]) + f"?next={home}",
            },
        )
    )


@require_GET
@household_page
def household(request: HttpRequest, organization, household: Household) -> HttpResponse:
    today = timezone.localdate()
    accounts = selectors.household_accounts(organization=organization, today=today, **household.lookup)
    return render(
        request,
        "waste/household.html",
        _page_context(
            request,
            organization,
            household,
            accounts=accounts,
            owed=sum((a.owed for a in accounts), 0),
            today=today,
        ),
    )


@require_GET
@household_page
def household_bill(request: HttpRequest, organization, household: Household, number: str) -> HttpResponse:
    today = timezone.localdate()
    bill = selectors.household_bill(organization=organization, number=number, today=today, **household.lookup)
    due = amount_due_of(bill, today)
    profile = BillingProfile.objects.filter(organization=organization).first()
    qr = None
    if profile is not None and due.payable_now > 0:
        payload = notices.qr_payload(profile, bill, due.payable_now)
        qr = {"amount": due.payable_now, "payload": payload, "svg": _qr_svg(payload)}
    return render(
        request,
        "waste/household_bill.html",
        _page_context(
            request,
            organization,
            household,
            bill=bill,
            due=due,
            qr=qr,
            lines=list(bill.lines.all()),
            payments=list(bill.payments.all()),
            year_be=buddhist_era(bill.year),
            today=today,
        ),
    )


@require_GET
@household_page
def household_qr(request: HttpRequest, organization, household: Household, number: str) -> HttpResponse:
    """The bill's Thai QR code for the amount due today as a picture to open in a banking app."""
    today = timezone.localdate()
    bill = selectors.household_bill(organization=organization, number=number, today=today, **household.lookup)
    return bill_qr_png(organization, bill, today)


@require_GET
@household_page
def household_receipt(request: HttpRequest, organization, household: Household, number: str) -> HttpResponse:
    """The receipt of a payment on one of the household's waste-fee bills, as billing prints it."""
    today = timezone.localdate()
    receipt = (
        Receipt.objects.filter(organization=organization, number=number[:30])
        .select_related("payment__bill")
        .first()
    )
    if receipt is None:
        raise Http404(_("No receipt %(number)s.") % {"number": number})
    # The bill must be one of this household's waste-fee bills (NotFound otherwise).
    selectors.household_bill(
        organization=organization, number=receipt.payment.bill.number, today=today, **household.lookup
    )
    content = notices.receipt_pdf(actor=household.actor, receipt=receipt)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{receipt.number}.pdf"'
    return response
