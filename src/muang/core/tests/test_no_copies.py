"""Shared infrastructure lives in core, once: a test that walks every module of every app and fails when one
keeps its own copy of Bangkok time, the Buddhist Era, COPY or id reservation, the SRID, bounding boxes, GeoJSON
and tile answers, clustering, vector tiles, audit-entry building, form-error mapping or the API's actor and
pagination, naming the file, the line and the core helper to call instead.

Comments and docstrings are not code: they are blanked before the patterns are searched. Tests may spell out
expected values (a year + 543 in an assertion is the expectation, not a copy), so they are not walked.
"""

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2]  # src/muang

# (what, pattern, the core modules that own it, the helper to call instead)
RULES: list[tuple[str, re.Pattern[str], frozenset[str], str]] = [
    (
        "Bangkok zone",
        re.compile(r"""ZoneInfo\(\s*["']Asia/Bangkok|timedelta\(\s*hours\s*=\s*7\s*\)"""),
        frozenset({"core/thai_dates.py"}),
        "core.thai_dates.BANGKOK (or ICT in hot loops)",
    ),
    (
        "Buddhist Era offset",
        re.compile(r"[-+]\s*543\b|\b543\s*[-+]|=\s*543\b"),
        frozenset({"core/thai_dates.py"}),
        "core.thai_dates.buddhist_era / christian_era / BUDDHIST_ERA_OFFSET",
    ),
    (
        "fiscal year",
        re.compile(r"def\s+(thai_)?fiscal_year\w*\("),
        frozenset({"core/thai_dates.py"}),
        "core.thai_dates.fiscal_year / fiscal_year_bounds",
    ),
    (
        "raw COPY",
        re.compile(
            r"\.copy\(\s*(f?[\"']|COPY|sql|copy_sql)|\.write_row\(|str\.maketrans\(\{\s*[\"']\\\\\\\\"
        ),
        frozenset({"core/bulk.py"}),
        "core.bulk.copy_create / copy_rows / copy_text",
    ),
    (
        "id reservation",
        re.compile(r"nextval\s*\(|pg_get_serial_sequence"),
        frozenset({"core/bulk.py"}),
        "core.bulk.reserve_ids",
    ),
    (
        "SRID literal",
        re.compile(r"\b4326\b|\b3857\b|\b3264[78]\b"),
        frozenset({"core/geo.py"}),
        "core.geo.SRID / WEB_MERCATOR / METRIC_SRID",
    ),
    (
        "envelope in SQL",
        re.compile(r"ST_MakeEnvelope|ST_SetSRID\(\s*ST_MakePoint"),
        frozenset({"core/geo.py"}),
        "core.geo.envelope_sql / point_sql",
    ),
    (
        "vector tiles",
        re.compile(r"ST_AsMVT|ST_TileEnvelope|mapbox-vector-tile"),
        frozenset({"core/geo.py"}),
        "core.geo.vector_tile_sql / vector_tile / tile_response",
    ),
    (
        "bounding-box parsing",
        re.compile(
            r"class\s+BBox\b|float\(\w+\)\s+for\s+\w+\s+in\s+\w+\.split\(\s*[\"'],[\"']\s*\)|Polygon\.from_bbox"
        ),
        frozenset({"core/geo.py", "core/validation.py"}),
        "core.geo.BBox.parse / bbox_polygon",
    ),
    (
        "GeoJSON answer",
        re.compile(r"application/geo\+json|[\"']\{\"type\":\"FeatureCollection\""),
        frozenset({"core/geo.py"}),
        "core.geo.geojson_response / feature_collection / feature_collection_chunks",
    ),
    (
        "grid clustering",
        re.compile(r"360(\.0)?\s*/\s*\(?\s*2\s*\*\*"),
        frozenset({"core/geo.py"}),
        "core.geo.grid_cell_degrees / grid_cluster_sql / aggregate_cells",
    ),
    (
        "audit entry built by hand",
        re.compile(r"(?<!class )AuditEntry\(|AuditEntry\.objects\.(bulk_)?create\("),
        frozenset({"core/audit.py"}),
        "core.audit.entry / record / created_entries / record_many",
    ),
    (
        "form-error mapping",
        re.compile(r"\.field_errors\.items\(\)|\.field_errors\s+or\s+\{"),
        frozenset({"core/form_errors.py", "core/errors.py"}),
        "core.form_errors.add_service_errors / field_messages / problem_errors / error_lines",
    ),
    (
        "API actor",
        re.compile(r"request\.auth\b"),
        frozenset({"core/api.py", "api.py"}),
        "core.api.actor",
    ),
    (
        "API pagination",
        re.compile(r"PageNumberPagination|from\s+ninja\.pagination\s+import|@paginate\("),
        frozenset({"core/pagination.py"}),
        "core.pagination.paginated",
    ),
]

