"""CSV cells a spreadsheet never runs as a formula: a leading =, +, -, @, tab or CR gets a ' (OWASP).

Plain numbers (-5, +1.5, -2e3) are left alone: no spreadsheet reads them as anything but numbers,
and a quote would turn a column of days left into text. The importer removes the quote again, so an
exported schedule imports back unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def safe_cell(value: Any) -> Any:
    """`value` with a leading ' when a spreadsheet would read it as a formula; others unchanged."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in row]


def safe_dict(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: safe_cell(v) for k, v in row.items()}


def unquote_cell(value: str) -> str:
    """The inverse on import: "'=x" -> "=x"; a quote before anything else is kept (it is data)."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value
