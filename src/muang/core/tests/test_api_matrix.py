"""Every operation of the JSON API is in an authorisation matrix (muang.testing.authz), not only authenticated.

An app's matrix module uses `muang.testing.authz` and lists its rows in a module-level `…ENDPOINTS` list
(method, path with `{placeholders}`, the principals `allowed`), with a test parametrized over that list that
calls each row as every principal (`assert_matrix_cell`). This test finds every such module, maps every row to
the operation its path reaches, and fails for an operation no row reaches (unless it is declared public, with
its reason: `openapi_extra={"x-muang-public": …}`), or for a list no test runs. So no operation can be added
without a row saying who may call it."""

import importlib
import re
from pathlib import Path

from django.urls import Resolver404, resolve

import muang
from muang.api import api

SRC = Path(muang.__file__).resolve().parent
API_PREFIX = "/api/v1"


def operations() -> dict[tuple[str, str], dict]:
    """(METHOD, /api/v1/path/{param}) -> the OpenAPI operation."""
    paths = api.get_openapi_schema()["paths"]
    return {(method.upper(), path): op for path, ops in paths.items() for method, op in ops.items()}


def _matrix_modules():
    for file in sorted(SRC.glob("*/tests/**/test_*.py")):
        text = file.read_text()
        if "muang.testing.authz" in text and "ENDPOINTS" in text:
            name = ".".join(("muang", *file.relative_to(SRC).with_suffix("").parts))
            yield importlib.import_module(name)


def matrix_lists():
    """(module, name, rows) of every `…ENDPOINTS` list of every matrix module."""
    for module in _matrix_modules():
        for name, value in vars(module).items():
            if name.endswith("ENDPOINTS") and isinstance(value, list):
                yield module, name, value


def _runs(module, rows) -> bool:
    """Some test of `module` is parametrized over exactly this list."""
    for fn in vars(module).values():
        for mark in getattr(fn, "pytestmark", []):
            if mark.name == "parametrize" and len(mark.args) > 1 and mark.args[1] is rows:
                return True
    return False


def _operation_of(method: str, path: str) -> tuple[str, str] | None:
    filled = re.sub(r"\{[^}]*\}", "1", path.split("?", 1)[0])
    try:
        match = resolve(filled)
    except Resolver404:
        return None
    route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", match.route)
    return method.upper(), "/" + route


def test_matrix_modules_are_found_in_every_app_with_an_api():
    apps = {module.__name__.split(".")[1] for module, _name, _rows in matrix_lists()}
    assert {"core", "cases", "billing", "property", "selfservice"} <= apps


def test_every_matrix_list_is_run_by_a_test():
    idle = [f"{m.__name__}.{name}" for m, name, rows in matrix_lists() if not _runs(m, rows)]
    assert not idle, f"matrix rows that no parametrized test calls: {idle}"


def test_every_matrix_row_reaches_an_operation():
    known = operations()
    stray = []
    for module, name, rows in matrix_lists():
        for row in rows:
            if not row.path.startswith(API_PREFIX):
                continue
            if _operation_of(row.method, row.path) not in known:
                stray.append(f"{module.__name__}.{name}: {row.method} {row.path}")
    assert not stray, f"rows that reach no API operation: {stray}"


def test_every_api_operation_has_a_matrix_row_or_is_public():
    covered = {
        _operation_of(row.method, row.path)
        for _module, _name, rows in matrix_lists()
        for row in rows
        if row.path.startswith(API_PREFIX)
    }
    missing = [
        f"{method} {path}"
        for (method, path), op in operations().items()
        if (method, path) not in covered and not op.get("x-muang-public")
    ]
    assert not missing, f"API operations without an authorisation matrix row: {missing}"


def test_no_row_lets_an_unauthenticated_caller_in():
    """Operations open to anyone are declared public (and then need no row); a row is a staff decision."""
    open_rows = [
        f"{module.__name__}: {row.method} {row.path}"
        for module, _name, rows in matrix_lists()
        for row in rows
        if {"anonymous", "token_revoked"} & set(row.allowed)
    ]
    assert not open_rows
