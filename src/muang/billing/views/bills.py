"""Bills: the list with filters and batch notices, the bill page with the counter, cancellation, objections,
refunds; receipts."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from muang.billing import selectors
from muang.billing.forms import (
    AsOfForm,
    BillFilterForm,
    CancelForm,
    DecisionForm,
    ExtendForm,
    NotifiedForm,
    ObjectionForm,
    PaymentForm,
    RefundForm,
)
from muang.billing.models import Bill, BillStatus
from muang.billing.services import bills as bill_services
from muang.billing.services import disputes, notices, payments
from muang.billing.services.disputes import objection_deadline, objection_deemed_accepted
from muang.core.access import Actor
from muang.core.errors import MuangError, NotFound
from muang.core.models import Membership

from . import add_service_errors, billing_view, perms_of

PAGE_SIZE = 50
# WeasyPrint lays out about ten notices a second: a bigger batch would hold a web worker for minutes.
MAX_BATCH_NOTICES = 300


def pdf_response(content: bytes, filename: str, *, attachment: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def _filtered_bills(request: HttpRequest, actor: Actor, membership: Membership):
    org = membership.organization
    years = (
        selectors.bills_of(actor=actor, organization=org)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )
    form = BillFilterForm(request.GET or None, years=list(years))
    filters: dict = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "q": data["q"],
            "year": data["year"],
            "kind": data["kind"] or None,
            "status": data["status"] or None,
            "overdue_on": timezone.localdate() if data["overdue"] else None,
        }
    return form, selectors.bills_of(actor=actor, organization=org, **filters)


@billing_view
@require_GET
def bill_list(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    form, qs = _filtered_bills(request, actor, membership)
    page = Paginator(qs.prefetch_related("instalments", "warning_letters"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    rules_cache = selectors.charge_rules_of(page.object_list)  # once per kind and year of the page
    rows = [(bill, selectors.amount_due_of(bill, today, rules_cache)) for bill in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "billing/web/bill_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "organization": membership.organization,
            "max_batch": MAX_BATCH_NOTICES,
        },
    )


@billing_view
@require_GET
def bill_notices_batch(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    """The notices of every bill the list's filters select, in one PDF for printing."""
    form, qs = _filtered_bills(request, actor, membership)
    back = reverse("billing:bills") + (f"?{request.GET.urlencode()}" if request.GET else "")
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Correct the filters first."))
        return redirect(back)
    qs = qs.exclude(status=BillStatus.CANCELLED)
    count = qs.count()
    if count == 0:
        messages.error(request, _("No bills to print: the filters select none that is not cancelled."))
        return redirect(back)
    if count > MAX_BATCH_NOTICES:
        messages.error(
            request,
            _(
                "The filters select %(count)s bills; at most %(max)s notices can be printed at once. "
                "Narrow the filters (e.g. by year and kind, or search for a name)."
            )
            % {"count": f"{count:,}", "max": MAX_BATCH_NOTICES},
        )
        return redirect(back)
    pdf = notices.bill_notices_pdf(actor=actor, organization=membership.organization, bills=list(qs))
    return pdf_response(pdf, f"notices-{membership.organization.slug}-{count}.pdf", attachment=True)


def _bill_for(actor: Actor, membership: Membership, number: str) -> Bill:
    return selectors.get_bill_for(actor=actor, organization=membership.organization, number=number)


