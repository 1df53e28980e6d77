"""The shared case engine: a Case moves through an organisation's statuses with an SLA, a timeline and photos.

Reports, e-services and maintenance all create Cases through `muang.cases.services`; nothing else writes here.
"""

from enum import StrEnum

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from muang.core.geo import SRID
from muang.core.models import Citizen, Department, Organization
from muang.core.thai_dates import format_day_month_year
from muang.core.uploads import CleanImageField


class CaseCategory(models.Model):
    """What a case is about, per organisation: who handles it by default, how fast, how it is shown."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="case_categories")
    code = models.SlugField(_("code"), max_length=40, help_text=_("A stable identifier, e.g. “streetlight”."))
    name_th = models.CharField(_("Thai name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    default_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="case_categories", verbose_name=_("department")
    )
    sla_hours = models.PositiveIntegerField(
        _("SLA (working hours)"),
        default=24,
        validators=[MaxValueValidator(10_000)],
        help_text=_("Working hours from receipt to the due time; 0 means no due time."),
    )
    is_sensitive = models.BooleanField(
        _("sensitive"), default=False, help_text=_("Blur the location (about 100 m) on public pages.")
    )
    allow_anonymous = models.BooleanField(
        _("anonymous reports allowed"), default=True, help_text=_("Reports may come without any contact.")
    )
    reopen_window_days = models.PositiveSmallIntegerField(
        _("reopen window (days)"),
        default=7,
        validators=[MaxValueValidator(365)],
        help_text=_("For how many days after closing a case may be reopened."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["organization_id", "position", "code"]
        verbose_name = _("case category")
        verbose_name_plural = _("case categories")
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="case_category_code_unique_per_org")
        ]

    def __str__(self) -> str:
        return self.name_th

    def clean(self) -> None:
        if (
            self.organization_id is not None
            and self.default_department_id is not None
            and self.default_department.organization_id != self.organization_id
        ):
            raise ValidationError({"default_department": _("Choose a department of the same organisation.")})


class SystemStatus(StrEnum):
    """The codes of the built-in statuses (seeded per organisation) that services move cases into."""

    RECEIVED = "received"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    FORWARDED = "forwarded"
    RESOLVED = "resolved"
    NOT_RESPONSIBLE = "not_responsible"
    DUPLICATE = "duplicate"
    CLOSED = "closed"


class StatusKind(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class CaseStatus(models.Model):
    """One status of an organisation's configurable set; every status is either open or closed.

    The statuses seeded by `case_statuses_seed` carry `is_system`: services rely on their codes (a new case is
    `received`, assigning moves it to `assigned`, forwarding to `forwarded`...). Organisations may add their own.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="case_statuses")
    code = models.SlugField(_("code"), max_length=40)
    name_th = models.CharField(_("Thai name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=8, choices=StatusKind.choices)
    is_resolution = models.BooleanField(
        _("counts as resolved"), default=False, help_text=_("Entering it sets the resolution time.")
    )
    is_system = models.BooleanField(_("built in"), default=False, editable=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["organization_id", "position", "code"]
        verbose_name = _("case status")
        verbose_name_plural = _("case statuses")
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="case_status_code_unique_per_org"),
            models.CheckConstraint(
                condition=Q(is_resolution=False) | Q(kind="closed"), name="case_status_resolution_is_closed"
            ),
        ]

    def __str__(self) -> str:
        return self.name_th

    @property
    def is_open(self) -> bool:
        return self.kind == StatusKind.OPEN


class Holiday(models.Model):
    """A day off in an organisation's calendar: no working hours count towards an SLA on it."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField(_("date"))
    name_th = models.CharField(_("Thai name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)

    class Meta:
        ordering = ["organization_id", "date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        constraints = [
            models.UniqueConstraint(fields=["organization", "date"], name="holiday_unique_per_org")
        ]

    def __str__(self) -> str:
        return f"{format_day_month_year(self.date)} {self.name_th}"


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    LINE = "line", _("LINE")
    OPEN311 = "open311", _("Open311 app")
    PHONE = "phone", _("Phone call")
    WALK_IN = "walk_in", _("Walk-in")
    STAFF = "staff", _("Staff")
    DEVICE = "device", _("Device alert")
    FORWARD = "forward", _("Forwarded by another organisation")


class Case(models.Model):
    """One matter an organisation must handle. `organization` never changes: forwarding creates a new case."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="cases")
    tracking_code = models.CharField(_("tracking code"), max_length=14, editable=False)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="cases")
    category = models.ForeignKey(CaseCategory, on_delete=models.PROTECT, related_name="cases")
    status = models.ForeignKey(CaseStatus, on_delete=models.PROTECT, related_name="cases")
    # A copy of status.kind == open, kept by the services, so that queues and escalation need no join.
    is_open = models.BooleanField(default=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    description = models.TextField(_("description"), max_length=5000)
    location = models.PointField(_("location"), srid=SRID, null=True, blank=True)
    address = models.CharField(_("place"), max_length=300, blank=True)
    attributes = models.JSONField(_("answers"), default=dict, blank=True)

    # Who reported it. Personal data: staff only, never on public pages.
    reporter = models.ForeignKey(
        Citizen, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    # The digits alone (081-234-5678 → 0812345678), kept by the database, for the queue's phone search.
    contact_phone_digits = models.GeneratedField(
        expression=Func(F("contact_phone"), Value(r"\D"), Value(""), Value("g"), function="regexp_replace"),
        output_field=models.CharField(max_length=40),
        db_persist=True,
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    idempotency_key = models.CharField(max_length=64, blank=True, editable=False)

    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assignee"),
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    sla_hours = models.PositiveIntegerField(_("SLA (working hours)"), default=0)
    sla_started_at = models.DateTimeField(_("SLA counted from"), default=timezone.now)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)

    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_comment = models.TextField(_("rating comment"), max_length=1000, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)

    duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates"
    )
    # The case in the organisation that forwarded this one here (another organisation's row).
    forwarded_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="forwarded_to"
    )
    created_at = models.DateTimeField(_("received at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["organization_id", "-created_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            # The code starts with the organisation's own prefix, so it is unique platform-wide by construction;
            # keeping organization_id in every unique key lets the table be distributed by tenant later.
            models.UniqueConstraint(
                fields=["organization", "tracking_code"], name="case_tracking_code_unique"
            ),
            models.UniqueConstraint(
                fields=["organization", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="case_idempotency_key_unique",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="case_rating_1_to_5"
            ),
            models.CheckConstraint(condition=~Q(duplicate_of=models.F("id")), name="case_not_own_duplicate"),
        ]
        indexes = [
            models.Index(
                fields=["organization", "department", "-created_at"], name="case_org_dep_created_idx"
            ),
            models.Index(
                fields=["organization", "status", "-created_at"], name="case_org_status_created_idx"
            ),
            models.Index(fields=["organization", "-created_at"], name="case_org_created_idx"),
            models.Index(
                fields=["organization", "assignee"],
                condition=Q(is_open=True),
                name="case_org_open_assignee_idx",
            ),
            # The queue's search box (muang.cases.selectors.queue_search): words of the description or place
            # (icontains compares upper(...)), and phone numbers by their digits. Trigrams work for Thai too.
            GinIndex(OpClass(Upper("description"), name="gin_trgm_ops"), name="case_description_trgm_idx"),
            GinIndex(OpClass(Upper("address"), name="gin_trgm_ops"), name="case_address_trgm_idx"),
            GinIndex(
                OpClass(F("contact_phone_digits"), name="gin_trgm_ops"), name="case_contact_phone_trgm_idx"
            ),
            # Escalation scans only open, not yet escalated cases with a due time: a small partial index.
            models.Index(
                fields=["organization", "due_at"],
                condition=Q(is_open=True, escalated_at__isnull=True, due_at__isnull=False),
                name="case_org_escalation_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    def is_overdue(self, now=None) -> bool:
        now = now or timezone.now()
        return self.is_open and self.due_at is not None and self.due_at < now


def _case_label(row) -> str:
    """The tracking code of a row's case when the case is at hand (no query from __str__), else its number."""
    return row.case.tracking_code if type(row).case.is_cached(row) else f"#{row.case_id}"


class EventKind(models.TextChoices):
    CREATED = "created", _("received")
    NOTE = "note", _("note")
    ASSIGNED = "assigned", _("assigned")
    STATUS_CHANGED = "status_changed", _("status changed")
    CATEGORY_CHANGED = "category_changed", _("category changed")
    REOPENED = "reopened", _("reopened")
    RATED = "rated", _("rated")
    DUPLICATE_MARKED = "duplicate_marked", _("marked as a duplicate")
    DUPLICATE_LINKED = "duplicate_linked", _("duplicate linked")
    FORWARDED = "forwarded", _("forwarded")
    FORWARD_RECEIVED = "forward_received", _("received from another organisation")
    INVITED = "invited", _("co-responsible organisation invited")
    ESCALATED = "escalated", _("escalated")


class CaseEvent(models.Model):
    """One entry of a case's timeline: a public update the citizen sees, or an internal note for staff.

    Public events never carry personal data in `message` or `data`: public pages may show them as they are.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    is_public = models.BooleanField(_("public"), default=False)
    message = models.TextField(_("message"), max_length=2000, blank=True)
    data = models.JSONField(default=dict, blank=True)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_citizen = models.ForeignKey(
        Citizen, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_organization = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organization_id", "case_id", "created_at", "id"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        indexes = [
            models.Index(fields=["organization", "case", "created_at"], name="case_event_timeline_idx")
        ]

    def __str__(self) -> str:
        # Stored as the audit log's object label: the case's code, never internal ids or kind codes.
        return _case_label(self)


class AttachmentKind(models.TextChoices):
    BEFORE = "before", _("before")
    AFTER = "after", _("after")
    OTHER = "other", _("other")


class Attachment(models.Model):
    """A photo of a case, re-encoded on upload (no EXIF); before / after the fix, or other."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(
        CaseEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments"
    )
    kind = models.CharField(
        _("kind"), max_length=8, choices=AttachmentKind.choices, default=AttachmentKind.OTHER
    )
    file = CleanImageField(_("photo"), kind="cases", width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    size = models.PositiveIntegerField(default=0)
    is_public = models.BooleanField(_("public"), default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_by_citizen = models.ForeignKey(
        Citizen, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organization_id", "case_id", "created_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [
            models.Index(fields=["organization", "case"], name="case_attachment_case_idx"),
            models.Index(fields=["organization", "file"], name="case_attachment_file_idx"),  # /files/ reads
        ]

    def __str__(self) -> str:
        return self.file.name


class CaseInvitation(models.Model):
    """Another organisation invited to share responsibility: its staff may see the case and add to it."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="invitations")
    invited_organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="case_invitations"
    )
    message = models.TextField(_("message"), max_length=2000, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organization_id", "case_id", "created_at"]
        verbose_name = _("co-responsible organisation")
        verbose_name_plural = _("co-responsible organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "case", "invited_organization"], name="case_invitation_once"
            ),
            models.CheckConstraint(
                condition=~Q(invited_organization=models.F("organization")), name="case_invitation_not_self"
            ),
        ]
        indexes = [models.Index(fields=["invited_organization", "case"], name="case_invitation_invited_idx")]

    def __str__(self) -> str:
        if CaseInvitation.invited_organization.is_cached(self):
            return f"{_case_label(self)} → {self.invited_organization.name_th}"
        return _case_label(self)
