"""The app contract: everything an app tells the platform about itself, in one value.

An app's `AppConfig.contract()` returns an :class:`AppContract`; `muang.core.registry` collects the contracts of
the installed apps, in `INSTALLED_APPS` order, and the platform is assembled from them: the URLconf
(`muang.urls`), the API (`muang.api`), the main menu (`templates/base.html`), who may do what
(`muang.core.access`), the worker's periodic tasks, `manage.py load_demo`, the static files from npm packages,
the apps' settings and, for the city dashboard, their KPI sources. Nothing in `settings.py`, `urls.py`, `api.py`
or `base.html` names an app: adding one is one line in `INSTALLED_APPS` (see docs/adding-an-app.md).

Everything here is plain data: dotted paths instead of imported objects (URLconfs, routers, tasks, loaders,
selectors are imported when they are first used), so a contract is cheap to build and cannot create an import
cycle. `contract()` is called once the app registry is ready, so it may import the app's models and enums.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class Mount:
    """A URLconf module mounted at a prefix of the site: `Mount("billing/", "muang.billing.urls")`.

    An app may mount several, in the order given: its pages, and entry points that live outside its own prefix
    (`/line/`, `/open311/v2/`, a network server's webhook, a tracker protocol). Give the URLconf an `app_name`:
    its URL names are then `"<app_name>:<name>"`."""

    prefix: str
    urls: str


@dataclass(frozen=True)
class MenuEntry:
    """A link in the main menu. Staff menu: shown to members whose permissions in their active organisation
    include `perm` (every member when `perm` is empty). Public menu: shown to visitors who are not signed in.
    Entries of every app are sorted by `order`, then label.

    `operator=True`: a page of the platform operator (an active superuser, who serves every organisation and
    may be a member of none), shown to them only, with or without a membership, and never by a permission of an
    organisation (an organisation's system administrator does not see it)."""

    label: Any  # a lazy translation (gettext_lazy): every label a user reads is translated
    url_name: str
    perm: str = ""
    order: int = 50
    # One of MENU_GROUPS: where the entry sits when a member's menu is long enough to be grouped ("" = top level).
    group: str = ""
    operator: bool = False


# The staff menu's groups, in this order. A member who sees more than MENU_GROUPED_ABOVE entries (an
# administrator sees twenty) gets them grouped under these headings; a shorter menu stays one flat line.
MENU_GROUPS: dict[str, Any] = {
    "overview": pgettext_lazy("menu group", "Overview"),
    "services": pgettext_lazy("menu group", "Citizen services"),
    "revenue": pgettext_lazy("menu group", "Revenue and tax"),
    "health": pgettext_lazy("menu group", "Health and emergencies"),
    "city": pgettext_lazy("menu group", "City systems"),
    "system": pgettext_lazy("menu group", "System"),
}
MENU_GROUPED_ABOVE = 8


@dataclass(frozen=True)
class Scope:
    """An API scope an organisation's token may carry (`Authorization: Bearer …`), e.g. `cases:read`."""

    code: str
    label: Any


@dataclass(frozen=True)
class Grant:
    """Who holds `perms` in an organisation.

    - `roles`: members of the organisation with one of these roles (`Role` values).
    - `duty`: with `roles` (officers and department heads, the roles that belong to a department), only
      members of a department that holds this duty (`core.models.Duty`) in its organisation ("this department
      handles this duty": `Department.duties`, per-organisation data); the grant is then role AND duty.
    - `scopes`: API tokens of the organisation carrying one of these scopes.
    - `oversight`: members of a district or province office, in the local governments it oversees (read-only
      roll-ups: grant nothing personal this way).

    A grant may combine `roles`, `scopes` and `oversight`; the system administrator role holds every permission
    of every app (except an app's `restricted` ones) without a grant."""

    perms: frozenset[str]
    roles: frozenset[str] = frozenset()
    duty: str = ""
    scopes: frozenset[str] = frozenset()
    oversight: bool = False

    def __post_init__(self) -> None:
        for name in ("perms", "roles", "scopes"):
            object.__setattr__(self, name, frozenset(getattr(self, name)))
        if self.duty and not self.roles:
            raise ValueError("a duty grant names the roles it applies to")


@dataclass(frozen=True)
class PeriodicTask:
    """A django-tasks task (dotted path) that every running worker enqueues every `every` seconds. It must be
    safe to run concurrently on several workers and to repeat (lock and re-check, mark what it did)."""

    task: str
    every: int


@dataclass(frozen=True)
class DemoLoader:
    """A step of `manage.py load_demo`: `loader` (dotted path) is called with no argument, must be idempotent
    and deterministic, and returns something truthy when it created anything.

    `name` is "<app label>.<what>"; `after` and `before` name other loaders (of any app) this one must follow or
    precede (the demo organisations and staff are `core.organizations`). A name of an app that is not installed
    is ignored."""

    name: str
    loader: str
    after: tuple[str, ...] = ()
    before: tuple[str, ...] = ()


class Direction(StrEnum):
    UP = "up"  # more is better (share resolved within the SLA)
    DOWN = "down"  # less is better (median days to resolve, arrears)


@dataclass(frozen=True)
class KpiSource:
    """A number the city dashboard (the `kpi` app) computes from an app, through the app's selector.

    `selector` is a dotted path to `f(*, organization, start, end) -> Decimal | None`: the figure for one
    organisation over the days `start` to `end` inclusive (dates in Asia/Bangkok), or None when there is
    nothing to measure. Aggregates only: a KPI never carries a person.

    `places` (optional) is a dotted path to `f(*, organization, start, end) -> list[tuple[float, float, int]]`:
    where the measured things were in the period, as (longitude, latitude, how many) on cells of about 100 m, so
    the city page draws the indicator's map layer; never a single home's exact point.

    `bulk` (optional) is a dotted path to `f(*, organization_ids, start, end) -> dict[int, Decimal | None]`: the
    same figure for many organisations in one query (an organisation missing from the answer has no figure). The
    monthly snapshot of thousands of organisations calls it once per batch instead of `selector` once per
    organisation; write `selector` as `bulk` for one organisation so that the two cannot disagree."""

    code: str  # "<app label>.<what>", stable: snapshots are kept under it
    label: Any
    unit: str  # "%", "days", "THB", "count", "stars"
    selector: str
    direction: Direction = Direction.UP
    places: str = ""
    bulk: str = ""


@dataclass(frozen=True)
class DatasetColumn:
    """One column of an open dataset: its header (`name`, stable ASCII: CSV header, GeoJSON property, CKAN
    field), an SQL expression over the dataset's `from_sql`, its Thai label and its type (`text`, `integer`,
    `number`, `date`, `datetime`, `boolean`). `personal` marks a column that holds a person's data: such a
    dataset cannot be published (the opendata app refuses it at publication and at every refresh)."""

    name: str
    sql: str
    label: Any
    type: str = "text"
    personal: bool = False


@dataclass(frozen=True)
class OpenDataset:
    """A dataset an app offers for an organisation to publish as open data (the `opendata` app).

    Plain data, like an NGSI-LD entity type: SQL text the app's developers write, never a caller's value.
    `tenant_sql` keeps the organisation's rows with the parameter `%(org)s` (write `%%` for a literal `%`);
    rows come in `order_sql` order; `geometry_sql` is a geometry expression in SRID 4326 (empty for a table
    without places). `home_location` says the geometry is where a person lives: never published. `data_type`,
    `frequency` and `keywords` are the defaults of the Thai government data catalogue's fields (the
    organisation may change them when it publishes): `data_type` is one of record, statistical, geospatial,
    multiple, other; `frequency` one of realtime, daily, weekly, monthly, quarterly, yearly."""

    code: str  # "<app label>.<what>", stable: the dataset's name in the catalogue and the CKAN API
    title: Any
    description: Any
    from_sql: str
    tenant_sql: str
    order_sql: str
    columns: tuple[DatasetColumn, ...]
    geometry_sql: str = ""
    home_location: bool = False
    data_type: str = "record"
    frequency: str = "daily"
    keywords: tuple[str, ...] = ()
    source: Any = ""  # where the rows come from (a department, a device network)

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(self.columns))
        object.__setattr__(self, "keywords", tuple(self.keywords))
        if "%(org)s" not in self.tenant_sql:
            raise ValueError(f"{self.code}: tenant_sql keeps the tenant's rows with %(org)s")
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names) or not names:
            raise ValueError(f"{self.code}: columns are named once each")


