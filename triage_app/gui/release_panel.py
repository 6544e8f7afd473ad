"""Release panel: every version the ticket mentions, the release it resolved to, and its support status."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from triage_app.gui.lazy_qt import show_plain
from triage_app.gui.models import VersionTableModel
from triage_app.gui.theme import section_title

if TYPE_CHECKING:  # loaded with the services, after the first paint
    from triage_app.core.result import VersionMention


class ReleasePanel(QWidget):
    """A table of version mentions; says plainly when the ticket names no version."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = VersionTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("versionTable")
        self.table.setAccessibleName("Versions mentioned in the ticket")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)

        self.title = section_title("Release status")
        self.summary = QLabel("")
        self.summary.setObjectName("releaseSummary")
        self.summary.setAccessibleName("Release status summary")
        self.summary.setWordWrap(True)
        # It quotes the ticket's version text and the CSV's upgrade target: never rendered as HTML.
        show_plain(self.summary)
        self.source = ""

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self.set_versions([])

    def set_versions(self, versions: Sequence[VersionMention], triaged: bool = False) -> None:
        self.model.set_versions(versions)
        if versions:
            self.table.resizeColumnsToContents()
            worst = _worst(versions)
            self.summary.setText(worst)
        elif triaged:
            self.summary.setText("The ticket names no Prefect version: ask which release they run.")
        else:
            self.summary.setText(
                "Versions the ticket mentions appear here with their support status."
            )


def _worst(versions: Sequence[VersionMention]) -> str:
    """One line naming the most urgent status, so the answer is visible without reading the table."""
    unsupported = [v for v in versions if v.status == "unsupported"]
    if unsupported:
        v = unsupported[0]
        target = f"; upgrade to {v.upgrade_target}" if v.upgrade_target else ""
        return f"⚠ {v.text} is no longer supported (ended {v.supported_until}){target}."
    ending = [v for v in versions if v.status == "ending_soon"]
    if ending:
        v = ending[0]
        return f"{v.text}: support ends {v.supported_until} ({v.days_left} days left)."
    supported = [v for v in versions if v.status == "supported"]
    if supported:
        v = supported[0]
        return f"{v.text} is supported until {v.supported_until}."
    count = len(versions)
    return f"{count} version mention{'s' if count != 1 else ''}; none matched a release in the schedule."
