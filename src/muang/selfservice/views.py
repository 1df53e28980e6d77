"""The taxpayer's pages under /my-tax/<organisation>/: sign-in with a one-time code, properties, assessments,
bills with the Thai QR code, notices and receipts, and the ภ.ด.ส.5 / ภ.ด.ส.10 forms.

Every page after sign-in goes through `taxpayer_page`, which loads the organisation from the URL and the owner
from the session (for THAT organisation only), and every lookup by number goes through the selectors scoped to
the owner: someone else's bill number answers 404.
"""

from __future__ import annotations

import functools

import segno
from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from muang.billing import qr_picture, thaiqr
from muang.billing.models import BillingProfile, ObjectionStatus
from muang.billing.services import notices
from muang.billing.services.disputes import objection_deadline
from muang.core.client_address import client_ip
from muang.core.errors import InvalidInput, MuangError, NotFound
from muang.core.form_errors import add_service_errors
from muang.core.models import LOCAL_GOVERNMENT_KINDS, Organization
from muang.core.public_home import HomePanel
from muang.core.templatetags.thai import baht, format_thai_date
from muang.core.thai_dates import buddhist_era
from muang.core.thai_id import format_thai_id
from muang.core.views import otp_sign_in
from muang.core.views.pages import citizen_page, public_page

from . import selectors, session
from .explain import explain_sheet
from .forms import CodeForm, ObjectionForm, SignInForm, UseChangeForm
from .models import SignInChallenge
from .services import filings, signin


def _organization(slug: str) -> Organization:
    organization = Organization.objects.filter(
        slug=slug, is_active=True, kind__in=LOCAL_GOVERNMENT_KINDS
    ).first()
    if organization is None:
        raise Http404(_("No organisation “%(slug)s”.") % {"slug": slug})
    return organization


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store, private"
    return response


def taxpayer_page(view):
    """Organisation from the URL, owner from the session; anyone else goes to the sign-in page."""

    @citizen_page("the signed-in taxpayer's own records, in the organisation they signed in to")
    @functools.wraps(view)
    def wrapper(request: HttpRequest, slug: str, *args, **kwargs):
        organization = _organization(slug)
        owner = session.signed_in_owner(request.session, organization)
        if owner is None:
            url = reverse("selfservice:sign-in", args=[organization.slug])
            return redirect(f"{url}?next={request.path}")
        request.taxpayer_organization = organization
        request.taxpayer = owner
        request.taxpayer_actor = session.taxpayer_actor(
            owner, ip_address=client_ip(request), request_id=getattr(request, "id", "")
        )
        try:
            response = view(request, organization, owner, *args, **kwargs)
        except NotFound as e:
            raise Http404(e.detail) from e
        return _no_store(response)

    return wrapper


SIGN_IN_REASON = "the taxpayer's sign-in: the same pages whoever asks, so they reveal nobody's records"


def _context(request: HttpRequest, organization: Organization, owner, **extra) -> dict:
    return {"org": organization, "owner": owner, "owner_id_text": _masked_id(owner), **extra}


def _masked_id(owner) -> str:
    tax_id = selectors.owner_tax_id(owner)
    if not tax_id:
        return ""
    formatted = format_thai_id(tax_id)
    return "x-xxxx-xxxxx-" + formatted[-4:]


def _safe_next(request: HttpRequest, organization: Organization) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    prefix = f"/my-tax/{organization.slug}/"
    if target.startswith(prefix) and "//" not in target and "\\" not in target:
        return target
    return reverse("selfservice:home", args=[organization.slug])


# --- choosing the organisation and signing in --------------------------------------------------------------------


def home_panel(request: HttpRequest) -> HomePanel:
    """The public home page's part from tax self-service: pay my tax."""
    return HomePanel("selfservice/_home_panel.html")