@dataclass(frozen=True)
class AppContract:
    """What an app plugs into the platform. Every field is optional."""

    # Pages and entry points: URLconfs mounted at prefixes of the site, in order.
    urls: tuple[Mount, ...] = ()
    # Ninja routers (dotted paths to `Router` objects), mounted under /api/v1/.
    api: tuple[str, ...] = ()
    # The main menu: `menu` for signed-in members, `public_menu` for visitors.
    menu: tuple[MenuEntry, ...] = ()
    public_menu: tuple[MenuEntry, ...] = ()
    # The public home page (/): dotted paths to `f(request) -> HomePanel | None` (`muang.core.public_home`),
    # shown in app order.
    public_home_panels: tuple[str, ...] = ()
    # Who may do what: the app's permission enum(s), its API scopes, and who is granted what.
    permissions: tuple[type[StrEnum], ...] = ()
    scopes: tuple[Scope, ...] = ()
    grants: tuple[Grant, ...] = ()
    # Permissions the system administrator does not get by default (e.g. health records): only explicit grants.
    restricted: frozenset[str] = frozenset()
    # Background work and demo data.
    periodic_tasks: tuple[PeriodicTask, ...] = ()
    demo: tuple[DemoLoader, ...] = ()
    # Dotted paths to `f(url) -> list[str]`: lines `make run` prints about the app's demo accounts, if loaded.
    demo_logins: tuple[str, ...] = ()
    # Numbers for the city dashboard.
    kpi_sources: tuple[KpiSource, ...] = ()
    # Front-end files from npm packages: static prefix -> directory inside node_modules (no CDN, ever).
    vendor_static: Mapping[str, str] = field(default_factory=dict)
    # Settings the app reads, with their defaults (environment variables are read here); a value already in
    # django.conf.settings (a deployment's own settings module, a test) wins.
    settings: Mapping[str, Any] = field(default_factory=dict)
    # Private uploads (`muang.core.uploads`, served at /files/<kind>/<organisation>/<name>): for each kind of
    # file the app stores, a dotted path to `f(read: FileRead) -> Visibility` that decides, on every read, who
    # may see it (raises NotFound / AccessDenied otherwise). A kind belongs to one app.
    file_readers: Mapping[str, str] = field(default_factory=dict)
    # Registries of the case desk that other apps fill (issue 9, item 4), read by `muang.cases.desk`: dotted
    # paths to an app's category suggesters (`f(*, organization, text) -> cases.desk.Suggestion | None`, a
    # category with a confidence) and case panels (`f(*, actor, case) -> cases.desk.CasePanel | None`, its own
    # facts shown on a case page).
    category_suggesters: tuple[str, ...] = ()
    case_panels: tuple[str, ...] = ()
    # The keys this app writes into a case's `attributes` for itself (an alarm's id, a fault's id): links its own
    # case panel reads and shows in words, not a citizen's answers, so the intake panel does not list them.
    case_attributes: tuple[str, ...] = ()
    # Case joiners (issue 10): dotted paths to `f(*, organization, category, point) -> Case | None`, an open case
    # that a citizen's new report of `category` at `point` belongs to (a street light already known to be dark
    # from its controller). `cases.services.case_submit` files the report as joined to it (linked, not a second
    # case to work) and its reporter hears when that case is resolved. Read by `muang.cases.desk`.
    case_joiners: tuple[str, ...] = ()
    # What devices said (issue 10): dotted paths to `f(*, organization, readings, now)` that the iot app calls
    # after each batch of readings committed (`muang.iot.services.ingest.Reading`: device, time, values), outside
    # the batch's transaction; a listener that fails is logged and the readings stay stored. Street lighting and
    # the air and water stations derive their state here.
    telemetry_listeners: tuple[str, ...] = ()
    # NGSI-LD (issue 10, item 6): dotted paths to the app's entity type providers (`muang.ngsi.providers.
    # EntityType` objects: the type's name and URI, who may read it, its tenant's rows in SQL, its attributes as
    # SQL expressions), served read-only at /ngsi-ld/v1 by the `ngsi` app (docs/ngsi-ld.md).
    ngsi_entity_types: tuple[str, ...] = ()
    # Words a citizen types to an organisation's LINE account that an app answers (issue 10: "เตือน 12" follows
    # an air station): dotted paths to `f(*, organization, citizen, line_user_id, text, now) -> list[dict] | None`
    # (LINE message objects to reply, or None when the text is not the app's). The LINE conversation (the
    # reports app's webhook) asks them in app order before its own steps, inside the event's transaction.
    line_commands: tuple[str, ...] = ()
    # Open data (issue 15, item 5): dotted paths to the app's `OpenDataset` values, datasets an organisation may
    # choose to publish (CSV, GeoJSON, Excel, DCAT-AP, the CKAN API) through the `opendata` app.
    open_datasets: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in (
            "urls",
            "api",
            "menu",
            "public_menu",
            "public_home_panels",
            "permissions",
            "scopes",
            "grants",
            "periodic_tasks",
            "demo",
            "demo_logins",
            "kpi_sources",
            "category_suggesters",
            "case_panels",
            "case_attributes",
            "case_joiners",
            "telemetry_listeners",
            "ngsi_entity_types",
            "line_commands",
            "open_datasets",
        ):
            value = getattr(self, name)
            if isinstance(value, str) or not isinstance(value, Iterable):
                raise TypeError(f"AppContract.{name} is a sequence, not {value!r}")
            object.__setattr__(self, name, tuple(value))
        object.__setattr__(self, "restricted", frozenset(self.restricted))

    def permission_codes(self) -> frozenset[str]:
        return frozenset(str(p) for enum in self.permissions for p in enum)
