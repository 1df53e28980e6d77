"""The valuation tables of each tax year, and the land-and-building tax assessment run (ประเมินภาษีที่ดินและ
สิ่งปลูกสร้าง) with its results.

`TaxYear` holds everything that varies by organisation and year as data (rule data as JSON, validated by
building the pure tax law's types); `LandPrice`, `BuildingPrice` and `CondoPrice` are the Treasury appraisal
tables, rows because they are large and joined in SQL.

One `AssessmentRun` per organisation, tax year and attempt; at most one queued or running at a time (a partial
unique index, so two officers pressing the button at once cannot both start). Each finished run holds one
`Assessment` per taxpayer with the total due and the calculation sheet (like ภ.ด.ส.7) as JSON. The current
result of a year is its latest `done` run: a re-run writes its rows into a partition of its own beside the
old ones, becomes `done` in one short transaction, and the previous run's partition is then dropped.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from muang.core.models import Organization, User
from muang.core.thai_dates import buddhist_era
from muang.property.assessment.services import ruledata
from muang.property.registry.models import (
    BUILDING_TYPE_CODE_PATTERN,
    LAND_PRICE_KEY_PATTERN,
    MAX_CE_YEAR,
    building_type_code_validator,
    land_price_key_validator,
)
from muang.taxlaw.depreciation import Construction as RuleConstruction
from muang.taxlaw.depreciation import DepreciationSchedule
from muang.taxlaw.land_building import TaxYearRules
from muang.taxlaw.penalties import LandBuildingPenaltyRules, SignboardPenaltyRules
from muang.taxlaw.signboard import SignRates

# --- valuation tables -----------------------------------------------------------------------------------------


class TaxYear(models.Model):
    """Everything that varies by organisation and tax year, as data.

    The small rule data (brackets, exemptions, ceilings, escalation, depreciation, signboard rates, penalties,
    calendar) is JSON converted to and from the dataclasses of `muang.taxlaw` by
    `muang.property.assessment.services.ruledata`, which validates it; the large tables (prices per zone, block,
    parcel, building type, condominium) are rows below, for set-based joins.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published (ภ.ด.ส.1 announced)")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("tax year (C.E.)"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    rate_schedules = models.JSONField(_("rate brackets per tax class"))
    exemptions = models.JSONField(_("exemptions"))
    ceilings = models.JSONField(_("s.37 ceilings"))
    vacant_escalation = models.JSONField(_("s.43 vacant-land escalation"))
    reduction_percent = models.DecimalField(_("s.55 reduction %"), max_digits=5, decimal_places=2, default=0)
    max_reduction_percent = models.DecimalField(
        _("s.55 reduction limit %"), max_digits=5, decimal_places=2, default=90
    )
    depreciation = models.JSONField(_("depreciation by construction"))
    sign_rates = models.JSONField(_("signboard rates"), null=True, blank=True)
    land_building_penalties = models.JSONField(_("land and building tax penalties"))
    signboard_penalties = models.JSONField(_("signboard tax penalties"))
    calendar = models.JSONField(_("calendar"), default=dict, blank=True, help_text=_("Dates of the year."))
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organization_id", "-year"]
        verbose_name = _("tax year")
        verbose_name_plural = _("tax years")
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="tax_year_unique_per_org"),
            models.CheckConstraint(condition=Q(year__gte=2020, year__lte=MAX_CE_YEAR), name="tax_year_ce"),
        ]

    def __str__(self) -> str:
        return f"{self.year} ({buddhist_era(self.year)} B.E.)"

    # The rule data as the pure rules take it (validated when stored, so these always convert).
    def land_building_rules(self) -> TaxYearRules:
        return ruledata.tax_year_rules_from_json(
            year=self.year,
            rate_schedules=self.rate_schedules,
            exemptions=self.exemptions,
            ceilings=self.ceilings,
            vacant_escalation=self.vacant_escalation,
            reduction_percent=self.reduction_percent,
            max_reduction_percent=self.max_reduction_percent,
        )

    def depreciation_schedules(self) -> dict[RuleConstruction, DepreciationSchedule]:
        return ruledata.depreciation_from_json(self.depreciation)

    def signboard_rates(self) -> SignRates | None:
        return None if self.sign_rates is None else ruledata.sign_rates_from_json(self.sign_rates)

    def land_building_penalty_rules(self) -> LandBuildingPenaltyRules:
        return ruledata.land_building_penalties_from_json(self.land_building_penalties)

    def signboard_penalty_rules(self) -> SignboardPenaltyRules:
        return ruledata.signboard_penalties_from_json(self.signboard_penalties)


