"""The Reply templates tab: the one template editor, with reset to the shipped text."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from triage_app.core.replies.templates import TEMPLATE_LABELS
from triage_app.storage import templates_repo


class TemplatesTab:
    """Methods of KbEditor for this tab (a mixin: the editor owns the widgets, services and write path)."""

    def _templates_tab(self) -> QWidget:
        self.template_list = QListWidget()
        self.template_list.setObjectName("kbTemplateList")
        self.template_list.setAccessibleName("Reply templates")
        self.template_edit = QPlainTextEdit()
        self.template_edit.setObjectName("kbTemplateEdit")
        self.template_edit.setAccessibleName("Template text")
        # Fixed width: placeholders and indented quote lines line up as they will in the draft.
        self.template_edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.template_save = QPushButton("Save template")
        self.template_save.setObjectName("kbTemplateSave")
        self.template_reset = QPushButton("Reset to default")
        self.template_reset.setObjectName("kbTemplateReset")
        self.template_list.currentRowChanged.connect(lambda _r: self._show_template())
        self.template_save.clicked.connect(
            lambda: self.save_template(self.current_template(), self.template_edit.toPlainText())
        )
        self.template_reset.clicked.connect(lambda: self.reset_template(self.current_template()))
        hint = QLabel(
            "{customer_name|there} placeholder with fallback · {>greeting} block · "
            "{?version} … {/?} lines shown only when set · // note for you only, never sent. "
            "An unknown placeholder is refused with its line."
        )
        hint.setTextFormat(Qt.TextFormat.PlainText)
        hint.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.template_reset)
        buttons.addWidget(self.template_save)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.addWidget(hint)
        rl.addWidget(self.template_edit, 1)
        rl.addLayout(buttons)
        split = QSplitter()
        split.addWidget(self.template_list)
        split.addWidget(right)
        split.setSizes([250, 800])
        return split

    def current_template(self) -> str:
        item = self.template_list.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole) or "") if item is not None else ""

    def show_templates(self, name: str = "") -> None:
        """Open on the reply templates (the Draft menu's Edit reply templates), at `name` if given."""
        self.tabs.setCurrentIndex(self._templates_index)
        if name:
            for row in range(self.template_list.count()):
                if self.template_list.item(row).data(Qt.ItemDataRole.UserRole) == name:
                    self.template_list.setCurrentRow(row)
        self.template_list.setFocus()

    def _fill_templates(self) -> None:
        current = self.current_template()
        templates = self._read(templates_repo.read_templates)
        changed = self._read(templates_repo.customized)
        self.template_list.blockSignals(True)
        self.template_list.clear()
        for name in templates:
            label = TEMPLATE_LABELS.get(name, name)
            item = QListWidgetItem(f"{label} (customized)" if name in changed else label)
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.template_list.addItem(item)
        names = list(templates)
        self.template_list.setCurrentRow(names.index(current) if current in names else 0)
        self.template_list.blockSignals(False)
        self._show_template()

    def _show_template(self) -> None:
        name = self.current_template()
        body = self._read(templates_repo.read_templates).get(name, "")
        self.template_edit.setPlainText(body)

    def save_template(self, name: str, body: str) -> bool:
        return self.apply_change(
            f"edit template {name}",
            ["templates"],
            lambda db: templates_repo.save_templates(db, {name: body}),
        )

    def reset_template(self, name: str) -> bool:
        return self.apply_change(
            f"reset template {name}",
            ["templates"],
            lambda db: templates_repo.reset_template(db, name),
        )
