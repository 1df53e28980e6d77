"""The people a city cares for (the elderly, the disabled, the dependent), their programmes, their Barthel ADL
assessments and their long-term care plans. Modelled after DHIS2's tracker (a tracked person, enrolments in
programmes, dated events) and OpenMRS (the person apart from what is recorded about their health).

Health data (assessments, plans, disability) is sensitive (PDPA s.26): every read of a record is audited
(`core.audit.record_read`), and only the department with the care duty reaches it (`care.permissions`).
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import BrinIndex, GinIndex, OpClass
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from muang.care.barthel import ITEMS, MAX_TOTAL
from muang.core.geo import SRID
from muang.core.models import Organization
from muang.core.thai_dates import format_day_month_year
from muang.core.uploads import CleanImageField


class Sex(models.TextChoices):
    MALE = "male", _("male")
    FEMALE = "female", _("female")


class Group(models.TextChoices):
    SOCIAL = "social", _("socially active")
    HOME = "home", _("home-bound")
    BED = "bed", _("bed-bound")


class Person(models.Model):
    """A person the city cares for. A national ID exists once per organisation."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    national_id = models.CharField(_("national ID"), max_length=13)
    title = models.CharField(_("title"), max_length=40, blank=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    # "first last", kept by the services: the trigram index of the search box (a name or part of one).
    full_name = models.CharField(max_length=201, editable=False)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    address = models.CharField(_("address"), max_length=300, blank=True)
    subdistrict_code = models.CharField(_("subdistrict code"), max_length=6, blank=True)
    location = models.PointField(_("home location"), srid=SRID, null=True, blank=True)
    phones = ArrayField(models.CharField(max_length=20), verbose_name=_("phones"), default=list, blank=True)
    # [{"name": …, "relation": …, "phone": …}]
    emergency_contacts = models.JSONField(_("emergency contacts"), default=list, blank=True)
    lives_alone = models.BooleanField(_("lives alone"), default=False)
    line_user_id = models.CharField(_("LINE account"), max_length=64, blank=True)
    died_on = models.DateField(_("died on"), null=True, blank=True)
    # The latest ADL group, kept by the assessment service (the map, the lists and the counts filter on it).
    adl_group = models.CharField(_("ADL group"), max_length=8, choices=Group.choices, blank=True)
    anonymized_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person cared for")
        verbose_name_plural = _("people cared for")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "national_id"], name="care_person_national_id_unique"
            )
        ]
        indexes = [
            GinIndex(OpClass("full_name", name="gin_trgm_ops"), name="care_person_name_trgm_idx"),
            models.Index(fields=["organization", "adl_group"], name="care_person_org_group_idx"),
            models.Index(fields=["organization", "full_name"], name="care_person_org_name_idx"),
        ]

    AUDIT_BY_NUMBER = True  # the home pages' audit lines show its number (core.selectors.audit_lines)

    def __str__(self) -> str:
        # Not the name: __str__ ends up in the append-only audit log, which anonymisation cannot reach.
        return f"care person {self.pk}"

    @property
    def display_name(self) -> str:
        return f"{self.title}{self.first_name} {self.last_name}".strip()


class Programme(models.TextChoices):
    ELDERLY = "elderly", _("elderly")
    DISABILITY = "disability", _("disability")
    LTC = "ltc", _("long-term care")


class DisabilityType(models.TextChoices):
    """The seven types on the Thai disability card (ประกาศกระทรวงการพัฒนาสังคมฯ ประเภทและหลักเกณฑ์ความพิการ)."""

    VISUAL = "visual", _("visual")
    HEARING = "hearing", _("hearing or communication")
    PHYSICAL = "physical", _("movement or physical")
    MENTAL = "mental", _("mental or behavioural")
    INTELLECTUAL = "intellectual", _("intellectual")
    LEARNING = "learning", _("learning")
    AUTISM = "autism", _("autism")


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    SUSPENDED = "suspended", _("suspended")
    ENDED = "ended", _("ended")


