"""Reads: the city dashboard (areas, indicators against their targets, a year of monthly snapshots), a
department's page, the public page a city opts into, and the roll-ups of district and province offices, which
read the snapshots only (aggregates, never a person)."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.db import connection
from django.db.models import Q
from django.utils.module_loading import import_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from muang.core.access import Actor, require
from muang.core.bulk import array_literal
from muang.core.errors import AccessDenied, NotFound
from muang.core.models import Department, Organization, OrganizationKind
from muang.core.permissions import CorePerm
from muang.core.thai_dates import fiscal_year
from muang.core.uploads import FileRead, Visibility
from muang.kpi import periods
from muang.kpi.catalogue import computed_sources
from muang.kpi.models import (
    Area,
    Framework,
    Indicator,
    ManualValue,
    Publication,
    RollupAggregate,
    RollupPeriod,
    School,
    SchoolValue,
    Snapshot,
    Source,
    Target,
)
from muang.kpi.periods import ADOPTION_MONTHS
from muang.kpi.permissions import KpiPerm

TREND_MONTHS = 12
DEFAULT_FRAMEWORK = "khonkaen"


def localized(obj) -> str:
    """The Thai name on Thai pages, the English one with the English switch."""
    return obj.name_en if (get_language() or "th").startswith("en") else obj.name_th


@dataclass
class IndicatorRow:
    indicator: Indicator
    latest: Decimal | None
    latest_month: dt.date | None
    previous: Decimal | None
    target: Decimal | None
    series: list[tuple[str, float | None]]

    @property
    def on_track(self) -> bool | None:
        if self.target is None or self.latest is None:
            return None
        if self.indicator.direction == "down":
            return self.latest <= self.target
        return self.latest >= self.target

    @property
    def improving(self) -> bool | None:
        if self.latest is None or self.previous is None or self.latest == self.previous:
            return None
        better = self.latest > self.previous
        return better if self.indicator.direction == "up" else not better

    @property
    def name(self) -> str:
        return localized(self.indicator)

    @property
    def latest_month_label(self) -> str:
        return periods.month_label(self.latest_month)


@dataclass
class AreaBlock:
    area: Area | None  # None: indicators no area holds yet
    rows: list[IndicatorRow]

    @property
    def name(self) -> str:
        return localized(self.area) if self.area else _("Other indicators (not placed in an area yet)")

    @property
    def on_track_count(self) -> int:
        return sum(1 for r in self.rows if r.on_track)

    @property
    def with_target_count(self) -> int:
        return sum(1 for r in self.rows if r.on_track is not None)


@dataclass
class Dashboard:
    organization: Organization
    framework: Framework
    frameworks: list[Framework]
    month: dt.date  # the last month that is over
    months: list[dt.date]
    fiscal_year: int
    blocks: list[AreaBlock]
    department: Department | None = None
    school: School | None = None
    published: bool = False

    @property
    def month_label(self) -> str:
        return periods.month_label(self.month)

    @property
    def part(self) -> Department | School | None:
        """The department or school the page is of (None: the whole organisation)."""
        return self.department or self.school

    @property
    def has_places(self) -> bool:
        """An indicator on the page has a map layer."""
        return any(r.indicator.has_places for b in self.blocks for r in b.rows)

    def chart_data(self) -> dict:
        """What the charts draw (json_script): per indicator, the months and values, and its target."""
        return {
            "months": [m.isoformat()[:7] for m in self.months],
            "series": {
                str(r.indicator.pk): {
                    "values": [v for _m, v in r.series],
                    "target": None if r.target is None else float(r.target),
                    "unit": r.indicator.unit,
                }
                for b in self.blocks
                for r in b.rows
            },
        }


def frameworks() -> list[Framework]:
    return list(Framework.objects.order_by("order", "code"))


def _framework(code: str | None, all_frameworks: list[Framework]) -> Framework:
    if not all_frameworks:
        raise NotFound(_("No KPI framework is set up."))
    chosen = next((f for f in all_frameworks if f.code == (code or DEFAULT_FRAMEWORK)), None)
    if chosen is None:
        raise NotFound(_("No KPI framework “%(code)s”.") % {"code": code})
    return chosen


def _build(
    organization: Organization,
    framework_code: str | None,
    today: dt.date | None,
    indicator_filter=None,
    school: School | None = None,
) -> Dashboard:
    """The page's areas and rows: the organisation's snapshots, or one school's figures (`school`)."""
    all_frameworks = frameworks()
    framework = _framework(framework_code, all_frameworks)
    month = periods.last_closed_month(today or periods.today())
    months = periods.months_back(month, TREND_MONTHS)
    year = fiscal_year(periods.month_last_day(month))
    indicators = Indicator.objects.filter(is_active=True).prefetch_related("areas").order_by("source", "code")
    if indicator_filter is not None:
        indicators = indicators.filter(indicator_filter)
    indicators = list(indicators)
    by_indicator: dict[int, dict[dt.date, Decimal | None]] = defaultdict(dict)
    values = (
        Snapshot.objects.filter(organization=organization)
        if school is None
        else SchoolValue.objects.filter(organization=organization, school=school)
    )
    for indicator_id, m, value in values.filter(
        month__gte=months[0], month__lte=month, indicator__in=indicators
    ).values_list("indicator_id", "month", "value"):
        by_indicator[indicator_id][m] = value
    targets = dict(
        Target.objects.filter(organization=organization, fiscal_year=year).values_list(
            "indicator_id", "value"
        )
    )
    areas = list(Area.objects.filter(framework=framework).order_by("order"))
    blocks = {a.pk: AreaBlock(a, []) for a in areas}
    unplaced = AreaBlock(None, [])
    for indicator in indicators:
        values = by_indicator.get(indicator.pk, {})
        measured = [m for m in months if values.get(m) is not None]
        latest_month = measured[-1] if measured else None
        row = IndicatorRow(
            indicator=indicator,
            latest=values.get(latest_month) if latest_month else None,
            latest_month=latest_month,
            previous=values.get(measured[-2]) if len(measured) > 1 else None,
            target=targets.get(indicator.pk),
            series=[(m.isoformat()[:7], None if values.get(m) is None else float(values[m])) for m in months],
        )
        placed = [a for a in indicator.areas.all() if a.pk in blocks]
        if placed:
            for area in placed:
                blocks[area.pk].rows.append(row)
        elif not indicator.areas.all():
            unplaced.rows.append(row)
    result = [blocks[a.pk] for a in areas]
    if unplaced.rows:
        result.append(unplaced)
    return Dashboard(
        organization=organization,
        framework=framework,
        frameworks=all_frameworks,
        month=month,
        months=months,
        fiscal_year=year,
        blocks=result,
        published=Publication.objects.filter(organization=organization, is_public=True).exists(),
    )


