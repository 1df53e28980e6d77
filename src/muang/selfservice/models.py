"""Citizen tax self-service: one-time sign-in codes, and the forms taxpayers file online (ภ.ด.ส.5).

A taxpayer is a `property.Owner` of one organisation: the self-service session belongs to that owner (never a
staff `User`), after a one-time code sent to the mobile number the organisation has on file.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from muang.core.models import Organization
from muang.core.uploads import CleanImageField
from muang.property.registry.models import (
    Building,
    CondoUnit,
    Owner,
    Parcel,
    Use,
    UseSplit,
    _use_split_constraints,
)


class SignInChallenge(models.Model):
    """One sign-in attempt: a 6-digit code (only its keyed hash is kept) sent to the owner's mobile.

    A challenge is written for unknown IDs as well (with no owner and nothing sent), so that the pages, the
    throttles and the lockout behave the same whether or not the ID belongs to a taxpayer. The ID itself is
    not stored: `id_digest` is a keyed hash, enough to count attempts per ID.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    id_digest = models.CharField(max_length=64)
    owner = models.ForeignKey(Owner, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    phone_hint = models.CharField(_("phone"), max_length=16, help_text=_("Masked, e.g. 08x-xxx-1234."))
    code_hash = models.CharField(max_length=64)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(help_text=_("When the last code was sent."))
    sends = models.PositiveSmallIntegerField(default=1)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in code")
        verbose_name_plural = _("sign-in codes")
        indexes = [
            models.Index(fields=["organization", "id_digest", "created_at"], name="signin_org_id_time"),
            models.Index(fields=["ip_address", "created_at"], name="signin_ip_time"),
        ]

    def __str__(self) -> str:
        return f"sign-in {self.phone_hint} at {self.created_at:%Y-%m-%d %H:%M}"


class UseChangeStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class UseChangeNotice(UseSplit):
    """ภ.ด.ส.5: a taxpayer tells the organisation that the use of a parcel, building or unit changed
    (the Act asks for it within 60 days of the change). `use` and the shares are the NEW use."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(_("reference number"), max_length=20)
    owner = models.ForeignKey(Owner, on_delete=models.PROTECT, related_name="use_change_notices")
    parcel = models.ForeignKey(Parcel, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    building = models.ForeignKey(Building, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    condo_unit = models.ForeignKey(
        CondoUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    property_label = models.CharField(_("property"), max_length=300)
    previous_use = models.CharField(_("use before"), max_length=16, choices=Use.choices)
    changed_on = models.DateField(_("use changed on"))
    note = models.TextField(_("note"), blank=True)
    photo = CleanImageField(_("photo"), kind="use-change", blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=UseChangeStatus.choices, default=UseChangeStatus.RECEIVED
    )
    filed_at = models.DateTimeField(_("filed at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        ordering = ["organization_id", "-filed_at"]
        verbose_name = _("change-of-use notice (ภ.ด.ส.5)")
        verbose_name_plural = _("change-of-use notices (ภ.ด.ส.5)")
        constraints = [
            models.UniqueConstraint(fields=["organization", "reference"], name="usechange_reference_unique"),
            models.CheckConstraint(
                condition=Q(parcel__isnull=False, building__isnull=True, condo_unit__isnull=True)
                | Q(parcel__isnull=True, building__isnull=False, condo_unit__isnull=True)
                | Q(parcel__isnull=True, building__isnull=True, condo_unit__isnull=False),
                name="usechange_exactly_one_property",
            ),
            *_use_split_constraints("usechange"),
        ]
        indexes = [
            models.Index(fields=["organization", "status", "filed_at"], name="usechange_org_status"),
            models.Index(fields=["organization", "owner"], name="usechange_org_owner"),
            models.Index(
                fields=["organization", "photo"], condition=~Q(photo=""), name="usechange_org_photo"
            ),
        ]

    def __str__(self) -> str:
        return self.reference
