"""Prompted fields next to the draft: what the app cannot infer (customer name, ticket reference, your name)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLineEdit, QWidget

if TYPE_CHECKING:  # drafting is imported on use: these fields are built before the first paint
    from triage_app.core.drafting import DraftInputs


class DraftFields(QWidget):
    """Three small inputs; `changed` fires as the engineer types so the draft follows."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.customer = self._line(
            "customerNameEdit", "Customer name", "Customer name (for the greeting)"
        )
        self.ticket_ref = self._line(
            "ticketRefEdit", "Ticket reference", "Ticket reference, e.g. CS-1234"
        )
        self.engineer = self._line("engineerNameEdit", "Your name", "Your name (for the signature)")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for label, edit in (
            ("Customer", self.customer),
            ("Ticket", self.ticket_ref),
            ("You", self.engineer),
        ):
            form = QFormLayout()
            form.setContentsMargins(0, 0, 0, 0)
            form.addRow(label, edit)
            row.addLayout(form)

    def _line(self, name: str, accessible: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setPlaceholderText(placeholder)
        edit.textChanged.connect(self.changed)
        return edit

    def inputs(self, verdict: str = "", bullet: str = "") -> DraftInputs:
        from triage_app.core.drafting import DraftInputs

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