def city_dashboard(
    *, actor: Actor, organization: Organization, framework: str | None = None, today: dt.date | None = None
) -> Dashboard:
    """The mayor's page: every area of the framework with its indicators."""
    require(actor, organization, KpiPerm.KPI_VIEW)
    return _build(organization, framework, today)


def department_dashboard(
    *,
    actor: Actor,
    organization: Organization,
    department_code: str,
    framework: str | None = None,
    today: dt.date | None = None,
) -> Dashboard:
    """A department's page: the indicators its duties answer for."""
    require(actor, organization, KpiPerm.KPI_VIEW)
    department = Department.objects.filter(
        organization=organization, code=department_code, is_active=True
    ).first()
    if department is None:
        raise NotFound(_("No department “%(code)s”.") % {"code": department_code})
    board = _build(organization, framework, today, Q(owner_duty__in=list(department.duties) or ["-"]))
    board.department = department
    return board


def school_dashboard(
    *,
    actor: Actor,
    organization: Organization,
    school_code: str,
    framework: str | None = None,
    today: dt.date | None = None,
) -> Dashboard:
    """A school's page: the indicators it has figures for, with the organisation's targets (another
    organisation's school is not found: the code is looked up among the organisation's own)."""
    require(actor, organization, KpiPerm.KPI_VIEW)
    school = School.objects.filter(organization=organization, code=school_code, is_active=True).first()
    if school is None:
        raise NotFound(_("No school has the code %(code)s.") % {"code": school_code})
    measured = SchoolValue.objects.filter(school=school).values("indicator_id")
    board = _build(organization, framework, today, Q(pk__in=measured), school=school)
    board.school = school
    return board


def schools_of(organization: Organization) -> list[School]:
    """The organisation's active schools (the links of the city page and the education division's page)."""
    return list(School.objects.filter(organization=organization, is_active=True).order_by("name_th", "code"))


def all_schools_of(*, actor: Actor, organization: Organization) -> list[School]:
    """Every school of the organisation, the ended ones last (the education division's list)."""
    require(actor, organization, KpiPerm.KPI_SCHOOLS)
    return list(School.objects.filter(organization=organization).order_by("-is_active", "name_th", "code"))


