"""Waste-collection fees (ค่าธรรมเนียมเก็บขนมูลฝอย) and collection rounds.

- A **rate schedule** is the local ordinance's table of monthly fees per rate class, in force from a date; each
  rate is checked against the ministry's ceiling for the class's daily volume (`waste.ceilings`).
- An **account** is a household or business that pays the fee, with its rate class and billing cycle
  (monthly or yearly), linked to the tax map's parcel and building where one matches.
- A **route** is a collection round with its crew (a department), its weekdays and its ordered **stops**;
  a stop may carry a bin-fill sensor (an iot device) whose readings raise its priority; a **trip** records
  a day's round.

Bills live in billing (`waste:account:<period>.<account id>`, see `waste.services.billing`). Every row
carries its organisation.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db.models import F, Func, Value
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from muang.core.geo import SRID
from muang.core.models import Department, Organization
from muang.core.thai_dates import format_day_month_year

MONEY = {"max_digits": 10, "decimal_places": 2}
CODE_RE = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$"
code_validator = RegexValidator(CODE_RE, _("Use 1–20 letters, digits, hyphens or underscores."))


class AccountKind(models.TextChoices):
    HOUSEHOLD = "household", _("Household")
    BUSINESS = "business", _("Business")


class Cycle(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    YEARLY = "yearly", _("Yearly")


class RateSchedule(models.Model):
    """The fees of one local ordinance (เทศบัญญัติ), in force from `effective_from` until the next schedule."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    ordinance = models.CharField(_("ordinance"), max_length=300)
    effective_from = models.DateField(_("in force from"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rate schedule")
        verbose_name_plural = _("rate schedules")
        ordering = ["organization_id", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "effective_from"], name="waste_schedule_from_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ordinance} ({format_day_month_year(self.effective_from)})"


class Rate(models.Model):
    """One rate class of a schedule: its daily volume (what the ministry's ceiling depends on) and fee."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    schedule = models.ForeignKey(RateSchedule, on_delete=models.CASCADE, related_name="rates")
    code = models.CharField(_("rate class"), max_length=20, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    litres_per_day = models.PositiveIntegerField(
        _("litres a day"), validators=[MinValueValidator(1), MaxValueValidator(1_000_000)]
    )
    monthly_fee = models.DecimalField(_("monthly fee"), validators=[MinValueValidator(0)], **MONEY)

    class Meta:
        verbose_name = _("rate")
        verbose_name_plural = _("rates")
        ordering = ["schedule_id", "monthly_fee", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "schedule", "code"], name="waste_rate_code_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.monthly_fee}"


class Route(models.Model):
    """A collection round: its crew, the weekdays it runs (0 = Monday) and its ordered stops."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(_("route code"), max_length=20, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    crew = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=pgettext_lazy("waste", "crew")
    )
    weekdays = ArrayField(
        models.PositiveSmallIntegerField(validators=[MaxValueValidator(6)]),
        verbose_name=pgettext_lazy("waste", "days"),
        default=list,
    )

    class Meta:
        verbose_name = _("collection route")
        verbose_name_plural = _("collection routes")
        ordering = ["organization_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="waste_route_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Account(models.Model):
    """A household or business paying the waste fee."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    number = models.CharField(_("account number"), max_length=20, validators=[code_validator])
    kind = models.CharField(
        _("kind"), max_length=16, choices=AccountKind.choices, default=AccountKind.HOUSEHOLD
    )
    holder_name = models.CharField(pgettext_lazy("waste", "holder"), max_length=300)
    holder_tax_id = models.CharField(_("national / tax ID"), max_length=13, blank=True)
    house_number = models.CharField(_("house number"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # The digits alone (081-234-5678 → 0812345678), kept by the database: a household not on the tax register
    # signs in to its waste page with this mobile number (`waste.household`).
    phone_digits = models.GeneratedField(
        expression=Func(F("phone"), Value(r"\D"), Value(""), Value("g"), function="regexp_replace"),
        output_field=models.CharField(max_length=20),
        db_persist=True,
    )
    rate_class = models.CharField(_("rate class"), max_length=20, validators=[code_validator])
    cycle = models.CharField(_("billing cycle"), max_length=10, choices=Cycle.choices, default=Cycle.MONTHLY)
    location = models.PointField(_("location"), srid=SRID, null=True, blank=True)
    # The tax map's parcel and building where the account's location falls (property app, by code and id:
    # the registry may renumber, the waste account stays).
    parcel_code = models.CharField(_("parcel"), max_length=40, blank=True)
    building_id = models.BigIntegerField(_("building"), null=True, blank=True)
    route = models.ForeignKey(
        Route,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accounts",
        verbose_name=_("route"),
    )
    opened_on = models.DateField(_("billed from"))
    closed_on = models.DateField(_("billed until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("waste-fee account")
        verbose_name_plural = _("waste-fee accounts")
        ordering = ["organization_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="waste_account_number_unique")
        ]
        indexes = [
            models.Index(fields=["organization", "cycle", "opened_on"], name="waste_account_cycle_idx"),
            models.Index(fields=["organization", "phone_digits"], name="waste_account_phone_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.holder_name}"


class Priority(models.IntegerChoices):
    NORMAL = 0, _("Normal")
    HIGH = 1, _("Full bin: collect first")


class Stop(models.Model):
    """A place on a route, in order; a bin sensor (iot device) reports how full it is."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="stops")
    seq = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("stop"), max_length=200)
    location = models.PointField(_("location"), srid=SRID)
    device = models.OneToOneField(
        "iot.Device",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sensor"),
    )
    fill_percent = models.DecimalField(
        _("bin fill (%)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    fill_at = models.DateTimeField(_("fill measured at"), null=True, blank=True)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )

    class Meta:
        verbose_name = _("stop")
        verbose_name_plural = _("stops")
        ordering = ["route_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "route", "seq"], name="waste_stop_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.seq}. {self.name}"


class Trip(models.Model):
    """One day's round of a route: who recorded it, how many stops were collected."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="trips")
    day = models.DateField(_("day"))
    stops_collected = models.PositiveSmallIntegerField(_("stops collected"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("trip")
        verbose_name_plural = _("trips")
        ordering = ["organization_id", "-day"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "route", "day"], name="waste_trip_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.route_id} {self.day}"


class Reminder(models.Model):
    """A reminder of arrears sent to an account (at most one per account and Bangkok month)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="reminders")
    month = models.CharField(max_length=7)  # YYYY-MM (Bangkok)
    amount = models.DecimalField(**MONEY)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization_id", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "account", "month"], name="waste_reminder_once")
        ]


class MissedCollection(models.Model):
    """A citizen's report of a missed collection (a case of the garbage categories) matched to the nearest stop
    of a route and handed to the route's crew (the case moved to the crew's department)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="+")
    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="missed")
    stop = models.ForeignKey(Stop, on_delete=models.SET_NULL, null=True, related_name="+")
    distance_m = models.PositiveIntegerField()
    dispatched_at = models.DateTimeField()

    class Meta:
        ordering = ["organization_id", "-dispatched_at"]
        indexes = [models.Index(fields=["organization", "route"], name="waste_missed_route_idx")]
