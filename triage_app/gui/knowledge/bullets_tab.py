"""The Bullets & vocabulary tab: each bullet's terms with their weights and history hit counts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from triage_app.gui.knowledge.changes import TERM_GROUPS_HINT, ChangeRefused

if TYPE_CHECKING:
    from sqlite_utils import Database


class BulletsTab:
    """Methods of KbEditor for this tab (a mixin: the editor owns the widgets, services and write path)."""

    def _bullets_tab(self) -> QWidget:
        self.bullet_list = QListWidget()
        self.bullet_list.setObjectName("kbBulletList")
        self.bullet_list.setAccessibleName("Policy bullets")
        self.bullet_title = QLabel("")
        self.bullet_title.setObjectName("kbBulletTitle")
        self.bullet_title.setTextFormat(Qt.TextFormat.PlainText)
        self.bullet_title.setStyleSheet("font-weight: 600; font-size: 14px;")
        self.bullet_desc = QLabel("")
        self.bullet_desc.setObjectName("kbBulletDescription")
        self.bullet_desc.setTextFormat(Qt.TextFormat.PlainText)  # verbatim, never HTML
        self.bullet_desc.setWordWrap(True)
        self.bullet_desc.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.term_table = QTableWidget(0, 4)
        self.term_table.setObjectName("kbTermTable")
        self.term_table.setAccessibleName("Vocabulary terms of the bullet")
        self.term_table.setHorizontalHeaderLabels(["Term", "Group", "Weight", "History hits"])
        self.term_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.term_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.term_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.new_term = QLineEdit()
        self.new_term.setObjectName("kbNewTerm")
        self.new_term.setAccessibleName("New vocabulary term")
        self.new_term.setPlaceholderText("New term or phrase…")
        self.new_term_hits = QLabel("")
        self.new_term_hits.setObjectName("kbNewTermHits")
        self.new_group = QComboBox()
        self.new_group.setObjectName("kbNewGroup")
        self.new_group.setEditable(True)
        self.new_group.setAccessibleName("Group of the new term")
        self.new_weight = QDoubleSpinBox()
        self.new_weight.setObjectName("kbNewWeight")
        self.new_weight.setRange(0.1, 5.0)
        self.new_weight.setSingleStep(0.5)
        self.new_weight.setValue(1.0)
        self.add_term_button = QPushButton("&Add term")
        self.add_term_button.setObjectName("kbAddTerm")
        self.remove_term_button = QPushButton("&Remove term")
        self.remove_term_button.setObjectName("kbRemoveTerm")
        self.add_term_button.clicked.connect(self._add_term_clicked)
        self.remove_term_button.clicked.connect(self._remove_term_clicked)
        self.new_term.textChanged.connect(self._count_new_term)
        self.new_term.returnPressed.connect(self._add_term_clicked)
        self.bullet_list.currentRowChanged.connect(lambda _r: self._show_bullet())

        add = QHBoxLayout()
        add.addWidget(self.new_term, 3)
        add.addWidget(self.new_term_hits)
        add.addWidget(self.new_group, 1)
        add.addWidget(self.new_weight)
        add.addWidget(self.add_term_button)
        add.addWidget(self.remove_term_button)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.addWidget(self.bullet_title)
        rl.addWidget(self.bullet_desc)
        rl.addWidget(QLabel("Vocabulary (the policy text itself is never changed here):"))
        rl.addWidget(self.term_table, 1)
        rl.addLayout(add)
        split = QSplitter()
        split.addWidget(self.bullet_list)
        split.addWidget(right)
        split.setSizes([300, 750])
        return split

    def _fill_bullets(self) -> None:
        current = self.current_bullet()
        self.bullet_list.blockSignals(True)
        self.bullet_list.clear()
        for b in self.services.policy.bullets:
            side = "in" if b.side == "in_scope" else "out"
            item = QListWidgetItem(f"[{side}] {b.title}")
            item.setData(Qt.ItemDataRole.UserRole, b.title)
            self.bullet_list.addItem(item)
        titles = [b.title for b in self.services.policy.bullets]
        self.bullet_list.setCurrentRow(titles.index(current) if current in titles else 0)
        self.bullet_list.blockSignals(False)
        self._show_bullet()

    def current_bullet(self) -> str | None:
        item = self.bullet_list.currentItem() if hasattr(self, "bullet_list") else None
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _show_bullet(self) -> None:
        title = self.current_bullet()
        bullet = self.services.policy.bullet(title) if title else None
        self.bullet_title.setText(bullet.title if bullet else "")
        self.bullet_desc.setText(bullet.description if bullet else "")
        rows = self._read(
            lambda db: list(
                db.query(
                    "select id, grp, term, weight from vocabulary where bullet = ? order by grp, id",
                    [title or ""],
                )
            )
        )
        groups = sorted({r["grp"] for r in rows} | {TERM_GROUPS_HINT})
        self.new_group.clear()
        self.new_group.addItems(groups)
        self.new_group.setCurrentText(TERM_GROUPS_HINT)
        self.term_table.setRowCount(0)  # drop the old items before new ones (no replacing in place)
        self.term_table.setRowCount(len(rows))
        self._table_gen += 1
        for i, r in enumerate(rows):
            for col, value in enumerate((r["term"], r["grp"], f"{r['weight']:g}", "…")):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, r["id"])
                self.term_table.setItem(i, col, item)
            self._count_later(r["term"], self._table_gen, i)
        self._count_new_term()

    def _count_new_term(self) -> None:
        term = self.new_term.text().strip()
        if not term:
            self.new_term_hits.setText("")
            return
        self._new_term_gen += 1
        self.new_term_hits.setText("counting…")
        self._count_later(term, self._new_term_gen, -1)

    def add_term(self, bullet: str, term: str, group: str = "terms", weight: float = 1.0) -> bool:
        term, group = term.strip(), group.strip() or TERM_GROUPS_HINT
        if not term:
            self._say("Not saved: the term is empty.")
            return False

        def change(db: Database) -> None:
            if len(term) > 200:
                raise ChangeRefused("a term is at most 200 characters")
            dupe = list(
                db.query(
                    "select 1 from vocabulary where bullet = ? and grp = ? and lower(term) = lower(?)",
                    [bullet, group, term],
                )
            )
            if dupe:
                raise ChangeRefused(f"{term!r} is already in {group} of {bullet}")
            db.table("vocabulary").insert(
                {"bullet": bullet, "grp": group, "term": term, "weight": float(weight)}
            )

        ok = self.apply_change(f"add {term!r} to {bullet}", ["vocabulary"], change)
        if ok:
            self.new_term.clear()
        return ok

    def remove_terms(self, ids: list[int]) -> bool:
        if not ids:
            return False

        def change(db: Database) -> None:
            for i in ids:
                db.table("vocabulary").delete(i)

        return self.apply_change(f"remove {len(ids)} term(s)", ["vocabulary"], change)

    def _add_term_clicked(self) -> None:
        bullet = self.current_bullet()
        if bullet:
            self.add_term(
                bullet, self.new_term.text(), self.new_group.currentText(), self.new_weight.value()
            )

    def _remove_term_clicked(self) -> None:
        rows = {i.row() for i in self.term_table.selectionModel().selectedRows()}
        ids = [self.term_table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in sorted(rows)]
        self.remove_terms(ids)
