"""Devices, their profiles and what they report (every row carries its organisation).

Telemetry lives in `iot_telemetry`, a PostgreSQL table RANGE-partitioned by month on `time`, created by this
app's migration (RunSQL) and mapped by an unmanaged model: its primary key (organization_id, device_id, key,
time) begins with the organisation and includes the time, so a national deployment can distribute it by
organisation (Citus) and keep the monthly partitions. No foreign keys point out of it (a partitioned, append-only
table of billions of rows): devices are retired, never deleted.
"""

from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from muang.core.errors import InvalidInput
from muang.core.geo import SRID
from muang.core.models import Organization
from muang.iot.profiles import Decoder

SERIAL_RE = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"  # also an MQTT topic level: no / + # or spaces
DEV_EUI_RE = r"^[0-9A-F]{16}$"


class IotSettings(models.Model):
    """An organisation's IoT policy (data, not settings): how long its telemetry is kept."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="iot_settings")
    retention_days = models.PositiveIntegerField(
        _("telemetry retention (days)"),
        default=400,
        validators=[MinValueValidator(30), MaxValueValidator(3650)],
        help_text=_("Readings older than this are refused at ingest and dropped with their month."),
    )

    class Meta:
        verbose_name = _("IoT settings")
        verbose_name_plural = _("IoT settings")

    def __str__(self) -> str:
        return f"{self.organization}: {self.retention_days} d"


class DeviceProfile(models.Model):
    """What a kind of device reports and how to read it."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="device_profiles")
    name = models.CharField(_("name"), max_length=100)
    # [{"key": "pm25", "unit": "µg/m³", "type": "float", "min": 0, "max": 1000}, ...]
    keys = models.JSONField(_("telemetry keys"), default=list)
    # {"kind": "json", "keys": {"t": "temperature"}} or {"kind": "bytes", "fields": [{key, offset, type, ...}]}
    decoder = models.JSONField(_("decoder"), default=dict)
    report_interval = models.PositiveIntegerField(_("expected report interval (seconds)"), default=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("device profile")
        verbose_name_plural = _("device profiles")
        ordering = ["organization_id", "name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="iot_profile_name_uniq")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            Decoder(self.keys, self.decoder)
        except InvalidInput as e:
            raise ValidationError(e.field_errors) from e
        if not 10 <= self.report_interval <= 7 * 86400:
            raise ValidationError({"report_interval": _("Between 10 seconds and a week.")})

    def save(self, *args, **kwargs):
        self.clean()  # a profile is never stored with keys or a layout the ingest cannot read
        super().save(*args, **kwargs)

    @cached_property
    def parsed(self) -> Decoder:
        return Decoder(self.keys, self.decoder)


class Device(models.Model):
    class State(models.TextChoices):
        ACTIVE = "active", _("active")
        SILENT = "silent", _("silent")
        RETIRED = "retired", _("retired")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="devices")
    profile = models.ForeignKey(DeviceProfile, on_delete=models.PROTECT, related_name="devices")
    name = models.CharField(_("name"), max_length=200)
    serial = models.CharField(_("serial number"), max_length=64, validators=[RegexValidator(SERIAL_RE)])
    dev_eui = models.CharField(
        "DevEUI", max_length=16, null=True, blank=True, validators=[RegexValidator(DEV_EUI_RE)]
    )
    location = models.PointField(_("location"), srid=SRID, null=True, blank=True)
    installed_on = models.DateField(_("installed on"), null=True, blank=True)
    asset_ref = models.CharField(_("asset"), max_length=200, blank=True, help_text=_("e.g. pole code"))
    # The device's credential `mdev_<credential_id>_<secret>`: the id finds the device, the secret is checked
    # against Django's password hash; `mqtt_hash` is the same secret in the broker's format (PBKDF2-SHA512).
    credential_id = models.CharField(max_length=16, unique=True, editable=False)
    credential_hash = models.CharField(max_length=256, editable=False)
    mqtt_hash = models.CharField(max_length=256, editable=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ACTIVE)
    last_seen = models.DateTimeField(_("last seen"), null=True, blank=True)
    error_count = models.PositiveIntegerField(_("refused messages"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        ordering = ["organization_id", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "serial"], name="iot_device_serial_uniq"),
            models.UniqueConstraint(
                fields=["organization", "dev_eui"],
                condition=models.Q(dev_eui__isnull=False),
                name="iot_device_deveui_uniq",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.serial})"


class DeviceAttribute(models.Model):
    """A static fact a device reports or staff record (firmware, model, battery type): kept apart from the
    time series, one current value per key."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="attributes")
    key = models.CharField(_("key"), max_length=64)
    value = models.JSONField(_("value"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("device attribute")
        verbose_name_plural = _("device attributes")
        constraints = [
            models.UniqueConstraint(fields=["organization", "device", "key"], name="iot_attribute_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class Telemetry(models.Model):
    """One reading: (organisation, device, key, time) -> value. Unmanaged: the partitioned table is the
    migration's (RunSQL); write it only through `muang.iot.services.ingest`."""

    pk = models.CompositePrimaryKey("organization", "device", "key", "time")
    # No constraint in the database (see the module docstring): the foreign keys are for the ORM's joins.
    organization = models.ForeignKey(
        Organization, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    device = models.ForeignKey(Device, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    key = models.CharField(max_length=64)
    time = models.DateTimeField()
    value = models.FloatField()

    class Meta:
        managed = False
        db_table = "iot_telemetry"
        verbose_name = _("telemetry reading")
        verbose_name_plural = _("telemetry")


class LatestValue(models.Model):
    """The newest reading of each (device, key): what a map of thousands of devices reads. Upserted by ingest,
    only ever moved forward in time."""

    # The unique (organization, device, key) index serves the organisation's lookups: no index of its own.
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=False)
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="latest_values")
    key = models.CharField(max_length=64)
    time = models.DateTimeField()
    value = models.FloatField()

    class Meta:
        verbose_name = _("latest value")
        verbose_name_plural = _("latest values")
        constraints = [
            models.UniqueConstraint(fields=["organization", "device", "key"], name="iot_latest_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class SeenMessage(models.Model):
    """A delivery already stored (device + message id or frame counter): a repeated delivery is stored once.
    Pruned after `MUANG_IOT_DEDUP_DAYS` by the partition task."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=False)
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="+")
    message_id = models.CharField(max_length=100)
    received_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "device", "message_id"], name="iot_seen_message_uniq"
            )
        ]
        indexes = [models.Index(fields=["received_at"])]


from muang.iot.lorawan.models import LorawanIntegration, TtsDownlinkTarget  # noqa: E402, F401
