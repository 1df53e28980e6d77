"""Tenancy, staff, Thai administrative areas, API tokens and the audit log."""

import uuid
from enum import StrEnum

from django.contrib.auth.models import AbstractUser
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from muang.core.geo import SRID
from muang.core.images import LOGO_SIDE
from muang.core.uploads import CleanImageField

# Models that are global reference data or identities rather than rows owned by one organisation.
# The standards test fails for any other model without an `organization` field.
GLOBAL_MODELS = {
    "core.Province": "DOPA reference data, the same for every tenant",
    "core.District": "DOPA reference data",
    "core.Subdistrict": "DOPA reference data",
    "core.Organization": "the tenant itself",
    "core.User": "a staff member may belong to several organisations through Membership",
    "core.Citizen": "a citizen talks to many organisations",
    "core.WorkerHeartbeat": "one row per background worker process",
    "core.DailyRun": "a platform-wide daily job (e.g. the overdue digest) claiming its day",
    "environment.AqiBand": "the Thai AQI bands of the Pollution Control Department's notice, national",
    "care.LtcRate": "the health-security fund's long-term-care rate per person and year, national",
    "care.AllowanceRate": "the elderly and disability allowance rates (Cabinet resolutions), national, dated",
    "kpi.Framework": "the KPI frameworks (Khon Kaen's seven smart areas, depa's seven), the same for every city",
    "kpi.Area": "the areas of a KPI framework",
    "kpi.Indicator": "the indicator catalogue: each organisation's targets and figures are its own rows",
    "kpi.RollupPeriod": "the months whose KPI roll-up is written (one row a month for the whole platform)",
    "kpi.RollupAggregate": "KPI averages over the local governments of a district, a province or the country",
}

province_code = RegexValidator(r"^\d{2}$", _("A province code has exactly 2 digits."))
district_code = RegexValidator(r"^\d{4}$", _("A district code has exactly 4 digits."))
subdistrict_code = RegexValidator(r"^\d{6}$", _("A subdistrict code has exactly 6 digits."))
dla_code = RegexValidator(r"^\d{7}$", _("A DLA code has exactly 7 digits."))


