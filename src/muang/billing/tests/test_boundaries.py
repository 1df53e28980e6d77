"""Dependency rules, walked over the source with ast: billing is the floor that tax (and every later charge)
sits on, so it never imports the property app or the tax law; core never imports a domain app."""

from __future__ import annotations

import ast
from pathlib import Path

import muang

SRC = Path(muang.__file__).parent
DOMAIN_PACKAGES = sorted(
    p.name for p in SRC.iterdir() if p.is_dir() and p.name != "core" and (p / "__init__.py").exists()
)


def _imported_modules(path: Path, package: str) -> set[str]:
    """Every module a file imports, relative imports resolved, including imports inside functions."""
    names: set[str] = set()
    module_parts = [
        *package.split("."),
        *path.relative_to(SRC / package.split(".")[-1]).with_suffix("").parts,
    ]
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module_parts[: len(module_parts) - node.level]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def _violations(package: str, forbidden: list[str], *, include_tests: bool) -> set[str]:
    root = SRC / package
    found = set()
    for path in sorted(root.rglob("*.py")):
        if not include_tests and "tests" in path.relative_to(root).parts:
            continue
        for name in _imported_modules(path, f"muang.{package}"):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                found.add(f"{path.relative_to(SRC)}: {name}")
    return found


def test_the_walker_sees_imports_inside_functions_and_relative_ones(tmp_path, monkeypatch):
    code = "def f():\n    from muang.property.registry.selectors import parcels_of\n\nfrom . import models\n"
    fake = SRC / "billing" / "x.py"
    monkeypatch.setattr(Path, "read_text", lambda self, *a, **k: code)
    names = _imported_modules(fake, "muang.billing")
    assert "muang.property.registry.selectors" in names and "muang.billing.models" in names


def test_billing_never_imports_property_or_the_tax_law():
    assert _violations("billing", ["muang.property", "muang.taxlaw"], include_tests=False) == set()


def test_core_imports_no_domain_app():
    assert {"billing", "property", "taxlaw"} <= set(DOMAIN_PACKAGES)
    forbidden = [
        f"muang.{name}" for name in DOMAIN_PACKAGES if name not in ("testing", "templates", "locale")
    ]
    assert _violations("core", forbidden, include_tests=False) == set()