def _bill_context(request: HttpRequest, actor: Actor, membership: Membership, bill: Bill, **forms_) -> dict:
    today = timezone.localdate()
    as_of_form = AsOfForm(request.GET or None)
    as_of = as_of_form.cleaned_data["as_of"] if as_of_form.is_valid() else None
    due_today = selectors.amount_due_of(bill, today)
    due_as_of = selectors.amount_due_of(bill, as_of) if as_of and as_of != today else None
    objections = list(bill.objections.select_related("recorded_by").order_by("-filed_on", "-id"))
    refunds = list(bill.refunds.select_related("payment__receipt").order_by("-claimed_on", "-id"))
    payments_ = list(bill.payments.all())
    receipts = [p.receipt.number for p in payments_ if hasattr(p, "receipt")]
    perms = perms_of(actor, membership)
    payment_form = forms_.get("payment_form")
    if payment_form is None:
        payment_form = PaymentForm(initial={"amount": due_today.total or None})
    return {
        "bill": bill,
        "organization": membership.organization,
        "lines": list(bill.lines.all()),
        "instalments": selectors.instalment_states(bill),
        "payments": payments_,
        "letters": list(bill.warning_letters.all()),
        "objections": [(o, objection_deemed_accepted(o, today)) for o in objections],
        "objection_deadline": objection_deadline(bill),
        "refunds": refunds,
        "due": due_today,
        "due_as_of": due_as_of,
        "as_of_form": as_of_form,
        "today": today,
        "is_open": bill.status in selectors.OPEN_STATUSES,
        "payment_form": payment_form,
        "cancel_form": forms_.get("cancel_form") or CancelForm(),
        "notified_form": forms_.get("notified_form")
        or NotifiedForm(initial={"notified_on": bill.notified_on}),
        "extend_form": forms_.get("extend_form")
        or ExtendForm(initial={"extension_until": bill.extension_until}),
        "objection_form": forms_.get("objection_form") or ObjectionForm(),
        "decision_form": forms_.get("decision_form") or DecisionForm(),
        "decision_for": forms_.get("decision_for"),
        "refund_form": forms_.get("refund_form") or RefundForm(receipts=receipts),
        "open_panel": forms_.get("open_panel", ""),
        "failed_form": forms_.get(forms_.get("open_panel", "")),
        **perms,
    }


@billing_view
@require_GET
def bill_page(request: HttpRequest, actor: Actor, membership: Membership, number: str) -> HttpResponse:
    bill = _bill_for(actor, membership, number)
    return render(request, "billing/web/bill.html", _bill_context(request, actor, membership, bill))


@billing_view
@require_GET
def bill_notice_pdf(request: HttpRequest, actor: Actor, membership: Membership, number: str) -> HttpResponse:
    bill = _bill_for(actor, membership, number)
    return pdf_response(notices.bill_notice_pdf(actor=actor, bill=bill), f"notice-{bill.number}.pdf")


def _bill_action(
    request, actor, membership, number, form_name, form, do, *, saved=None, success=None, extra=None
) -> HttpResponse:
    """Validate ``form``, run the service in ``do``; on any error show the bill again with the form's errors
    (422): the service is atomic, so nothing was written. Done: ``success(result)``'s answer, or back to the
    bill with the message ``saved`` (a text, or made from the result)."""
    bill = _bill_for(actor, membership, number)
    if form.is_valid():
        try:
            result = do(bill, form.cleaned_data)
        except MuangError as e:
            add_service_errors(form, e)
        else:
            if success is not None:
                return success(result)
            messages.success(request, saved(result) if callable(saved) else saved)
            return redirect("billing:bill", number=number)
    bill = _bill_for(actor, membership, number)  # as it is now, not as the failed attempt left the object
    context = _bill_context(
        request, actor, membership, bill, **{form_name: form, "open_panel": form_name, **(extra or {})}
    )
    return render(request, "billing/web/bill.html", context, status=422)


@billing_view
@require_POST
def bill_pay(request: HttpRequest, actor: Actor, membership: Membership, number: str) -> HttpResponse:
    def do(bill, data):
        return payments.payment_record(
            actor=actor,
            bill=bill,
            amount=data["amount"],
            channel=data["channel"],
            paid_on=data["paid_on"],
            reference=data["reference"],
            cheque_bank=data["cheque_bank"],
            cheque_number=data["cheque_number"],
        )

    def success(payment):
        messages.success(
            request,
            _("Payment of %(amount)s baht recorded: receipt %(receipt)s.")
            % {"amount": f"{payment.amount:,.2f}", "receipt": payment.receipt.number},
        )
        return redirect("billing:receipt", number=payment.receipt.number)

    return _bill_action(
        request, actor, membership, number, "payment_form", PaymentForm(request.POST), do, success=success
    )


