"""Item models: matched bullets, version mentions, and the release schedule with its filter proxy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from triage_app.core.result import Match, VersionMention
from triage_app.gui.plain import plain_tooltip
from triage_app.gui.theme import SIDE_LABELS, STATUS_LABELS, status_colour, underline_colour

if TYPE_CHECKING:  # core.policy (hashlib, regexes) loads with the services, after first paint
    from triage_app.core.policy import Policy

Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
STATUS_ROLE = Qt.ItemDataRole.UserRole + 2
_WHITE = "#ffffff"  # text on a status colour (a QBrush built at module level costs start-up)


def evidence_terms(match: Match) -> list[str]:
    return list(dict.fromkeys(e.term for e in match.evidence))


class MatchListModel(QAbstractListModel):
    """The matching bullets, quoted verbatim from the policy, with side and evidence."""

    MATCH_ROLE = Qt.ItemDataRole.UserRole + 10

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._matches: list[Match] = []
        self._policy: Policy | None = None

    def set_policy(self, policy: Policy | None) -> None:
        self.beginResetModel()
        self._policy = policy
        self.endResetModel()

    def set_matches(self, matches: Sequence[Match]) -> None:
        self.beginResetModel()
        self._matches = list(matches)
        self.endResetModel()

    def matches(self) -> list[Match]:
        return list(self._matches)

    def bullet_text(self, match: Match) -> str:
        bullet = self._policy.bullet(match.title) if self._policy else None
        return bullet.text if bullet else match.title

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._matches)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._matches):
            return None
        match = self._matches[index.row()]
        side = SIDE_LABELS.get(match.side, match.side)
        terms = ", ".join(evidence_terms(match)) or "no single term (context)"
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{side.upper()}  ·  score {match.score:.2f}\n“{self.bullet_text(match)}”\nEvidence: {terms}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(f"{side}: {match.title}\nEvidence in the ticket: {terms}")
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{side} bullet {match.title}, score {match.score:.2f}, evidence {terms}"
        if role == Qt.ItemDataRole.DecorationRole:
            return underline_colour(match.side)
        if role == self.MATCH_ROLE:
            return match
        return None


class _ColumnsModel(QAbstractTableModel):
    """A flat table of `_rows` under the fixed header `COLUMNS`: the counts and the header."""

    COLUMNS: tuple[str, ...] = ()
    _rows: Sequence[Any]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if role == Qt.ItemDataRole.DisplayRole and horizontal and 0 <= section < len(self.COLUMNS):
            return self.COLUMNS[section]
        return None


VERSION_COLUMNS = (
    "Version found",
    "Product",
    "Release",
    "Release date",
    "Supported until",
    "Days left",
    "Status",
    "Upgrade to",
)


def _days_text(days: int | None) -> str:
    if days is None:
        return "–"
    if days < 0:
        return f"ended {-days} d ago"
    return f"{days} d"


class VersionTableModel(_ColumnsModel):
    """One row per version the ticket mentions, resolved against the release schedule."""

    COLUMNS = VERSION_COLUMNS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[VersionMention] = []

    def set_versions(self, versions: Sequence[VersionMention]) -> None:
        self.beginResetModel()
        self._rows = list(versions)
        self.endResetModel()

    def versions(self) -> list[VersionMention]:
        return list(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        v = self._rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            values = (
                v.text,
                v.product or "unknown",
                v.release or "not in schedule",
                v.release_date or "–",
                v.supported_until or "–",
                _days_text(v.days_left),
                STATUS_LABELS.get(v.status, v.status),
                v.upgrade_target or ("–" if v.status != "unsupported" else "latest unknown"),
            )
            return values[col] if 0 <= col < len(values) else None
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = f"“{v.text}” at characters {v.start}–{v.end}"
            return plain_tooltip(f"{tip}\n{v.note}" if v.note else tip)
        if col == 6 and role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(status_colour(v.status))
        if col == 6 and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(_WHITE))
        if role == STATUS_ROLE:
            return v.status
        if col == 5 and role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


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


class ReleasesTableModel(_ColumnsModel):
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
                _days_text(r.days_left),
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
        if col == 6 and role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(status_colour(r.status))
        if col == 6 and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(_WHITE))
        if col == 5 and role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class ReleasesFilterProxy(QSortFilterProxyModel):
    """Filters the schedule by product and status; sorts by the source's SORT_ROLE keys."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._product = ""
        self._status = ""
        self.setSortRole(SORT_ROLE)

    def set_product(self, product: str) -> None:
        self._set_filter(product, self._status)

    def set_status(self, status: str) -> None:
        self._set_filter(self._product, status)

    def _set_filter(self, product: str, status: str) -> None:
        if (product, status) == (self._product, self._status):
            return
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.10 replaces invalidateRowsFilter()
            self.beginFilterChange()
            self._product, self._status = product, status
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self._product, self._status = product, status
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, ReleasesTableModel):
            return True
        r = model.row(source_row)
        if self._product and r.product != self._product:
            return False
        return not (self._status and r.status != self._status)

    def lessThan(self, left: Index, right: Index) -> bool:
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        try:
            return bool(a < b)
        except TypeError:  # mixed version key shapes: compare as text rather than fail
            return str(a) < str(b)
