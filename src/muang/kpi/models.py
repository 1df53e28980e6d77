"""The city's numbers: frameworks of areas and indicators (the catalogue, the same for every organisation),
and each organisation's targets, monthly snapshots and hand-entered values.

A snapshot is the figure of one indicator for one organisation for one month, written once when the month is
over (from the module's `KpiSource` selector, an approved hand-entered value or a CSV import): a later correction
in a module's tables does not move it, and recomputing a past month is an explicit, audited action
(`services.snapshot_recompute`). Snapshots hold aggregates only, never a person: the roll-ups of district and
province offices read nothing else.
"""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from muang.core.contract import Direction
from muang.core.models import Duty, Organization, User
from muang.core.uploads import CleanImageField


class Source(models.TextChoices):
    COMPUTED = "computed", _("Computed from a module")
    MANUAL = "manual", _("Entered by hand with evidence")
    CSV = "csv", _("Imported from CSV")
    FORMULA = "formula", _("Computed from other indicators")


# How a unit reads on a page ("count" is a number of things: no word after it).
UNITS = {
    "%": "%",
    "days": _("days"),
    "count": "",
    "THB": _("baht"),
    "stars": _("stars"),
    "kW": _("kW"),
    "kWh": _("kWh"),
    "minutes": _("minutes"),
    "students": _("students per teacher"),
}


class Framework(models.Model):
    """A set of areas a city is measured in: Khon Kaen's seven smart areas, depa's seven."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_th = models.CharField(_("Thai name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("KPI framework")
        verbose_name_plural = _("KPI frameworks")

    def __str__(self) -> str:
        return self.name_th


class Area(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="areas")
    code = models.SlugField(_("code"), max_length=40)
    name_th = models.CharField(_("Thai name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework_id", "order"]
        verbose_name = _("smart area")
        verbose_name_plural = _("smart areas")
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="kpi_area_code_unique")]

    def __str__(self) -> str:
        return self.name_th


class Indicator(models.Model):
    """One measure. `code` is the KpiSource code for a computed one (`cases.resolved_within_sla`)."""

    code = models.CharField(_("code"), max_length=80, unique=True)
    name_th = models.CharField(_("Thai name"), max_length=300)
    name_en = models.CharField(_("English name"), max_length=300)
    definition = models.TextField(_("definition"), blank=True)
    unit = models.CharField(_("unit"), max_length=16)
    direction = models.CharField(
        _("good direction"),
        max_length=8,
        choices=[(Direction.UP.value, _("more is better")), (Direction.DOWN.value, _("less is better"))],
        default=Direction.UP.value,
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    formula = models.CharField(
        _("formula"),
        max_length=500,
        blank=True,
        help_text=_(
            "Only for an indicator computed from others: their codes with numbers, + - * / and brackets, "
            "e.g. (billing.collected_share + property.collected_share) / 2."
        ),
    )
    owner_duty = models.CharField(
        _("owner department (duty)"), max_length=32, choices=Duty.choices, blank=True
    )
    reference = models.CharField(_("U4SSC / ISO 37120 reference"), max_length=300, blank=True)
    min_value = models.DecimalField(
        _("lowest valid value"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("highest valid value"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    has_places = models.BooleanField(_("has places on a map"), default=False)
    areas = models.ManyToManyField(Area, related_name="indicators", blank=True, verbose_name=_("areas"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name_th

    @property
    def unit_label(self) -> str:
        """The unit as a reader reads it (an unknown unit of a new app's source is shown as it is)."""
        return str(UNITS.get(self.unit, self.unit))


class Target(models.Model):
    """What the organisation aims for in a fiscal year (Buddhist Era, 1 October – 30 September)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year (B.E.)"))
    value = models.DecimalField(_("target"), max_digits=18, decimal_places=4)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("KPI target")
        verbose_name_plural = _("KPI targets")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "indicator", "fiscal_year"], name="kpi_target_one_per_year"
            )
        ]

    def __str__(self) -> str:
        # What the audit log keeps and the home pages show: the indicator by its name, not its code.
        return f"{self.indicator.name_th} {self.fiscal_year}: {self.value.normalize():f}"


class Snapshot(models.Model):
    """The figure of an indicator for an organisation for a month (`month` is its first day). A null value: the
    month was measured and there was nothing to measure (no case resolved, no bill due)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="snapshots")
    month = models.DateField(_("month"))
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4, null=True)
    origin = models.CharField(_("source"), max_length=16, choices=Source.choices)
    taken_at = models.DateTimeField(_("taken at"), auto_now=True)

    class Meta:
        verbose_name = _("KPI snapshot")
        verbose_name_plural = _("KPI snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "indicator", "month"], name="kpi_snapshot_one_per_month"
            )
        ]
        indexes = [models.Index(fields=["month", "indicator"], name="kpi_snapshot_month_idx")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.month:%Y-%m}: {self.value}"


SCHOOL_CODE = RegexValidator(
    r"^[0-9]{10}$", _("A school's code is the 10 digits of its Ministry of Education / DLA code.")
)


