"""Prompted fields next to the draft: what the app cannot infer (customer name, ticket reference, your name)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QWidget

if TYPE_CHECKING:  # drafting is imported on use: these fields are built before the first paint
    from PySide6.QtGui import QResizeEvent

    from triage_app.core.replies.drafting import DraftInputs


MIN_FIELD_WIDTH = 60
ROW_FIELD_WIDTH = 110  # below this per field, the fields go one a row


class DraftFields(QWidget):
    """Three small inputs; `changed` fires as the engineer types so the draft follows."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.customer = self._line("customerNameEdit", "Customer name", "for the greeting")
        self.ticket_ref = self._line("ticketRefEdit", "Ticket reference", "e.g. CS-1234")
        self.engineer = self._line("engineerNameEdit", "Your name", "for the signature")
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._pairs = [
            (QLabel(text), edit)
            for text, edit in (
                ("Customer", self.customer),
                ("Ticket", self.ticket_ref),
                ("You", self.engineer),
            )
        ]
        for label, edit in self._pairs:
            label.setBuddy(edit)
            edit.setMinimumWidth(MIN_FIELD_WIDTH)
        self._stacked: bool | None = None
        self._place(stacked=False)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # One row while every field keeps a usable width; one field a row in a narrow pane, so
        # the Customer / Ticket / You fields are never cut off at 1024 px.
        labels = sum(label.sizeHint().width() for label, _edit in self._pairs)
        spacing = 5 * max(0, self._grid.horizontalSpacing())
        self._place(stacked=event.size().width() < labels + spacing + 3 * ROW_FIELD_WIDTH)

    def _place(self, stacked: bool) -> None:
        if stacked == self._stacked:
            return
        self._stacked = stacked
        for i, (label, edit) in enumerate(self._pairs):
            self._grid.removeWidget(label)
            self._grid.removeWidget(edit)
            row, col = (i, 0) if stacked else (0, 2 * i)
            self._grid.addWidget(label, row, col)
            self._grid.addWidget(edit, row, col + 1)
        for col in range(6):
            self._grid.setColumnStretch(col, 1 if col % 2 and (not stacked or col == 1) else 0)

    def _line(self, name: str, accessible: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setPlaceholderText(placeholder)
        edit.textChanged.connect(self.changed)
        return edit

    def inputs(self, verdict: str = "", bullet: str = "") -> DraftInputs:
        from triage_app.core.replies.drafting import DraftInputs

        return DraftInputs(
            customer_name=self.customer.text(),
            ticket_ref=self.ticket_ref.text(),
            engineer_name=self.engineer.text(),
            verdict=verdict or None,
            bullet=bullet or None,
        )

    def ticket_values(self) -> dict[str, str]:
        """The fields that belong to the ticket (saved with it in history); your name is not one."""
        values = {"customer_name": self.customer.text(), "ticket_ref": self.ticket_ref.text()}
        return {k: v for k, v in values.items() if v}

    def set_ticket_fields(self, values: dict[str, str]) -> None:
        """Show a ticket's saved fields (empty for a new ticket) without re-drafting per field."""
        self.blockSignals(True)
        self.customer.setText(values.get("customer_name", ""))
        self.ticket_ref.setText(values.get("ticket_ref", ""))
        self.blockSignals(False)

    def clear_ticket_fields(self) -> None:
        """A new ticket: its customer and reference start empty (your name stays)."""
        self.blockSignals(True)
        self.customer.clear()
        self.ticket_ref.clear()
        self.blockSignals(False)