@public_page(SIGN_IN_REASON)
@require_GET
def choose(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    organizations = Organization.objects.filter(
        is_active=True,
        kind__in=LOCAL_GOVERNMENT_KINDS,
        pk__in=BillingProfile.objects.values("organization_id"),
    )
    if q:
        organizations = organizations.filter(Q(name_th__icontains=q) | Q(name_en__icontains=q))
    organizations = organizations.select_related("province", "district").order_by("province_id", "name_th")[
        :50
    ]
    return render(request, "selfservice/choose.html", {"organizations": organizations, "q": q})


@public_page(SIGN_IN_REASON)
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest, slug: str) -> HttpResponse:
    organization = _organization(slug)

    def send(data) -> None:
        issued = signin.sign_in_request(
            organization=organization, tax_id=data["tax_id"], ip_address=client_ip(request)
        )
        session.remember_challenge(request.session, organization, issued.challenge.pk)

    return otp_sign_in.ask_for_code(
        request,
        signed_in=session.signed_in_owner(request.session, organization) is not None,
        form=SignInForm(request.POST or None),
        field="tax_id",
        send=send,
        code_url=reverse("selfservice:code", args=[organization.slug]),
        next_url=_safe_next(request, organization),
        template="selfservice/sign_in.html",
        context={"org": organization},
    )


def _pending(request: HttpRequest, organization: Organization) -> SignInChallenge | None:
    return otp_sign_in.pending_challenge(
        SignInChallenge, organization, session.pending_challenge_id(request.session, organization)
    )


@public_page(SIGN_IN_REASON)
@never_cache
@require_http_methods(["GET", "POST"])
def code(request: HttpRequest, slug: str) -> HttpResponse:
    organization = _organization(slug)
    challenge = _pending(request, organization)
    if challenge is None:
        messages.info(request, _("Enter your ID first; we will send you a code."))
        return redirect("selfservice:sign-in", slug=organization.slug)

    def verify(code: str) -> None:
        session.sign_in(request.session, signin.sign_in_verify(challenge=challenge, code=code))

    def context() -> dict:
        if request.method == "POST":
            challenge.refresh_from_db()  # the attempt just counted, the lock it may have set
        return {
            "org": organization,
            "challenge": challenge,
            "resend_at": challenge.sent_at + signin.RESEND_AFTER,
            "can_resend": challenge.sends < signin.MAX_SENDS and challenge.locked_at is None,
        }

    return otp_sign_in.check_code(
        request,
        form=CodeForm(request.POST or None),
        verify=verify,
        next_url=_safe_next(request, organization),
        template="selfservice/code.html",
        context=context,
    )


@public_page(SIGN_IN_REASON)
@require_POST
def resend(request: HttpRequest, slug: str) -> HttpResponse:
    organization = _organization(slug)
    challenge = _pending(request, organization)
    if challenge is None:
        return redirect("selfservice:sign-in", slug=organization.slug)
    try:
        signin.sign_in_resend(challenge=challenge)
    except MuangError as e:
        messages.error(request, e.detail)
    else:
        messages.success(request, _("A new code was sent. The earlier code no longer works."))
    url = reverse("selfservice:code", args=[organization.slug])
    return redirect(f"{url}?next={_safe_next(request, organization)}")


@public_page(SIGN_IN_REASON)
@require_POST
def sign_out(request: HttpRequest, slug: str) -> HttpResponse:
    organization = _organization(slug)
    session.sign_out(request.session)
    messages.success(request, _("You are signed out."))
    return redirect("selfservice:sign-in", slug=organization.slug)


# --- the taxpayer's pages ----------------------------------------------------------------------------------------


@require_GET
@taxpayer_page
def home(request: HttpRequest, organization, owner) -> HttpResponse:
    today = timezone.localdate()
    rows = selectors.bill_rows(selectors.bills_of(organization=organization, owner=owner), today)
    properties = selectors.properties_of(organization=organization, owner=owner, today=today)
    return render(
        request,
        "selfservice/home.html",
        _context(
            request,
            organization,
            owner,
            rows=rows,
            to_pay=[r for r in rows if not r.settled],
            properties=properties,
            assessments=selectors.assessments_of(organization=organization, owner=owner),
            notices=list(selectors.use_change_notices_of(organization=organization, owner=owner)[:20]),
            objections=selectors.objections_of(organization=organization, owner=owner),
            today=today,
        ),
    )