class Province(models.Model):
    code = models.CharField(_("DOPA code"), max_length=2, primary_key=True, validators=[province_code])
    name_th = models.CharField(_("Thai name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.name_th


class District(models.Model):
    code = models.CharField(_("DOPA code"), max_length=4, primary_key=True, validators=[district_code])
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="districts")
    name_th = models.CharField(_("Thai name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return self.name_th


class Subdistrict(models.Model):
    code = models.CharField(_("DOPA code"), max_length=6, primary_key=True, validators=[subdistrict_code])
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="subdistricts")
    name_th = models.CharField(_("Thai name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    postal_codes = ArrayField(
        models.CharField(max_length=5), verbose_name=_("postal codes"), default=list, blank=True
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("subdistrict")
        verbose_name_plural = _("subdistricts")

    def __str__(self) -> str:
        return self.name_th


class OrganizationKind(models.TextChoices):
    PAO = "pao", _("Provincial administrative organisation (อบจ.)")
    CITY_MUNICIPALITY = "city_municipality", _("City municipality (เทศบาลนคร)")
    TOWN_MUNICIPALITY = "town_municipality", _("Town municipality (เทศบาลเมือง)")
    SUBDISTRICT_MUNICIPALITY = "subdistrict_municipality", _("Subdistrict municipality (เทศบาลตำบล)")
    SAO = "sao", _("Subdistrict administrative organisation (อบต.)")
    BANGKOK = "bangkok", _("Bangkok Metropolitan Administration")
    PATTAYA = "pattaya", _("City of Pattaya")
    DISTRICT_OFFICE = "district_office", _("District office (ที่ว่าการอำเภอ)")
    PROVINCE_OFFICE = "province_office", _("Provincial office (ศาลากลางจังหวัด)")


LOCAL_GOVERNMENT_KINDS = frozenset(
    {
        OrganizationKind.PAO,
        OrganizationKind.CITY_MUNICIPALITY,
        OrganizationKind.TOWN_MUNICIPALITY,
        OrganizationKind.SUBDISTRICT_MUNICIPALITY,
        OrganizationKind.SAO,
        OrganizationKind.BANGKOK,
        OrganizationKind.PATTAYA,
    }
)
OVERSIGHT_KINDS = frozenset({OrganizationKind.DISTRICT_OFFICE, OrganizationKind.PROVINCE_OFFICE})


class Organization(models.Model):
    """A tenant: one local government, or a district / province office that oversees several."""

    slug = models.SlugField(_("short name"), max_length=60, unique=True, help_text=_("Used in URLs."))
    kind = models.CharField(_("kind"), max_length=32, choices=OrganizationKind.choices)
    dla_code = models.CharField(
        _("DLA code"), max_length=7, unique=True, null=True, blank=True, validators=[dla_code]
    )
    name_th = models.CharField(_("Thai name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    subdistrict = models.ForeignKey(
        Subdistrict, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    boundary = models.MultiPolygonField(_("boundary"), srid=SRID, null=True, blank=True)
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = CleanImageField(
        _("logo"), kind="logos", public=True, max_side=LOGO_SIDE, keep_transparency=True, blank=True
    )
    settings = models.JSONField(_("settings"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["province_id", "district_id", "name_th"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [models.Index(fields=["province", "district"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(dla_code__isnull=True) | Q(dla_code__regex=r"^\d{7}$"),
                name="organization_dla_code_7_digits",
            ),
            models.CheckConstraint(
                condition=~Q(kind="district_office") | Q(district__isnull=False),
                name="organization_district_office_has_district",
            ),
        ]

    def __str__(self) -> str:
        return self.name_th

    @property
    def is_local_government(self) -> bool:
        return self.kind in LOCAL_GOVERNMENT_KINDS

    @property
    def is_overseer(self) -> bool:
        return self.kind in OVERSIGHT_KINDS

    def clean(self) -> None:
        from muang.core.validation import validate_organization

        validate_organization(self)


class Duty(models.TextChoices):
    """What a department is responsible for (its ภารกิจ). Which departments hold which duty is per-organisation
    data (`Department.duties`); permissions resolve from the member's role and their department's duties
    (the apps' duty grants, `muang.core.registry.duty_permissions()`), so the tax registry is the tax
    office's, not every officer's."""

    ADMINISTRATION = "administration", _("General administration")
    FINANCE = "finance", _("Finance: bills, payments, receipts")
    TAX = "tax", _("Tax: property registry, tax map, assessment")
    ENGINEERING = "engineering", _("Engineering and public works")
    PUBLIC_HEALTH = "public_health", _("Public health and environment")
    SOCIAL_WELFARE = "social_welfare", _("Social welfare")
    DISASTER_PREVENTION = (
        "disaster_prevention",
        _("Disaster prevention and mitigation"),
    )
    EDUCATION = "education", _("Education")
    # Health records of the people the city cares for (PDPA s.26 sensitive data): the elderly, the disabled,
    # the dependent. Held by the department the organisation puts in charge (public health or social welfare).
    CARE = "care", _("Health and long-term care")
    # The organisation's ambulance and rescue service in the national 1669 system (หน่วยปฏิบัติการการแพทย์):
    # call-takers, dispatchers and crews read incidents with patients' symptoms, so not every officer does.
    EMERGENCY_MEDICAL = "emergency_medical", _("Emergency medical services (EMS)")


class Department(models.Model):
    """A กอง / สำนัก of an organisation, with the duties it holds."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="departments")
    code = models.SlugField(_("code"), max_length=40)
    name_th = models.CharField(_("Thai name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    duties = ArrayField(
        models.CharField(max_length=32, choices=Duty.choices),
        verbose_name=_("duties"),
        default=list,
        blank=True,
        help_text=_(
            "What this department is responsible for; its staff get the permissions of these duties."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["organization_id", "code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="department_code_unique_per_org")
        ]

    def __str__(self) -> str:
        return self.name_th


class User(AbstractUser):
    """A staff account. Citizens are `Citizen`, signed in through LINE or phone, never a staff user."""

    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("staff user")
        verbose_name_plural = _("staff users")

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Role(models.TextChoices):
    OFFICER = "officer", _("Officer")
    DEPARTMENT_HEAD = "department_head", _("Department head")
    EXECUTIVE = "executive", _("Executive")
    OVERSEER = "overseer", _("Overseer")
    SYSTEM_ADMIN = "system_admin", _("System administrator")


ROLES_WITH_DEPARTMENT = frozenset({Role.OFFICER, Role.DEPARTMENT_HEAD})


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    title = models.CharField(_("position title"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization_id", "role", "user_id"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="membership_one_per_user_and_org"),
        ]
        indexes = [models.Index(fields=["organization", "department", "role"])]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.get_role_display()})"

    def clean(self) -> None:
        from muang.core.validation import validate_membership

        validate_membership(self)


class Invitation(models.Model):
    """An organisation asks an existing staff account to join it; the person accepts (or declines) after
    signing in, and only then is the Membership created. An organisation's administrator never attaches an
    existing account directly: that would let them take over accounts of other organisations (issue 8)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for an answer")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        REVOKED = "revoked", _("withdrawn")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("invited")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    title = models.CharField(_("position title"), max_length=200, blank=True)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("invited by")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["organization_id", "-created_at", "-id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"],
                condition=Q(status="pending"),
                name="invitation_one_pending_per_user_and_org",
            )
        ]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.user} → {self.organization} ({self.get_role_display()})"


class Citizen(models.Model):
    """A resident's account, separate from staff; signed in through LINE or a one-time code to a phone."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    display_name = models.CharField(_("display name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, unique=True, null=True, blank=True)
    line_user_id = models.CharField(_("LINE user id"), max_length=64, unique=True, null=True, blank=True)
    preferred_language = models.CharField(max_length=5, default="th")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("citizen")
        verbose_name_plural = _("citizens")

    def __str__(self) -> str:
        return self.display_name or str(self.id)


class ApiScope(StrEnum):
    """The platform's own API scopes. Every app declares its own (`AppContract.scopes`); a token's scopes are
    checked against all of them (`muang.core.registry.permission_table().scopes`)."""

    ORG_READ = "org:read"
    ORG_WRITE = "org:write"
    AUDIT_READ = "audit:read"


class ApiToken(models.Model):
    """An integration's credential: one organisation, some scopes, revocable; only a hash is stored."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    scopes = ArrayField(models.CharField(max_length=32), default=list)  # codes of the apps' scopes
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organization_id", "-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class AuditEntry(models.Model):
    """Who changed what, when, in which organisation. Append-only: a database trigger refuses UPDATE/DELETE."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("updated")
        DELETE = "delete", _("deleted")
        REVOKE = "revoke", _("revoked")
        EXPORT = "export", _("exported")  # personal data left the application in a file
        VIEW = "view", _("viewed")  # a sensitive record was read (PDPA s.26: health data), with the purpose

    # No database-level foreign keys: the trail must outlive what it describes.
    organization = models.ForeignKey(
        Organization, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    actor_user = models.ForeignKey(
        User, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    actor_token = models.ForeignKey(
        ApiToken, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    actor_label = models.CharField(_("actor"), max_length=200)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=300)
    changes = models.JSONField(_("changes"), default=dict, help_text=_("field: [before, after]"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    request_id = models.CharField(_("request ID"), max_length=36, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [
            models.Index(fields=["organization", "-at"]),
            models.Index(fields=["organization", "object_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.actor_label} {self.action} {self.object_type}:{self.object_id}"


class WorkerHeartbeat(models.Model):
    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=200)
    pid = models.IntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} {self.seen_at:%Y-%m-%d %H:%M:%S}"


class DailyRun(models.Model):
    """A once-a-day job that has run (or is running) for one day, Asia/Bangkok.

    Periodic tasks run on every worker start and at short intervals; a daily job claims its day here first
    (`muang.core.services.claim_daily_run`), so it runs once per day however many workers or restarts there are.
    """

    job = models.CharField(max_length=100)
    day = models.DateField()
    started_at = models.DateTimeField(auto_now_add=True)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "day"], name="daily_run_once_per_day")]

    def __str__(self) -> str:
        return f"{self.job} {self.day}"


class LineChannel(models.Model):
    """An organisation's LINE Official Account (Messaging API channel)."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="line_channel")
    channel_id = models.CharField(_("channel ID"), max_length=20)
    channel_secret = models.CharField(
        _("channel secret"), max_length=64, help_text=_("Signs the webhook calls.")
    )
    access_token = models.TextField(_("channel access token"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("LINE channel")
        verbose_name_plural = _("LINE channels")

    def __str__(self) -> str:
        return f"LINE {self.channel_id} ({self.organization})"


class Notification(models.Model):
    """The outbox: a message to a citizen, delivered by the worker with retries, never lost on a failure."""

    class Channel(models.TextChoices):
        LINE_PUSH = "line_push", _("LINE push message")
        LINE_REPLY = "line_reply", _("LINE reply")
        SMS = "sms", _("SMS")
        EMAIL = "email", _("e-mail")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENT = "sent", _("sent")
        DEAD = "dead", _("gave up")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="notifications")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    recipient = models.CharField(
        _("recipient"),
        max_length=254,
        help_text=_("LINE user ID, a mobile number for SMS, or an e-mail address"),
    )
    reply_token = models.CharField(_("reply token"), max_length=64, blank=True)
    messages = models.JSONField(
        _("messages"),
        help_text=_(
            "LINE message objects (SMS and e-mail: text messages, joined; e-mail: the first one's subject)"
        ),
    )
    retry_key = models.UUIDField(
        _("retry key"), default=uuid.uuid4, editable=False, help_text=_("X-Line-Retry-Key")
    )
    subject = models.CharField(
        _("subject"), max_length=100, blank=True, help_text=_("what it is about, e.g. case:123")
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), db_index=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["next_attempt_at", "id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["organization", "status", "next_attempt_at"]),
            models.Index(
                fields=["next_attempt_at"], name="notification_due_idx", condition=models.Q(status="pending")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient} ({self.get_status_display()})"
