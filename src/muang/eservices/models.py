"""The one-stop counter: each service's manual (s.7 of the Licensing Facilitation Act B.E. 2558), the
applications filed against it, their documents, and the licences issued.

A manual is data (`Service`): its steps, documents, fees, channels and the service's own application fields
are JSON lists loaded from the catalogue file (`eservices/data/catalogue.json`) or edited per organisation."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from muang.billing.models import MONEY
from muang.core.models import Organization


class Service(models.Model):
    """One service the organisation offers, with its public manual."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    licence_title = models.CharField(_("title of the licence or certificate"), max_length=200)
    legal_basis = models.TextField(_("legal basis"))
    criteria = models.TextField(_("criteria"))
    # [{"name": ..., "department": ..., "days": int, "unit": "working_days" | "days"}], in order: each step's
    # time in the unit the manual states (วันทำการ or calendar days; none stated: calendar days, as the law
    # counts a period), counted one after another in the shared case engine's calendar (ADR 0018).
    steps = models.JSONField(_("steps"), default=list)
    # [{"code": ..., "name": ..., "required": bool}]
    documents = models.JSONField(_("documents"), default=list)
    # [{"label": ..., "amount": "100.00"}]; an empty list says "no fee".
    fees = models.JSONField(_("fees"), default=list)
    channels = models.JSONField(_("channels"), default=list)
    complaints = models.TextField(_("where to complain"), blank=True)
    # The service's own application fields: [{"name": ..., "label": ..., "type": "text|int|decimal",
    # "required": bool, "min": number, "max": number}]
    fields = models.JSONField(_("application fields"), default=list)
    validity_months = models.PositiveSmallIntegerField(_("validity in months (0: no expiry)"), default=0)
    published = models.BooleanField(_("published"), default=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [models.UniqueConstraint(fields=["organization", "code"], name="eservice_code_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def total_days(self) -> int:
        return sum(int(step.get("days", 0)) for step in self.steps)

    @property
    def periods(self) -> list[tuple[int, str]]:
        """Each step's time as (days, unit) for the case engine's `due_dates_for`."""
        return [(int(step.get("days", 0)), step_unit(step)) for step in self.steps]

    @property
    def totals_by_unit(self) -> list[tuple[int, str]]:
        """The manual's total time per unit, working days first: [(30, "working_days"), (15, "days")]."""
        totals: dict[str, int] = {}
        for days, unit in self.periods:
            totals[unit] = totals.get(unit, 0) + days
        return [(totals[u], u) for u in DAY_UNITS if u in totals]

    @property
    def steps_shown(self) -> list[dict]:
        """The steps for the manual page: each with its time's unit in words."""
        return [{**step, "unit_label": UNIT_LABELS[step_unit(step)]} for step in self.steps]

    @property
    def totals_shown(self) -> str:
        return " + ".join(f"{days} {UNIT_LABELS[unit]}" for days, unit in self.totals_by_unit)


DAY_UNITS = ("working_days", "days")
UNIT_LABELS = {"working_days": _("working days"), "days": _("calendar days")}


def step_unit(step: dict) -> str:
    """A step's unit: as the manual states it, else calendar days (how the law counts a period in days)."""
    return step.get("unit") or "days"


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    MISSING_DOCUMENTS = "missing_documents", _("Waiting for missing documents")
    IN_REVIEW = "in_review", _("In review")
    INSPECTION = "inspection", _("Inspection scheduled")
    PENDING_PAYMENT = "pending_payment", _("Approved, fee to pay")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Refused")


OPEN_STATUSES = frozenset(
    {
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.MISSING_DOCUMENTS,
        ApplicationStatus.IN_REVIEW,
        ApplicationStatus.INSPECTION,
    }
)


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    COUNTER = "counter", _("At the counter")


class Application(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="applications")
    reference = models.CharField(_("reference number"), max_length=20)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    applicant_name = models.CharField(_("applicant"), max_length=200)
    applicant_phone = models.CharField(_("mobile phone"), max_length=16)
    data = models.JSONField(_("application details"), default=dict)
    status = models.CharField(_("status"), max_length=20, choices=ApplicationStatus.choices)
    submitted_at = models.DateTimeField(_("submitted at"))
    due_on = models.DateField(_("decision due on"))
    # The due day of each step of the manual, ISO dates, from the day the application was complete (ADR 0018).
    step_due = models.JSONField(_("due day of each step"), default=list)
    missing_requested_at = models.DateTimeField(_("missing documents requested at"), null=True, blank=True)
    missing_documents = models.JSONField(_("missing documents"), default=list)
    missing_note = models.TextField(_("note on the missing documents"), blank=True)
    inspection_at = models.DateTimeField(_("inspection appointment"), null=True, blank=True)
    late_notices = models.PositiveSmallIntegerField(_("late notices sent"), default=0)
    last_late_notice_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reasons = models.TextField(_("reasons"), blank=True)
    fee = models.DecimalField(_("fee"), default=0, **MONEY)
    bill_number = models.CharField(_("bill number"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(fields=["organization", "reference"], name="eservice_application_ref")
        ]
        indexes = [
            models.Index(fields=["organization", "status", "due_on"], name="eservice_app_status_due"),
            # "My applications": the signed-in applicant's, by the mobile number they proved with a code.
            models.Index(fields=["organization", "applicant_phone"], name="eservice_app_phone"),
            models.Index(fields=["organization", "service", "submitted_at"], name="eservice_app_service"),
        ]

    def __str__(self) -> str:
        return self.reference


class ApplicantSignIn(models.Model):
    """One sign-in of an applicant: a 6-digit code (only its keyed hash is kept) sent by SMS to the mobile
    number they give. The number they prove is who they are here: their applications are those filed with it
    (online or at the counter), the same number every notice about them goes to."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    phone = models.CharField(_("mobile phone"), max_length=10)
    code_hash = models.CharField(max_length=64)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("applicant sign-in code")
        verbose_name_plural = _("applicant sign-in codes")
        indexes = [
            models.Index(fields=["organization", "phone", "created_at"], name="eservice_signin_phone"),
            models.Index(fields=["ip_address", "created_at"], name="eservice_signin_ip"),
        ]

    def __str__(self) -> str:
        return f"{self.phone[:2]}x-xxx-{self.phone[-4:]} {self.created_at:%Y-%m-%d %H:%M}"


class ApplicationDocument(models.Model):
    """One uploaded document: a PDF checked for what it says it is, or an image re-encoded by Pillow."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="uploads")
    code = models.CharField(_("document"), max_length=40)
    file_name = models.CharField(max_length=120)  # in private storage, a random name
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [models.Index(fields=["organization", "application"], name="eservice_doc_app")]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.code}"


class Licence(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="licence")
    number = models.CharField(_("licence number"), max_length=30)
    verify_code = models.CharField(max_length=32, unique=True)  # in the QR: the public verification page
    holder_name = models.CharField(_("holder"), max_length=200)
    title = models.CharField(_("title"), max_length=200)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    renewal_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        constraints = [models.UniqueConstraint(fields=["organization", "number"], name="eservice_licence_no")]
        indexes = [models.Index(fields=["organization", "expires_on"], name="eservice_licence_expiry")]

    def __str__(self) -> str:
        return self.number


class ChargeKind(models.TextChoices):
    MARKET_STALL = "market_stall", _("Market stall")
    RENTAL = "rental", _("Rental of a public place")
    COPIES = "copies", _("Copies of documents")
    OTHER = "other", _("Other fee")


class MiscCharge(models.Model):
    """A miscellaneous fee (mCollect): billed through billing's shared sync, paid by Thai QR or at the counter,
    with billing's receipt."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("charge number"), max_length=20)
    kind = models.CharField(_("kind"), max_length=20, choices=ChargeKind.choices)
    payer_name = models.CharField(_("payer"), max_length=200)
    description = models.CharField(_("description"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    amount = models.DecimalField(_("amount"), **MONEY)
    charged_on = models.DateField(_("charged on"))
    bill_number = models.CharField(_("bill number"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("miscellaneous charge")
        verbose_name_plural = _("miscellaneous charges")
        constraints = [models.UniqueConstraint(fields=["organization", "number"], name="eservice_charge_no")]

    def __str__(self) -> str:
        return self.number
