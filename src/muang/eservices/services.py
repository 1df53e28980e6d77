"""Writes of the one-stop counter: the catalogue, applications (online and at the counter), their documents,
the one request for missing documents (s.8), inspections, decisions, the fee bill, licences, and the notices
the Licensing Facilitation Act B.E. 2558 requires (s.10: every 7 days while a decision is late)."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePosixPath
from typing import Any

from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muang.billing.models import Bill, BillKind, BillStatus
from muang.billing.permissions import BillingPerm
from muang.billing.services.bills import LineDraft, Payer
from muang.billing.services.numbers import reserve_numbers
from muang.billing.services.sync import WantedBill, bills_sync
from muang.billing.sources import SourceKind
from muang.cases.services import due_dates_for
from muang.core import audit
from muang.core.access import SYSTEM, Actor, CitizenActor, require, require_grant
from muang.core.errors import AccessDenied, Conflict, InvalidInput
from muang.core.images import clean_image, random_token
from muang.core.models import AuditEntry, Notification, Organization
from muang.core.money import ZERO, round_satang
from muang.core.outbox import notification_enqueue
from muang.core.sms import thai_mobile_local
from muang.core.thai_dates import add_months, bangkok_date, buddhist_era
from muang.core.uploads import private_storage
from muang.eservices.models import (
    DAY_UNITS,
    OPEN_STATUSES,
    Application,
    ApplicationDocument,
    ApplicationStatus,
    Channel,
    ChargeKind,
    Licence,
    MiscCharge,
    Service,
)
from muang.eservices.permissions import ApplicantPerm, ApplicantScope, EservicePerm

CATALOGUE_FILE = Path(__file__).parent / "data" / "catalogue.json"
APPLICATION_SOURCE = SourceKind("eservice", "application")
# A finance officer who may create a charge issues its bill in their own name (billing's sync: `issue_perm`).
CHARGE_SOURCE = SourceKind("eservice", "charge", issue_perm=EservicePerm.CHARGE_CREATE)
MAX_CHARGE = Decimal("1000000.00")
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
NOTICE_INTERVAL = dt.timedelta(days=7)  # s.10
RENEWAL_NOTICE_DAYS = 30
SERVICE_FIELDS = (
    "name",
    "licence_title",
    "legal_basis",
    "criteria",
    "steps",
    "documents",
    "fees",
    "channels",
    "complaints",
    "fields",
    "validity_months",
)


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


# --- the catalogue ----------------------------------------------------------------------------------------------


def catalogue_entries() -> list[dict[str, Any]]:
    """The seeded manuals (data, not code): `eservices/data/catalogue.json`."""
    return json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))


def check_manual(entry: Mapping[str, Any]) -> None:
    """What s.7 asks of a manual: legal basis, criteria, steps each with a department and a time, documents,
    fees (an empty list states "no fee"), channels."""
    for name in ("code", "name", "licence_title", "legal_basis", "criteria"):
        if not str(entry.get(name, "")).strip():
            raise InvalidInput.for_field(name, _("The manual needs this."))
    if not entry.get("steps") or any(
        not s.get("name") or not s.get("department") or int(s.get("days", 0)) <= 0 for s in entry["steps"]
    ):
        raise InvalidInput.for_field("steps", _("Each step needs a name, a department and a time in days."))
    if any(s.get("unit", "days") not in DAY_UNITS for s in entry["steps"]):
        raise InvalidInput.for_field("steps", _("A step's time is in working days or in calendar days."))
    if not entry.get("documents") or any(not d.get("code") or not d.get("name") for d in entry["documents"]):
        raise InvalidInput.for_field("documents", _("List every document, each with a code and a name."))
    if not entry.get("channels"):
        raise InvalidInput.for_field("channels", _("Say where the service is offered."))
    for fee in entry.get("fees", []):
        try:
            value = Decimal(str(fee.get("amount", fee.get("rate"))))
        except InvalidOperation as e:
            raise InvalidInput.for_field("fees", _("A fee is an amount in baht.")) from e
        if value < 0 or ("per" in fee and not any(f["name"] == fee["per"] for f in entry.get("fields", []))):
            raise InvalidInput.for_field("fees", _("A fee is an amount in baht."))


@transaction.atomic
def catalogue_load(*, actor: Actor, organization: Organization, entries: Sequence[Mapping[str, Any]]) -> int:
    """Create the organisation's services that it does not have yet (by code); returns how many were made."""
    require(actor, organization, EservicePerm.APPLICATION_DECIDE)
    if not organization.is_local_government:
        # Permits, licences and the waste service are a local government's powers, not a district or
        # provincial office's.
        raise InvalidInput(_("Only a local government offers these services."))
    have = set(Service.objects.filter(organization=organization).values_list("code", flat=True))
    made = 0
    for entry in entries:
        check_manual(entry)
        if entry["code"] in have:
            continue
        service = Service.objects.create(
            organization=organization,
            code=entry["code"],
            **{k: entry[k] for k in SERVICE_FIELDS if k in entry},
        )
        audit.record_create(actor=actor, organization=organization, instance=service)
        made += 1
    return made


