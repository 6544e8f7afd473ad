"""The Corrections tab: the team's verdict corrections the model learns from, and forgetting one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from triage_app.core.result import VERDICT_LABELS
from triage_app.gui.knowledge.changes import ChangeRefused
from triage_app.storage import corrections_repo

if TYPE_CHECKING:
    from sqlite_utils import Database


class CorrectionsTab:
    """Methods of KbEditor for this tab (a mixin: the editor owns the widgets, services and write path)."""

    def _corrections_tab(self) -> QWidget:
        self.corrections_table = QTableWidget(0, 4)
        self.corrections_table.setObjectName("kbCorrections")
        self.corrections_table.setAccessibleName("Learned corrections")
        self.corrections_table.setHorizontalHeaderLabels(["Date", "Was", "Now", "Ticket"])
        self.corrections_table.horizontalHeader().setSectionResizeMode(
            3, QHeaderView.ResizeMode.Stretch
        )
        self.corrections_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.corrections_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.correction_undo = QPushButton("Forget this correction")
        self.correction_undo.setObjectName("kbForgetCorrection")
        self.correction_undo.clicked.connect(self._forget_clicked)
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.addWidget(
            QLabel("Overrides become evidence for later similar tickets. The policy never changes.")
        )
        lay.addWidget(self.corrections_table, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.correction_undo)
        lay.addLayout(row)
        return page

    def _fill_corrections(self) -> None:
        rows = self._read(corrections_repo.list_rows)
        self.corrections_table.setRowCount(
            0
        )  # drop the old items before new ones (no replacing in place)
        self.corrections_table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            now = VERDICT_LABELS.get(r["verdict"], r["verdict"])
            values = (
                r["created_at"][:10],
                VERDICT_LABELS.get(r["original_verdict"] or "", r["original_verdict"] or "?"),
                now + (f" / {r['bullet']}" if r["bullet"] else ""),
                " ".join((r["ticket"] or "").split())[:200],
            )
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, r["id"])
                self.corrections_table.setItem(i, col, item)

    def forget_correction(self, correction_id: int) -> bool:
        def change(db: Database) -> None:
            if not corrections_repo.undo_correction(db, correction_id):
                raise ChangeRefused(f"no correction #{correction_id}")

        return self.apply_change("forget a correction", ["corrections"], change)

    def _forget_clicked(self) -> None:
        item = self.corrections_table.currentItem()
        if item is not None:
            self.forget_correction(item.data(Qt.ItemDataRole.UserRole))
