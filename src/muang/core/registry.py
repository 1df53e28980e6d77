"""The installed apps' contracts (`muang.core.contract`), collected once and assembled into the platform.

Core discovers each installed app's `AppConfig.contract()`, in `INSTALLED_APPS` order, and everything that used
to name apps reads from here: the URLconf, the API's routers, the menu, the permission tables behind
`muang.core.access`, the worker's periodic tasks, the demo loaders, the static files of npm packages, KPI
sources. The results are cached; changing `INSTALLED_APPS` (a test installing an app) clears the cache.

Core never imports a domain app: it only calls what the apps declared.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import NoReverseMatch, include, path, reverse
from django.utils.module_loading import import_string

from muang.core.contract import (
    MENU_GROUPED_ABOVE,
    MENU_GROUPS,
    AppContract,
    DemoLoader,
    KpiSource,
    MenuEntry,
    Mount,
    OpenDataset,
    PeriodicTask,
)


@dataclass(frozen=True)
class Plugged:
    """One installed app and what it declared."""

    label: str
    name: str
    contract: AppContract


@functools.cache
def contracts() -> tuple[Plugged, ...]:
    if not apps.models_ready:  # contract() may import the app's models and enums
        raise ImproperlyConfigured("the app contracts are read once the apps' models are loaded")
    out = []
    for config in apps.get_app_configs():
        build = getattr(config, "contract", None)
        if build is None:
            continue
        contract = build()
        if not isinstance(contract, AppContract):
            raise ImproperlyConfigured(f"{config.name}: AppConfig.contract() must return an AppContract")
        out.append(Plugged(config.label, config.name, contract))
    return tuple(out)


def clear() -> None:
    """Forget what was collected (the installed apps changed)."""
    contracts.cache_clear()
    permission_table.cache_clear()
    demo_loaders.cache_clear()
    _menus.cache_clear()
    _file_readers.cache_clear()


@receiver(setting_changed)
def _on_setting_changed(*, setting: str, **kwargs) -> None:
    if setting == "INSTALLED_APPS":
        clear()


def collected(name: str) -> tuple[Any, ...]:
    """Every app's entries of one sequence field of the contract, in app order (e.g. "case_panels")."""
    return tuple(item for p in contracts() for item in getattr(p.contract, name))


# --- URLs and the API ----------------------------------------------------------------------------------------


def mounts() -> tuple[Mount, ...]:
    return collected("urls")


def urlpatterns() -> list:
    """Every app's mounts, in app order (then in the order each app lists them)."""
    return [path(m.prefix, include(m.urls)) for m in mounts()]


def api_routers() -> tuple[str, ...]:
    return collected("api")


# --- the menu --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MenuLink:
    label: str
    url: str
    group: str = ""  # a key of MENU_GROUPS, "" at the top level


@dataclass(frozen=True)
class MenuSection:
    """One heading of a grouped menu (label "" = the top-level links, shown first and ungrouped)."""

    key: str
    label: str
    links: tuple[MenuLink, ...]


@functools.cache
def _menus() -> tuple[tuple[MenuEntry, ...], tuple[MenuEntry, ...]]:
    def ordered(entries: Iterable[MenuEntry]) -> tuple[MenuEntry, ...]:
        # Stable: entries of equal order keep the app order.
        return tuple(sorted(entries, key=lambda e: e.order))

    staff = ordered(collected("menu"))
    unknown = sorted({e.group for e in staff if e.group and e.group not in MENU_GROUPS})
    if unknown:
        raise ImproperlyConfigured(
            f"menu groups {unknown} are not among core's MENU_GROUPS {list(MENU_GROUPS)}"
        )
    return staff, ordered(collected("public_menu"))


def _links(entries: Iterable[MenuEntry]) -> list[MenuLink]:
    links = []
    for entry in entries:
        try:
            links.append(MenuLink(str(entry.label), reverse(entry.url_name), entry.group))
        except NoReverseMatch:  # its URLconf is not mounted (checked by muang.core.checks)
            continue
    return links


def staff_menu(perms: frozenset[str], *, operator: bool = False) -> list[MenuLink]:
    """The main menu of a member holding `perms` in their active organisation, with the platform operator's
    entries when `operator` (an active superuser). Pure: no query."""
    return _links(e for e in _menus()[0] if (operator if e.operator else (not e.perm or e.perm in perms)))