@require_GET
@taxpayer_page
def properties(request: HttpRequest, organization, owner) -> HttpResponse:
    props = selectors.properties_of(organization=organization, owner=owner)
    points = [{"lat": h.lat, "lon": h.lon, "label": h.label} for h in props.holdings if h.lat is not None]
    return render(
        request,
        "selfservice/properties.html",
        _context(request, organization, owner, properties=props, points=points),
    )


@require_GET
@taxpayer_page
def assessment(request: HttpRequest, organization, owner, year: int) -> HttpResponse:
    a = selectors.assessment_of(organization=organization, owner=owner, year=year)
    return render(
        request,
        "selfservice/assessment.html",
        _context(
            request,
            organization,
            owner,
            assessment=a,
            sheet=explain_sheet(a.sheet),
            year_be=buddhist_era(year),
        ),
    )


@require_GET
@taxpayer_page
def bill(request: HttpRequest, organization, owner, number: str) -> HttpResponse:
    b = selectors.get_bill_of(organization=organization, owner=owner, number=number)
    today = timezone.localdate()
    due = selectors.amount_due_of(b, today)
    qr = None
    qr_all = None
    profile = BillingProfile.objects.filter(organization=organization).first()
    if profile is not None and due.payable_now > 0:
        payload = notices.qr_payload(profile, b, due.payable_now)
        qr = {"amount": due.payable_now, "payload": payload, "svg": _qr_svg(payload)}
        if len(due.exact_amounts) > 1 and due.exact_amounts[-1] != due.payable_now:
            payload_all = notices.qr_payload(profile, b, due.exact_amounts[-1])
            qr_all = {
                "amount": due.exact_amounts[-1],
                "payload": payload_all,
                "svg": _qr_svg(payload_all),
            }
    deadline = objection_deadline(b)
    payments = list(b.payments.all())
    return render(
        request,
        "selfservice/bill.html",
        _context(
            request,
            organization,
            owner,
            bill=b,
            due=due,
            instalments=selectors.instalment_rows(b, today),
            payments=payments,
            qr=qr,
            qr_all=qr_all,
            profile=profile,
            year_be=buddhist_era(b.year),
            objections=list(b.objections.all()),
            objection_deadline=deadline,
            may_object=today <= deadline
            and not any(o.status == ObjectionStatus.PENDING for o in b.objections.all()),
            today=today,
        ),
    )


def _qr_svg(payload: str) -> SafeString:
    """The code as inline SVG that scales with the screen (a viewBox, no fixed size), checked like the notice's."""
    thaiqr.parse(payload)  # never draw a code a banking app would reject
    svg = segno.make_qr(payload, error="m").svg_inline(scale=1, border=4, omitsize=True, title="Thai QR")
    return mark_safe(svg)  # noqa: S308 (segno's own SVG of a validated payload)


@require_GET
@taxpayer_page
def qr_png(request: HttpRequest, organization, owner, number: str) -> HttpResponse:
    """The QR code of the amount due today as a picture: on a phone, the citizen saves it and opens it in the
    banking app ("scan from gallery"), since a phone cannot scan its own screen."""
    b = selectors.get_bill_of(organization=organization, owner=owner, number=number)
    return bill_qr_png(organization, b, timezone.localdate())


