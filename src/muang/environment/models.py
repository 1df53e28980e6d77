"""Air-quality stations and water-level gauges (iot devices with an environment record), the Thai AQI bands as
data, the current level of each station, and the citizens who follow them on LINE."""

from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from muang.core.models import Organization


class Pollutant(models.TextChoices):
    PM25 = "pm25", "PM2.5"
    PM10 = "pm10", "PM10"


class AqiBand(models.Model):
    """One band of the Thai AQI for one pollutant, as the Pollution Control Department's notice sets it (national
    reference data, the same for every organisation; a new notice is a data change, not a code change).

    A concentration belongs to the band with the highest `low` at or under it once rounded to `decimals` (the
    notice writes 15.0 / 15.1: the rounding closes the gaps). Inside a band the sub-index is interpolated
    linearly, I = (Ij − Ii) / (Xj − Xi) × (X − Xi) + Ii (muang.environment.aqi); the top band has no upper
    bound and keeps the slope of the band below it."""

    pollutant = models.CharField(_("pollutant"), max_length=8, choices=Pollutant.choices)
    rank = models.PositiveSmallIntegerField(_("rank"))  # 0 the cleanest
    low = models.DecimalField(_("from (µg/m³)"), max_digits=7, decimal_places=1)
    high = models.DecimalField(_("to (µg/m³)"), max_digits=7, decimal_places=1, null=True, blank=True)
    decimals = models.PositiveSmallIntegerField(_("decimals"), default=1)
    index_low = models.PositiveSmallIntegerField(_("AQI from"))
    index_high = models.PositiveSmallIntegerField(_("AQI to"), null=True, blank=True)
    colour = models.CharField(_("colour"), max_length=10)  # blue, green, yellow, orange, red (a CSS class)
    colour_hex = models.CharField(_("colour code"), max_length=7)
    name_th = models.CharField(_("Thai name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    advice_th = models.TextField(_("advice (Thai)"))
    advice_en = models.TextField(_("advice (English)"))
    alerts = models.BooleanField(
        _("alert the followers"),
        default=False,
        help_text=_("Entering this band from below sends a LINE push."),
    )
    notice = models.CharField(_("notice"), max_length=300)

    class Meta:
        verbose_name = _("AQI band")
        verbose_name_plural = _("AQI bands")
        ordering = ["pollutant", "rank"]
        constraints = [models.UniqueConstraint(fields=["pollutant", "rank"], name="env_aqiband_uniq")]

    def __str__(self) -> str:
        return f"{self.pollutant} {self.low}: {self.name_en}"


class Station(models.Model):
    """An air-quality station or a water-level gauge: an iot Device with its public face and, for a gauge, its
    own levels. Where it is comes from the device."""

    class Kind(models.TextChoices):
        AIR = "air", _("air-quality station")
        WATER = "water", _("water-level gauge")

    class WaterStatus(models.IntegerChoices):
        NORMAL = 0, _("normal")
        WATCH = 1, _("watch")
        DANGER = 2, _("danger")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    device = models.OneToOneField("iot.Device", on_delete=models.PROTECT, related_name="environment_station")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    is_public = models.BooleanField(_("public"), default=True)
    # A gauge's own levels, metres on the gauge's staff (ระดับตลิ่ง, ระดับเฝ้าระวัง, ระดับวิกฤต).
    bank_level = models.FloatField(_("bank level (m)"), null=True, blank=True)
    alert_level = models.FloatField(_("alert level (m)"), null=True, blank=True)
    danger_level = models.FloatField(_("danger level (m)"), null=True, blank=True)
    rise_alert = models.FloatField(_("rising-rate alert (m/h)"), null=True, blank=True)
    # How far under a band's lower bound the value must fall before the station leaves that band (µg/m³ or m):
    # a value hovering at a threshold does not flap.
    hysteresis = models.FloatField(_("hysteresis"), default=0)
    # The current state, kept so that repeated readings send nothing (written under the row's lock).
    level = models.PositiveSmallIntegerField(_("level"), default=0)  # an AQI band's rank or a WaterStatus
    level_since = models.DateTimeField(_("level since"), null=True, blank=True)
    value = models.FloatField(_("value"), null=True, blank=True)  # PM2.5 1-hour mean or the water level
    rise_rate = models.FloatField(_("rise rate (m/h)"), null=True, blank=True)
    observed_at = models.DateTimeField(_("observed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("environment station")
        verbose_name_plural = _("environment stations")
        ordering = ["organization_id", "kind", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="env_station_name_uniq"),
        ]
        indexes = [models.Index(fields=["organization", "is_public"], name="env_station_org_public")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if not self.name.strip():
            errors["name"] = _("Give the station a name.")
        keys = self.device.profile.parsed.keys if self.device_id else {}
        if self.kind == self.Kind.AIR:
            if "pm25" not in keys:
                errors["device_id"] = _("An air-quality station is a device that reports pm25.")
            for name in ("bank_level", "alert_level", "danger_level", "rise_alert"):
                if getattr(self, name) is not None:
                    errors[name] = _("Only a water-level gauge has levels.")
        elif self.kind == self.Kind.WATER:
            if "level" not in keys:
                errors["device_id"] = _("A water-level gauge is a device that reports level.")
            if self.alert_level is None:
                errors["alert_level"] = _("A gauge needs its alert level.")
            if self.danger_level is None:
                errors["danger_level"] = _("A gauge needs its danger level.")
            elif self.alert_level is not None and self.alert_level >= self.danger_level:
                errors["danger_level"] = _("The danger level is above the alert level.")
            if self.rise_alert is not None and self.rise_alert <= 0:
                errors["rise_alert"] = _("A rising-rate alert is more than 0 m/h.")
        if self.hysteresis < 0 or self.hysteresis > 50:
            errors["hysteresis"] = _("Between 0 and 50.")
        if errors:
            raise ValidationError(errors)


class Follow(models.Model):
    """A citizen on LINE following a station, an area (a station and a radius) or the whole organisation."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    line_user_id = models.CharField(_("LINE user id"), max_length=64)
    citizen = models.ForeignKey(
        "core.Citizen", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, null=True, blank=True, related_name="follows"
    )
    radius_m = models.PositiveIntegerField(_("radius (m)"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "line_user_id", "station"],
                nulls_distinct=False,
                name="env_follow_uniq",
            )
        ]

    def __str__(self) -> str:
        return f"{self.line_user_id} → {self.station_id or 'all'}"


class StationAlert(models.Model):
    """A change of a station's level that the followers heard of (an alert or an all-clear): the history."""

    class Kind(models.TextChoices):
        ALERT = "alert", _("alert")
        ALL_CLEAR = "all_clear", _("all clear")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=False)
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(_("level"))
    value = models.FloatField(_("value"))
    at = models.DateTimeField(_("time"))
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("station alert")
        verbose_name_plural = _("station alerts")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["organization", "station", "-at"], name="env_alert_org_station")]