# --- applying ---------------------------------------------------------------------------------------------------


def _clean_data(service: Service, data: Mapping[str, Any]) -> dict[str, Any]:
    specs = {f["name"]: f for f in service.fields}
    if unknown := sorted(set(data) - set(specs)):
        raise InvalidInput.for_field(unknown[0], _("This service asks no such detail."))
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, spec in specs.items():
        raw = data.get(name)
        text = "" if raw is None else str(raw).strip()
        if not text:
            if spec.get("required"):
                errors[name] = [_("“%(label)s” is required.") % {"label": spec["label"]}]
            continue
        if spec["type"] == "text":
            if len(text) > 500:
                errors[name] = [_("At most 500 characters.")]
            cleaned[name] = text
            continue
        try:
            value = Decimal(text.replace(",", ""))
            if not value.is_finite() or (spec["type"] == "int" and value != value.to_integral_value()):
                raise InvalidOperation
        except InvalidOperation:
            kind = _("a whole number") if spec["type"] == "int" else _("a number")
            errors[name] = [_("“%(label)s” must be %(kind)s.") % {"label": spec["label"], "kind": kind}]
            continue
        low, high = spec.get("min"), spec.get("max")
        if (low is not None and value < Decimal(str(low))) or (
            high is not None and value > Decimal(str(high))
        ):
            errors[name] = [
                _("“%(label)s” must be between %(low)s and %(high)s.")
                % {"label": spec["label"], "low": low, "high": high}
            ]
            continue
        cleaned[name] = int(value) if spec["type"] == "int" else str(value)
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], field_errors=errors)
    return cleaned


def fee_of(service: Service, data: Mapping[str, Any]) -> Decimal:
    """The fee the manual states for these details: fixed amounts plus rates × a detail (area, days)."""
    total = ZERO
    for fee in service.fees:
        if "amount" in fee:
            total += Decimal(str(fee["amount"]))
        else:
            total += Decimal(str(fee["rate"])) * Decimal(str(data.get(fee["per"], 0)))
    return round_satang(total)


def _document_names(service: Service) -> dict[str, str]:
    return {d["code"]: d["name"] for d in service.documents}


def _checked_document(upload: File, field: str) -> tuple[bytes, str, str]:
    """One upload checked, nothing stored yet: a PDF as sent (it must really be one), an image re-encoded by
    Pillow (which also refuses decompression bombs). Returns (content, content type, extension)."""
    suffix = PurePosixPath(upload.name or "").suffix.lower()
    if suffix not in {".pdf", ".jpg", ".jpeg", ".png"}:
        raise InvalidInput.for_field(field, _("Send a PDF, JPEG or PNG file."))
    if upload.size is not None and upload.size > MAX_DOCUMENT_BYTES:
        raise InvalidInput.for_field(field, _("The file is larger than 10 MB."))
    if suffix != ".pdf":
        cleaned = clean_image(upload, field=field)
        ext = PurePosixPath(cleaned.name).suffix.lstrip(".")
        return cleaned.read(), ("image/png" if ext == "png" else "image/jpeg"), ext
    upload.seek(0)
    data = upload.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise InvalidInput.for_field(field, _("The file is larger than 10 MB."))
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:]:
        raise InvalidInput.for_field(field, _("The file is not a PDF document, whatever its name says."))
    return data, "application/pdf", "pdf"