class School(models.Model):
    """A school of the organisation (โรงเรียนในสังกัด), known by its 10-digit Ministry of Education / DLA code.
    Its figures are `SchoolValue`s: the organisation's own snapshots (and the roll-ups that read them) stay
    school-less. Ended (inactive), never deleted: its figures keep it."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(_("school code"), max_length=10, validators=[SCHOOL_CODE])
    name_th = models.CharField(_("Thai name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["organization_id", "name_th"]
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        constraints = [
            # A code names one school in the country: it cannot be another organisation's too.
            models.UniqueConstraint(fields=["code"], name="kpi_school_code_unique"),
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{10}$"), name="kpi_school_code_digits"
            ),
        ]

    def __str__(self) -> str:
        return self.name_th


class SchoolValue(models.Model):
    """The figure of an indicator for one school for a month (an approved hand-entered value or a CSV row)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4)
    origin = models.CharField(_("source"), max_length=16, choices=Source.choices)
    taken_at = models.DateTimeField(_("taken at"), auto_now=True)

    class Meta:
        verbose_name = _("school KPI value")
        verbose_name_plural = _("school KPI values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "month", "school"], name="kpi_schoolvalue_one_per_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.school_id} {self.month:%Y-%m}: {self.value}"


class ManualValue(models.Model):
    """A figure entered by hand with its evidence (a photo or scan of the document), counted once approved by
    someone else."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("school")
    )
    month = models.DateField(_("month"))
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4)
    evidence = CleanImageField(_("evidence"), kind="kpi-evidence")
    note = models.CharField(_("note"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    entered_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-entered_at", "-pk"]
        verbose_name = _("hand-entered KPI value")
        verbose_name_plural = _("hand-entered KPI values")
        indexes = [models.Index(fields=["organization", "status"], name="kpi_manual_status_idx")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.month:%Y-%m}: {self.value}"


class Publication(models.Model):
    """Whether the organisation shows its dashboard to the public (off until it chooses)."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="+")
    is_public = models.BooleanField(_("shown to the public"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("public KPI page")
        verbose_name_plural = _("public KPI pages")

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.is_public}"


# --- the roll-up, precomputed ---------------------------------------------------------------------------------------


class RollupPeriod(models.Model):
    """A month whose roll-up rows are written (by the monthly snapshot job, and again after any correction of that
    month): the district, province and national pages show the last such month that is over."""

    month = models.DateField(_("month"), unique=True)
    refreshed_at = models.DateTimeField(_("refreshed at"), auto_now=True)

    class Meta:
        verbose_name = _("KPI roll-up month")
        verbose_name_plural = _("KPI roll-up months")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class RollupValue(models.Model):
    """A snapshot's value with its ranks at the three levels of oversight (1 = best by the indicator's good
    direction; null when there is no value): among the local governments of its district, of its province, of the
    country. Written from the snapshots, per month and indicator, so a roll-up page reads rows, never ranks."""

    month = models.DateField()
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField(max_digits=18, decimal_places=4, null=True)
    rank_district = models.PositiveIntegerField(null=True)
    rank_province = models.PositiveIntegerField(null=True)
    rank_national = models.PositiveIntegerField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "indicator", "organization"], name="kpi_rollupvalue_unique"
            )
        ]
        indexes = [models.Index(fields=["month", "organization"], name="kpi_rollupvalue_org_idx")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.organization_id} {self.month:%Y-%m}: {self.value}"


class RollupAdoption(models.Model):
    """How far a local government adopted the modules in a month (the definition is on the roll-up page):
    `adoption` the percentage of the installed modules it used in the month, `months_used` per module label the
    months of the three-month window it was used in."""

    month = models.DateField()
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    adoption = models.DecimalField(max_digits=5, decimal_places=0, null=True)
    months_used = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "organization"], name="kpi_rollupadoption_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.month:%Y-%m}: {self.adoption}"


class RollupAggregate(models.Model):
    """One indicator's figures over the local governments of one district, one province or the country in a
    month (`indicator` null: their adoption): how many there are, how many measured something, the average. The
    national operator's page of every province side by side reads these rows only."""

    class Level(models.TextChoices):
        DISTRICT = "district", _("District")
        PROVINCE = "province", _("Province")
        NATIONAL = "national", _("Country")

    month = models.DateField()
    level = models.CharField(max_length=8, choices=Level.choices)
    code = models.CharField(max_length=8)  # the district's or province's code; "" for the country
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, null=True, related_name="+")
    organizations = models.PositiveIntegerField()
    measured = models.PositiveIntegerField()
    average = models.DecimalField(max_digits=18, decimal_places=4, null=True)

    class Meta:
        indexes = [models.Index(fields=["month", "level", "code"], name="kpi_rollupaggregate_idx")]

    def __str__(self) -> str:
        return f"{self.level} {self.code} {self.indicator_id} {self.month:%Y-%m}: {self.average}"