def public_dashboard(
    *, organization: Organization, framework: str | None = None, today: dt.date | None = None
):
    """The page anyone may open, only when the city chose to show it."""
    if not Publication.objects.filter(organization=organization, is_public=True).exists():
        raise NotFound(_("This city does not show its indicators to the public."))
    return _build(organization, framework, today)


def departments_with_indicators(organization: Organization) -> list[Department]:
    duties = set(
        Indicator.objects.filter(is_active=True).exclude(owner_duty="").values_list("owner_duty", flat=True)
    )
    return [
        d
        for d in Department.objects.filter(organization=organization, is_active=True).order_by("code")
        if duties & set(d.duties)
    ]


# --- lists for the API and the entry pages ---------------------------------------------------------------------------


def indicators(*, actor: Actor, organization: Organization):
    require(actor, organization, KpiPerm.KPI_VIEW)
    return Indicator.objects.filter(is_active=True).prefetch_related("areas__framework").order_by("code")


def indicators_entered_by_hand():
    return Indicator.objects.filter(is_active=True).exclude(source=Source.COMPUTED).order_by("code")


def get_indicator(code: str) -> Indicator | None:
    return Indicator.objects.filter(code=code, is_active=True).first()


def targets_of(*, actor: Actor, organization: Organization, fiscal_year: int | None = None):
    require(actor, organization, KpiPerm.KPI_VIEW)
    qs = Target.objects.filter(organization=organization).select_related("indicator")
    if fiscal_year is not None:
        qs = qs.filter(fiscal_year=fiscal_year)
    return qs.order_by("-fiscal_year", "indicator__code")


def snapshots_of(
    *,
    actor: Actor,
    organization: Organization,
    indicator: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
):
    require(actor, organization, KpiPerm.KPI_VIEW)
    qs = Snapshot.objects.filter(organization=organization).select_related("indicator")
    if indicator:
        qs = qs.filter(indicator__code=indicator)
    if since:
        qs = qs.filter(month__gte=periods.month_of(since))
    if until:
        qs = qs.filter(month__lte=until)
    return qs.order_by("-month", "indicator__code")


