"""The release schedule as a table model, with the product/status filter and the sort keys."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt

from triage_app.gui.main.models import SORT_ROLE, STATUS_ROLE, Index, days_text, status_cell_data
from triage_app.gui.shared.table_model import ColumnsModel
from triage_app.gui.shared.theme import STATUS_LABELS


@dataclass(frozen=True)
class ScheduleRow:
    """One release of the schedule with its support window on the chosen date."""

    product: str
    version: str
    name: str
    release_date: dt.date
    supported_until: dt.date | None
    days_left: int | None
    status: str
    prerelease: bool = False


RELEASE_COLUMNS = (
    "Product",
    "Version",
    "Name",
    "Release date",
    "Supported until",
    "Days left",
    "Status",
)


class ReleasesTableModel(ColumnsModel):
    """The whole release schedule; sort keys under SORT_ROLE so dates and versions sort correctly."""

    COLUMNS = RELEASE_COLUMNS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[ScheduleRow] = []
        self._keys: list[tuple[Any, ...]] = []

    def set_rows(
        self, rows: Sequence[ScheduleRow], version_keys: Sequence[tuple[Any, ...]] | None = None
    ) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._keys = (
            list(version_keys) if version_keys is not None else [(r.version,) for r in rows]
        )
        self.endResetModel()

    def row(self, index: int) -> ScheduleRow:
        return self._rows[index]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            values = (
                r.product,
                r.version,
                r.name or "",
                r.release_date.isoformat(),
                r.supported_until.isoformat() if r.supported_until else "–",
                days_text(r.days_left),
                STATUS_LABELS.get(r.status, r.status),
            )
            return values[col] if 0 <= col < len(values) else None
        if role == SORT_ROLE:
            keys: tuple[Any, ...] = (
                r.product,
                self._keys[index.row()],
                r.name or "",
                r.release_date.toordinal(),
                r.supported_until.toordinal() if r.supported_until else 0,
                r.days_left if r.days_left is not None else -(10**9),
                r.status,
            )
            return keys[col] if 0 <= col < len(keys) else None
        if role == STATUS_ROLE:
            return r.status
        return status_cell_data(col, role, r.status)


class ReleasesFilterProxy(QSortFilterProxyModel):
    """Filters the schedule by product and status; sorts by the source's SORT_ROLE keys."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._product = ""
        self._status = ""
        self._search = ""
        self.setSortRole(SORT_ROLE)

    def set_product(self, product: str) -> None:
        self._set_filter(product, self._status, self._search)

    def set_status(self, status: str) -> None:
        self._set_filter(self._product, status, self._search)

    def set_search(self, text: str) -> None:
        """Show the releases whose version starts with `text` ("3.4" -> 3.4.0 ... 3.4.25, a leading
        "v" ignored) or whose name contains it ("january")."""
        self._set_filter(self._product, self._status, normalized_search(text))

    def _set_filter(self, product: str, status: str, search: str) -> None:
        if (product, status, search) == (self._product, self._status, self._search):
            return
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.10 replaces invalidateRowsFilter()
            self.beginFilterChange()
            self._product, self._status, self._search = product, status, search
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self._product, self._status, self._search = product, status, search
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, ReleasesTableModel):
            return True
        r = model.row(source_row)
        if self._product and r.product != self._product:
            return False
        if self._status and r.status != self._status:
            return False
        return not self._search or matches_search(r, self._search)

    def lessThan(self, left: Index, right: Index) -> bool:
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        try:
            return bool(a < b)
        except TypeError:  # mixed version key shapes: compare as text rather than fail
            return str(a) < str(b)


def normalized_search(text: str) -> str:
    """What the search box means: trimmed, lower case, without a leading "v" before a digit."""
    query = " ".join(text.split()).lower()
    if query[:1] == "v" and query[1:2].isdigit():
        query = query[1:]
    return query


def matches_search(row: ScheduleRow, query: str) -> bool:
    """A version prefix on whole parts ("3.4" is 3.4.7, not 3.40.1), or words of the name."""
    version = row.version.lower()
    if version == query or version.startswith(query.rstrip(".") + "."):
        return True
    if query[:1].isdigit() and version.startswith(query) and not query[-1].isdigit():
        return True  # "3.0.0r" while typing "3.0.0rc1"
    return bool(row.name) and query in row.name.lower()
