"""EMS: the road network routed over, the units, and the incidents with their timeline."""

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from muang.core.geo import SRID
from muang.core.models import Organization
from muang.core.uploads import CleanImageField
from muang.ems.cbd import COLOUR_LABELS, COLOURS


class RoadEdge(models.Model):
    """One directed-or-not road segment as pgRouting reads it: `source`/`target` vertex ids, `cost` and
    `reverse_cost` in seconds of driving (negative: not passable that way). An organisation's network comes
    from the demo generator or from osm2pgrouting's `ways` table (`manage.py ems_import_roads`)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    source = models.BigIntegerField()
    target = models.BigIntegerField()
    cost = models.FloatField(help_text=_("seconds from source to target; negative: one-way"))
    reverse_cost = models.FloatField(help_text=_("seconds from target to source; negative: one-way"))
    length_m = models.FloatField(default=0)
    name = models.CharField(max_length=200, blank=True)
    osm_id = models.BigIntegerField(null=True, blank=True)
    geom = models.LineStringField(srid=SRID)

    class Meta:
        indexes = [
            models.Index(fields=["organization", "source"], name="ems_edge_org_source_idx"),
            models.Index(fields=["organization", "target"], name="ems_edge_org_target_idx"),
        ]


class RoadVertex(models.Model):
    """A junction of the network: where a unit or an incident is snapped to before routing."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    vertex_id = models.BigIntegerField()
    geom = models.PointField(srid=SRID)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "vertex_id"], name="ems_vertex_unique"),
        ]


