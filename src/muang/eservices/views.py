"""Pages of the one-stop counter: the public catalogue and manuals (printable), applying online, the applicant's
own page (by the secret link they were given), the licence PDF, the public verification page, and the staff
list of applications."""

import segno
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from muang.billing import selectors as billing_selectors
from muang.billing.models import Bill, BillingProfile
from muang.billing.services import notices
from muang.core.errors import MuangError, NotFound
from muang.core.form_errors import add_service_errors
from muang.core.views.pages import holds, public_page, staff_page
from muang.eservices import selectors, services
from muang.eservices.forms import ApplicationForm, DocumentsForm
from muang.eservices.models import ApplicationStatus, Channel, Licence
from muang.eservices.permissions import EservicePerm


def _organization(slug: str):
    try:
        return selectors.public_organization(slug)
    except NotFound as e:
        raise Http404 from e


@public_page("the organisations that publish e-services: public information, no person")
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "eservices/index.html", {"organizations": selectors.organizations_with_services()})


@public_page("an organisation's catalogue of services: public information, no person")
@require_GET
def catalogue(request: HttpRequest, slug: str) -> HttpResponse:
    organization = _organization(slug)
    services_list = list(selectors.public_services(organization))
    return render(
        request, "eservices/catalogue.html", {"organization": organization, "services": services_list}
    )


def _service(slug: str, code: str):
    organization = _organization(slug)
    try:
        return organization, selectors.get_public_service(organization, code)
    except NotFound as e:
        raise Http404 from e


@public_page("a service's manual (s.7 of the Licensing Facilitation Act): public information, no person")
@require_GET
def manual(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    organization, service = _service(slug, code)
    return render(request, "eservices/manual.html", {"organization": organization, "service": service})


@public_page("anyone may apply: the new application is reachable only through the secret link it returns")
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    organization, service = _service(slug, code)
    form = ApplicationForm(service, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_submit(
                actor=None,
                organization=organization,
                service=service,
                applicant_name=form.cleaned_data["applicant_name"],
                applicant_phone=form.cleaned_data["applicant_phone"],
                data=form.service_data(),
                documents=form.documents(),
            )
        except MuangError as e:
            add_service_errors(form, e)
        else:
            return redirect("eservices:mine", slug=organization.slug, token=application.access_token)
    return render(
        request, "eservices/apply.html", {"organization": organization, "service": service, "form": form}
    )


def _mine(slug: str, token: str):
    organization = _organization(slug)
    try:
        return selectors.application_by_link(organization, token)
    except NotFound as e:
        raise Http404 from e


def _payment(application):
    if application.status != ApplicationStatus.PENDING_PAYMENT or not application.bill_number:
        return None
    bill = Bill.objects.filter(
        organization_id=application.organization_id, number=application.bill_number, cancelled_at__isnull=True
    ).first()
    profile = BillingProfile.objects.filter(organization_id=application.organization_id).first()
    if bill is None or profile is None:
        return None
    due = billing_selectors.amount_due_of(bill, timezone.localdate())
    if due.payable_now <= 0:
        return None
    payload = notices.qr_payload(profile, bill, due.payable_now)
    return {"bill": bill, "amount": due.payable_now, "payload": payload, "svg": notices.qr_svg(payload)}


@public_page("the applicant's own application, found only by the secret in the link they were given")
@require_http_methods(["GET", "POST"])
def mine(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    application = _mine(slug, token)
    # A fee paid since the last visit: the licence is issued now rather than at the next periodic run.
    if application.status == ApplicationStatus.PENDING_PAYMENT:
        services.applications_settle_paid(
            organization=application.organization, application_id=application.pk
        )
        application.refresh_from_db()
    form = DocumentsForm(application.service, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_add_documents(
                actor=services.applicant_actor(application),
                application=application,
                documents=form.documents(),
            )
        except MuangError as e:
            add_service_errors(form, e)
        else:
            return redirect("eservices:mine", slug=slug, token=token)
    names = {d["code"]: d["name"] for d in application.service.documents}
    have = selectors.uploaded_codes(application)
    licence = Licence.objects.filter(application=application).first()
    return render(
        request,
        "eservices/mine.html",
        {
            "organization": application.organization,
            "application": application,
            "service": application.service,
            "uploaded": [names.get(c, c) for c in sorted(have)],
            "missing": [
                {"code": c, "name": names.get(c, c), "sent": c in have} for c in application.missing_documents
            ],
            "form": form,
            "payment": _payment(application),
            "licence": licence,
        },
    )


def _verify_url(licence: Licence) -> str:
    return settings.MUANG_PUBLIC_URL.rstrip("/") + reverse(
        "eservices:verify", kwargs={"code": licence.verify_code}
    )


@public_page("the applicant's own licence, found only by the secret in their link")
@require_GET
def licence_pdf(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    application = _mine(slug, token)
    licence = Licence.objects.filter(application=application).select_related("organization").first()
    if licence is None:
        raise Http404
    url = _verify_url(licence)
    details = [
        (spec["label"], application.data[spec["name"]])
        for spec in application.service.fields
        if spec["name"] in application.data
    ]
    svg = segno.make_qr(url, error="m").svg_inline(scale=3, border=2)
    html = render_to_string(
        "eservices/licence_pdf.html",
        {
            "licence": licence,
            "application": application,
            "details": details,
            "organization": licence.organization,
            "qr_svg": svg,
            "url": url,
        },
    )
    response = HttpResponse(notices.render_pdf([html]), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="licence-{licence.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@public_page("a licence's public verification by the code in its QR: its number, holder, title and validity")
@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    try:
        licence = selectors.licence_by_code(code)
    except NotFound as e:
        raise Http404 from e
    today = timezone.localdate()
    valid = licence.expires_on is None or licence.expires_on >= today
    return render(request, "eservices/verify.html", {"licence": licence, "valid": valid})


@staff_page(holds(EservicePerm.APPLICATION_VIEW))
@require_GET
def applications(request: HttpRequest, actor, membership) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in ApplicationStatus.values:
        status = ""
    rows = list(
        selectors.applications_of(actor=actor, organization=membership.organization, status=status)[:200]
    )
    return render(
        request,
        "eservices/applications.html",
        {
            "applications": rows,
            "status": status,
            "statuses": ApplicationStatus.choices,
            "today": timezone.localdate(),
            "taken": request.GET.get("taken", "")[:20],
            "services": list(selectors.public_services(membership.organization)),
        },
    )


@staff_page(holds(EservicePerm.APPLICATION_PROCESS))
@require_http_methods(["GET", "POST"])
def counter(request: HttpRequest, actor, membership, code: str) -> HttpResponse:
    """The one-stop counter: staff take an application on the applicant's behalf (walk-in)."""
    organization = membership.organization
    try:
        service = selectors.get_public_service(organization, code)
    except NotFound as e:
        raise Http404 from e
    form = ApplicationForm(service, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_submit(
                actor=actor,
                organization=organization,
                service=service,
                applicant_name=form.cleaned_data["applicant_name"],
                applicant_phone=form.cleaned_data["applicant_phone"],
                data=form.service_data(),
                documents=form.documents(),
                channel=Channel.COUNTER,
            )
        except MuangError as e:
            add_service_errors(form, e)
        else:
            return redirect(f"{reverse('eservices:applications')}?taken={application.reference}")
    return render(
        request,
        "eservices/apply.html",
        {"organization": organization, "service": service, "form": form, "counter": True},
    )
