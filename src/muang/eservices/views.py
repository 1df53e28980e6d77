"""Pages of the one-stop counter: the public catalogue and manuals (printable); the applicant's sign-in with a
one-time code to their mobile, applying online, "my applications" and each one's page (what is asked of them,
the fee by Thai QR, the licence PDF); the public verification page; and the staff's pages.

Secret links are gone: a link is a bearer key that leaks through forwarded messages, browser history and
shared phones, and it could not be revoked. The applicant signs in instead, like the taxpayer."""

import datetime as dt
import functools

import segno
from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from muang.billing import selectors as billing_selectors
from muang.billing.models import Bill, BillingProfile, Receipt
from muang.billing.services import notices
from muang.core import audit
from muang.core.client_address import client_ip
from muang.core.errors import MuangError, NotFound
from muang.core.form_errors import add_service_errors
from muang.core.sms import mask_thai_mobile
from muang.core.thai_dates import bangkok_date
from muang.core.uploads import private_storage
from muang.core.views import otp_sign_in
from muang.core.views.pages import citizen_page, holds, public_page, staff_page
from muang.eservices import selectors, services, session, signin
from muang.eservices.forms import (
    ApplicationForm,
    CodeForm,
    DecisionForm,
    DocumentsForm,
    InspectionForm,
    MissingDocumentsForm,
    PhoneForm,
)
from muang.eservices.models import OPEN_STATUSES, ApplicantSignIn, ApplicationStatus, Channel, Licence
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


SIGN_IN_REASON = "the applicant's sign-in: the same pages whoever asks, so they reveal nobody's applications"


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store, private"
    return response


def applicant_page(view):
    """Organisation from the URL, the applicant's proven mobile number from the session (for THAT organisation
    only); anyone else goes to the sign-in page and comes back."""

    @citizen_page("the signed-in applicant's own applications, in the organisation they signed in to")
    @functools.wraps(view)
    def wrapper(request: HttpRequest, slug: str, *args, **kwargs):
        organization = _organization(slug)
        phone = session.signed_in_phone(request.session, organization)
        if phone is None:
            url = reverse("eservices:sign-in", args=[organization.slug])
            return redirect(f"{url}?next={request.path}")
        actor = session.applicant_actor(
            organization.pk, phone, ip_address=client_ip(request), request_id=getattr(request, "id", "")
        )
        try:
            response = view(request, organization, actor, phone, *args, **kwargs)
        except NotFound as e:
            raise Http404(e.detail) from e
        return _no_store(response)

    return wrapper


def _safe_next(request: HttpRequest, organization) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    prefixes = (f"/eservices/{organization.slug}/", f"/my-tax/{organization.slug}/waste/")
    # The same phone sign-in opens a household's waste-fee page (a household not on the property register).
    if target.startswith(prefixes) and "//" not in target and "\\" not in target:
        return target
    return reverse("eservices:my", args=[organization.slug])


@public_page(SIGN_IN_REASON)
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest, slug: str) -> HttpResponse:
    organization = _organization(slug)

    def send(data) -> None:
        issued = signin.sign_in_request(
            organization=organization, phone=data["phone"], ip_address=client_ip(request)
        )
        session.remember_challenge(request.session, organization, issued.challenge.pk)

    return otp_sign_in.ask_for_code(
        request,
        signed_in=session.signed_in_phone(request.session, organization) is not None,
        form=PhoneForm(request.POST or None),
        field="phone",
        send=send,
        code_url=reverse("eservices:code", args=[organization.slug]),
        next_url=_safe_next(request, organization),
        template="eservices/sign_in.html",
        context={"organization": organization},
    )


@public_page(SIGN_IN_REASON)
@never_cache
@require_http_methods(["GET", "POST"])
def code(request: HttpRequest, slug: str) -> HttpResponse:
    organization = _organization(slug)
    challenge = otp_sign_in.pending_challenge(
        ApplicantSignIn, organization, session.pending_challenge_id(request.session, organization)
    )
    if challenge is None:
        return redirect("eservices:sign-in", slug=organization.slug)

    def verify(code: str) -> None:
        phone = signin.sign_in_verify(challenge=challenge, code=code)
        session.sign_in(request.session, organization, phone)

    return otp_sign_in.check_code(
        request,
        form=CodeForm(request.POST or None),
        verify=verify,
        next_url=_safe_next(request, organization),
        template="eservices/code.html",
        context=lambda: {"organization": organization, "phone_hint": mask_thai_mobile(challenge.phone)},
    )