class Unit(models.Model):
    """An ambulance or a rescue team of the organisation, with its crew and where it is."""

    class Kind(models.TextChoices):
        AMBULANCE = "ambulance", _("ambulance")
        RESCUE = "rescue", _("rescue team")

    class Level(models.TextChoices):
        FIRST_RESPONDER = "fr", _("first responder")
        BASIC = "bls", _("basic life support")
        ADVANCED = "als", _("advanced life support")

    class Status(models.TextChoices):
        AVAILABLE = "available", _("available")
        ON_MISSION = "on_mission", _("on a mission")
        OUT_OF_SERVICE = "out_of_service", _("out of service")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    call_sign = models.CharField(_("call sign"), max_length=40)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.AMBULANCE)
    level = models.CharField(_("level"), max_length=8, choices=Level.choices, default=Level.BASIC)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.AVAILABLE)
    crew = models.TextField(_("crew"), blank=True, help_text=_("one name a line"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    base = models.PointField(_("base"), srid=SRID)
    location = models.PointField(pgettext_lazy("map", "position"), srid=SRID, null=True, blank=True)
    position_at = models.DateTimeField(_("position time"), null=True, blank=True)
    # A tracker registered in the IoT core: its readings with lat/lon move the unit (ems.services.units).
    device = models.OneToOneField(
        "iot.Device",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tracker"),
    )

    class Meta:
        verbose_name = _("EMS unit")
        verbose_name_plural = _("EMS units")
        constraints = [
            models.UniqueConstraint(fields=["organization", "call_sign"], name="ems_unit_call_sign")
        ]
        indexes = [models.Index(fields=["organization", "status"], name="ems_unit_org_status_idx")]

    def __str__(self) -> str:
        return self.call_sign

    @property
    def where(self):
        return self.location or self.base


class Step(models.TextChoices):
    """The steps of an operation, in their legal order (each stamped once)."""

    RECEIVED = "received", _("call received")
    DISPATCHED = "dispatched", _("unit dispatched")
    ROLLING = "rolling", _("unit rolling")
    AT_SCENE = "at_scene", _("at scene")
    LEAVING_SCENE = "leaving_scene", _("leaving scene")
    AT_HOSPITAL = "at_hospital", _("at hospital")
    BACK_AT_BASE = "back_at_base", _("back at base")


# The column that stamps each step.
STEP_FIELDS = {
    Step.RECEIVED: "call_received_at",
    Step.DISPATCHED: "dispatched_at",
    Step.ROLLING: "rolling_at",
    Step.AT_SCENE: "at_scene_at",
    Step.LEAVING_SCENE: "leaving_scene_at",
    Step.AT_HOSPITAL: "at_hospital_at",
    Step.BACK_AT_BASE: "back_at_base_at",
}


class Incident(models.Model):
    """One call to the service and the operation it started (the ITEMS record of the organisation)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    caller_name = models.CharField(_("caller"), max_length=200)
    caller_phone = models.CharField(_("caller's phone"), max_length=40)
    location = models.PointField(_("place"), srid=SRID)
    address = models.CharField(_("address"), max_length=300, blank=True)
    cbd_group = models.PositiveSmallIntegerField(_("symptom group"))
    cbd_criterion = models.CharField(_("criterion"), max_length=16)
    dispatch_code = models.CharField(_("dispatch code"), max_length=24)
    colour = models.CharField(
        _("triage colour"), max_length=8, choices=[(c, COLOUR_LABELS[c]) for c in COLOURS]
    )
    description = models.TextField(_("what the caller said"), blank=True)
    patient_name = models.CharField(_("patient"), max_length=200, blank=True)
    patient_age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    care_notes = models.TextField(_("care given"), blank=True)
    hospital = models.CharField(_("receiving hospital"), max_length=200, blank=True)
    # Where the call came from when not a phone call: e.g. "care.alert:42" (a wristband alert, issue 13 item 2).
    source_ref = models.CharField(_("source"), max_length=64, blank=True)
    step = models.CharField(_("step"), max_length=16, choices=Step.choices, default=Step.RECEIVED)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("unit"),
    )
    call_received_at = models.DateTimeField(_("call received"))
    dispatched_at = models.DateTimeField(_("unit dispatched"), null=True, blank=True)
    rolling_at = models.DateTimeField(_("unit rolling"), null=True, blank=True)
    at_scene_at = models.DateTimeField(_("at scene"), null=True, blank=True)
    leaving_scene_at = models.DateTimeField(_("leaving scene"), null=True, blank=True)
    at_hospital_at = models.DateTimeField(_("at hospital"), null=True, blank=True)
    back_at_base_at = models.DateTimeField(_("back at base"), null=True, blank=True)

    class Meta:
        verbose_name = _("EMS incident")
        verbose_name_plural = _("EMS incidents")
        indexes = [
            models.Index(fields=["organization", "call_received_at"], name="ems_inc_org_received_idx"),
            models.Index(
                fields=["organization", "step"],
                name="ems_inc_open_idx",
                condition=~Q(step="back_at_base"),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "source_ref"], name="ems_inc_source_once", condition=~Q(source_ref="")
            ),
        ]

    def __str__(self) -> str:
        return f"EMS-{self.pk} {self.dispatch_code}"

    @property
    def number(self) -> str:
        return f"EMS-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.step != Step.BACK_AT_BASE


# --- wristbands and their alerts (issue 13 items 1 and 2) ------------------------------------------------------


class Wristband(models.Model):
    """A wristband of the IoT core (`device`, with the organisation's wristband profile) worn by a person of the
    care register, with that person's own rules. Every rule is optional: a band without a heart-rate range
    raises no heart-rate alert."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    device = models.OneToOneField(
        "iot.Device", on_delete=models.PROTECT, related_name="+", verbose_name=_("wristband")
    )
    person = models.ForeignKey(
        "care.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("worn by")
    )
    active = models.BooleanField(_("in use"), default=True)
    heart_rate_min = models.PositiveSmallIntegerField(_("lowest heart rate"), null=True, blank=True)
    heart_rate_max = models.PositiveSmallIntegerField(_("highest heart rate"), null=True, blank=True)
    # A geofence around the home for a person with dementia: a radius around the person's home point, or a
    # polygon drawn on the map (the polygon wins when both are set).
    geofence_radius_m = models.PositiveIntegerField(_("geofence radius (m)"), null=True, blank=True)
    geofence = models.PolygonField(_("geofence"), srid=SRID, null=True, blank=True)
    still_hours = models.PositiveSmallIntegerField(
        _("no movement for (hours, daytime)"), null=True, blank=True
    )
    battery_low = models.PositiveSmallIntegerField(_("battery low below (%)"), default=20)
    medical_summary = models.TextField(
        _("medical summary"),
        blank=True,
        help_text=_("conditions, medicines, allergies: read in an emergency"),
    )
    # [{"name": …, "relation": …, "line_user_id": …}]: the family told through LINE when an alert escalates.
    family_line = models.JSONField(_("family on LINE"), default=list, blank=True)
    photo = CleanImageField(_("photo"), kind="ems-wristband", blank=True)
    # Kept by the telemetry listener: where the band was, and when it last moved more than a few metres.
    last_point = models.PointField(srid=SRID, null=True, blank=True)
    last_moved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("wristband")
        verbose_name_plural = _("wristbands")
        indexes = [models.Index(fields=["organization", "active"], name="ems_band_org_active_idx")]
        constraints = [
            # A person wears one band at a time (a lost one is replaced: services.wristbands.wristband_replace).
            models.UniqueConstraint(
                fields=["person"], condition=Q(active=True), name="ems_band_one_per_person"
            )
        ]

    AUDIT_BY_NUMBER = True  # the home pages' audit lines show its number (core.selectors.audit_lines)

    def __str__(self) -> str:
        return f"wristband {self.pk}"  # not the wearer's name: this ends up in the audit log


class OnCall(models.Model):
    """The organisation's on-call list, in order: who is told when an alert is not acknowledged in time."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40)
    line_user_id = models.CharField(_("LINE account"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("on-call person")
        verbose_name_plural = _("on-call list")
        constraints = [
            models.UniqueConstraint(fields=["organization", "position"], name="ems_oncall_position_uniq")
        ]

    def __str__(self) -> str:
        return f"on call {self.position}"


class AlertKind(models.TextChoices):
    SOS = "sos", _("SOS button")
    FALL = "fall", _("fall")
    HEART_RATE = "heart_rate", _("heart rate out of range")
    GEOFENCE = "geofence", _("left the safe area")
    NO_MOVEMENT = "no_movement", _("no movement")
    LOW_BATTERY = "low_battery", _("battery low")
    REMOVED = "removed", _("band removed")


class Severity(models.TextChoices):
    """How urgent an alert is, shown as a colour AND a word (never by colour alone): a life may be at stake
    (critical), somebody should check soon (warning), the band needs looking after (info)."""

    CRITICAL = "critical", _("critical")
    WARNING = "warning", _("warning")
    INFO = "info", _("information")


SEVERITY_OF_KIND = {
    AlertKind.SOS: Severity.CRITICAL,
    AlertKind.FALL: Severity.CRITICAL,
    AlertKind.HEART_RATE: Severity.CRITICAL,
    AlertKind.GEOFENCE: Severity.WARNING,
    AlertKind.NO_MOVEMENT: Severity.WARNING,
    AlertKind.LOW_BATTERY: Severity.INFO,
    AlertKind.REMOVED: Severity.INFO,
}
SEVERITY_RANK = {Severity.CRITICAL: 0, Severity.WARNING: 1, Severity.INFO: 2}


class AlertStatus(models.TextChoices):
    OPEN = "open", _("waiting")
    ACKNOWLEDGED = "acknowledged", _("taken")
    FALSE_ALARM = "false_alarm", _("false alarm")
    HANDLED = "handled", _("handled")
    INCIDENT = "incident", _("EMS incident")


OPEN_ALERT_STATUSES = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)


class Alert(models.Model):
    """One alert of a wristband, written before anyone is told. One open alert per (band, kind): a band that
    keeps reporting its fall raises it once (the partial unique index)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    wristband = models.ForeignKey(Wristband, on_delete=models.PROTECT, related_name="alerts")
    person = models.ForeignKey("care.Person", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("alert"), max_length=16, choices=AlertKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=AlertStatus.choices, default=AlertStatus.OPEN
    )
    raised_at = models.DateTimeField(_("raised"))
    location = models.PointField(_("place"), srid=SRID, null=True, blank=True)
    value = models.FloatField(_("reading"), null=True, blank=True)
    # How far along the on-call list it went (0: nobody told yet).
    escalation = models.PositiveSmallIntegerField(_("escalation"), default=0)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(pgettext_lazy("escalation", "taken at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_reason = models.TextField(_("reason"), blank=True)
    incident = models.OneToOneField(
        Incident, on_delete=models.PROTECT, null=True, blank=True, related_name="alert"
    )

    class Meta:
        verbose_name = _("wristband alert")
        verbose_name_plural = _("wristband alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "wristband", "kind"],
                name="ems_alert_one_open",
                condition=Q(status__in=["open", "acknowledged"]),
            )
        ]
        indexes = [
            models.Index(
                fields=["organization", "raised_at"],
                name="ems_alert_open_idx",
                condition=Q(status__in=["open", "acknowledged"]),
            ),
            models.Index(fields=["organization", "raised_at"], name="ems_alert_org_raised_idx"),
        ]

    def __str__(self) -> str:
        return f"alert {self.pk} {self.kind}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ALERT_STATUSES

    @property
    def severity(self) -> str:
        return SEVERITY_OF_KIND.get(self.kind, Severity.WARNING)

    @property
    def severity_label(self) -> str:
        return Severity(self.severity).label


class AlertTimer(models.Model):
    """A timer of an alert as a row: due at `due_at`, done when `done_at` is set. The worker's periodic task
    claims due rows (SKIP LOCKED), so a timer survives a restart of every process."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="timers")
    due_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["due_at"], name="ems_timer_due_idx", condition=Q(done_at=None))]


class AlertEvent(models.Model):
    """What happened to an alert, for the board and the person's record: raised, taken, escalated to whom,
    family told, closed."""

    class Kind(models.TextChoices):
        RAISED = "raised", _("raised")
        ACKNOWLEDGED = "acknowledged", _("taken")
        ESCALATED = "escalated", _("escalated")
        FAMILY_TOLD = "family_told", _("family told on LINE")
        CLOSED = "closed", _("closed")
        INCIDENT = "incident", _("EMS incident opened")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["alert", "at"], name="ems_alertevent_alert_idx")]
