"""System checks of the app contracts (`manage.py check`, run before every test session and server start): a
mistake in an app's declaration is reported with the app's name before anything runs."""

from collections import Counter

from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string

from muang.core import registry


def _error(app: str, message: str, code: int) -> Error:
    return Error(message, obj=app, id=f"muang.E{code:03d}")


@register()
def check_app_contracts(app_configs=None, **kwargs) -> list[Error]:
    return contract_errors(registry.contracts()) + file_reader_errors(registry.contracts())


def contract_errors(plugged: tuple[registry.Plugged, ...]) -> list[Error]:
    from muang.core.models import ROLES_WITH_DEPARTMENT, Duty, Role

    errors: list[Error] = []
    declared = Counter(code for p in plugged for code in p.contract.permission_codes())
    errors += [
        _error("contracts", f"the permission {code!r} is declared by more than one app", 1)
        for code, n in declared.items()
        if n > 1
    ]
    scopes = {s.code for p in plugged for s in p.contract.scopes}
    for p in plugged:
        c = p.contract
        for grant in c.grants:
            for perm in grant.perms - declared.keys():
                errors.append(_error(p.name, f"a grant names the undeclared permission {perm!r}", 2))
            for role in grant.roles - set(Role.values):
                errors.append(_error(p.name, f"a grant names the unknown role {role!r}", 3))
            for scope in grant.scopes - scopes:
                errors.append(_error(p.name, f"a grant names the undeclared API scope {scope!r}", 3))
            if grant.duty and grant.duty not in Duty.values:
                errors.append(_error(p.name, f"a grant names the unknown duty {grant.duty!r}", 3))
            if grant.duty and grant.roles - ROLES_WITH_DEPARTMENT:
                errors.append(
                    _error(p.name, f"a duty grant names roles without a department: {sorted(grant.roles)}", 3)
                )
        for perm in c.restricted - declared.keys():
            errors.append(_error(p.name, f"`restricted` names the undeclared permission {perm!r}", 2))
        for entry in (*c.menu, *c.public_menu):
            if entry.perm and entry.perm not in declared:
                errors.append(
                    _error(p.name, f"the menu entry {entry.url_name!r} needs an undeclared permission", 2)
                )
            try:
                reverse(entry.url_name)
            except NoReverseMatch:
                errors.append(_error(p.name, f"the menu entry's URL {entry.url_name!r} does not exist", 4))
        for periodic in c.periodic_tasks:
            try:
                task = import_string(periodic.task)
            except ImportError:
                errors.append(_error(p.name, f"the periodic task {periodic.task!r} cannot be imported", 6))
                continue
            if not hasattr(task, "enqueue") or periodic.every <= 0:
                errors.append(_error(p.name, f"{periodic.task!r} is not a task with a positive interval", 6))
        for dotted in (
            *c.api,
            *(s.selector for s in c.kpi_sources),
            *(s.places for s in c.kpi_sources if s.places),
            *(d.loader for d in c.demo),
            *c.demo_logins,
            *c.public_home_panels,
            *c.file_readers.values(),
        ):
            try:
                import_string(dotted)
            except ImportError:
                errors.append(_error(p.name, f"{dotted!r} cannot be imported", 8))
    installed = {p.label for p in plugged}
    names = {d.name for p in plugged for d in p.contract.demo}
    for p in plugged:
        for loader in p.contract.demo:
            for name in (*loader.after, *loader.before):
                if name not in names and name.split(".", 1)[0] in installed:
                    errors.append(
                        _error(p.name, f"the demo loader {loader.name!r} names no loader {name!r}", 5)
                    )
    try:
        registry.order_demo_loaders(d for p in plugged for d in p.contract.demo)
    except ImproperlyConfigured as e:
        errors.append(_error("contracts", str(e), 5))
    prefixes = Counter(m.prefix for p in plugged for m in p.contract.urls if m.prefix)
    errors += [
        _error("contracts", f"more than one app mounts URLs at {prefix!r}", 7)
        for prefix, n in prefixes.items()
        if n > 1
    ]
    kpis = Counter(k.code for p in plugged for k in p.contract.kpi_sources)
    errors += [
        _error("contracts", f"two KPI sources are called {code!r}", 8) for code, n in kpis.items() if n > 1
    ]
    return errors


def file_reader_errors(plugged: tuple[registry.Plugged, ...]) -> list[Error]:
    """Every kind of private file has exactly one reader, declared by the app whose model stores it: a private
    upload nobody may read, or that another app decides about, is a mistake in a contract."""
    from muang.core.uploads import clean_image_fields

    errors: list[Error] = []
    owners = Counter(kind for p in plugged for kind in p.contract.file_readers)
    errors += [
        _error("contracts", f"more than one app declares a reader of the private files {kind!r}", 9)
        for kind, n in owners.items()
        if n > 1
    ]
    readers = {kind: p.label for p in plugged for kind in p.contract.file_readers}
    for model, field in clean_image_fields():
        if field.public:
            continue
        app = model._meta.app_label
        if readers.get(field.kind) != app:
            errors.append(
                _error(
                    app,
                    f"{model.__name__}.{field.name} stores private {field.kind!r} files: declare their reader in "
                    "the app's contract (AppContract.file_readers)",
                    9,
                )
            )
    return errors