def _check_documents(service: Service, documents: Mapping[str, File]) -> tuple[dict, dict[str, list[str]]]:
    """Every upload checked before anything is written: (checked files by code, errors by field)."""
    names = _document_names(service)
    checked: dict[str, tuple[bytes, str, str]] = {}
    errors: dict[str, list[str]] = {}
    for code, upload in documents.items():
        field = f"documents.{code}"
        if code not in names:
            errors[field] = [_("This service asks for no such document.")]
            continue
        try:
            checked[code] = _checked_document(upload, field)
        except InvalidInput as e:
            errors.update(e.field_errors)
    return checked, errors


def _store_documents(application: Application, checked: Mapping[str, tuple[bytes, str, str]], now) -> None:
    rows = []
    for code, (content, content_type, ext) in checked.items():
        name = f"eservice-documents/{application.organization_id}/{random_token()}.{ext}"
        stored = private_storage().save(name, ContentFile(content))
        rows.append(
            ApplicationDocument(
                organization_id=application.organization_id,
                application=application,
                code=code,
                file_name=stored,
                content_type=content_type,
                size=len(content),
                uploaded_at=now,
            )
        )
    ApplicationDocument.objects.bulk_create(rows)


def _time_limits(organization: Organization, service: Service, complete_on: dt.date) -> dict[str, Any]:
    """The due day of each step and of the decision, counted from the day the application is complete, each
    step in its manual's unit through the shared case engine's working week and holidays (ADR 0018)."""
    days = due_dates_for(organization, complete_on, service.periods)
    return {"due_on": days[-1], "step_due": [d.isoformat() for d in days]}


def _reference(organization: Organization, now: dt.datetime) -> str:
    year = buddhist_era(bangkok_date(now).year)
    (seq,) = reserve_numbers(organization_id=organization.pk, name="eservice-application", year=year, count=1)
    return f"ES{year}{seq:06d}"


@transaction.atomic
def application_submit(
    *,
    actor: Actor,
    organization: Organization,
    service: Service,
    applicant_name: str,
    applicant_phone: str = "",
    data: Mapping[str, Any],
    documents: Mapping[str, File],
    channel: str = Channel.ONLINE,
    now: dt.datetime | None = None,
) -> Application:
    """An application online (the signed-in applicant: a citizen principal whose proven mobile number becomes
    the application's) or at the counter (staff with the processing permission, any applicant's number).
    Every required document must come with it; refused whole otherwise."""
    now = _now(now)
    if channel == Channel.COUNTER:
        if isinstance(actor, CitizenActor):
            raise InvalidInput.for_field("channel", _("Only staff take applications at the counter."))
        require(actor, organization, EservicePerm.APPLICATION_PROCESS)
    elif channel == Channel.ONLINE:
        scopes = (
            actor.scopes_for(organization, ApplicantPerm.APPLICATION_OWN, ApplicantScope)
            if isinstance(actor, CitizenActor)
            else []
        )
        if len(scopes) != 1:
            raise AccessDenied(_("Sign in with your mobile number to apply online."))
        applicant_phone = scopes[0].phone
    else:
        raise InvalidInput.for_field("channel", _("Online or at the counter."))
    if service.organization_id != organization.pk or not service.published:
        raise InvalidInput.for_field("service", _("This organisation offers no such service."))
    errors: dict[str, list[str]] = {}
    if not applicant_name.strip() or len(applicant_name) > 200:
        errors["applicant_name"] = [_("Give the applicant's name.")]
    if thai_mobile_local(applicant_phone) is None:
        errors["applicant_phone"] = [_("A Thai mobile number, e.g. 081 234 5678.")]
    try:
        cleaned = _clean_data(service, data)
    except InvalidInput as e:
        errors.update(e.field_errors)
        cleaned = {}
    checked, doc_errors = _check_documents(service, documents)
    errors.update(doc_errors)
    for doc in service.documents:
        if doc.get("required") and doc["code"] not in documents:
            errors[f"documents.{doc['code']}"] = [_("“%(name)s” is required.") % {"name": doc["name"]}]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], field_errors=errors)
    application = Application.objects.create(
        organization=organization,
        service=service,
        reference=_reference(organization, now),
        channel=channel,
        applicant_name=applicant_name.strip(),
        applicant_phone=thai_mobile_local(applicant_phone),
        data=cleaned,
        status=ApplicationStatus.SUBMITTED,
        submitted_at=now,
        fee=fee_of(service, cleaned),
        **_time_limits(organization, service, bangkok_date(now)),
    )
    _store_documents(application, checked, now)
    audit.record_create(actor=actor, organization=organization, instance=application)
    _tell(
        application,
        _("Application %(ref)s for “%(service)s” received; decision due by %(due)s.")
        % {"ref": application.reference, "service": service.name, "due": _thai_day(application.due_on)},
    )
    return application