def public_menu() -> list[MenuLink]:
    return _links(_menus()[1])


def menu_sections(links: list[MenuLink]) -> list[MenuSection]:
    """A long menu grouped under MENU_GROUPS' headings (in their order), the top-level links first; a short one
    (at most MENU_GROUPED_ABOVE links) as one section, and a heading that would hold one link gives it back to the
    top level. Pure: no query."""
    if len(links) <= MENU_GROUPED_ABOVE:
        return [MenuSection("", "", tuple(links))]
    by_group: dict[str, list[MenuLink]] = {}
    for link in links:
        by_group.setdefault(link.group, []).append(link)
    top = [link for link in links if len(by_group[link.group]) == 1 or not link.group]
    sections = [MenuSection("", "", tuple(top))] if top else []
    for key, label in MENU_GROUPS.items():
        if len(by_group.get(key, ())) > 1:
            sections.append(MenuSection(key, str(label), tuple(by_group[key])))
    return sections


# --- who may do what -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PermissionTable:
    """Every app's permissions and grants, resolved into lookups (no query, no loop per check)."""

    all: frozenset[str]
    restricted: frozenset[str]
    by_role: dict[str, frozenset[str]]
    by_duty: dict[tuple[str, str], frozenset[str]]  # (duty, role) -> perms
    by_scope: dict[str, frozenset[str]]
    oversight: frozenset[str]
    scopes: dict[str, Any]  # code -> label, in app order

    def for_member(self, role: str, duties: Iterable[str] = ()) -> frozenset[str]:
        """A role's grants plus what the duties of the member's department grant that role (duty grants only
        name roles that belong to a department: officers and department heads)."""
        perms = self.by_role.get(role, frozenset())
        for duty in duties:
            perms = perms | self.by_duty.get((duty, role), frozenset())
        return perms

    def for_scopes(self, scopes: Iterable[str]) -> frozenset[str]:
        return frozenset().union(*(self.by_scope.get(s, frozenset()) for s in scopes))


@functools.cache
def permission_table() -> PermissionTable:
    return build_permission_table(contracts())


def build_permission_table(plugged: Iterable[Plugged]) -> PermissionTable:
    from muang.core.models import ROLES_WITH_DEPARTMENT, Duty, Role

    plugged = tuple(plugged)

    all_perms: set[str] = set()
    restricted: set[str] = set()
    by_role: dict[str, set[str]] = {role: set() for role in Role.values}
    by_duty: dict[tuple[str, str], set[str]] = {}
    by_scope: dict[str, set[str]] = {}
    oversight: set[str] = set()
    scopes: dict[str, Any] = {}
    for p in plugged:
        all_perms |= p.contract.permission_codes()
        restricted |= p.contract.restricted
        for scope in p.contract.scopes:
            scopes[scope.code] = scope.label
            by_scope.setdefault(scope.code, set())
    for p in plugged:
        for grant in p.contract.grants:
            perms = {str(x) for x in grant.perms}
            if grant.duty and (grant.duty not in Duty.values or not grant.roles <= ROLES_WITH_DEPARTMENT):
                raise ImproperlyConfigured(
                    f"{p.name}: a duty grant names a duty of core.models.Duty and roles that belong to a "
                    f"department ({sorted(ROLES_WITH_DEPARTMENT)}), not {grant.duty!r} for {sorted(grant.roles)}"
                )
            for role in grant.roles:
                if grant.duty:
                    by_duty.setdefault((grant.duty, role), set()).update(perms)
                else:
                    by_role.setdefault(role, set()).update(perms)
            for scope in grant.scopes:
                by_scope.setdefault(scope, set()).update(perms)
            if grant.oversight:
                oversight |= perms
    by_role[Role.SYSTEM_ADMIN] |= all_perms - restricted

    def frozen(d: dict) -> dict:
        return {k: frozenset(v) for k, v in d.items()}

    return PermissionTable(
        all=frozenset(all_perms),
        restricted=frozenset(restricted),
        by_role=frozen(by_role),
        by_duty=frozen(by_duty),
        by_scope=frozen(by_scope),
        oversight=frozenset(oversight),
        scopes=scopes,
    )