class Enrolment(models.Model):
    """A person in a programme, with its own dates and status (one open enrolment per programme)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="enrolments")
    programme = models.CharField(_("programme"), max_length=12, choices=Programme.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ACTIVE
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    disability_type = models.CharField(
        _("disability type"), max_length=16, choices=DisabilityType.choices, blank=True
    )
    card_number = models.CharField(_("disability card number"), max_length=30, blank=True)
    card_expires_on = models.DateField(_("disability card expiry"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "programme"],
                condition=~Q(status="ended"),
                name="care_enrolment_one_open_per_programme",
            ),
            models.CheckConstraint(
                condition=~Q(programme="disability") | ~Q(disability_type=""),
                name="care_enrolment_disability_has_type",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "programme", "status"], name="care_enrol_org_prog_idx")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.programme}"


def _item(label):
    return models.PositiveSmallIntegerField(label)


class Assessment(models.Model):
    """A Barthel ADL assessment (ten items, total 0–20; `care.barthel`)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="assessments")
    assessed_on = models.DateField(_("assessed on"))
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    feeding = _item(_("feeding"))
    grooming = _item(_("grooming"))
    transfer = _item(_("transfer"))
    toilet = _item(_("toilet use"))
    mobility = _item(_("mobility"))
    dressing = _item(_("dressing"))
    stairs = _item(_("stairs"))
    bathing = _item(_("bathing"))
    bowels = _item(_("bowels"))
    bladder = _item(_("bladder"))
    total = models.PositiveSmallIntegerField(_("ADL total"))
    group = models.CharField(_("ADL group"), max_length=8, choices=Group.choices)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ADL assessment")
        verbose_name_plural = _("ADL assessments")
        ordering = ["person", "assessed_on", "id"]
        constraints = [
            *(
                models.CheckConstraint(condition=Q(**{f"{item}__lte": high}), name=f"care_adl_{item}_range")
                for item, high in ITEMS.items()
            ),
            models.CheckConstraint(condition=Q(total__lte=MAX_TOTAL), name="care_adl_total_range"),
        ]
        indexes = [models.Index(fields=["person", "assessed_on"], name="care_adl_person_day_idx")]

    def __str__(self) -> str:
        return f"ADL {self.total} ({self.assessed_on})"

    def items(self) -> dict[str, int]:
        return {item: getattr(self, item) for item in ITEMS}


class LtcRate(models.Model):
    """The health-security fund's yearly long-term-care budget per dependent person, by fiscal year (B.E.):
    a dated row with its source, so a new rate is data. National, not an organisation's."""

    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year (B.E.)"), unique=True)
    amount = models.DecimalField(_("baht per person a year"), max_digits=10, decimal_places=2)
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        verbose_name = _("long-term care rate")
        verbose_name_plural = _("long-term care rates")
        ordering = ["fiscal_year"]

    def __str__(self) -> str:
        return f"{self.fiscal_year}: {self.amount}"


class CarePlanStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    CLOSED = "closed", _("closed")


