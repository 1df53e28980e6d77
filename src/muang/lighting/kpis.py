"""Street lighting's numbers for the city dashboard (`AppContract.kpi_sources`): lamp availability and the energy
saved by dimming over a month, and where the poles that went dark were (the availability's map layer). Aggregates
only: a pole is public infrastructure, never a person, and the map shows cells of about 100 m.

Each is `f(*, organization, start, end)` over the Bangkok days `start`..`end` inclusive; None when the organisation
has no pole with a controller (nothing to measure, rather than a misleading 100 % or 0 kWh)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection

from muang.core.access import SYSTEM
from muang.core.models import Organization
from muang.core.thai_dates import bangkok_days
from muang.lighting import energy
from muang.lighting.models import Pole

PLACE_CELL_DEGREES = 0.001  # about 100 m at Thai latitudes, as the case engine's layer


def lamp_availability(*, organization: Organization, start: dt.date, end: dt.date) -> Decimal | None:
    """Percent of lamp-nights of the period without a dark fault (lamp failure, off at night) open that night."""
    since, until = bangkok_days(start, end)
    return energy.availability_between(organization, since, until)


def _with_poles(organization_ids) -> list[Organization]:
    """The organisations among `organization_ids` that have a pole with a controller (one query)."""
    ids = Pole.objects.filter(organization_id__in=list(organization_ids), device__isnull=False).values(
        "organization_id"
    )
    return list(Organization.objects.filter(pk__in=ids))


def lamp_availability_bulk(*, organization_ids, start: dt.date, end: dt.date) -> dict[int, Decimal | None]:
    """The same for many organisations: one query finds those with controlled poles (most have none), each of
    those is measured as above."""
    return {
        o.pk: lamp_availability(organization=o, start=start, end=end) for o in _with_poles(organization_ids)
    }


def energy_saved_bulk(*, organization_ids, start: dt.date, end: dt.date) -> dict[int, Decimal | None]:
    return {o.pk: energy_saved(organization=o, start=start, end=end) for o in _with_poles(organization_ids)}


def energy_saved(*, organization: Organization, start: dt.date, end: dt.date) -> Decimal | None:
    """kWh the dimmed lamps did not draw in the month of `start`, against full power (lighting.energy)."""
    if not Pole.objects.filter(organization=organization, device__isnull=False).exists():
        return None
    month = energy.month_energy(actor=SYSTEM, organization=organization, month=start)
    return month.saving_kwh.quantize(Decimal("0.1"), ROUND_HALF_UP)


def dark_places(
    *, organization: Organization, start: dt.date, end: dt.date
) -> list[tuple[float, float, int]]:
    """Where poles were out in the period: (longitude, latitude, poles) per cell of about 100 m, each pole that had
    a dark fault open at any time of the period counted once (the map layer of `lamp_availability`)."""
    since, until = bangkok_days(start, end)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT (floor(ST_X(p.location) / %s) + 0.5) * %s, (floor(ST_Y(p.location) / %s) + 0.5) * %s,
                   count(DISTINCT p.id)
            FROM lighting_fault f JOIN lighting_pole p ON p.id = f.pole_id
            WHERE f.organization_id = %s AND f.kind = ANY(%s) AND f.started_at < %s
              AND (f.cleared_at IS NULL OR f.cleared_at > %s)
            GROUP BY 1, 2
            ORDER BY 3 DESC, 1, 2
            LIMIT 2000
            """,
            [PLACE_CELL_DEGREES] * 4 + [organization.pk, list(energy.DARK_KINDS), until, since],
        )
        return [(round(float(x), 6), round(float(y), 6), n) for x, y, n in cursor.fetchall()]
