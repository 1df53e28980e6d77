"""The arrears report (as of any day), its Excel and GeoJSON exports, and warning letters."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from muang.billing import exports, selectors
from muang.billing.forms import ArrearsFilterForm, LetterReceivedForm
from muang.billing.services import letters as letter_services
from muang.core import geo
from muang.core.access import Actor
from muang.core.errors import InvalidInput, MuangError, NotFound
from muang.core.models import Membership

from . import add_service_errors, billing_view, perms_of
from .bills import pdf_response

ROWS_SHOWN = 500
LETTERS_PAGE_SIZE = 50
MAX_LETTERS = 500


def _report(request: HttpRequest, actor: Actor, membership: Membership):
    org = membership.organization
    years = (
        selectors.bills_of(actor=actor, organization=org)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )
    form = ArrearsFilterForm(request.GET or None, years=list(years))
    if form.is_bound and not form.is_valid():
        return form, None
    data = form.cleaned_data if form.is_bound else {}
    report = selectors.arrears_report(
        actor=actor,
        organization=org,
        as_of=data.get("as_of") or timezone.localdate(),
        kind=data.get("kind") or None,
        year=data.get("year"),
    )
    return form, report


def _filters(form) -> dict:
    """The report's filters as chosen (for the audit entry of an export)."""
    data = form.cleaned_data if form.is_bound else {}
    return {k: data[k] for k in ("kind", "year") if data.get(k)}