class LandPrice(models.Model):
    """Treasury land appraisal per square wah for a zone (`01`), block (`01A`) or parcel (`01A001`).

    The run takes the most specific: parcel, else block, else zone (three LEFT JOINs on Parcel.code,
    Parcel.block, Parcel.zone, then COALESCE).
    """

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    tax_year = models.ForeignKey(TaxYear, on_delete=models.CASCADE, related_name="land_prices")
    key = models.CharField(_("zone, block or parcel"), max_length=6, validators=[land_price_key_validator])
    price_per_square_wah = models.DecimalField(_("baht per square wah"), max_digits=14, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["organization_id", "tax_year_id", "key"]
        verbose_name = _("land price")
        verbose_name_plural = _("land prices")
        constraints = [
            models.UniqueConstraint(fields=["organization", "tax_year", "key"], name="land_price_unique_key"),
            models.CheckConstraint(
                condition=Q(key__regex=LAND_PRICE_KEY_PATTERN), name="land_price_key_form"
            ),
            models.CheckConstraint(condition=Q(price_per_square_wah__gte=0), name="land_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.price_per_square_wah}"


class BuildingPrice(models.Model):
    """Treasury price per m² by building-type code (before depreciation)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    tax_year = models.ForeignKey(TaxYear, on_delete=models.CASCADE, related_name="building_prices")
    type_code = models.CharField(_("building type"), max_length=4, validators=[building_type_code_validator])
    description = models.CharField(_("description"), max_length=200, blank=True)
    price_per_square_metre = models.DecimalField(_("baht per m²"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["organization_id", "tax_year_id", "type_code"]
        verbose_name = _("building price")
        verbose_name_plural = _("building prices")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "tax_year", "type_code"], name="building_price_unique_type"
            ),
            models.CheckConstraint(
                condition=Q(type_code__regex=BUILDING_TYPE_CODE_PATTERN), name="building_price_type_form"
            ),
            models.CheckConstraint(
                condition=Q(price_per_square_metre__gte=0), name="building_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type_code}: {self.price_per_square_metre}"


class CondoPrice(models.Model):
    """Treasury price per m² of a condominium's units, for one floor or (floor null) all floors."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    tax_year = models.ForeignKey(TaxYear, on_delete=models.CASCADE, related_name="condo_prices")
    condominium_code = models.CharField(_("condominium registration"), max_length=30)
    floor = models.SmallIntegerField(_("floor"), null=True, blank=True)
    price_per_square_metre = models.DecimalField(_("baht per m²"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["organization_id", "tax_year_id", "condominium_code", "floor"]
        verbose_name = _("condominium price")
        verbose_name_plural = _("condominium prices")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "tax_year", "condominium_code", "floor"],
                nulls_distinct=False,
                name="condo_price_unique_floor",
            ),
            models.CheckConstraint(
                condition=Q(price_per_square_metre__gte=0), name="condo_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        floor = "all floors" if self.floor is None else f"floor {self.floor}"
        return f"{self.condominium_code} {floor}: {self.price_per_square_metre}"


# --- the assessment run --------------------------------------------------------------------------------------


class AssessmentRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    tax_year = models.ForeignKey("property.TaxYear", on_delete=models.PROTECT, related_name="assessment_runs")
    year = models.PositiveSmallIntegerField(_("tax year (C.E.)"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress_done = models.PositiveIntegerField(_("taxpayers done"), default=0)
    progress_total = models.PositiveIntegerField(_("taxpayers in total"), default=0)
    assessments_count = models.PositiveIntegerField(default=0)
    total_tax = models.DecimalField(_("total tax"), max_digits=18, decimal_places=2, default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Moved by every batch the run writes: a running run whose heartbeat is old is stuck (its worker died).
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    started_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    started_by_label = models.CharField(_("started by"), max_length=200)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["organization_id", "-created_at", "-id"]
        verbose_name = _("assessment run")
        verbose_name_plural = _("assessment runs")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"],
                condition=Q(status__in=["queued", "running"]),
                name="assessment_run_one_active_per_org_year",
            ),
            models.CheckConstraint(
                condition=Q(progress_done__lte=models.F("progress_total")),
                name="assessment_run_progress_within_total",
            ),
        ]
        indexes = [models.Index(fields=["organization", "year", "status"], name="assessment_run_org_year")]

    def __str__(self) -> str:
        return f"assessment {self.year} #{self.pk} ({self.status})"

    @property
    def started_by_name(self) -> str:
        """Who started the run, as staff read it: a person by name, the platform for the worker and demo."""
        if self.started_by_id and self.started_by is not None:
            return self.started_by.display_name
        return str(_("the platform")) if self.started_by_label == "system" else self.started_by_label

    @property
    def progress_percent(self) -> float:
        return 100.0 if not self.progress_total else round(100 * self.progress_done / self.progress_total, 1)


class Assessment(models.Model):
    """One taxpayer's land-and-building tax of one run: the total and the sheet that explains it."""

    # Partitioned by run in the database (migration 0006): a run's rows are a table of their own, attached when
    # complete and dropped when superseded. No index on organization and year (constant within a partition);
    # readers go through the run and the unique (run, owner) constraint.
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", db_index=False)
    run = models.ForeignKey(
        AssessmentRun, on_delete=models.CASCADE, related_name="assessments", db_index=False
    )
    year = models.PositiveSmallIntegerField(_("tax year (C.E.)"))
    owner = models.ForeignKey("property.Owner", on_delete=models.PROTECT, related_name="assessments")
    total_value = models.DecimalField(_("appraised value"), max_digits=18, decimal_places=2)
    total_tax = models.DecimalField(_("tax due"), max_digits=16, decimal_places=2)
    property_count = models.PositiveIntegerField(_("properties"))
    # {"properties": [...], "farmer": {...} | null, "total_tax": "..."}: see services.assessment.
    sheet = models.JSONField(_("calculation sheet (ภ.ด.ส.7)"))

    class Meta:
        ordering = ["organization_id", "run_id", "owner_id"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(fields=["run", "owner"], name="assessment_one_per_owner_per_run"),
        ]

    def __str__(self) -> str:
        return f"{self.year} owner {self.owner_id}: {self.total_tax}"


__all__ = ["Assessment", "AssessmentRun", "BuildingPrice", "CondoPrice", "LandPrice", "TaxYear"]