def _require_own_or_staff(actor: Actor, application: Application, perm: str) -> None:
    if isinstance(actor, CitizenActor):
        require_grant(
            actor,
            application.organization,
            ApplicantPerm.APPLICATION_OWN,
            ApplicantScope,
            lambda scope: scope.phone == application.applicant_phone,
        )
    else:
        require(actor, application.organization, perm)


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_related("service", "organization")
        .select_for_update(of=("self",))
        .get(pk=application.pk)
    )


def _audit_change(actor: Actor, application: Application, before: dict[str, Any], reason: str = "") -> None:
    changes = audit.diff(before, audit.snapshot(application))
    if changes:
        audit.record(
            actor=actor,
            organization=application.organization,
            instance=application,
            action=AuditEntry.Action.UPDATE,
            changes=changes,
            reason=reason,
        )


@transaction.atomic
def application_request_documents(
    *,
    actor: Actor,
    application: Application,
    codes: Sequence[str],
    note: str = "",
    now: dt.datetime | None = None,
) -> Application:
    """The one request for missing documents that s.8 allows, with the list; a second is refused."""
    now = _now(now)
    require(actor, application.organization, EservicePerm.APPLICATION_PROCESS)
    application = _locked(application)
    if application.missing_requested_at is not None:
        raise Conflict(
            _("Missing documents were already requested on %(day)s: the law allows one request only.")
            % {"day": _thai_day(bangkok_date(application.missing_requested_at))}
        )
    if application.status not in {ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW}:
        raise Conflict(_("Documents can only be requested before the inspection and the decision."))
    names = _document_names(application.service)
    codes = list(dict.fromkeys(codes))
    if not codes:
        raise InvalidInput.for_field("codes", _("Name the missing documents."))
    if unknown := [c for c in codes if c not in names]:
        raise InvalidInput.for_field(
            "codes", _("This service asks for no document “%(c)s”.") % {"c": unknown[0]}
        )
    before = audit.snapshot(application)
    application.status = ApplicationStatus.MISSING_DOCUMENTS
    application.missing_requested_at = now
    application.missing_documents = codes
    application.missing_note = note.strip()[:1000]
    application.save()
    _audit_change(actor, application, before)
    _tell(
        application,
        _("Application %(ref)s: please send %(docs)s.")
        % {"ref": application.reference, "docs": ", ".join(names[c] for c in codes)},
    )
    return application


@transaction.atomic
def application_add_documents(
    *, actor: Actor, application: Application, documents: Mapping[str, File], now: dt.datetime | None = None
) -> Application:
    """The applicant (or the counter) sends documents; once every requested one is in, the manual's time starts
    again from that day (the application is complete only now)."""
    now = _now(now)
    _require_own_or_staff(actor, application, EservicePerm.APPLICATION_PROCESS)
    application = _locked(application)
    if application.status not in OPEN_STATUSES:
        raise Conflict(_("The application is decided: no more documents."))
    if not documents:
        raise InvalidInput.for_field("documents", _("Choose a file to send."))
    checked, errors = _check_documents(application.service, documents)
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], field_errors=errors)
    _store_documents(application, checked, now)
    if application.status == ApplicationStatus.MISSING_DOCUMENTS:
        have = set(application.uploads.values_list("code", flat=True))
        if set(application.missing_documents) <= have:
            before = audit.snapshot(application)
            application.status = ApplicationStatus.SUBMITTED
            for name, value in _time_limits(
                application.organization, application.service, bangkok_date(now)
            ).items():
                setattr(application, name, value)
            application.save(update_fields=["status", "due_on", "step_due"])
            _audit_change(actor, application, before)
    return application