@billing_view
@require_POST
def bill_cancel(request: HttpRequest, actor: Actor, membership: Membership, number: str) -> HttpResponse:
    def do(bill, data):
        return bill_services.bill_cancel(actor=actor, bill=bill, reason=data["reason"])

    saved = _("Bill %(number)s is cancelled.") % {"number": number}

    return _bill_action(
        request, actor, membership, number, "cancel_form", CancelForm(request.POST), do, saved=saved
    )


@billing_view
@require_POST
def bill_notified(request: HttpRequest, actor: Actor, membership: Membership, number: str) -> HttpResponse:
    def do(bill, data):
        return bill_services.bill_mark_notified(actor=actor, bill=bill, notified_on=data["notified_on"])

    saved = _("The notice's delivery is recorded.")

    return _bill_action(
        request, actor, membership, number, "notified_form", NotifiedForm(request.POST), do, saved=saved
    )


@billing_view
@require_POST
def bill_extend(request: HttpRequest, actor: Actor, membership: Membership, number: str) -> HttpResponse:
    def do(bill, data):
        return bill_services.bill_extend(actor=actor, bill=bill, until=data["extension_until"])

    saved = _("The time to pay is extended.")

    return _bill_action(
        request, actor, membership, number, "extend_form", ExtendForm(request.POST), do, saved=saved
    )


@billing_view
@require_POST
def objection_file(request: HttpRequest, actor: Actor, membership: Membership, number: str) -> HttpResponse:
    def do(bill, data):
        return disputes.objection_file(
            actor=actor, bill=bill, filed_on=data["filed_on"], reason=data["reason"]
        )

    saved = _("The objection is recorded.")

    return _bill_action(
        request, actor, membership, number, "objection_form", ObjectionForm(request.POST), do, saved=saved
    )


@billing_view
@require_POST
def objection_decide(
    request: HttpRequest, actor: Actor, membership: Membership, number: str, objection_id: int
) -> HttpResponse:
    objection = _bill_for(actor, membership, number).objections.filter(pk=objection_id).first()
    if objection is None:
        raise NotFound(_("No such objection on this bill."))

    def do(bill, data):
        return disputes.objection_decide(
            actor=actor,
            objection=objection,
            status=data["status"],
            decided_on=data["decided_on"],
            note=data["note"],
        )

    saved = _("The decision is recorded.")

    form = DecisionForm(request.POST)
    return _bill_action(
        request, actor, membership, number, "decision_form", form, do, saved=saved,
        extra={"decision_for": objection_id},
    )  # fmt: skip


@billing_view
@require_POST
def refund_record(request: HttpRequest, actor: Actor, membership: Membership, number: str) -> HttpResponse:
    bill = _bill_for(actor, membership, number)
    by_receipt = {p.receipt.number: p for p in bill.payments.all() if hasattr(p, "receipt")}

    def do(bill, data):
        return disputes.refund_record(
            actor=actor,
            bill=bill,
            amount=data["amount"],
            reason=data["reason"],
            claimed_on=data["claimed_on"],
            payment=by_receipt.get(data["receipt"]),
            payee_name=data["payee_name"],
            note=data["note"],
        )

    def saved(refund):
        return _("A refund of %(amount)s baht is recorded.") % {"amount": f"{refund.amount:,.2f}"}

    form = RefundForm(request.POST, receipts=list(by_receipt))
    return _bill_action(request, actor, membership, number, "refund_form", form, do, saved=saved)


# --- receipts ------------------------------------------------------------------------------------------------------


@billing_view
@require_GET
def receipt_page(request: HttpRequest, actor: Actor, membership: Membership, number: str) -> HttpResponse:
    receipt = selectors.get_receipt_for(actor=actor, organization=membership.organization, number=number)
    data = notices.receipt_data(receipt)
    return render(
        request,
        "billing/web/receipt.html",
        {
            "r": data,
            "receipt": receipt,
            "bill": receipt.payment.bill,
            "organization": membership.organization,
        },
    )


@billing_view
@require_GET
def receipt_pdf(request: HttpRequest, actor: Actor, membership: Membership, number: str) -> HttpResponse:
    receipt = selectors.get_receipt_for(actor=actor, organization=membership.organization, number=number)
    return pdf_response(notices.receipt_pdf(actor=actor, receipt=receipt), f"receipt-{receipt.number}.pdf")
