"""Citizen reports: what the intake channels keep beside the shared Case (muang.cases)."""

from django.core.exceptions import ValidationError
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


class CategoryQuestion(models.Model):
    """An extra question asked for one category (Open311 service definition attribute; the web form too).

    Field names follow GeoReport v2 attributes: `code`, `datatype`, `required`, `order`, `description`,
    `datatype_description`, and `values` ([{"key": ..., "name": ...}]) for the list datatypes.
    """

    class Datatype(models.TextChoices):
        STRING = "string", _("short text")
        NUMBER = "number", _("number")
        DATETIME = "datetime", _("date and time")
        TEXT = "text", _("long text")
        SINGLEVALUELIST = "singlevaluelist", _("one choice of a list")
        MULTIVALUELIST = "multivaluelist", _("several choices of a list")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey("cases.CaseCategory", on_delete=models.CASCADE, related_name="questions")
    code = models.SlugField(_("code"), max_length=40)
    description = models.CharField(_("question"), max_length=300)
    datatype = models.CharField(_("answer type"), max_length=16, choices=Datatype.choices, default="string")
    datatype_description = models.CharField(_("answer hint"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=False)
    values = models.JSONField(
        _("choices"), default=list, blank=True, help_text=_('[{"key": .., "name": ..}]')
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["organization_id", "category_id", "order", "code"]
        verbose_name = _("category question")
        verbose_name_plural = _("category questions")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "category", "code"], name="category_question_unique"
            )
        ]

    def __str__(self) -> str:
        return self.description  # the question as staff read it (its code is a key, shown as a literal)

    def clean(self) -> None:
        errors = {}
        if (
            self.category_id
            and self.organization_id
            and self.category.organization_id != self.organization_id
        ):
            errors["category"] = _("Choose a category of the same organisation.")
        values = self.values if isinstance(self.values, list) else None
        if values is None or not all(isinstance(v, dict) and str(v.get("key", "")).strip() for v in values):
            errors["values"] = _('Choices are a list of {"key": ..., "name": ...} with a key each.')
        elif len({str(v["key"]) for v in values}) != len(values):
            errors["values"] = _("Each choice needs its own key.")
        elif self.datatype in (self.Datatype.SINGLEVALUELIST, self.Datatype.MULTIVALUELIST) and not values:
            errors["values"] = _("A question with a list of answers needs at least one choice.")
        if errors:
            raise ValidationError(errors)


class LineWebhookEvent(models.Model):
    """A LINE webhook event already processed: the unique key makes a redelivery a no-op."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    webhook_event_id = models.CharField(max_length=64)
    event_type = models.CharField(max_length=32)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("LINE webhook event")
        verbose_name_plural = _("LINE webhook events")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "webhook_event_id"], name="line_webhook_event_once"
            )
        ]

    def __str__(self) -> str:
        return self.webhook_event_id


class LineConversation(models.Model):
    """Where one LINE user is in filing a report with one organisation's LINE account (a small state machine).

    `data` holds the draft: location, the organisation it routes to, description, category code, photo ids.
    """

    class State(models.TextChoices):
        IDLE = "idle", _("idle")
        LOCATION = "location", _("waiting for the location")
        DESCRIPTION = "description", _("waiting for the description")
        CATEGORY = "category", _("waiting for the category")
        PHOTOS = "photos", _("waiting for photos")
        CONFIRM = "confirm", _("waiting for confirmation")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    line_user_id = models.CharField(max_length=64)
    citizen = models.ForeignKey("core.Citizen", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=16, choices=State.choices, default=State.IDLE)
    data = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("LINE conversation")
        verbose_name_plural = _("LINE conversations")
        constraints = [
            models.UniqueConstraint(fields=["organization", "line_user_id"], name="line_conversation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.line_user_id} ({self.state})"


class LineCaseLink(models.Model):
    """A case filed through LINE, and the LINE account (of `channel_organization`) to push its updates through.

    `organization` is the case's own; it differs from `channel_organization` when the point was another's.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="line_link")
    channel_organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    line_user_id = models.CharField(max_length=64)
    tracking_url = models.URLField(max_length=300, blank=True, help_text=_("the public page pushes link to"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("case filed through LINE")
        verbose_name_plural = _("cases filed through LINE")
        indexes = [
            models.Index(fields=["channel_organization", "line_user_id"], name="line_case_link_user_idx")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.line_user_id}"


class ReporterCheck(models.Model):
    """One try, on the tracking page, to show that the visitor filed a report: the phone number given with it.

    A success lets that browser rate and reopen the report like the browser that filed it; the rows count the
    wrong tries per case and per address, so that a phone number cannot be guessed (5 per case an hour).
    No phone number is kept here.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    succeeded = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("reporter check")
        verbose_name_plural = _("reporter checks")
        indexes = [
            models.Index(fields=["organization", "case", "created_at"], name="reportercheck_case_time"),
            models.Index(fields=["ip_address", "created_at"], name="reportercheck_ip_time"),
        ]

    def __str__(self) -> str:
        return f"{'ok' if self.succeeded else 'wrong'} {self.case_id} at {self.created_at:%Y-%m-%d %H:%M}"
