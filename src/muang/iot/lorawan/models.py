"""What Muang keeps to talk with an organisation's LoRaWAN network server (imported by `muang.iot.models`).

Neither ChirpStack nor The Things Stack signs its webhook calls: the operator sets a per-organisation secret as a
custom header. Only its SHA-256 is stored (it is a 256-bit random token: a slow hash adds nothing, and a fast one
keeps the hot path fast); it is shown once when created or rotated. The downlink credentials (ChirpStack API
token, The Things Stack's `X-Downlink-Apikey`) are credentials Muang must present, so they are stored as given
and never logged nor shown back.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from muang.core.models import Organization


class LorawanIntegration(models.Model):
    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="lorawan_integration"
    )
    secret_sha256 = models.CharField(max_length=64, editable=False)
    # ChirpStack's REST API (chirpstack-rest-api) for downlinks, e.g. https://chirpstack.example.go.th:8090
    chirpstack_api_url = models.URLField(_("ChirpStack REST API URL"), blank=True)
    chirpstack_api_token = models.CharField(max_length=1000, blank=True, editable=False)
    refused_count = models.PositiveIntegerField(_("refused calls"), default=0)
    log_count = models.PositiveIntegerField(_("network server log events"), default=0)
    rotated_at = models.DateTimeField(_("secret set at"))

    class Meta:
        verbose_name = _("LoRaWAN integration")
        verbose_name_plural = _("LoRaWAN integrations")

    def __str__(self) -> str:
        return f"LoRaWAN {self.organization_id}"


class TtsDownlinkTarget(models.Model):
    """Where to push a device's downlinks on The Things Stack: the `X-Downlink-Push` URL and the
    `X-Downlink-Apikey` that its webhooks send with every call (kept from the latest call)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=False)
    device = models.OneToOneField("iot.Device", on_delete=models.CASCADE, related_name="tts_downlink")
    push_url = models.URLField(max_length=1000)
    api_key = models.CharField(max_length=1000, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("The Things Stack downlink target")
        verbose_name_plural = _("The Things Stack downlink targets")
        constraints = [
            models.UniqueConstraint(fields=["organization", "device"], name="iot_tts_downlink_uniq")
        ]

    def __str__(self) -> str:
        return self.push_url
