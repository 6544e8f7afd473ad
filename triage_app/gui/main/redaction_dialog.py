"""Redaction preview before copy or export: what was masked, with a per-item undo."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from triage_app.core.replies import redaction


class RedactionDialog(QDialog):
    """Lists every masked item (checked = masked); unchecking one restores it in the preview."""

    def __init__(
        self,
        text: str,
        purpose: str,
        allow: tuple[str, ...] = (),
        personal: bool = False,
        parent: QWidget | None = None,
        subject_from: tuple[str, str] | None = None,
    ) -> None:
        """`subject_from` (ticket reference, ticket text): an export shows the Subject it will get."""
        super().__init__(parent)
        self.setObjectName("redactionDialog")
        self.setWindowTitle("Check what leaves the app")
        self.text = text
        self.allow = allow
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        self.subject_from = subject_from
        self.subject = QLabel()
        self.subject.setObjectName("redactionSubject")
        self.subject.setTextFormat(Qt.TextFormat.PlainText)  # ticket text is never rendered as HTML
        self.subject.setWordWrap(True)
        self.subject.setVisible(subject_from is not None)
        self.personal = QCheckBox("Also mask e-mail addresses, phone numbers and IP addresses")
        self.personal.setObjectName("redactPersonal")
        self.personal.setChecked(personal)
        self.items_list = QListWidget()
        self.items_list.setObjectName("redactionList")
        self.items_list.setAccessibleName("Masked items; uncheck one to keep it")
        self.preview = QPlainTextEdit()
        self.preview.setObjectName("redactionPreview")
        self.preview.setAccessibleName("What will be sent")
        self.preview.setReadOnly(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.addButton(
            "Copy" if purpose == "copy" else "Export", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.ok_button.setObjectName("redactionOk")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.subject)
        layout.addWidget(self.personal)
        layout.addWidget(self.items_list, 1)
        layout.addWidget(QLabel("Preview:"))
        layout.addWidget(self.preview, 2)
        layout.addWidget(buttons)
        self.resize(720, 520)
        self._items: list[redaction.Redaction] = []
        self.personal.toggled.connect(self._scan)
        self.items_list.itemChanged.connect(self._update_preview)
        self._scan()

    def _scan(self) -> None:
        self._items = redaction.find_redactions(self.text, self.kinds(), self.allow)
        self.items_list.blockSignals(True)
        self.items_list.clear()
        for item in self._items:
            row = QListWidgetItem(f"{item.label}: {item.preview()}")
            row.setFlags(row.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            row.setCheckState(Qt.CheckState.Checked)
            self.items_list.addItem(row)
        self.items_list.blockSignals(False)
        self._update_preview()

    def kept_masked(self) -> list[redaction.Redaction]:
        return [
            item
            for i, item in enumerate(self._items)
            if self.items_list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def found(self) -> list[redaction.Redaction]:
        return list(self._items)

    def kinds(self) -> tuple[str, ...]:
        return redaction.kinds_for(self.personal.isChecked())

    def sent_as_is(self) -> list[str]:
        """The originals the engineer unchecked: they are sent, in the subject too."""
        kept = set(map(id, self.kept_masked()))
        return [item.original for item in self._items if id(item) not in kept]

    def outgoing(self) -> str:
        return redaction.apply_redactions(self.text, self.kept_masked())

    def _update_preview(self) -> None:
        masked = len(self.kept_masked())
        total = len(self._items)
        if total:
            self.heading.setText(
                f"{masked} of {total} item(s) will be masked. Uncheck an item to send it as it is."
            )
        else:
            self.heading.setText("Nothing to mask was found.")
        self.preview.setPlainText(self.outgoing())
        if self.subject_from is not None:
            from triage_app.core.replies.export import outgoing_message

            ref, ticket = self.subject_from
            allow = (*self.allow, *self.sent_as_is())
            sent = outgoing_message("", ref, ticket, self.kinds(), allow)
            self.subject.setText(f"Subject: {sent.subject}")