@billing_view
@require_GET
def arrears_page(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    form, report = _report(request, actor, membership)
    return _render(request, actor, membership, form, report)


def _render(request, actor: Actor, membership: Membership, form, report) -> HttpResponse:
    return render(
        request,
        "billing/web/arrears.html",
        {
            "form": form,
            "report": report,
            "rows": report.rows[:ROWS_SHOWN] if report else [],
            "rows_shown": ROWS_SHOWN,
            "query": request.GET.urlencode(),
            "organization": membership.organization,
            "today": timezone.localdate(),
            **perms_of(actor, membership),
        },
        status=200 if report else 422,
    )


@billing_view
@require_GET
def arrears_xlsx(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    form, report = _report(request, actor, membership)
    if report is None:
        return _render(request, actor, membership, form, report)
    org = membership.organization
    response = HttpResponse(
        exports.arrears_xlsx(report, actor=actor, organization=org, filters=_filters(form)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{exports.arrears_filename(org, report, "xlsx")}"'
    )
    return response


@billing_view
@require_GET
def arrears_geojson(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    form, report = _report(request, actor, membership)
    if report is None:
        return _render(request, actor, membership, form, report)
    org = membership.organization
    locations = selectors.bill_locations(actor=actor, organization=org, bills=[r.bill for r in report.rows])
    body = exports.arrears_geojson(report, locations, actor=actor, organization=org, filters=_filters(form))
    return geo.geojson_response(body, filename=exports.arrears_filename(org, report, "geojson"))


@billing_view
@require_POST
def letters_issue(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    """Warning letters for the ticked overdue bills (bills not overdue today, or with a letter, are skipped)."""
    org = membership.organization
    numbers = request.POST.getlist("bills")
    back = reverse("billing:arrears") + (f"?{request.POST['query']}" if request.POST.get("query") else "")
    if not numbers:
        messages.error(request, _("Tick the overdue bills to send warning letters for."))
        return redirect(back)
    if len(numbers) > MAX_LETTERS:
        messages.error(request, _("At most %(n)s letters at a time.") % {"n": MAX_LETTERS})
        return redirect(back)
    bills = list(selectors.bills_of(actor=actor, organization=org).filter(number__in=numbers))
    letters = letter_services.warning_letters_issue(actor=actor, organization=org, bills=bills)
    skipped = len(numbers) - len(letters)
    if not letters:
        messages.error(
            request, _("No letter was issued: the ticked bills are not overdue today or already have one.")
        )
        return redirect(back)
    messages.success(request, _("%(n)s warning letters issued.") % {"n": len(letters)})
    if skipped:
        messages.warning(
            request,
            _("%(n)s bills were skipped: not overdue today, or a letter was sent before.") % {"n": skipped},
        )
    ids = ",".join(str(letter.pk) for letter in letters)
    return redirect(reverse("billing:letters") + "?" + urlencode({"ids": ids}))


def _ids(value: str) -> list[int] | None:
    if not value:
        return None
    parts = [p for p in value.split(",") if p]
    if not all(p.isdigit() for p in parts) or len(parts) > MAX_LETTERS:
        raise InvalidInput.for_field("ids", _("A list of letter numbers."))
    return [int(p) for p in parts]


@billing_view
@require_GET
def letters_page(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    """Warning letters, newest first (or just those in ``ids``, e.g. the ones issued a moment ago)."""
    try:
        ids = _ids(request.GET.get("ids", ""))
    except InvalidInput as e:
        messages.error(request, e.detail)
        return redirect("billing:letters")
    return _letters(request, actor, membership, ids)


def _letters(request, actor: Actor, membership: Membership, ids, failed=None, status: int = 200):
    qs = selectors.warning_letters_of(actor=actor, organization=membership.organization, ids=ids)
    page = Paginator(qs, LETTERS_PAGE_SIZE).get_page(request.GET.get("page"))
    failed_id, failed_form = failed or (None, None)
    rows = [
        (w, _bind_to(failed_form if w.pk == failed_id else LetterReceivedForm(prefix=f"w{w.pk}"), w.pk))
        for w in page.object_list
    ]
    return render(
        request,
        "billing/web/letters.html",
        {
            "page": page,
            "rows": rows,
            "ids": request.GET.get("ids", ""),
            "organization": membership.organization,
            **perms_of(actor, membership),
        },
        status=status,
    )


def _bind_to(form: LetterReceivedForm, letter_id: int) -> LetterReceivedForm:
    """The fields sit in the letters table (inside the download form) but submit with their own small form."""
    for field in form.fields.values():
        field.widget.attrs["form"] = f"received-{letter_id}"
    return form


@billing_view
@require_POST
def letter_received(
    request: HttpRequest, actor: Actor, membership: Membership, letter_id: int
) -> HttpResponse:
    """Record a letter's delivery: from then on, the s.69 penalty is 20% within its deadline, 40% after."""
    letter = (
        selectors.warning_letters_of(actor=actor, organization=membership.organization, ids=[letter_id])
        .select_related("organization")
        .first()
    )
    if letter is None:
        raise NotFound(_("No such warning letter."))
    form = LetterReceivedForm(request.POST, prefix=f"w{letter_id}")
    if form.is_valid():
        try:
            letter_services.warning_letter_received(
                actor=actor,
                letter=letter,
                received_on=form.cleaned_data["received_on"],
                deadline=form.cleaned_data["deadline"],
            )
        except MuangError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("The letter's delivery is recorded."))
            nxt = request.POST.get("next", "")
            return redirect(nxt if nxt.startswith("/billing/letters/") else reverse("billing:letters"))
    return _letters(request, actor, membership, None, failed=(letter_id, form), status=422)


@billing_view
@require_GET
def letters_pdf(request: HttpRequest, actor: Actor, membership: Membership) -> HttpResponse:
    try:
        ids = (_ids(request.GET.get("ids", "")) or []) + (_ids(",".join(request.GET.getlist("letter"))) or [])
    except InvalidInput as e:
        messages.error(request, e.detail)
        return redirect("billing:letters")
    letters = list(selectors.warning_letters_of(actor=actor, organization=membership.organization, ids=ids))
    if not letters:
        messages.error(request, _("Choose the letters to print."))
        return redirect("billing:letters")
    pdf = letter_services.warning_letters_pdf(
        actor=actor, organization=membership.organization, letters=letters
    )
    return pdf_response(pdf, f"warning-letters-{letters[-1].issued_on:%Y%m%d}.pdf", attachment=True)