class CarePlan(models.Model):
    """A long-term care plan for a dependent person for one fiscal year: goals, who manages and who visits,
    how often, the budget (the year's rate) and what was spent."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="care_plans")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year (B.E.)"))
    group = models.CharField(_("ADL group"), max_length=8, choices=Group.choices)
    goals = models.TextField(_("goals"))
    care_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("care manager"),
    )
    caregivers = ArrayField(models.CharField(max_length=200), verbose_name=_("caregivers"), default=list)
    visits_per_month = models.PositiveSmallIntegerField(
        _("visits a month"), validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    budget = models.DecimalField(_("budget (baht)"), max_digits=10, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=8, choices=CarePlanStatus.choices, default=CarePlanStatus.ACTIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("care plan")
        verbose_name_plural = _("care plans")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "fiscal_year"],
                condition=Q(status="active"),
                name="care_plan_one_active_per_year",
            )
        ]
        indexes = [models.Index(fields=["organization", "fiscal_year"], name="care_plan_org_year_idx")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.fiscal_year}"


class Spending(models.Model):
    """Money spent under a care plan (equipment, a caregiver's stipend, supplies)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="spendings")
    spent_on = models.DateField(_("spent on"))
    amount = models.DecimalField(
        _("amount (baht)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    description = models.CharField(_("what for"), max_length=200)

    class Meta:
        verbose_name = _("care plan spending")
        verbose_name_plural = _("care plan spending")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="care_spending_positive")]

    def __str__(self) -> str:
        return f"{self.amount} {self.description}"


class ReadPurpose(models.TextChoices):
    """Why a health record is opened: the reader chooses one, and it is kept in the audit log (PDPA s.26)."""

    CARE = "care", _("care and care planning")
    # In context: a bare "assessment" is the tax assessment's word in the catalogue (property.assessment).
    ASSESSMENT = "assessment", pgettext_lazy("health record purpose", "assessment")
    VISIT = "visit", _("home visit")
    EMERGENCY = "emergency", _("emergency or evacuation")
    PERSON_REQUEST = "person_request", _("the person's own request")


# --- allowances (เบี้ยยังชีพผู้สูงอายุ, เบี้ยความพิการ): rates, rights, monthly payment runs ----------------------


class AllowanceKind(models.TextChoices):
    ELDERLY = "elderly", _("elderly living allowance")
    DISABILITY = "disability", _("disability allowance")


class AllowanceRate(models.Model):
    """One monthly rate of an allowance, for an age band (and, for the disability allowance, holders of the
    state welfare card), in force from `valid_from` to `valid_to` (inclusive; open when null). A Cabinet
    change is a new row, never an edit of a row a paid line points at. National, not an organisation's.
    Seeded by migration 0003 (`care.allowance_rates`)."""

    kind = models.CharField(_("allowance"), max_length=12, choices=AllowanceKind.choices)
    min_age = models.PositiveSmallIntegerField(_("from age"))
    max_age = models.PositiveSmallIntegerField(_("to age"), null=True, blank=True)
    welfare_card = models.BooleanField(_("state welfare card holders"), default=False)
    amount = models.DecimalField(_("baht a month"), max_digits=10, decimal_places=2)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        verbose_name = _("allowance rate")
        verbose_name_plural = _("allowance rates")
        ordering = ["kind", "valid_from", "welfare_card", "min_age"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="care_allowance_rate_positive"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="care_allowance_rate_dates",
            ),
            models.UniqueConstraint(
                fields=["kind", "min_age", "welfare_card", "valid_from"], name="care_allowance_rate_unique"
            ),
        ]

    def __str__(self) -> str:
        ages = f"{self.min_age}–{self.max_age}" if self.max_age else f"{self.min_age}+"
        return gettext("%(allowance)s, age %(ages)s: %(amount)s baht from %(day)s") % {
            "allowance": self.get_kind_display(),
            "ages": ages,
            "amount": f"{self.amount:,.2f}",
            "day": format_day_month_year(self.valid_from),
        }


class PaymentMethod(models.TextChoices):
    BANK = "bank", _("bank transfer")
    CASH = "cash", _("cash")


class RightStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    STOPPED = "stopped", _("stopped")


class StopReason(models.TextChoices):
    DIED = "died", _("died")
    MOVED = "moved", _("moved out")
    LAPSED = "lapsed", _("right not confirmed")
    CARD_EXPIRED = "card_expired", _("disability card expired")
    PENSIONER = "pensioner", _("state pensioner")
    NOT_ENROLLED = "not_enrolled", _("not enrolled in the programme")


