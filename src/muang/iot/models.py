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


class DeviceLatest(models.Model):
    """The newest reading of each key of a device, one row a device: `values` maps each key to
    [value, its time in microseconds since the Unix epoch]; `time` is the newest of those times. Ingest upserts
    one row per device of a batch (not one per key) and merges with `iot_latest_merge` (a key moves only forward
    in time). Read it through `LatestValue`, the view of one row per (device, key)."""

    # The unique (organization, device) index serves the organisation's lookups: no index of its own.
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=False)
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="+")
    time = models.DateTimeField()
    values = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("latest values")
        verbose_name_plural = _("latest values")
        constraints = [
            models.UniqueConstraint(fields=["organization", "device"], name="iot_devicelatest_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.device_id}: {sorted(self.values)}"


class LatestValue(models.Model):
    """The newest reading of each (device, key): what a map of thousands of devices reads. A view
    (`iot_latestvalue`) over `DeviceLatest`'s one row a device, so it is read like a table and written only by
    ingest (`muang.iot.services.ingest.latest_values_merge`)."""

    pk = models.CompositePrimaryKey("device", "key")
    organization = models.ForeignKey(
        Organization, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    device = models.ForeignKey(
        Device, on_delete=models.DO_NOTHING, db_constraint=False, related_name="latest_values"
    )
    key = models.CharField(max_length=64)
    time = models.DateTimeField()
    value = models.FloatField()

    class Meta:
        managed = False
        db_table = "iot_latestvalue"
        verbose_name = _("latest value")
        verbose_name_plural = _("latest values")

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


class Severity(models.TextChoices):
    """ThingsBoard's alarm severities (without its "indeterminate"), most severe first."""

    CRITICAL = "critical", _("critical")
    MAJOR = "major", _("major")
    MINOR = "minor", _("minor")
    WARNING = "warning", _("warning")


SEVERITY_RANK = {Severity.CRITICAL: 4, Severity.MAJOR: 3, Severity.MINOR: 2, Severity.WARNING: 1}
ALARM_TYPE_RE = r"^[a-z][a-z0-9_]{0,39}$"


class AlarmRule(models.Model):
    """When a device of a profile is in alarm: declared as data (`muang.iot.alarms.rules` validates it), never
    code. Several rules may share an alarm type with different severities (PM2.5 > 37.5 major, > 75 critical):
    a device has one open alarm of a type, at the severity of the most severe rule that holds."""

    class Kind(models.TextChoices):
        THRESHOLD = "threshold", _("threshold")
        STATE = "state", _("state")
        SILENCE = "silence", _("silence")

    class Operator(models.TextChoices):
        GT = "gt", ">"
        GTE = "gte", "≥"
        LT = "lt", "<"
        LTE = "lte", "≤"
        OUTSIDE = "outside", _("outside the range")
        EQ = "eq", "="

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    profile = models.ForeignKey(DeviceProfile, on_delete=models.CASCADE, related_name="alarm_rules")
    alarm_type = models.CharField(_("alarm type"), max_length=40, validators=[RegexValidator(ALARM_TYPE_RE)])
    label = models.CharField(_("label"), max_length=200, help_text=_("What staff read, in Thai"))
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    key = models.CharField(_("telemetry key"), max_length=64, blank=True)
    operator = models.CharField(_("operator"), max_length=10, choices=Operator.choices, blank=True)
    value = models.FloatField(_("value"), null=True, blank=True)
    low = models.FloatField(_("lower bound"), null=True, blank=True)
    high = models.FloatField(_("upper bound"), null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(
        _("held for (seconds)"), default=0, help_text=_("0: at the first reading")
    )
    silence_intervals = models.PositiveIntegerField(_("missed reports"), null=True, blank=True)
    case_category = models.ForeignKey(
        "cases.CaseCategory", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    case_department = models.ForeignKey(
        "core.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("alarm rule")
        verbose_name_plural = _("alarm rules")
        ordering = ["organization_id", "profile_id", "alarm_type", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "profile", "alarm_type", "severity"], name="iot_alarmrule_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.alarm_type} ({self.severity})"

    def clean(self) -> None:
        from muang.iot.alarms.rules import check_rule

        if self.profile.organization_id != self.organization_id:
            raise ValidationError({"profile": _("No such profile in this organisation.")})
        for name in ("case_category", "case_department"):
            related = getattr(self, name)
            if related is not None and related.organization_id != self.organization_id:
                raise ValidationError({name: _("Choose one of this organisation's.")})
        if self.case_department_id and not self.case_category_id:
            raise ValidationError({"case_category": _("A case needs a category.")})
        try:
            check_rule(self, {k: spec.type for k, spec in self.profile.parsed.keys.items()})
        except InvalidInput as e:
            raise ValidationError(e.field_errors) from e


class AlarmPending(models.Model):
    """Since when a rule with a duration has held on a device without a break (deleted when it stops
    holding): the alarm is raised once `since` is `duration_seconds` old."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=False)
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="+")
    rule = models.ForeignKey(AlarmRule, on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "device", "rule"], name="iot_alarmpending_uniq")
        ]


class Alarm(models.Model):
    """An alarm as in ThingsBoard: active or cleared, acknowledged or not; one open (uncleared) alarm per
    (device, type) however often its rules fire (the partial unique index)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=False)
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="alarms")
    rule = models.ForeignKey(AlarmRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    alarm_type = models.CharField(_("alarm type"), max_length=40)
    label = models.CharField(_("label"), max_length=200)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("last seen in alarm"))
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        "core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cleared_at = models.DateTimeField(_("cleared"), null=True, blank=True)
    cleared_by = models.ForeignKey(
        "core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    clear_reason = models.CharField(_("reason for clearing"), max_length=500, blank=True)
    details = models.JSONField(_("details"), default=dict)
    case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("alarm")
        verbose_name_plural = _("alarms")
        ordering = ["organization_id", "-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "device", "alarm_type"],
                condition=models.Q(cleared_at__isnull=True),
                name="iot_alarm_one_open",
            )
        ]
        indexes = [models.Index(fields=["organization", "-started_at"], name="iot_alarm_org_started")]

    def __str__(self) -> str:
        return f"{self.alarm_type} {self.severity} ({self.device_id})"

    @property
    def status(self) -> str:
        """ThingsBoard's four statuses: active_unack, active_ack, cleared_unack, cleared_ack."""
        state = "cleared" if self.cleared_at else "active"
        return f"{state}_{'ack' if self.acknowledged_at else 'unack'}"


class AlarmEvent(models.Model):
    """The alarm's timeline, one row per thing that happened to it."""

    class Kind(models.TextChoices):
        CREATED = "created", _("created")
        SEVERITY_CHANGED = "severity_changed", _("severity changed")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        CLEARED = "cleared", _("cleared")
        CASE_OPENED = "case_opened", _("case opened")
        CASE_REOPENED = "case_reopened", _("case reopened")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=False)
    alarm = models.ForeignKey(Alarm, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("time"))
    user = models.ForeignKey("core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    message = models.CharField(_("message"), max_length=500, blank=True)
    data = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("alarm event")
        verbose_name_plural = _("alarm events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"


from muang.iot.lorawan.models import LorawanIntegration, TtsDownlinkTarget  # noqa: E402, F401
