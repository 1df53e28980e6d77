"""The tax law stays pure: its modules import the standard library, each other, and two small core modules
(money and calendar months) — never Django, a model, or a domain app."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import muang.taxlaw

ALLOWED_MUANG = ("muang.taxlaw", "muang.core.money", "muang.core.thai_dates")
STDLIB = sys.stdlib_module_names | {"__future__"}


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def test_taxlaw_imports_only_the_standard_library_and_pure_core_modules():
    root = Path(muang.taxlaw.__file__).parent
    modules = [p for p in root.rglob("*.py") if "tests" not in p.relative_to(root).parts]
    assert len(modules) >= 7
    wrong = {
        f"{path.relative_to(root)}: {name}"
        for path in modules
        for name in _imports(path)
        if name.split(".")[0] not in STDLIB and not name.startswith(ALLOWED_MUANG)
    }
    assert wrong == set()
