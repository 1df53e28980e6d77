"""The land-and-building tax assessment run (ประเมินภาษีที่ดินและสิ่งปลูกสร้าง) and its results.

One `AssessmentRun` per organisation, tax year and attempt; at most one queued or running at a time (a partial
unique index, so two officers pressing the button at once cannot both start). Each finished run holds one
`Assessment` per taxpayer with the total due and the calculation sheet (like ภ.ด.ส.7) as JSON. The current
result of a year is its latest `done` run: a re-run writes its rows beside the old ones and, in one
transaction at the end, becomes `done` and deletes the previous runs' rows.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from muang.core.models import Organization, User


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
    def progress_percent(self) -> float:
        return 100.0 if not self.progress_total else round(100 * self.progress_done / self.progress_total, 1)


class Assessment(models.Model):
    """One taxpayer's land-and-building tax of one run: the total and the sheet that explains it."""

    # No separate indexes on organization and run: the (organization, year, owner) index and the unique
    # (run, owner) constraint lead with them, and every index slows the COPY of a run's rows.
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
        indexes = [models.Index(fields=["organization", "year", "owner"], name="assessment_org_year_owner")]

    def __str__(self) -> str:
        return f"{self.year} owner {self.owner_id}: {self.total_tax}"


__all__ = ["Assessment", "AssessmentRun"]
