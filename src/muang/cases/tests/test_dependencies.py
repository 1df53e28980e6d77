"""cases sits under the apps built on it (reports, LINE, lighting, care...): none of its modules imports them.
They reach the case desk through its registries (muang.cases.desk) and its services, never the other way."""

import ast
from pathlib import Path

import muang.cases

CASES = Path(muang.cases.__file__).parent
ABOVE = ("muang.reports",)


def _modules() -> list[Path]:
    return [
        path
        for path in sorted(CASES.rglob("*.py"))
        if not ({"tests", "migrations"} & set(path.relative_to(CASES).parts))
    ]


def _imports_from_above(path: Path, root: Path = CASES) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            names = [node.value]  # a dotted path given to import_string, a template of another app...
        found += [
            f"{path.relative_to(root)}:{getattr(node, 'lineno', 0)}: {name}"
            for name in names
            if name.startswith(ABOVE) or name.startswith("reports/")
        ]
    return found


def test_cases_imports_nothing_from_reports():
    assert len(_modules()) > 20  # the walk sees the app (views, services, selectors...)
    offenders = [hit for path in _modules() for hit in _imports_from_above(path)]
    assert offenders == []


def test_the_walk_catches_every_way_of_reaching_reports(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import muang.reports.notify\n"
        "from muang.reports.suggestion import suggest_category\n"
        "from muang import reports\n"
        "PANEL = 'muang.reports.panels.intake_panel'\n"
        "TEMPLATE = 'reports/_case_panel.html'\n"
        "from muang.core import registry\n"
    )
    hits = _imports_from_above(bad, root=tmp_path)
    assert [hit.split(": ", 1)[1] for hit in hits] == [
        "muang.reports.notify",
        "muang.reports.suggestion",
        "muang.reports.suggestion.suggest_category",
        "muang.reports",
        "muang.reports.panels.intake_panel",
        "reports/_case_panel.html",
    ]