def manual_values_of(*, actor: Actor, organization: Organization, status: str | None = None):
    require(actor, organization, KpiPerm.KPI_VIEW)
    qs = ManualValue.objects.filter(organization=organization).select_related(
        "indicator", "school", "entered_by", "decided_by"
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-entered_at", "-pk")


def get_manual_value_for(*, actor: Actor, organization: Organization, entry_id: int) -> ManualValue:
    entry = manual_values_of(actor=actor, organization=organization).filter(pk=entry_id).first()
    if entry is None:
        raise NotFound(_("No such figure."))
    return entry


def read_evidence(read: FileRead) -> Visibility:
    """Who may see a figure's evidence (/files/kpi-evidence/...): the organisation's staff who read its KPIs."""
    entry = (
        ManualValue.objects.filter(
            organization_id=read.organization_id, evidence=read.name, organization__is_active=True
        )
        .select_related("organization")
        .first()
    )
    if entry is None:
        raise NotFound(_("No such file."))
    require(read.actor, entry.organization, KpiPerm.KPI_VIEW)
    return Visibility.PERSONAL


# --- roll-ups ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Module:
    label: str
    name: str


@dataclass
class RollupRow:
    organization_id: int
    name: str
    kind: str
    values: dict[int, Decimal | None] = field(default_factory=dict)
    ranks: dict[int, int] = field(default_factory=dict)
    months_used: dict[str, int] = field(default_factory=dict)  # module label -> months in use of the window
    adoption: Decimal | None = None

    cells: list[tuple[Decimal | None, int | None]] = field(default_factory=list)  # per shown indicator
    marks: list[tuple[Module, int]] = field(default_factory=list)  # per module: months used of the window


@dataclass
class Rollup:
    month: dt.date | None
    window: list[dt.date]
    indicators: list[Indicator]
    modules: list[Module]
    rows: list[RollupRow]
    average_adoption: Decimal | None
    total: int = 0  # local governments rolled up (the rows may be one page of them)

    @property
    def month_label(self) -> str:
        return periods.month_label(self.month)


def installed_modules() -> list[Module]:
    """The installed apps that offer numbers (`AppContract.kpi_sources`): the innovations whose use is measured."""
    labels = []
    for source in computed_sources().values():
        label = source.code.split(".", 1)[0]
        if label not in labels:
            labels.append(label)
    return [Module(label, str(apps.get_app_config(label).verbose_name)) for label in labels]


def rollup_for(
    *, actor: Actor, overseer: Organization, today: dt.date | None = None, limit: int | None = None
) -> Rollup:
    """A district or province office's local governments side by side, from the precomputed roll-up."""
    require(actor, overseer, CorePerm.ROLLUP_VIEW)
    if not overseer.is_overseer:
        raise NotFound(_("Only a district or province office has a roll-up of local governments."))
    if overseer.kind == OrganizationKind.DISTRICT_OFFICE:
        return rollup(
            level=RollupAggregate.Level.DISTRICT, code=overseer.district_id, today=today, limit=limit
        )
    return rollup(level=RollupAggregate.Level.PROVINCE, code=overseer.province_id, today=today, limit=limit)


def rollup_month(today: dt.date | None = None) -> dt.date | None:
    """The last month that is over whose roll-up is written."""
    last = periods.last_closed_month(today or periods.today())
    return (
        RollupPeriod.objects.filter(month__lte=last)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )


def rollup(
    *,
    level: str,
    code: str = "",
    today: dt.date | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> Rollup:
    """The local governments of a district (`code` its code), a province or the country side by side, read from
    the roll-up rows the monthly snapshot wrote (`services.rollup_refresh`): the last month that is over with a
    roll-up, each indicator's value and rank at that level (1 = best among them by the indicator's good
    direction), and adoption; rows by adoption, then name. `limit`/`offset`: one page of the rows (the country's
    thousands), the ranks still among all.

    Adoption (shown on the page with this definition): the share of the installed modules (the apps that offer
    numbers) that the local government used in the month, a module being "used" when at least one of its
    indicators measured something (a case resolved, a bill falling due, a lamp reporting...). How actively: the
    number of the last three months the module was used."""
    if level not in RollupAggregate.Level.values:
        raise ValueError(level)
    modules = installed_modules()
    month = rollup_month(today)
    if month is None:
        return Rollup(None, [], [], modules, [], None, 0)
    where = {"district": "o.district_id = %s", "province": "o.province_id = %s", "national": "%s = ''"}[level]
    rank = {"district": "rank_district", "province": "rank_province", "national": "rank_national"}[level]
    summary = (
        RollupAggregate.objects.filter(month=month, level=level, code=code or "", indicator=None)
        .values_list("organizations", "average")
        .first()
    )
    total, average = summary if summary else (0, None)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT a.organization_id, o.name_th, o.kind, a.adoption, a.months_used::text
            FROM kpi_rollupadoption a JOIN core_organization o ON o.id = a.organization_id
            WHERE a.month = %s AND {where}
            ORDER BY coalesce(a.adoption, 0) DESC, o.name_th COLLATE "C", o.id
            LIMIT %s OFFSET %s
            """,  # noqa: S608 (fixed SQL fragments; values are parameters)
            [month, code or "", limit, offset],
        )
        rows = {
            pk: RollupRow(pk, name, kind, months_used=json.loads(used), adoption=adoption)
            for pk, name, kind, adoption, used in cursor.fetchall()
        }
        cursor.execute(
            f"""SELECT organization_id, indicator_id, value, {rank} FROM kpi_rollupvalue
                WHERE month = %s AND organization_id = ANY(%s::bigint[])""",  # noqa: S608 (a fixed column)
            [month, array_literal(list(rows))],
        )
        shown: set[int] = set()
        for org_id, indicator_id, value, place in cursor.fetchall():
            row = rows[org_id]
            row.values[indicator_id] = value
            shown.add(indicator_id)
            if place is not None:
                row.ranks[indicator_id] = place
    indicators = [
        i for i in Indicator.objects.filter(is_active=True).order_by("source", "code") if i.pk in shown
    ]
    for row in rows.values():
        row.cells = [(row.values.get(i.pk), row.ranks.get(i.pk)) for i in indicators]
        row.marks = [(m, row.months_used.get(m.label, 0)) for m in modules]
    window = periods.months_back(month, ADOPTION_MONTHS)
    average = None if average is None else average.quantize(Decimal("1"))
    return Rollup(month, window, indicators, modules, list(rows.values()), average, total)


# --- the national operator's page ----------------------------------------------------------------------------------


def sees_the_country(user) -> bool:
    """The platform operator (an active superuser) oversees every province: the national page is theirs. It
    reads the precomputed roll-up only, monthly aggregates of local governments, never a person."""
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


@dataclass
class ProvinceRow:
    code: str
    name: str
    organizations: int
    adoption: Decimal | None
    averages: dict[int, Decimal | None] = field(default_factory=dict)
    measured: dict[int, int] = field(default_factory=dict)
    ranks: dict[int, int] = field(default_factory=dict)
    cells: list[tuple[Decimal | None, int | None]] = field(default_factory=list)


@dataclass
class NationalOverview:
    month: dt.date | None
    indicators: list[Indicator]
    provinces: list[ProvinceRow]
    country: ProvinceRow | None

    @property
    def month_label(self) -> str:
        return periods.month_label(self.month)


def national_overview(*, user, today: dt.date | None = None) -> NationalOverview:
    """Every province side by side: its local governments, their average adoption, each indicator's average
    over them (and the province's rank by it among the provinces, by the indicator's good direction)."""
    from muang.core.models import Province

    if not sees_the_country(user):
        raise AccessDenied(_("Only the platform operator sees the whole country."))
    month = rollup_month(today)
    if month is None:
        return NationalOverview(None, [], [], None)
    names = {
        code: (name_en if (get_language() or "th").startswith("en") else name_th)
        for code, name_th, name_en in Province.objects.values_list("code", "name_th", "name_en")
    }
    rows: dict[str, ProvinceRow] = {}
    country = None
    for level, code, indicator_id, organizations, measured, average in RollupAggregate.objects.filter(
        month=month, level__in=[RollupAggregate.Level.PROVINCE, RollupAggregate.Level.NATIONAL]
    ).values_list("level", "code", "indicator_id", "organizations", "measured", "average"):
        if level == RollupAggregate.Level.NATIONAL:
            if country is None:
                country = ProvinceRow("", _("The whole country"), 0, None)
            row = country
        else:
            row = rows.setdefault(code, ProvinceRow(code, names.get(code, code), 0, None))
        if indicator_id is None:
            row.organizations = organizations
            row.adoption = None if average is None else average.quantize(Decimal("1"))
        else:
            row.averages[indicator_id] = None if average is None else average.quantize(Decimal("0.01"))
            row.measured[indicator_id] = measured
    shown = {i for row in rows.values() for i, v in row.averages.items() if v is not None}
    indicators = [
        i for i in Indicator.objects.filter(is_active=True).order_by("source", "code") if i.pk in shown
    ]
    for indicator in indicators:
        ranked = sorted(
            (r for r in rows.values() if r.averages.get(indicator.pk) is not None),
            key=lambda r: r.averages[indicator.pk] * (1 if indicator.direction == "down" else -1),
        )
        place, previous = 0, None
        for position, row in enumerate(ranked, start=1):
            if row.averages[indicator.pk] != previous:
                place, previous = position, row.averages[indicator.pk]
            row.ranks[indicator.pk] = place
    for row in [*rows.values(), *([country] if country else [])]:
        row.cells = [(row.averages.get(i.pk), row.ranks.get(i.pk)) for i in indicators]
    figures = sorted(rows.values(), key=lambda r: (-(r.adoption or 0), r.code))
    return NationalOverview(month, indicators, figures, country)


NATIONAL_PAGE = 100  # local governments per page of the national list


def national_rollup(
    *,
    user,
    province: str | None = None,
    page: int = 1,
    per_page: int = NATIONAL_PAGE,
    today: dt.date | None = None,
) -> Rollup:
    """The local governments of one province, or of the whole country a page at a time, for the operator."""
    if not sees_the_country(user):
        raise AccessDenied(_("Only the platform operator sees the whole country."))
    offset = (max(page, 1) - 1) * per_page
    if province:
        return rollup(
            level=RollupAggregate.Level.PROVINCE, code=province, today=today, limit=per_page, offset=offset
        )
    return rollup(level=RollupAggregate.Level.NATIONAL, today=today, limit=per_page, offset=offset)


# --- the map layer of an indicator -----------------------------------------------------------------------------------


def indicator_places(
    *, actor: Actor, organization: Organization, code: str, month: dt.date | None = None
) -> dict:
    """The map layer of an indicator that has places (its app's `KpiSource.places`) for a month that is over (the
    last one by default): a GeoJSON FeatureCollection of cells of about 100 m with how many things each holds."""
    require(actor, organization, KpiPerm.KPI_VIEW)
    source = computed_sources().get(code)
    if source is None or not source.places:
        raise NotFound(_("This indicator has no places to show on a map."))
    last = periods.last_closed_month(periods.today())
    month = last if month is None else periods.month_of(month)
    if month > last:
        raise NotFound(_("Only a month that is over has its map."))
    places = import_string(source.places)(
        organization=organization, start=month, end=periods.month_last_day(month)
    )
    return {
        "type": "FeatureCollection",
        "month": month.isoformat()[:7],
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"count": count},
            }
            for lon, lat, count in places
        ],
    }