@public_page(SIGN_IN_REASON)
@require_POST
def sign_out(request: HttpRequest, slug: str) -> HttpResponse:
    organization = _organization(slug)
    session.sign_out(request.session)
    return redirect("eservices:catalogue", slug=organization.slug)


@applicant_page
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, organization, actor, phone: str, code: str) -> HttpResponse:
    try:
        service = selectors.get_public_service(organization, code)
    except NotFound as e:
        raise Http404 from e
    form = ApplicationForm(service, request.POST or None, request.FILES or None, online=True)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_submit(
                actor=actor,
                organization=organization,
                service=service,
                applicant_name=form.cleaned_data["applicant_name"],
                data=form.service_data(),
                documents=form.documents(),
            )
        except MuangError as e:
            add_service_errors(form, e)
        else:
            return redirect("eservices:mine", slug=organization.slug, reference=application.reference)
    return render(
        request,
        "eservices/apply.html",
        {"organization": organization, "service": service, "form": form, "phone": mask_thai_mobile(phone)},
    )


@applicant_page
@require_GET
def my_applications(request: HttpRequest, organization, actor, phone: str) -> HttpResponse:
    # Fees paid since the last visit: their licences are issued now rather than at the next periodic run.
    rows = selectors.own_applications(actor=actor, organization=organization)
    for pending in rows.filter(status=ApplicationStatus.PENDING_PAYMENT):
        services.applications_settle_paid(organization=organization, application_id=pending.pk)
    return render(
        request,
        "eservices/my_applications.html",
        {
            "organization": organization,
            "applications": list(rows[:100]),
            "phone": mask_thai_mobile(phone),
            "statuses": ApplicationStatus,
        },
    )


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


