"""Template editor: edit the reply templates and blocks, save with validation, reset to the shipped default."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from triage_app.core import templates as tpl
from triage_app.storage import templates_repo
from triage_app.storage.database import KnowledgeBase
from triage_app.storage.errors import StorageError


class TemplateEditor(QDialog):
    """One list of templates, one plain-text editor; `saved` fires after a successful write."""

    saved = Signal()

    def __init__(
        self,
        kb: KnowledgeBase,
        on_saved: Callable[[], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("templateEditor")
        self.setWindowTitle("Reply templates")
        self.kb = kb
        self.names = list(tpl.TEMPLATE_NAMES)
        self.list = QListWidget()
        self.list.setObjectName("templateList")
        self.list.setAccessibleName("Templates")
        self.list.addItems([tpl.TEMPLATE_LABELS[n] for n in self.names])
        self.edit = QPlainTextEdit()
        self.edit.setObjectName("templateEdit")
        self.edit.setAccessibleName("Template text")
        self.edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.help = QLabel(
            "{customer_name|there} placeholder with fallback · {>greeting} block · "
            "{?version} … {/?} lines shown only when set · // note for you only, never sent"
        )
        self.help.setTextFormat(Qt.TextFormat.PlainText)
        self.help.setWordWrap(True)
        self.status = QLabel("")
        self.status.setObjectName("templateStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.save_button = QPushButton("&Save")
        self.save_button.setObjectName("templateSave")
        self.reset_button = QPushButton("&Reset to default")
        self.reset_button.setObjectName("templateReset")
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        self.save_button.clicked.connect(self.save)
        self.reset_button.clicked.connect(self.reset)
        self.list.currentRowChanged.connect(self._show)
        right = QVBoxLayout()
        right.addWidget(self.edit, 1)
        right.addWidget(self.help)
        right.addWidget(self.status)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reset_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        right.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(right, 1)
        if on_saved is not None:
            self.saved.connect(on_saved)
        self.resize(900, 560)
        self.list.setCurrentRow(0)

    @property
    def current_name(self) -> str:
        return self.names[max(self.list.currentRow(), 0)]

    def _show(self, row: int) -> None:
        if row < 0:
            return
        with self.kb.lock:
            body = templates_repo.read_templates(self.kb.db)[self.names[row]]
            custom = templates_repo.customized(self.kb.db)
        self.edit.setPlainText(body)
        self.reset_button.setEnabled(self.names[row] in custom)
        self.status.setText(
            "Edited by your team." if self.names[row] in custom else "Shipped default."
        )

    def save(self) -> bool:
        name = self.current_name
        try:
            with self.kb.transaction() as db:
                templates_repo.save_template(db, name, self.edit.toPlainText())
        except StorageError as exc:
            self.status.setText(f"Not saved: {exc}")
            return False
        self.status.setText("Saved.")
        self.reset_button.setEnabled(True)
        self.saved.emit()
        return True

    def reset(self) -> None:
        name = self.current_name
        try:
            with self.kb.transaction() as db:
                body = templates_repo.reset_template(db, name)
        except StorageError as exc:
            self.status.setText(f"Not reset: {exc}")
            return
        self.edit.setPlainText(body)
        self.reset_button.setEnabled(False)
        self.status.setText("Back to the shipped default.")
        self.saved.emit()
