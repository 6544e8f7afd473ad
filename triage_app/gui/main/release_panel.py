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

from triage_app.gui.main.models import VersionTableModel
from triage_app.gui.shared.lazy_qt import show_plain
from triage_app.gui.shared.theme import section_title

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
    """One line naming every version that needs action, worst first, so the answer is visible
    without reading the table; else the best news there is."""
    from triage_app.core.releases.support_summary import join_words, needing_action, support_words

    urgent = needing_action(versions)
    if urgent:
        unsupported = [v for v in urgent if v.status == "unsupported"]
        ending = [v for v in urgent if v.status == "ending_soon"]
        parts = []
        if unsupported:
            names = join_words([f"{v.text} ({_short(support_words(v))})" for v in unsupported])
            parts.append(f"⚠ No longer supported: {names}.")
        if ending:
            names = join_words([f"{v.text} ({_short(support_words(v))})" for v in ending])
            parts.append(f"Support ending soon: {names}.")
        target = next((v.upgrade_target for v in urgent if v.upgrade_target), None)
        if target:
            parts.append(f"Upgrade to {target}.")
        return " ".join(parts)
    supported = [v for v in versions if v.status == "supported"]
    if supported:
        v = supported[0]
        if v.substitute:
            return f"{v.version}: {v.basis}."
        return f"{v.text} is supported until {v.supported_until}."
    count = len(versions)
    return f"{count} version mention{'s' if count != 1 else ''}; none matched a release in the schedule."


def _short(words: str) -> str:
    """'its support ended on 2025-12-26' -> 'ended 2025-12-26'; a stand-in's reasoning, shortened:
    '2.19.4 is older than 2.20.0, whose support ended on ...' -> 'older than 2.20.0, ended ...'."""
    for long, short in (("its support ended on ", "ended "), ("its support ends on ", "ends ")):
        if words.startswith(long):
            return short + words[len(long) :]
    _, sep, rest = words.partition(" is older than ")
    if sep:
        return "not in the schedule; older than " + rest.split(", so it is")[0].replace(
            ", whose support ended on ", ", which ended "
        )
    return words
