"""Citizen reports: what the intake channels keep beside the shared Case (muang.cases)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from muang.core.models import Organization


class CategoryModel(models.Model):
    """An organisation's trained category classifier (muang.reports.classifier), retrained from triaged cases."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="category_model")
    data = models.BinaryField(help_text=_("serialised model with a version header"))
    n_examples = models.PositiveIntegerField()
    accuracy = models.FloatField(null=True, blank=True, help_text=_("held-out accuracy when trained"))
    trained_at = models.DateTimeField()

    class Meta:
        verbose_name = _("category model")
        verbose_name_plural = _("category models")

    def __str__(self) -> str:
        return f"{self.organization}: {self.n_examples} examples"