class AllowanceRight(models.Model):
    """A person's right to one allowance in this organisation (the registration, then the yearly
    confirmation, ยืนยันสิทธิ), how it is paid, and from which month."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="allowance_rights")
    kind = models.CharField(_("allowance"), max_length=12, choices=AllowanceKind.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=RightStatus.choices, default=RightStatus.ACTIVE
    )
    applied_on = models.DateField(_("applied on"))
    first_month = models.DateField(_("paid from (month)"))
    # The last fiscal year (B.E.) the person confirmed the right for; the run pays a month only when its
    # fiscal year is confirmed (a right registered in a year counts as confirmed for that year).
    confirmed_fiscal_year = models.PositiveSmallIntegerField(_("confirmed for fiscal year (B.E.)"))
    confirmed_on = models.DateField(_("confirmed on"))
    method = models.CharField(_("paid by"), max_length=8, choices=PaymentMethod.choices)
    bank_code = models.CharField(_("bank"), max_length=3, blank=True)
    account_number = models.CharField(_("account number"), max_length=15, blank=True)
    account_name = models.CharField(_("account name"), max_length=200, blank=True)
    welfare_card = models.BooleanField(_("holds the state welfare card"), default=False)
    state_pensioner = models.BooleanField(_("receives a state pension"), default=False)
    moved_out_on = models.DateField(_("moved out on"), null=True, blank=True)
    stopped_on = models.DateField(_("stopped on"), null=True, blank=True)
    stop_reason = models.CharField(_("why stopped"), max_length=16, choices=StopReason.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("allowance right")
        verbose_name_plural = _("allowance rights")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind"], condition=Q(status="active"), name="care_right_one_active_per_kind"
            ),
            models.CheckConstraint(
                condition=Q(method="cash") | (~Q(bank_code="") & ~Q(account_number="")),
                name="care_right_bank_has_account",
            ),
        ]
        indexes = [models.Index(fields=["organization", "status", "kind"], name="care_right_org_status_idx")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind}"


class ConfirmationWindow(models.Model):
    """The period an organisation announces for confirming rights (ยืนยันสิทธิ) for a fiscal year, and for
    new applicants who turn 60 in that year to register."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year (B.E.)"))
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))

    class Meta:
        verbose_name = _("confirmation window")
        verbose_name_plural = _("confirmation windows")
        ordering = ["organization", "opens_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="care_window_dates"
            ),
        ]

    def __str__(self) -> str:
        return gettext("fiscal year %(year)s: %(opens)s–%(closes)s") % {
            "year": self.fiscal_year,
            "opens": format_day_month_year(self.opens_on),
            "closes": format_day_month_year(self.closes_on),
        }


class AllowanceRunStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("computed")
    PAID = "paid", _("paid")
    FAILED = "failed", _("failed")


