"""What every spreadsheet export (CSV, Excel) shares: text that a spreadsheet would run is made inert.

A cell beginning with `=`, `+`, `-` or `@` is a formula to Excel, LibreOffice and Google Sheets (a tab or a
carriage return can hide one), and openpyxl writes such a string as a formula: a taxpayer named
`=HYPERLINK("http://…")` would become a live link in the office's workbook (CSV / formula injection, OWASP).
Such text gets a leading apostrophe, which spreadsheets show as text. Numbers, dates and booleans pass as they
are, so Excel still sums and sorts them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value, with text a spreadsheet would read as a formula prefixed with an apostrophe."""
    if isinstance(value, str) and value[:1] in FORMULA_TRIGGERS:
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]