# Files allowed to keep a copy for now, each with why. Nothing else (the case desk's copies went with its move
# to cases).
ALLOWED: dict[str, str] = {}
# One rule, one file: where a literal is data rather than a copy of the shared setting.
ALLOWED_RULE: dict[tuple[str, str], str] = {
    # The coordinate systems a person may choose for an uploaded file (EPSG codes shown in the form): choices
    # of input, not the storage SRID.
    ("SRID literal", "property/office/forms.py"): "EPSG codes offered for uploaded files",
}


def _modules() -> list[Path]:
    return sorted(
        p
        for p in SRC.rglob("*.py")
        if "migrations" not in p.parts and "tests" not in p.parts and "testing" not in p.parts
    )


def _code_lines(source: str) -> list[str]:
    """The source with comments and docstrings blanked (line numbers kept)."""
    lines = source.splitlines()
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(getattr(first.value, "value", None), str):
                for i in range(first.lineno - 1, first.end_lineno):
                    lines[i] = ""
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            row, col = token.start
            lines[row - 1] = lines[row - 1][:col]
    return lines


def copies_in(relative: str, source: str) -> list[str]:
    found = []
    for number, line in enumerate(_code_lines(source), 1):
        for what, pattern, owners, helper in RULES:
            if relative in owners or (what, relative) in ALLOWED_RULE:
                continue
            if pattern.search(line):
                found.append(f"{relative}:{number}: {what} — call {helper}")
    return found


def test_no_app_keeps_its_own_copy_of_shared_infrastructure():
    found = []
    for path in _modules():
        relative = path.relative_to(SRC).as_posix()
        if relative in ALLOWED:
            continue
        found += copies_in(relative, path.read_text(encoding="utf-8"))
    assert not found, "shared infrastructure copied outside core:\n" + "\n".join(found)


TEMPLATE_ERA = re.compile(r"""\|\s*add\s*:\s*["']?543\b|[-+]\s*543\b""")


def test_no_template_or_script_adds_the_buddhist_era_itself():
    """Pages show a B.E. year with `|be_year` (core/templatetags/thai.py) and dates with `|thai_date`."""
    found = [
        f"{path.relative_to(SRC).as_posix()}:{number}: call |be_year or |thai_date"
        for path in sorted([*SRC.rglob("templates/**/*.html"), *SRC.rglob("static/**/*.js")])
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if TEMPLATE_ERA.search(line)
    ]
    assert not found, "the Buddhist Era added by hand:\n" + "\n".join(found)
    assert TEMPLATE_ERA.search("{{ bill.year|add:543 }}") and TEMPLATE_ERA.search("year + 543")


def test_the_allow_list_names_files_that_still_exist():
    for relative in [*ALLOWED, *(r for _what, r in ALLOWED_RULE)]:
        assert (SRC / relative).exists(), f"{relative} is gone: drop it from the allow-list"


@pytest.mark.parametrize(
    ("source", "what"),
    [
        ('BANGKOK = ZoneInfo("Asia/Bangkok")', "Bangkok zone"),
        ("TZ = dt.timezone(dt.timedelta(hours=7))", "Bangkok zone"),
        ("year_be = year + 543", "Buddhist Era offset"),
        ("def thai_fiscal_year(day):\n    pass", "fiscal year"),
        ('with cursor.copy(f"COPY t FROM STDIN") as c:\n    c.write_row(r)', "raw COPY"),
        ("cursor.execute('SELECT nextval(%s)', [s])", "id reservation"),
        ("p = Point(1, 2, srid=4326)", "SRID literal"),
        ('sql = "x && ST_MakeEnvelope(%s, %s, %s, %s, 4326)"', "envelope in SQL"),
        ("sql = \"SELECT ST_AsMVT(t.*, 'l') FROM t\"", "vector tiles"),
        ('w, s, e, n = (float(v) for v in text.split(","))', "bounding-box parsing"),
        ("class BBox:\n    pass", "bounding-box parsing"),
        ('HttpResponse(text, content_type="application/geo+json")', "GeoJSON answer"),
        ("cell = 360 / 2**zoom / 4", "grid clustering"),
        ("AuditEntry.objects.bulk_create([AuditEntry(action='create')])", "audit entry built by hand"),
        ("for name, messages in e.field_errors.items():\n    pass", "form-error mapping"),
        ("actor = request.auth", "API actor"),
        ("from ninja.pagination import paginate", "API pagination"),
    ],
)
def test_each_rule_finds_the_copy_it_is_about(source, what):
    """The walk above could pass by finding nothing at all: each rule is shown to catch its copy."""
    assert any(f": {what} — " in line for line in copies_in("someapp/services.py", source))


def test_comments_and_docstrings_are_not_copies():
    source = '"""Dates in B.E. (C.E. + 543), built with ST_AsMVT."""\n\nx = 1  # 543 years, EPSG:4326\n'
    assert copies_in("someapp/services.py", source) == []