def bill_qr_png(organization: Organization, bill, today) -> HttpResponse:
    """A bill's Thai QR code for the amount due `today`, as a labelled picture to download (404 when nothing is
    to pay). The caller has checked the bill is the signed-in citizen's (the waste page uses it too)."""
    due = selectors.amount_due_of(bill, today)
    profile = BillingProfile.objects.filter(organization=organization).first()
    if profile is None or due.payable_now <= 0:
        raise Http404(_("Nothing to pay on this bill."))
    payload = notices.qr_payload(profile, bill, due.payable_now)
    lines = [
        (organization.name_th, False),
        (_("Bill %(number)s") % {"number": bill.number}, False),
        (_("%(amount)s baht") % {"amount": baht(due.payable_now)}, True),
        (_("Amount due on %(date)s") % {"date": format_thai_date(today, "long")}, False),
    ]
    response = HttpResponse(qr_picture.labelled_qr_png(payload, lines=lines), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="thaiqr-{bill.number}-{due.payable_now}.png"'
    return response


@require_GET
@taxpayer_page
def notice_pdf(request: HttpRequest, organization, owner, number: str) -> HttpResponse:
    b = selectors.get_bill_of(organization=organization, owner=owner, number=number)
    try:
        content = notices.bill_notice_pdf(actor=request.taxpayer_actor, bill=b)
    except MuangError as e:
        raise Http404(e.detail) from e
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{b.number}.pdf"'
    return response


@require_GET
@taxpayer_page
def receipt_pdf(request: HttpRequest, organization, owner, number: str) -> HttpResponse:
    receipt = selectors.get_receipt_of(organization=organization, owner=owner, number=number)
    content = notices.receipt_pdf(actor=request.taxpayer_actor, receipt=receipt)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{receipt.number}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
@taxpayer_page
def objection_new(request: HttpRequest, organization, owner, number: str) -> HttpResponse:
    b = selectors.get_bill_of(organization=organization, owner=owner, number=number)
    form = ObjectionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                objection = filings.objection_file_online(
                    actor=request.taxpayer_actor, bill=b, reason=form.cleaned_data["reason"]
                )
            except MuangError as e:
                add_service_errors(form, e, default_field="reason")
            else:
                return redirect("selfservice:objection", slug=organization.slug, objection_id=objection.pk)
        status = 422
    return render(
        request,
        "selfservice/objection_new.html",
        _context(
            request,
            organization,
            owner,
            bill=b,
            form=form,
            deadline=objection_deadline(b),
            year_be=buddhist_era(b.year),
        ),
        status=status,
    )


@require_GET
@taxpayer_page
def objection_done(request: HttpRequest, organization, owner, objection_id: int) -> HttpResponse:
    objection = selectors.get_objection_of(organization=organization, owner=owner, objection_id=objection_id)
    return render(
        request,
        "selfservice/objection_done.html",
        _context(request, organization, owner, objection=objection, reference=objection_reference(objection)),
    )


def objection_reference(objection) -> str:
    return f"{objection.bill.number}-{objection.pk}"


@require_http_methods(["GET", "POST"])
@taxpayer_page
def use_change_new(request: HttpRequest, organization, owner) -> HttpResponse:
    props = selectors.properties_of(organization=organization, owner=owner)
    initial = {"property": request.GET.get("property", "")}
    form = UseChangeForm(
        request.POST or None, request.FILES or None, holdings=props.holdings, initial=initial
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            holding = selectors.holding_for(organization=organization, owner=owner, key=data["property"])
            try:
                if holding is None:
                    raise InvalidInput.for_field("property", _("Choose one of your properties."))
                notice = filings.use_change_file(
                    actor=request.taxpayer_actor,
                    owner=owner,
                    holding=holding,
                    use=data["use"],
                    shares={
                        k: data.get(f"share_{k}") for k in ("agricultural", "residential", "other", "vacant")
                    },
                    changed_on=data["changed_on"],
                    note=data["note"],
                    photo=data.get("photo"),
                )
            except MuangError as e:
                add_service_errors(form, e, default_field=None)
            else:
                return redirect("selfservice:use-change", slug=organization.slug, reference=notice.reference)
        status = 422
    return render(
        request,
        "selfservice/use_change_new.html",
        _context(
            request, organization, owner, form=form, holdings=props.holdings, notice_days=filings.NOTICE_DAYS
        ),
        status=status,
    )


@require_GET
@taxpayer_page
def use_change_done(request: HttpRequest, organization, owner, reference: str) -> HttpResponse:
    notice = selectors.get_use_change_notice_of(organization=organization, owner=owner, reference=reference)
    return render(
        request,
        "selfservice/use_change_done.html",
        _context(request, organization, owner, notice=notice, late=filings.notice_is_late(notice)),
    )
