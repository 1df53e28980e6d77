"""Coding standards enforced by tests (after CKAN's test_coding_standards.py)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from ninja.constants import NOT_SET

from muang.api import api
from muang.core.models import GLOBAL_MODELS

ROOT = Path(__file__).resolve().parents[4]


def _operations():
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                yield f"{prefix}{path}", operation


def test_every_operation_has_an_auth_decision():
    """Each operation is authenticated (explicitly or by the API default), or explicitly declared public."""
    undecided = []
    for path, op in _operations():
        explicit_public = op.auth_param is None and "x-muang-public" in (op.openapi_extra or {})
        authenticated = bool(op.auth_callbacks) and op.auth_param is not None
        inherits_default = op.auth_param is NOT_SET and api.auth not in (None, NOT_SET)
        if not (explicit_public or authenticated or inherits_default):
            undecided.append(f"{','.join(op.methods)} {path}")
    assert not undecided, f"operations without an auth decision: {undecided}"


def test_public_operations_say_why():
    for _path, op in _operations():
        if op.auth_param is None:
            assert (op.openapi_extra or {}).get("x-muang-public"), op.view_func.__name__


def test_every_tenant_model_has_an_organization():
    missing = []
    for model in apps.get_models():
        if not model.__module__.startswith("muang."):
            continue
        label = model._meta.label
        if label in GLOBAL_MODELS:
            continue
        names = {f.name for f in model._meta.get_fields()}
        if "organization" not in names:
            missing.append(label)
    assert not missing, (
        f"tenant-owned models without `organization` (or list them in GLOBAL_MODELS): {missing}"
    )


def test_core_imports_no_domain_app():
    """Core is the platform: it reaches the apps only through their contracts (muang.core.registry)."""
    import ast

    core = ROOT / "src" / "muang" / "core"
    apps_dir = ROOT / "src" / "muang"
    domain = {p.name for p in apps_dir.iterdir() if (p / "apps.py").exists() and p.name != "core"}
    found = []
    for file in core.rglob("*.py"):
        if "tests" in file.relative_to(core).parts:
            continue
        for node in ast.walk(ast.parse(file.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            found += [f"{file.relative_to(core)}: {n}" for n in names if n.split(".")[:2][-1] in domain]
    assert not found


def test_openapi_schema_matches_the_committed_one():
    committed = json.loads((ROOT / "docs" / "openapi.json").read_text())
    current = json.loads(json.dumps(api.get_openapi_schema(), sort_keys=True, ensure_ascii=False))
    assert current == committed, (
        "the API changed: review it, then run `make openapi` and commit docs/openapi.json"
    )


@pytest.mark.django_db
def test_check_deploy_is_clean_under_production_settings():
    env = {
        **os.environ,
        "MUANG_ENV": "production",
        "MUANG_SECRET_KEY": "x" * 64 + "-production-like-secret-key-for-the-check",
        "MUANG_ALLOWED_HOSTS": "muang.example.go.th",
        "MUANG_TESTING": "0",
    }
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
