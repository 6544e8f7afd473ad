"""Draft pane: the editable reply draft with Copy and Export; never overwrites the engineer's edits silently."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from triage_app.core.verdicts import SPANS_BOTH, VERDICT_LABELS
from triage_app.gui.shared.theme import STATUS_LABELS, section_title

if TYPE_CHECKING:  # core.policy (hashlib, regexes) loads with the services, after first paint
    from triage_app.core.knowledge.policy import Policy
    from triage_app.core.result import TriageResult, VersionMention


def summary_draft(
    result: TriageResult,
    policy: Policy | None,
    verdict: str,
    bullet_title: str,
) -> str:
    """A plain summary (verdict, bullet, release status) shown when the service gives no draft."""
    label = VERDICT_LABELS.get(verdict, verdict)
    lines = [f"Verdict: {label} (confidence {result.confidence:.0%})"]
    bullet = policy.bullet(bullet_title) if policy and bullet_title else None
    if bullet is not None:
        side = "in scope" if bullet.side == "in_scope" else "out of scope"
        lines.append(f"Policy bullet ({side}): {bullet.text}")
    elif bullet_title:
        lines.append(f"Policy bullet: {bullet_title}")
    if verdict == SPANS_BOTH and policy and policy.spans_note:
        lines.append(f"Note: {policy.spans_note}")
    lines.append("")
    lines.extend(_release_lines(result.versions))
    if policy and policy.support_email:
        lines.append("")
        lines.append(
            f"Escalation: {policy.support_email} or the customer's existing Slack channel."
        )
    return "\n".join(lines)


def _release_lines(versions: Sequence[VersionMention]) -> list[str]:
    if not versions:
        return ["Release: the ticket names no version."]
    out = ["Release status:"]
    for v in versions:
        status = STATUS_LABELS.get(v.status, v.status)
        release = v.release or "not in the schedule"
        until = f", supported until {v.supported_until}" if v.supported_until else ""
        if v.substitute:  # the stand-in's dates are not the customer's
            release, until = "not in the schedule", f" ({v.basis})"
        upgrade = f"; upgrade to {v.upgrade_target}" if v.upgrade_target else ""
        out.append(f"- {v.text}: {release} — {status}{until}{upgrade}")
    return out


class DraftPane(QWidget):
    """Holds the draft text; tracks hand edits so a new triage offers to regenerate instead of overwriting."""

    copyRequested = Signal()
    exportRequested = Signal()
    regenerateRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = section_title("Reply draft")
        self.edit = QPlainTextEdit()
        self.edit.setObjectName("draftEdit")
        self.edit.setAccessibleName("Reply draft")
        self.edit.setPlaceholderText("The reply draft appears here after triage; edit it freely.")
        self.edit.setTabChangesFocus(True)
        self.stale = QLabel("The triage changed since you edited the draft.")
        self.stale.setObjectName("draftStale")
        self.stale.setWordWrap(True)
        self.stale.setAccessibleName("Draft out of date")
        self.regenerate_button = QPushButton("Re&generate")  # Alt+R opens the Releases menu
        self.regenerate_button.setObjectName("regenerateButton")
        self.regenerate_button.setAccessibleName("Regenerate draft (replaces your edits)")
        self.copy_button = QPushButton("&Copy")
        self.copy_button.setObjectName("copyButton")
        self.copy_button.setAccessibleName("Copy draft")
        self.copy_button.setToolTip("Copy the draft to the clipboard (Ctrl+Shift+C)")
        self.export_button = QPushButton("E&xport…")
        self.export_button.setObjectName("exportButton")
        self.export_button.setAccessibleName("Export draft")
        self.export_button.setToolTip("Save the draft to a file (Ctrl+E)")
        # Slots where the drafting area adds prompted fields and redaction preview.
        self.extras = QVBoxLayout()

        stale_row = QHBoxLayout()
        stale_row.addWidget(self.stale, 1)
        stale_row.addWidget(self.regenerate_button)
        self._stale_row = QWidget()
        self._stale_row.setLayout(stale_row)
        stale_row.setContentsMargins(0, 0, 0, 0)
        self._stale_row.setVisible(False)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.export_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(self.extras)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self._stale_row)
        layout.addLayout(buttons)

        self._generated = ""
        self._pending = ""
        self.copy_button.clicked.connect(self.copyRequested)
        self.export_button.clicked.connect(self.exportRequested)
        self.regenerate_button.clicked.connect(self.regenerate)
        self._update_buttons()
        self.edit.textChanged.connect(self._update_buttons)

    def text(self) -> str:
        return self.edit.toPlainText()

    @property
    def edited_by_hand(self) -> bool:
        return self.edit.toPlainText() != self._generated

    def offer(self, draft: str) -> None:
        """A new generated draft: shown at once unless the engineer edited the current one."""
        if self.edited_by_hand and self.edit.toPlainText() == draft:
            self._set_generated(draft)  # a saved draft that is what the templates give anyway
            return
        if self.edited_by_hand and self.edit.toPlainText().strip():
            self._pending = draft
            self._stale_row.setVisible(draft != self._generated)
            return
        self._set_generated(draft)

    def regenerate(self) -> None:
        """Replace hand edits with the newest generated draft (Ctrl+Z in the draft brings them back)."""
        draft = self._pending or self._generated
        self._set_generated(draft)
        self.regenerateRequested.emit()

    def show_saved(self, draft: str) -> None:
        """A draft saved with a reopened ticket: shown as the engineer left it, as if edited by hand,
        so the next generated draft is offered (Regenerate), never put in its place silently."""
        self._generated = ""
        self._pending = ""
        self.edit.setPlainText(draft)
        self._stale_row.setVisible(False)

    def clear(self) -> None:
        self._pending = ""
        self._set_generated("")

    def _set_generated(self, draft: str) -> None:
        self._generated = draft
        self._pending = ""
        if self.edit.toPlainText() != draft:
            # Through the cursor, not setPlainText, so the replaced text stays undoable.
            cursor = self.edit.textCursor()
            cursor.select(cursor.SelectionType.Document)
            cursor.insertText(draft)
            self.edit.moveCursor(self.edit.textCursor().MoveOperation.Start)
        self._stale_row.setVisible(False)

    def _update_buttons(self) -> None:
        has_text = bool(self.edit.toPlainText().strip())
        self.copy_button.setEnabled(has_text)
        self.export_button.setEnabled(has_text)