@applicant_page
@require_http_methods(["GET", "POST"])
def mine(request: HttpRequest, organization, actor, phone: str, reference: str) -> HttpResponse:
    application = selectors.get_own_application(actor=actor, organization=organization, reference=reference)
    # A fee paid since the last visit: the licence is issued now rather than at the next periodic run.
    if application.status == ApplicationStatus.PENDING_PAYMENT:
        services.applications_settle_paid(organization=organization, application_id=application.pk)
        application.refresh_from_db()
    form = DocumentsForm(application.service, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_add_documents(
                actor=actor, application=application, documents=form.documents()
            )
        except MuangError as e:
            add_service_errors(form, e)
        else:
            return redirect("eservices:mine", slug=organization.slug, reference=application.reference)
    names = {d["code"]: d["name"] for d in application.service.documents}
    have = selectors.uploaded_codes(application)
    licence = Licence.objects.filter(application=application).first()
    return render(
        request,
        "eservices/mine.html",
        {
            "organization": organization,
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


@applicant_page
@require_GET
def licence_pdf(request: HttpRequest, organization, actor, phone: str, reference: str) -> HttpResponse:
    application = selectors.get_own_application(actor=actor, organization=organization, reference=reference)
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
    today = bangkok_date(timezone.now())
    overdue = request.GET.get("overdue") == "1"
    rows = list(
        selectors.applications_of(
            actor=actor,
            organization=membership.organization,
            status=status,
            overdue_on=today if overdue else None,
        )[:200]
    )
    for row in rows:
        row.days_late = selectors.days_late(row, today)
    overdue_count = selectors.applications_of(
        actor=actor, organization=membership.organization, overdue_on=today
    ).count()
    return render(
        request,
        "eservices/applications.html",
        {
            "applications": rows,
            "status": status,
            "statuses": ApplicationStatus.choices,
            "overdue": overdue,
            "overdue_count": overdue_count,
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


READ_PURPOSE = "working the application at the one-stop counter"


def _staff_application(actor, membership, reference: str):
    try:
        return selectors.get_application_for(
            actor=actor, organization=membership.organization, reference=reference[:20]
        )
    except NotFound as e:
        raise Http404 from e


def _fee_status(application) -> dict | None:
    if not application.bill_number:
        return None
    bill = Bill.objects.filter(
        organization_id=application.organization_id, number=application.bill_number
    ).first()
    if bill is None:
        return None
    receipts = list(Receipt.objects.filter(payment__bill=bill).values_list("number", flat=True))
    return {"bill": bill, "receipts": receipts}


def _steps_with_due(application) -> list[dict]:
    """The manual's steps beside the due day each was given when the application was complete."""
    due = [dt.date.fromisoformat(d) for d in application.step_due]
    steps = application.service.steps_shown
    return [{**step, "due": due[i] if i < len(due) else None} for i, step in enumerate(steps)]


@staff_page(holds(EservicePerm.APPLICATION_VIEW))
@require_http_methods(["GET", "POST"])
def application_detail(request: HttpRequest, actor, membership, reference: str) -> HttpResponse:
    """One application for the staff: the applicant and details (an audited read of personal data), the
    documents, the one request for missing documents, the inspection appointment, the decision with reasons,
    and the fee's bill and receipt. Each action is a form posted here; the services refuse what is not allowed."""
    application = _staff_application(actor, membership, reference)
    service = application.service
    action = request.POST.get("action", "") if request.method == "POST" else ""
    missing_form = MissingDocumentsForm(service, request.POST if action == "missing" else None)
    inspection_form = InspectionForm(request.POST if action == "inspection" else None)
    decision_form = DecisionForm(request.POST if action == "decision" else None)
    forms_by_action = {"missing": missing_form, "inspection": inspection_form, "decision": decision_form}
    status = 200
    if action in forms_by_action:
        form = forms_by_action[action]
        if form.is_valid():
            try:
                if action == "missing":
                    services.application_request_documents(
                        actor=actor,
                        application=application,
                        codes=form.cleaned_data["codes"],
                        note=form.cleaned_data["note"],
                    )
                elif action == "inspection":
                    services.application_schedule_inspection(
                        actor=actor, application=application, at=form.cleaned_data["at"]
                    )
                else:
                    services.application_decide(
                        actor=actor,
                        application=application,
                        approve=form.cleaned_data["approve"],
                        reasons=form.cleaned_data["reasons"],
                    )
            except MuangError as e:
                add_service_errors(form, e)
                status = e.status if 400 <= e.status < 500 else 422
            else:
                return redirect("eservices:application", reference=application.reference)
        else:
            status = 422
    elif request.method == "POST":
        status = 400
    if request.method == "GET":
        audit.record_read(
            actor=actor,
            organization=application.organization,
            instance=application,
            purpose=READ_PURPOSE,
            what="applicant and documents",
        )
    names = {d["code"]: d["name"] for d in service.documents}
    uploads = list(application.uploads.order_by("uploaded_at", "pk"))
    for upload in uploads:
        upload.label = names.get(upload.code, upload.code)
    details = [
        (spec["label"], application.data[spec["name"]])
        for spec in service.fields
        if spec["name"] in application.data
    ]
    org = membership.organization
    return render(
        request,
        "eservices/application_detail.html",
        {
            "application": application,
            "service": service,
            "details": details,
            "uploads": uploads,
            "missing": [names.get(c, c) for c in application.missing_documents],
            "missing_form": missing_form,
            "inspection_form": inspection_form,
            "decision_form": decision_form,
            "can_process": actor.has_perm(org, EservicePerm.APPLICATION_PROCESS),
            "can_decide": actor.has_perm(org, EservicePerm.APPLICATION_DECIDE),
            "fee": _fee_status(application),
            "licence": Licence.objects.filter(application=application).first(),
            "late": application.status in OPEN_STATUSES and application.due_on < bangkok_date(timezone.now()),
            "steps": _steps_with_due(application),
        },
        status=status,
    )


@staff_page(holds(EservicePerm.APPLICATION_VIEW))
@require_GET
def application_document(
    request: HttpRequest, actor, membership, reference: str, document_id: int
) -> HttpResponse:
    """One uploaded document, to staff who may read the application (an audited read: it is personal data)."""
    application = _staff_application(actor, membership, reference)
    document = application.uploads.filter(pk=document_id).first()
    if document is None:
        raise Http404
    try:
        handle = private_storage().open(document.file_name, "rb")
    except (FileNotFoundError, IsADirectoryError) as e:
        raise Http404 from e
    audit.record_read(
        actor=actor,
        organization=application.organization,
        instance=application,
        purpose=READ_PURPOSE,
        what=f"document {document.code}",
    )
    response = FileResponse(handle, content_type=document.content_type)
    ext = document.file_name.rsplit(".", 1)[-1]
    response["Content-Disposition"] = f'inline; filename="{application.reference}-{document.code}.{ext}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