class AllowanceRun(models.Model):
    """The monthly payment run of one organisation: one per month (a failed run may be started again)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))  # the first day of the month paid
    due_on = models.DateField(_("to be paid by"))  # the 10th of the month
    status = models.CharField(
        _("status"), max_length=8, choices=AllowanceRunStatus.choices, default=AllowanceRunStatus.QUEUED
    )
    progress_done = models.PositiveIntegerField(_("rights done"), default=0)
    progress_total = models.PositiveIntegerField(_("rights in total"), default=0)
    lines_count = models.PositiveIntegerField(_("lines"), default=0)
    paid_count = models.PositiveIntegerField(_("people paid"), default=0)
    total = models.DecimalField(_("total (baht)"), max_digits=16, decimal_places=2, default=0)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_by_label = models.CharField(_("started by"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("allowance payment run")
        verbose_name_plural = _("allowance payment runs")
        ordering = ["organization", "-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "month"],
                condition=~Q(status="failed"),
                name="care_allowance_run_once_a_month",
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="care_allowance_run_first_of_month"),
        ]

    def __str__(self) -> str:
        return f"allowance run {self.organization_id} {self.month:%Y-%m}"


class LineType(models.TextChoices):
    PAYMENT = "payment", _("monthly allowance")
    ADJUSTMENT = "adjustment", _("adjustment")
    STOP = "stop", _("stopped")


class AllowanceAdjustment(models.Model):
    """A correction: money still owed to a person (positive: arrears) or to be recovered from them (negative:
    an over-payment), settled by the following runs as adjustment lines. A paid line is never edited."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    right = models.ForeignKey(AllowanceRight, on_delete=models.PROTECT, related_name="adjustments")
    amount = models.DecimalField(_("amount (baht)"), max_digits=12, decimal_places=2)
    remaining = models.DecimalField(_("still to settle (baht)"), max_digits=12, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=300)
    corrects_line = models.ForeignKey(
        "care.AllowanceLine", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by_label = models.CharField(_("recorded by"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("allowance adjustment")
        verbose_name_plural = _("allowance adjustments")
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="care_adjustment_not_zero"),
            models.CheckConstraint(
                condition=(Q(amount__gt=0) & Q(remaining__gte=0) & Q(remaining__lte=models.F("amount")))
                | (Q(amount__lt=0) & Q(remaining__lte=0) & Q(remaining__gte=models.F("amount"))),
                name="care_adjustment_remaining_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"adjustment {self.pk} {self.amount}"


class AllowanceLine(models.Model):
    """One line of a run: a person's monthly allowance with the rate row and why, an adjustment, or a stop
    (amount 0, with the reason). Written once by the run; never updated (a correction is an adjustment)."""

    # A run writes 100,000 lines in one INSERT … SELECT: only the indexes below are kept up (each foreign
    # key's own index is left out; the indexes lead with run, person and right), and no key is
    # checked per row: every id is taken by that same statement from the run, right, person and rate rows it
    # joins (a PostgreSQL foreign-key check is a query per row and per key; the last two, run and right,
    # cost as much as writing the lines). Django's PROTECT guards the deletion of what a line points to, and
    # in the database a trigger refuses to delete a run or a right that has lines (migration 0005).
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    run = models.ForeignKey(
        AllowanceRun, on_delete=models.CASCADE, related_name="lines", db_index=False, db_constraint=False
    )
    right = models.ForeignKey(
        AllowanceRight, on_delete=models.PROTECT, related_name="lines", db_index=False, db_constraint=False
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="allowance_lines", db_index=False, db_constraint=False
    )
    month = models.DateField(_("month"))
    kind = models.CharField(_("allowance"), max_length=12, choices=AllowanceKind.choices)
    line_type = models.CharField(_("line"), max_length=12, choices=LineType.choices)
    rate = models.ForeignKey(
        AllowanceRate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    adjustment = models.ForeignKey(
        AllowanceAdjustment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lines",
        db_index=False,
        db_constraint=False,
    )
    age = models.PositiveSmallIntegerField(_("age counted"), null=True, blank=True)
    amount = models.DecimalField(_("amount (baht)"), max_digits=12, decimal_places=2)
    stop_reason = models.CharField(_("why stopped"), max_length=16, choices=StopReason.choices, blank=True)
    method = models.CharField(_("paid by"), max_length=8, choices=PaymentMethod.choices)

    class Meta:
        verbose_name = _("allowance line")
        verbose_name_plural = _("allowance lines")
        ordering = ["run", "person", "kind", "id"]
        constraints = [
            # One index for the run's INSERT to keep up where there were two (a partial unique one on (right,
            # month) for the payments and one on (person, month) for a person's history; -0.1 s of ~0.6 s at
            # 100,000 recipients): a right has at most one line of each kind a month, an adjustment's line at most
            # one per adjustment (NULLS NOT DISTINCT: payment and stop lines have none, so two payments of a
            # right in a month collide, as they did). A person's history is read through their rights.
            models.UniqueConstraint(
                fields=["right", "month", "line_type", "adjustment"],
                nulls_distinct=False,
                name="care_line_one_per_right_month_type",
            ),
            models.CheckConstraint(
                condition=Q(line_type="adjustment") | Q(adjustment__isnull=True),
                name="care_line_only_adjustments_have_source",
            ),
            models.CheckConstraint(
                condition=~Q(line_type="payment") | (Q(rate__isnull=False) & Q(amount__gt=0)),
                name="care_line_payment_has_rate",
            ),
            models.CheckConstraint(
                condition=~Q(line_type="stop") | (Q(amount=0) & ~Q(stop_reason="")),
                name="care_line_stop_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(line_type="adjustment") | Q(adjustment__isnull=False),
                name="care_line_adjustment_has_source",
            ),
        ]
        indexes = [
            # A run's lines are written together and never updated or deleted (append-only, the trigger of
            # migration 0003): they lie in one stretch of the table, which a block-range index finds as well
            # as a B-tree, for a few pages instead of 100,000 entries kept up by the run's INSERT (-0.07 s of
            # ~0.73 s at 100,000 recipients). Every read of a run takes all its lines or filters them after.
            BrinIndex(fields=["run"], name="care_line_run_brin"),
        ]

    def __str__(self) -> str:
        return f"{self.run_id} {self.person_id} {self.line_type} {self.amount}"


class AllowancePayer(models.Model):
    """The organisation's account the allowances are paid from, and its corporate ID at the bank whose
    direct-credit file it sends (`care.payment_files`)."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="+")
    bank_code = models.CharField(_("bank"), max_length=3)
    branch_code = models.CharField(_("branch code"), max_length=4)
    account_number = models.CharField(_("account number"), max_length=15)
    account_name = models.CharField(_("account name"), max_length=100)
    company_id = models.CharField(_("corporate ID at the bank"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("allowance paying account")
        verbose_name_plural = _("allowance paying accounts")

    def __str__(self) -> str:
        return f"{self.account_name} · {self.account_number}"


# --- home visits (issue 12, item 3) ---------------------------------------------------------------------------------


class VisitType(models.TextChoices):
    HOME = "home", _("home visit")
    TELE = "tele", _("teleconsultation")


# Plausible ranges of the vital signs a caregiver records (a typo such as 1200 for 120 is refused, naming the
# field): (lowest, highest). Blood pressure in mmHg, pulse a minute, capillary glucose in mg/dL, weight in kg,
# temperature in °C.
VITAL_RANGES = {
    "bp_systolic": (50, 260),
    "bp_diastolic": (30, 160),
    "pulse": (20, 250),
    "glucose": (20, 700),
    "weight": (2, 300),
    "temperature": (30, 45),
}


class Visit(models.Model):
    """A home visit or a teleconsultation: planned (from the care plan's visits a month) and then done, with
    vital signs, notes, a photo, where the form was filled, and an ADL re-score (an `Assessment`).

    The phone generates `client_uuid` before the form is sent: a retry of the same form (lost signal, an
    outbox replay) finds the stored visit instead of storing a second one (unique per organisation)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="visits")
    plan = models.ForeignKey(
        CarePlan, on_delete=models.SET_NULL, null=True, blank=True, related_name="visits"
    )
    caregiver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("caregiver"),
    )
    client_uuid = models.UUIDField(_("form identifier"), null=True, blank=True)
    visit_type = models.CharField(_("visit type"), max_length=8, choices=VisitType.choices)
    planned_on = models.DateField(_("planned on"), null=True, blank=True)
    scheduled_at = models.DateTimeField(_("call scheduled at"), null=True, blank=True)
    video_link = models.URLField(_("video link"), max_length=500, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    bp_systolic = models.PositiveSmallIntegerField(
        _("blood pressure, systolic (mmHg)"), null=True, blank=True
    )
    bp_diastolic = models.PositiveSmallIntegerField(
        _("blood pressure, diastolic (mmHg)"), null=True, blank=True
    )
    pulse = models.PositiveSmallIntegerField(_("pulse (a minute)"), null=True, blank=True)
    glucose = models.PositiveSmallIntegerField(_("blood glucose (mg/dL)"), null=True, blank=True)
    weight = models.DecimalField(_("weight (kg)"), max_digits=4, decimal_places=1, null=True, blank=True)
    temperature = models.DecimalField(
        _("temperature (°C)"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    photo = CleanImageField(_("photo"), kind="care-visits", blank=True)
    filled_at = models.PointField(_("where the form was filled"), srid=SRID, null=True, blank=True)
    distance_from_home_m = models.FloatField(_("metres from home"), null=True, blank=True)
    near_home = models.BooleanField(_("filled near the home"), null=True, blank=True)
    assessment = models.OneToOneField(
        Assessment, on_delete=models.SET_NULL, null=True, blank=True, related_name="visit"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "client_uuid"],
                condition=Q(client_uuid__isnull=False),
                name="care_visit_client_uuid_unique",
            ),
            # Planning a month twice plans nothing more.
            models.UniqueConstraint(
                fields=["plan", "planned_on"],
                condition=Q(plan__isnull=False, planned_on__isnull=False),
                name="care_visit_one_per_plan_day",
            ),
            models.CheckConstraint(
                condition=Q(done_at__isnull=False) | Q(planned_on__isnull=False),
                name="care_visit_planned_or_done",
            ),
            models.CheckConstraint(
                condition=~Q(visit_type="tele") | Q(scheduled_at__isnull=False),
                name="care_visit_tele_is_scheduled",
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True})
                    | Q(**{f"{name}__gte": low, f"{name}__lte": high}),
                    name=f"care_visit_{name}_range",
                )
                for name, (low, high) in VITAL_RANGES.items()
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "planned_on"], name="care_visit_org_planned_idx"),
            models.Index(fields=["person", "done_at"], name="care_visit_person_done_idx"),
        ]

    AUDIT_BY_NUMBER = True  # the home pages' audit lines show its number (core.selectors.audit_lines)

    def __str__(self) -> str:
        return f"care visit {self.pk}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None
