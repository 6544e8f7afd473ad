"""The banner over a huge ticket's preview: how much of it is on screen, and a button to show all."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from triage_app.gui.main.ticket_editor import TicketEditor
from triage_app.gui.shared.lazy_qt import show_plain


def megabytes(chars: int) -> str:
    """Characters as the size a person expects ("1 MB", "10 MB", "2.5 MB")."""
    mb = chars / (1024 * 1024)
    return f"{mb:.0f} MB" if mb >= 9.95 or abs(mb - round(mb)) < 0.05 else f"{mb:.1f} MB"


class PreviewBanner(QWidget):
    """Shown while the editor holds a preview: "Showing 1 MB of 10 MB" and Show all."""

    def __init__(self, editor: TicketEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("previewBanner")
        self.editor = editor
        self.label = QLabel("")
        self.label.setObjectName("previewLabel")
        self.label.setWordWrap(True)
        show_plain(self.label)
        self.show_all_button = QPushButton("Show &all")
        self.show_all_button.setObjectName("showAllButton")
        self.show_all_button.setAccessibleName("Show the whole ticket")
        self.show_all_button.setToolTip(
            "Put the whole ticket on screen to read or edit it (a very long one takes a moment)"
        )
        self.show_all_button.clicked.connect(self._show_all)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 3, 6, 3)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.show_all_button)
        self.setStyleSheet(
            "QWidget#previewBanner { border: 1px solid palette(highlight); border-radius: 4px; }"
        )
        from triage_app.gui.shared.lazy_qt import Qt

        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)  # so the border is painted
        self.setAccessibleName("Preview of a long ticket")
        self.setVisible(False)
        editor.previewChanged.connect(self.show_preview)

    def show_preview(self, shown: int, total: int) -> None:
        """Say how much is on screen; hidden again when the preview ends (total 0)."""
        if not total:
            self.setVisible(False)
            return
        self.label.setText(
            f"Showing {megabytes(shown)} of {megabytes(total)} — the start of a long ticket, "
            "read-only. Triage, history and export use all of it."
        )
        self.setVisible(True)

    def _show_all(self) -> None:
        from PySide6.QtGui import QGuiApplication

        from triage_app.gui.shared.lazy_qt import Qt

        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.editor.show_all()
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.editor.setFocus()