@transaction.atomic
def application_schedule_inspection(
    *, actor: Actor, application: Application, at: dt.datetime, now: dt.datetime | None = None
) -> Application:
    now = _now(now)
    require(actor, application.organization, EservicePerm.APPLICATION_PROCESS)
    application = _locked(application)
    if application.status not in {
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.IN_REVIEW,
        ApplicationStatus.INSPECTION,
    }:
        raise Conflict(_("An inspection needs a complete application that is not decided yet."))
    if timezone.is_naive(at) or at < now:
        raise InvalidInput.for_field("at", _("The appointment must be in the future."))
    before = audit.snapshot(application)
    application.status = ApplicationStatus.INSPECTION
    application.inspection_at = at
    application.save(update_fields=["status", "inspection_at"])
    _audit_change(actor, application, before)
    _tell(
        application,
        _("Application %(ref)s: inspection on %(day)s.")
        % {"ref": application.reference, "day": _thai_day(bangkok_date(at))},
    )
    return application


def late_notices_due(application: Application, today: dt.date) -> int:
    """How many 7-day notices s.10 asks for by `today`: one the day after the manual's time, then weekly."""
    late_days = (today - application.due_on).days
    return 0 if late_days <= 0 else (late_days + 6) // 7


@transaction.atomic
def application_decide(
    *, actor: Actor, application: Application, approve: bool, reasons: str, now: dt.datetime | None = None
) -> Application:
    """Approve or refuse, always with reasons. A late decision needs the notices s.10 asks for. Approval with
    a fee issues the bill (billing's shared sync, Thai QR); without a fee the licence is issued at once."""
    now = _now(now)
    require(actor, application.organization, EservicePerm.APPLICATION_DECIDE)
    application = _locked(application)
    if application.status not in {
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.IN_REVIEW,
        ApplicationStatus.INSPECTION,
    }:
        if application.status == ApplicationStatus.MISSING_DOCUMENTS:
            raise Conflict(_("The missing documents have not arrived yet."))
        raise Conflict(_("The application is already decided."))
    if not reasons.strip():
        raise InvalidInput.for_field("reasons", _("Give the reasons for the decision."))
    if (
        approve
        and application.fee > 0
        and not actor.has_perm(application.organization, BillingPerm.BILL_ISSUE)
    ):
        raise AccessDenied(
            _("Approving with a fee issues its bill: a department head of the service's duty records it.")
        )
    today = bangkok_date(now)
    if application.late_notices < late_notices_due(application, today):
        raise Conflict(
            _("The decision is late and the applicant has not had every 7-day notice (s.10): send it first.")
        )
    before = audit.snapshot(application)
    application.decided_at = now
    application.decision_reasons = reasons.strip()[:2000]
    if not approve:
        application.status = ApplicationStatus.REJECTED
        message = _("Application %(ref)s was refused: %(why)s")
    elif application.fee > 0:
        application.status = ApplicationStatus.PENDING_PAYMENT
        message = _("Application %(ref)s is approved: pay the fee to receive the licence. %(why)s")
    else:
        application.status = ApplicationStatus.APPROVED
        message = _("Application %(ref)s is approved. %(why)s")
    application.save()
    if application.status == ApplicationStatus.PENDING_PAYMENT:
        _sync_fee_bills(actor, application.organization, today.year, today)
        application.bill_number = (
            Bill.objects.filter(
                organization=application.organization,
                source_ref=str(APPLICATION_SOURCE.ref(application.reference)),
                cancelled_at__isnull=True,
            )
            .values_list("number", flat=True)
            .get()
        )
        application.save(update_fields=["bill_number"])
    elif application.status == ApplicationStatus.APPROVED:
        _issue_licence(application, today)
    _audit_change(actor, application, before)
    _tell(application, message % {"ref": application.reference, "why": application.decision_reasons})
    return application


