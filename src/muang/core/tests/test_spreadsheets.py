"""The one helper every spreadsheet export uses against formula injection (issue 8, item 6)."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from muang.core.spreadsheets import safe_cell, safe_row


@pytest.mark.parametrize(
    "text", ["=1+1", "+66812345678", "-2", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("x")']
)
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value", ["สมชาย", "", "a=b", 5, -5, Decimal("-1.50"), dt.date(2026, 1, 1), True, None]
)
def test_everything_else_passes_unchanged(value):
    assert safe_cell(value) == value and type(safe_cell(value)) is type(value)


def test_a_row():
    assert safe_row(["=x", 1, "y"]) == ["'=x", 1, "y"]


def test_no_export_keeps_its_own_copy():
    """One helper: the apps call muang.core.spreadsheets rather than each writing its own (STYLE.md)."""
    root = Path(__file__).resolve().parents[2]
    copies = [
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if "/tests/" not in str(p)
        and p.name != "spreadsheets.py"
        and '("=", "+", "-", "@"' in p.read_text(encoding="utf-8")
    ]
    assert copies == []
