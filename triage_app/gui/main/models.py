"""Item models of the main window: the matched bullets and the versions the ticket mentions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel

from triage_app.gui.shared.lazy_qt import Qt
from triage_app.gui.shared.plain import plain_tooltip
from triage_app.gui.shared.theme import SIDE_LABELS, STATUS_LABELS, status_colour, underline_colour

if TYPE_CHECKING:  # core.policy (hashlib, regexes) loads with the services, after first paint
    from triage_app.core.knowledge.policy import Policy
    from triage_app.core.result import Match, VersionMention

Index = QModelIndex | QPersistentModelIndex
# Qt's role numbers as plain ints (pinned against Qt.ItemDataRole by tests/gui/test_lazy_qt.py):
# reading them from Qt at import would build the Qt namespace before the first paint (lazy_qt).
DISPLAY_ROLE = 0
USER_ROLE = 0x0100
SORT_ROLE = USER_ROLE + 1
STATUS_ROLE = USER_ROLE + 2
MATCH_ROLE = USER_ROLE + 10
_WHITE = "#ffffff"  # text on a status colour


def evidence_terms(match: Match) -> list[str]:
    return list(dict.fromkeys(e.term for e in match.evidence))


def days_text(days: int | None) -> str:
    """Days of support left as a table cell: "12 d", "ended 3 d ago", or a dash when unknown."""
    if days is None:
        return "–"
    if days < 0:
        return f"ended {-days} d ago"
    return f"{days} d"


def status_cell_data(column: int, role: int, status: str) -> Any:
    """The look shared by every status table: a coloured status cell (column 6), right-aligned days
    (column 5). None for any other cell and role."""
    if column == 6 and role == Qt.ItemDataRole.BackgroundRole:
        return QBrush(status_colour(status))
    if column == 6 and role == Qt.ItemDataRole.ForegroundRole:
        return QBrush(QColor(_WHITE))
    if column == 5 and role == Qt.ItemDataRole.TextAlignmentRole:
        return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return None


class MatchListModel(QAbstractListModel):
    """The matching bullets, quoted verbatim from the policy, with side and evidence."""

    MATCH_ROLE = MATCH_ROLE

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

    def data(self, index: Index, role: int = DISPLAY_ROLE) -> Any:
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
        if role == MATCH_ROLE:
            return match
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
    "Note",
)


class VersionTableModel(QStandardItemModel):
    """One row per version the ticket mentions, resolved against the release schedule.

    The rows are stored items, so painting never calls back into Python, and the header is Qt's
    own: the first frame's empty table needs no Qt enum in Python.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(0, len(VERSION_COLUMNS), parent)
        self.setHorizontalHeaderLabels(list(VERSION_COLUMNS))
        self._rows: list[VersionMention] = []

    def set_versions(self, versions: Sequence[VersionMention]) -> None:
        self._rows = list(versions)
        self.setRowCount(0)
        for v in self._rows:
            self.appendRow(_version_items(v))

    def versions(self) -> list[VersionMention]:
        return list(self._rows)


def _version_items(v: VersionMention) -> list[QStandardItem]:
    # A stand-in release is said in the row itself: its dates are not the customer's version's.
    release = f"nearest: {v.release}" if v.substitute and v.release else v.release
    values = (
        v.text,
        v.product or "unknown",
        release or "not in schedule",
        v.release_date or "–",
        v.supported_until or ("see note" if v.substitute else "–"),
        days_text(v.days_left),
        STATUS_LABELS.get(v.status, v.status),
        v.upgrade_target or ("–" if v.status != "unsupported" else "latest unknown"),
        (f"Not in the schedule: {v.basis}" if v.substitute else v.note) or "–",
    )
    tip = f"“{v.text}” at characters {v.start}–{v.end}"
    if v.product and v.reason:
        tip += f"\nRead as {v.product}, decided by “{v.reason}”"
    tip = plain_tooltip(f"{tip}\n{v.note}" if v.note else tip)
    items = []
    for column, value in enumerate(values):
        item = QStandardItem(value)
        item.setEditable(False)
        item.setData(value, Qt.ItemDataRole.AccessibleTextRole)
        item.setToolTip(tip)
        item.setData(v.status, STATUS_ROLE)
        for role in (
            Qt.ItemDataRole.BackgroundRole,
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.TextAlignmentRole,
        ):
            look = status_cell_data(column, role, v.status)
            if look is not None:
                item.setData(look, role)
        items.append(item)
    return items