def _sync_fee_bills(actor: Actor, organization: Organization, year: int, today: dt.date) -> None:
    """Every fee bill of the year's decided applications, through billing's shared sync, issued by the one who
    approved: the service's department head holds billing's `bill.issue` through this app's duty grants
    (`eservices.permissions.GRANTS`), as the finance head does for waste fees. A paid bill is never re-issued
    (the sync reports a conflict instead), so a fee cannot be billed, nor paid, twice."""
    decided = Application.objects.filter(
        organization=organization,
        fee__gt=0,
        decided_at__year=year,
        status__in=[ApplicationStatus.PENDING_PAYMENT, ApplicationStatus.APPROVED],
    ).select_related("service")
    wanted = [
        WantedBill(
            source=APPLICATION_SOURCE.ref(a.reference),
            payer=Payer(name=a.applicant_name),
            lines=[LineDraft(description=a.service.name[:200], amount=a.fee)],
            due_date=bangkok_date(a.decided_at) + dt.timedelta(days=15),
        )
        for a in decided
    ]
    bills_sync(
        actor=actor,
        organization=organization,
        kind=BillKind.SERVICE_FEE,
        year=year,
        source_kind=APPLICATION_SOURCE,
        wanted=wanted,
        issued_on=today,
        reason=_("E-service fee of an approved application"),
    )


def _issue_licence(application: Application, today: dt.date) -> Licence:
    year = buddhist_era(today.year)
    (seq,) = reserve_numbers(
        organization_id=application.organization_id, name="eservice-licence", year=year, count=1
    )
    service = application.service
    months = service.validity_months
    return Licence.objects.create(
        organization_id=application.organization_id,
        application=application,
        number=f"{seq}/{year}",
        verify_code=secrets.token_urlsafe(16),
        holder_name=application.applicant_name,
        title=service.licence_title,
        issued_on=today,
        expires_on=add_months(today, months) - dt.timedelta(days=1) if months else None,
    )


