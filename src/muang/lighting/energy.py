"""Energy of the street lights per month: per circuit and for the organisation, in kWh and baht, the saving from
dimming against full power, and lamp availability. Reads only (aggregates: no person).

- **kWh**: each controller's meter (`energy_kwh`, cumulative) read in the month: its last reading minus its
  last reading before the month (its first in the month when it has none before).
- **Baht**: kWh × the organisation's tariff in force on the month's first day (`Tariff`, dated rows set by the
  engineering staff on /lighting/tariffs; DEFAULT_TARIFF, labelled as the default, while it has none).
- **Saving from dimming**: for each stretch between two `dim` reports of a lit lamp (a level holds until the next
  report, as controllers that report on change do; a stretch is capped at 13 hours, a night, so a controller
  that went silent is not counted for days), hours × rated W × (100 − dim) %: what full power would have drawn
  more.
- **Availability**: the share of lamp-nights (poles with a controller × nights of the month so far) without a
  dark fault (lamp failure, off at night, a dark circuit) open at any time of that night.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Q

from muang.core.access import Actor, require
from muang.core.models import Organization
from muang.core.thai_dates import bangkok_midnight
from muang.lighting.models import Fault, FaultKind, Pole, Tariff
from muang.lighting.permissions import LightingPerm
from muang.lighting.sun import place_of, sun_times

# The DEFAULT, used only while an organisation has set no tariff of its own (the pages and the API say so):
# tariff 6.1.3 of the distribution utilities' published schedule (government bodies and non-profit organisations,
# the lowest voltage class: MEA "below 12 kV", PEA "below 22 kV"), energy charge 3.8919 THB/kWh above the first 10
# kWh of a month (MEA's published tariff page, "Non-Profit Organizations", 6.1.3), plus an Ft of 0.3672 THB/kWh
# (the January-April 2025 figure as remembered, not checked against a published notice) = 4.2591 THB/kWh before
# VAT, without the monthly service charge. The Ft changes every four months: the city sets its real figure, from
# its own bill, as a dated Tariff row (the tariff page, /lighting/tariffs).
DEFAULT_TARIFF = Decimal("4.2591")
DEFAULT_TARIFF_SOURCE = "6.1.3 (MEA/PEA) 3.8919 + Ft 0.3672"
DARK_KINDS = (FaultKind.LAMP_FAILURE, FaultKind.NOT_LIT)
MAX_STRETCH_SECONDS = 13 * 3600
BAHT = Decimal("0.01")
KWH = Decimal("0.001")


@dataclass
class EnergyLine:
    circuit: str
    kwh: Decimal = Decimal(0)
    saving_kwh: Decimal = Decimal(0)
    baht: Decimal = Decimal(0)


@dataclass
class MonthEnergy:
    month: dt.date
    tariff: Decimal
    tariff_is_default: bool  # no tariff of the organisation's own: the default above
    tariff_from: dt.date | None
    tariff_source: str
    kwh: Decimal
    baht: Decimal
    saving_kwh: Decimal
    saving_baht: Decimal
    availability: Decimal | None  # percent
    circuits: list[EnergyLine] = field(default_factory=list)


@dataclass(frozen=True)
class TariffInForce:
    baht_per_kwh: Decimal
    effective_from: dt.date | None  # None: the default
    source: str
    is_default: bool


def tariff_in_force(organization: Organization, day: dt.date) -> TariffInForce:
    """The organisation's tariff in force on `day` (its newest row from that day or before), else the default,
    marked as such."""
    row = (
        Tariff.objects.filter(organization=organization, effective_from__lte=day)
        .order_by("-effective_from")
        .values_list("baht_per_kwh", "effective_from", "source")
        .first()
    )
    if row is None:
        return TariffInForce(DEFAULT_TARIFF, None, DEFAULT_TARIFF_SOURCE, True)
    return TariffInForce(row[0], row[1], row[2], False)


def tariff_on(organization: Organization, day: dt.date) -> Decimal:
    return tariff_in_force(organization, day).baht_per_kwh


def _month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return bangkok_midnight(first), bangkok_midnight(following)


_METER_SQL = """
WITH inside AS (
    SELECT device_id, max(value) FILTER (WHERE time = last_time) AS last_value,
           min(value) FILTER (WHERE time = first_time) AS first_value
    FROM (
        SELECT device_id, value, time,
               max(time) OVER (PARTITION BY device_id) AS last_time,
               min(time) OVER (PARTITION BY device_id) AS first_time
        FROM iot_telemetry
        WHERE organization_id = %(org)s AND key = 'energy_kwh' AND device_id = ANY(%(devices)s)
          AND time >= %(start)s AND time < %(end)s
    ) t
    GROUP BY device_id
),
before AS (
    SELECT DISTINCT ON (device_id) device_id, value
    FROM iot_telemetry
    WHERE organization_id = %(org)s AND key = 'energy_kwh' AND device_id = ANY(%(devices)s)
      AND time < %(start)s AND time >= %(start)s - interval '31 days'
    ORDER BY device_id, time DESC
)
SELECT i.device_id, greatest(i.last_value - coalesce(b.value, i.first_value), 0)
FROM inside i LEFT JOIN before b USING (device_id)
"""

_DIM_SQL = """
SELECT device_id, sum(hours * (100 - value) / 100.0)
FROM (
    SELECT device_id, value,
           least(extract(epoch FROM (lead(time) OVER w - time)), %(gap)s) / 3600.0 AS hours
    FROM iot_telemetry
    WHERE organization_id = %(org)s AND key = 'dim' AND device_id = ANY(%(devices)s)
      AND time >= %(start)s AND time < %(end)s
    WINDOW w AS (PARTITION BY device_id ORDER BY time)
) t
WHERE value > 0 AND hours IS NOT NULL
GROUP BY device_id
"""


def month_energy(
    *, actor: Actor, organization: Organization, month: dt.date, now: dt.datetime | None = None
) -> MonthEnergy:
    require(actor, organization, LightingPerm.LIGHTING_VIEW)
    start, end = _month_bounds(month)
    poles = list(
        Pole.objects.filter(organization=organization, device__isnull=False)
        .select_related("circuit")
        .order_by("code")
    )
    devices = [p.device_id for p in poles]
    params = {
        "org": organization.pk,
        "devices": devices,
        "start": start,
        "end": end,
        "gap": MAX_STRETCH_SECONDS,
    }
    with connection.cursor() as cursor:
        cursor.execute(_METER_SQL, params)
        meter = {d: Decimal(str(v)) for d, v in cursor.fetchall()}
        cursor.execute(_DIM_SQL, params)
        dimmed_hours = {d: Decimal(str(v)) for d, v in cursor.fetchall()}
    in_force = tariff_in_force(organization, start.date())
    tariff = in_force.baht_per_kwh
    lines: dict[str, EnergyLine] = {}
    for p in poles:
        code = p.circuit.code if p.circuit_id else ""
        line = lines.setdefault(code, EnergyLine(circuit=code))
        line.kwh += meter.get(p.device_id, Decimal(0))
        line.saving_kwh += dimmed_hours.get(p.device_id, Decimal(0)) * p.rated_watts / 1000
    for line in lines.values():
        line.kwh = line.kwh.quantize(KWH, ROUND_HALF_UP)
        line.saving_kwh = line.saving_kwh.quantize(KWH, ROUND_HALF_UP)
        line.baht = (line.kwh * tariff).quantize(BAHT, ROUND_HALF_UP)
    kwh = sum((line.kwh for line in lines.values()), Decimal(0))
    saving = sum((line.saving_kwh for line in lines.values()), Decimal(0))
    return MonthEnergy(
        month=start.date(),
        tariff=tariff,
        tariff_is_default=in_force.is_default,
        tariff_from=in_force.effective_from,
        tariff_source=in_force.source,
        kwh=kwh,
        baht=(kwh * tariff).quantize(BAHT, ROUND_HALF_UP),
        saving_kwh=saving,
        saving_baht=(saving * tariff).quantize(BAHT, ROUND_HALF_UP),
        availability=_availability(organization, poles, start, min(end, now or end)),
        circuits=sorted(lines.values(), key=lambda line: line.circuit),
    )


def availability_between(organization: Organization, start: dt.datetime, end: dt.datetime) -> Decimal | None:
    """Percent of lamp-nights between `start` and `end` without a dark fault (the city dashboard's figure);
    None without a pole that has a controller."""
    poles = list(Pole.objects.filter(organization=organization, device__isnull=False).only("pk"))
    return _availability(organization, poles, start, end)


def _availability(organization: Organization, poles, start: dt.datetime, end: dt.datetime) -> Decimal | None:
    """Percent of lamp-nights without a dark fault open during the night."""
    if not poles or end <= start:
        return None
    lat, lon = place_of(organization)
    nights = []
    day = start.date()
    while True:
        _sunrise, sunset = sun_times(lat, lon, day)
        sunrise_next, _sunset = sun_times(lat, lon, day + dt.timedelta(days=1))
        if sunset >= end:
            break
        nights.append((sunset, sunrise_next))
        day += dt.timedelta(days=1)
    if not nights:
        return None
    by_pole = {p.pk: p for p in poles}
    faults = list(
        Fault.objects.filter(organization=organization, kind__in=DARK_KINDS, pole_id__in=list(by_pole))
        .filter(Q(cleared_at__isnull=True) | Q(cleared_at__gt=start))
        .filter(started_at__lt=end)
        .values_list("pole_id", "started_at", "cleared_at")
    )
    dark = set()
    for pole_id, started, cleared in faults:
        for i, (dusk, dawn) in enumerate(nights):
            if started < dawn and (cleared is None or cleared > dusk):
                dark.add((pole_id, i))
    total = len(poles) * len(nights)
    return (Decimal(100) * (total - len(dark)) / total).quantize(Decimal("0.1"), ROUND_HALF_UP)