def duty_permissions() -> dict[str, dict[str, frozenset[str]]]:
    """What each duty of a department adds to each role, assembled from every app's duty grants:
    {duty: {role: perms}} (a duty no app serves yet is absent: it gives nothing)."""
    out: dict[str, dict[str, frozenset[str]]] = {}
    for (duty, role), perms in permission_table().by_duty.items():
        out.setdefault(duty, {})[role] = perms
    return out


def scope_choices() -> list[tuple[str, Any]]:
    return list(permission_table().scopes.items())


# --- background work, demo data, settings, KPIs ----------------------------------------------------------------


def periodic_tasks() -> tuple[PeriodicTask, ...]:
    return collected("periodic_tasks")


@functools.cache
def demo_loaders() -> tuple[DemoLoader, ...]:
    """Every app's demo loaders, each after those it depends on; otherwise in app order."""
    return order_demo_loaders(collected("demo"))


def order_demo_loaders(loaders: Iterable[DemoLoader]) -> tuple[DemoLoader, ...]:
    """`loaders` ordered so that each runs after its `after` and before its `before` (names of loaders that are
    not there are ignored); among those free to run, the earliest given first."""
    loaders = tuple(loaders)
    by_name = {loader.name: loader for loader in loaders}
    if len(by_name) != len(loaders):
        raise ImproperlyConfigured("two demo loaders share a name")
    position = {loader.name: i for i, loader in enumerate(loaders)}
    graph: dict[str, set[str]] = {name: set() for name in by_name}
    for loader in loaders:
        graph[loader.name] |= {name for name in loader.after if name in by_name}
        for name in loader.before:
            if name in by_name:
                graph[name].add(loader.name)
    ordered: list[str] = []
    while graph:
        ready = [name for name, deps in graph.items() if not deps]
        if not ready:
            raise ImproperlyConfigured(f"demo loaders depend on each other in a circle: {sorted(graph)}")
        first = min(ready, key=position.__getitem__)
        ordered.append(first)
        del graph[first]
        for deps in graph.values():
            deps.discard(first)
    return tuple(by_name[name] for name in ordered)


def settings_defaults() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for p in contracts():
        out.update(p.contract.settings)
    return out


def apply_settings_defaults() -> None:
    """Put each app's declared settings into django.conf.settings unless something already set them."""
    from django.conf import settings

    for name, value in settings_defaults().items():
        if not hasattr(settings, name):
            setattr(settings, name, value)


def vendor_static() -> list[tuple[str, str]]:
    """(static prefix, directory inside node_modules) of every app."""
    return [
        (prefix, directory) for p in contracts() for prefix, directory in p.contract.vendor_static.items()
    ]


def kpi_sources() -> tuple[KpiSource, ...]:
    return collected("kpi_sources")


def open_datasets() -> tuple[OpenDataset, ...]:
    """Every app's open datasets (`AppContract.open_datasets`), in app order; codes are unique."""
    return _open_datasets(collected("open_datasets"))


@functools.cache
def _open_datasets(paths: tuple[str, ...]) -> tuple[OpenDataset, ...]:
    out = tuple(import_string(p) for p in paths)
    for p, dataset in zip(paths, out, strict=True):
        if not isinstance(dataset, OpenDataset):
            raise ImproperlyConfigured(f"{p} is not an OpenDataset")
    codes = [d.code for d in out]
    if len(set(codes)) != len(codes):
        raise ImproperlyConfigured(f"two open datasets share a code: {codes}")
    return out


# --- private files -----------------------------------------------------------------------------------------------


@functools.cache
def _file_readers() -> dict[str, str]:
    out: dict[str, str] = {}
    for p in contracts():
        for kind, reader in p.contract.file_readers.items():
            if kind in out:
                raise ImproperlyConfigured(
                    f"{p.name}: the private file kind {kind!r} is already another app's"
                )
            out[kind] = reader
    return out


def file_reader(kind: str):
    """The callable deciding who may read the private files of `kind` (`/files/<kind>/...`), or None."""
    path = _file_readers().get(kind)
    return import_string(path) if path else None


def file_kinds() -> tuple[str, ...]:
    return tuple(_file_readers())
