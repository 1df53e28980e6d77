"""Street-light poles, the circuits (control cabinets) that feed them and the groups they are scheduled in, the
state each pole's controller reports (named as TALQ and the Smart Data Models `Streetlight`), and the faults
that become repair cases. Every row carries its organisation."""

from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from muang.core.geo import SRID
from muang.core.models import Organization

CODE_MAX = 40


class Circuit(models.Model):
    """A feeder from a control cabinet (ตู้ควบคุม): when it loses supply, every pole on it goes dark at once."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(_("circuit code"), max_length=CODE_MAX)
    cabinet = models.CharField(_("control cabinet"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("circuit")
        verbose_name_plural = _("circuits")
        ordering = ["organization_id", "code"]
        constraints = [models.UniqueConstraint(fields=["organization", "code"], name="lighting_circuit_code")]

    def __str__(self) -> str:
        return self.code


class PoleGroup(models.Model):
    """Poles switched and dimmed together (a road, a district)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("group"), max_length=100)

    class Meta:
        verbose_name = _("pole group")
        verbose_name_plural = _("pole groups")
        ordering = ["organization_id", "name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="lighting_group_name")]

    def __str__(self) -> str:
        return self.name


class LampType(models.TextChoices):
    LED = "led", _("LED")
    HPS = "hps", _("high-pressure sodium")
    METAL_HALIDE = "mh", _("metal halide")
    FLUORESCENT = "fluorescent", _("fluorescent")
    OTHER = "other", _("other")


class Pole(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(_("pole code"), max_length=CODE_MAX)
    location = models.PointField(_("location"), srid=SRID)
    lamp_type = models.CharField(
        _("lamp type"), max_length=12, choices=LampType.choices, default=LampType.LED
    )
    rated_watts = models.PositiveIntegerField(
        _("rated power (W)"), validators=[MinValueValidator(1), MaxValueValidator(2000)]
    )
    lantern_height = models.DecimalField(
        _("lantern height (m)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    circuit = models.ForeignKey(
        Circuit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="poles",
        verbose_name=_("circuit"),
    )
    group = models.ForeignKey(
        PoleGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="poles",
        verbose_name=_("group"),
    )
    installed_on = models.DateField(_("installed on"), null=True, blank=True)
    last_lamp_change = models.DateField(_("last lamp change"), null=True, blank=True)
    device = models.OneToOneField(
        "iot.Device",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pole",
        verbose_name=_("controller"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("street-light pole")
        verbose_name_plural = _("street-light poles")
        ordering = ["organization_id", "code"]
        constraints = [models.UniqueConstraint(fields=["organization", "code"], name="lighting_pole_code")]
        indexes = [models.Index(fields=["organization", "circuit"], name="lighting_pole_circuit")]

    def __str__(self) -> str:
        return self.code


class PoleState(models.Model):
    """What the pole's controller last said, in TALQ / Smart Data Models `Streetlight` terms, and the
    counters derived from it. One row per pole with a controller, written by the telemetry listener."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=False)
    pole = models.OneToOneField(Pole, on_delete=models.CASCADE, related_name="state")
    power_state = models.CharField(max_length=3, blank=True)  # "on" / "off" (Streetlight powerState)
    dimming_level = models.PositiveSmallIntegerField(null=True)  # percent (Streetlight dimmingLevel)
    power_consumption = models.FloatField(null=True)  # W (TALQ activePower)
    energy = models.FloatField(null=True)  # kWh, the controller's meter (TALQ activeEnergy)
    operating_hours = models.FloatField(default=0)  # TALQ lampOperatingHours, counted from reports
    switch_on_count = models.PositiveIntegerField(default=0)  # TALQ lampSwitchOnCount
    recent_switches = models.JSONField(default=list)  # ISO times of the last switch-ons (cycling)
    reported_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "pole"], name="lighting_state_pole")]


class FaultKind(models.TextChoices):
    """The faults, with the TALQ / Streetlight flags they raise."""

    LAMP_FAILURE = "lamp_failure", _("lamp failure")
    NOT_LIT = "not_lit", _("off at night")
    DAY_BURNING = "day_burning", _("on in daylight")
    POWER_DEVIATION = "power_deviation", _("power off the rated value (dimming failure)")
    CYCLING = "cycling", _("cycling on and off")
    SUPPLY_LOSS = "supply_loss", _("whole circuit dark (supply loss)")
    CONTROLLER_SILENT = "controller_silent", _("controller silent")


class Fault(models.Model):
    """A fault of a pole (or, for supply loss, of a circuit): one open fault per (pole or circuit, kind). It is
    confirmed when it held long enough; a confirmed fault has (or joins) one repair case."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=False)
    pole = models.ForeignKey(Pole, on_delete=models.CASCADE, null=True, blank=True, related_name="faults")
    circuit = models.ForeignKey(
        Circuit, on_delete=models.CASCADE, null=True, blank=True, related_name="faults"
    )
    kind = models.CharField(_("fault"), max_length=20, choices=FaultKind.choices)
    started_at = models.DateTimeField(_("started"))
    last_seen_at = models.DateTimeField(_("last seen"))
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    cleared_at = models.DateTimeField(_("cleared"), null=True, blank=True)
    # A pole's dark fault inside a dark circuit belongs to the circuit's fault (and its one case).
    parent = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    details = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("street-light fault")
        verbose_name_plural = _("street-light faults")
        ordering = ["organization_id", "-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "pole", "kind"],
                condition=models.Q(cleared_at__isnull=True, pole__isnull=False),
                name="lighting_fault_one_open_pole",
            ),
            models.UniqueConstraint(
                fields=["organization", "circuit", "kind"],
                condition=models.Q(cleared_at__isnull=True, pole__isnull=True),
                name="lighting_fault_one_open_circuit",
            ),
            models.CheckConstraint(
                condition=models.Q(pole__isnull=False) | models.Q(circuit__isnull=False),
                name="lighting_fault_has_subject",
            ),
        ]
        indexes = [models.Index(fields=["organization", "cleared_at"], name="lighting_fault_open")]

    def __str__(self) -> str:
        return f"{self.kind} ({self.pole_id or self.circuit_id})"


class ScheduleStep(models.Model):
    """One step of a group's night: at a fixed time, or at an offset from sunset or sunrise at the organisation's
    place, set the lamps to a dimming level (0: off). E.g. sunset +0 → 100 %, 00:00 → 50 %, sunrise +0 → 0."""

    class Anchor(models.TextChoices):
        SUNSET = "sunset", _("sunset")
        SUNRISE = "sunrise", _("sunrise")
        FIXED = "fixed", _("fixed time")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=False)
    group = models.ForeignKey(
        PoleGroup, on_delete=models.CASCADE, related_name="steps", verbose_name=_("group")
    )
    anchor = models.CharField(_("from"), max_length=8, choices=Anchor.choices)
    offset_minutes = models.SmallIntegerField(
        _("offset (minutes)"), default=0, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    at = models.TimeField(_("time"), null=True, blank=True)  # for a fixed step, Bangkok time
    dim_level = models.PositiveSmallIntegerField(_("dimming level (%)"), validators=[MaxValueValidator(100)])

    class Meta:
        verbose_name = _("schedule step")
        verbose_name_plural = _("schedule steps")
        ordering = ["organization_id", "group_id", "id"]
        indexes = [models.Index(fields=["organization", "group"], name="lighting_step_group")]

    def __str__(self) -> str:
        return f"{self.anchor}{self.offset_minutes:+d} → {self.dim_level}%"


class Command(models.Model):
    """A dimming level sent to a pole's controller, and when the controller confirmed it: its next report
    showing that level (0: off), not an acknowledgement of delivery."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=False)
    pole = models.ForeignKey(Pole, on_delete=models.CASCADE, related_name="commands")
    dim_level = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField()
    channel = models.CharField(max_length=12, blank=True)  # mqtt / chirpstack / tts
    error = models.CharField(max_length=300, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organization_id", "pole_id", "-sent_at"]
        indexes = [models.Index(fields=["organization", "pole", "-sent_at"], name="lighting_command_pole")]


class Tariff(models.Model):
    """The electricity price the organisation pays for its street lights, from a date (data, not settings: a
    new Ft or a new rate is a new row). The month's energy is priced at the tariff in force on its first day."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    effective_from = models.DateField(_("effective from"))
    baht_per_kwh = models.DecimalField(_("baht per kWh"), max_digits=7, decimal_places=4)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("electricity tariff")
        verbose_name_plural = _("electricity tariffs")
        ordering = ["organization_id", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "effective_from"], name="lighting_tariff_date")
        ]

    def __str__(self) -> str:
        return f"{self.baht_per_kwh} THB/kWh from {self.effective_from}"