@transaction.atomic
def applications_settle_paid(
    *,
    organization: Organization | None = None,
    application_id: int | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Applications whose fee bill is paid get their licence (safe to repeat: the row is locked and re-read)."""
    now = _now(now)
    pending = Application.objects.filter(status=ApplicationStatus.PENDING_PAYMENT).exclude(bill_number="")
    if organization is not None:
        pending = pending.filter(organization=organization)
    if application_id is not None:
        pending = pending.filter(pk=application_id)
    paid = []
    for application in pending.select_related("service", "organization").select_for_update(
        of=("self",), skip_locked=True
    ):
        if Bill.objects.filter(
            organization_id=application.organization_id,
            number=application.bill_number,
            status=BillStatus.PAID,
        ).exists():
            paid.append(application)
    for application in paid:
        before = audit.snapshot(application)
        application.status = ApplicationStatus.APPROVED
        application.save(update_fields=["status"])
        _issue_licence(application, bangkok_date(now))
        _audit_change(SYSTEM, application, before, reason=_("The fee is paid"))
        _tell(
            application,
            _("Application %(ref)s: the fee is paid and the licence is ready to download.")
            % {"ref": application.reference},
        )
    return len(paid)


@transaction.atomic
def applications_notify_late(*, now: dt.datetime | None = None) -> int:
    """s.10: every undecided application past the manual's time tells its applicant, every 7 days, why it is
    late. Safe to repeat and to run on several workers (rows locked, skipped when taken)."""
    now = _now(now)
    today = bangkok_date(now)
    late = (
        Application.objects.filter(status__in=OPEN_STATUSES, due_on__lt=today)
        .select_related("service", "organization")
        .select_for_update(of=("self",), skip_locked=True)
        .order_by("pk")
    )
    sent = 0
    for application in late:
        if application.late_notices >= late_notices_due(application, today):
            continue
        application.late_notices += 1
        application.last_late_notice_at = now
        application.save(update_fields=["late_notices", "last_late_notice_at"])
        _tell(
            application,
            _(
                "Application %(ref)s is not decided within the manual's time (%(due)s). It is still being "
                "considered (%(status)s); we will tell you again in 7 days."
            )
            % {
                "ref": application.reference,
                "due": _thai_day(application.due_on),
                "status": application.get_status_display(),
            },
        )
        sent += 1
    return sent


@transaction.atomic
def licences_remind_renewal(*, now: dt.datetime | None = None) -> int:
    """One reminder to each holder whose licence expires within 30 days."""
    now = _now(now)
    today = bangkok_date(now)
    due = (
        Licence.objects.filter(
            renewal_reminded_at__isnull=True,
            expires_on__gte=today,
            expires_on__lte=today + dt.timedelta(days=RENEWAL_NOTICE_DAYS),
        )
        .select_related("application", "application__organization")
        .select_for_update(of=("self",), skip_locked=True)
    )
    count = 0
    for licence in due:
        licence.renewal_reminded_at = now
        licence.save(update_fields=["renewal_reminded_at"])
        _tell(
            licence.application,
            _("Your %(title)s no. %(number)s expires on %(day)s: apply to renew it.")
            % {"title": licence.title, "number": licence.number, "day": _thai_day(licence.expires_on)},
        )
        count += 1
    return count


# --- telling the applicant ----------------------------------------------------------------------------------


def _thai_day(day: dt.date) -> str:
    return f"{day.day}/{day.month}/{buddhist_era(day.year)}"


def _tell(application: Application, text: str) -> None:
    """An SMS through the outbox, sent after the transaction commits (core/outbox.py)."""
    notification_enqueue(
        organization=application.organization,
        channel=Notification.Channel.SMS,
        recipient=application.applicant_phone,
        messages=[{"type": "text", "text": text[:600]}],
    )


# --- miscellaneous fees -------------------------------------------------------------------------------------


@transaction.atomic
def misc_charge_create(
    *,
    actor: Actor,
    organization: Organization,
    kind: str,
    payer_name: str,
    description: str,
    quantity: int,
    unit_price: Decimal,
    now: dt.datetime | None = None,
) -> MiscCharge:
    """A market stall, a rental, copies: one bill through billing's shared sync (Thai QR, counter, bank file),
    paid with billing's receipt. The amount is quantity × unit price, to the satang."""
    require(actor, organization, EservicePerm.CHARGE_CREATE)
    today = bangkok_date(_now(now))
    errors: dict[str, list[str]] = {}
    if kind not in ChargeKind.values:
        errors["kind"] = [_("Market stall, rental, copies or other.")]
    if not payer_name.strip() or len(payer_name) > 200:
        errors["payer_name"] = [_("Give the payer's name.")]
    if not description.strip() or len(description) > 200:
        errors["description"] = [_("Say what the charge is for.")]
    if not 1 <= quantity <= 10000:
        errors["quantity"] = [_("A quantity from 1 to 10,000.")]
    if not unit_price.is_finite() or unit_price <= 0 or unit_price != round_satang(unit_price):
        errors["unit_price"] = [_("A positive amount in baht with at most 2 decimals.")]
    elif unit_price * quantity > MAX_CHARGE:
        errors["unit_price"] = [_("At most 1,000,000 baht for one charge.")]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], field_errors=errors)
    year = buddhist_era(today.year)
    (seq,) = reserve_numbers(organization_id=organization.pk, name="eservice-charge", year=year, count=1)
    charge = MiscCharge.objects.create(
        organization=organization,
        number=f"MC{year}{seq:06d}",
        kind=kind,
        payer_name=payer_name.strip(),
        description=description.strip(),
        quantity=quantity,
        unit_price=unit_price,
        amount=round_satang(unit_price * quantity),
        charged_on=today,
    )
    charges = MiscCharge.objects.filter(organization=organization, charged_on__year=today.year)
    bills_sync(
        actor=actor,  # under the officer's own grant (CHARGE_SOURCE.issue_perm): issued_by, the audit
        organization=organization,
        kind=BillKind.SERVICE_FEE,
        year=today.year,
        source_kind=CHARGE_SOURCE,
        wanted=[
            WantedBill(
                source=CHARGE_SOURCE.ref(c.number),
                payer=Payer(name=c.payer_name),
                lines=[
                    LineDraft(description=f"{c.get_kind_display()}: {c.description}"[:200], amount=c.amount)
                ],
                due_date=c.charged_on + dt.timedelta(days=15),
            )
            for c in charges
        ],
        issued_on=today,
        reason=_("Miscellaneous charge"),
    )
    charge.bill_number = (
        Bill.objects.filter(
            organization=organization,
            source_ref=str(CHARGE_SOURCE.ref(charge.number)),
            cancelled_at__isnull=True,
        )
        .values_list("number", flat=True)
        .get()
    )
    charge.save(update_fields=["bill_number"])
    audit.record_create(actor=actor, organization=organization, instance=charge)
    return charge
