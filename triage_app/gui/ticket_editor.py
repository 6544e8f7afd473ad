"""The ticket pane's editor: plain text only, safe with huge or binary pastes, evidence highlighted by side."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from triage_app.gui.plain import plain_tooltip
from triage_app.gui.theme import highlight_colour, underline_colour

if TYPE_CHECKING:
    # The text-format types are imported where highlights are painted and tooltips shown: the
    # first frame needs none of them, and their Python types take ~4 ms to build.
    from PySide6.QtCore import QMimeData
    from PySide6.QtGui import QTextCursor
    from PySide6.QtWidgets import QTextEdit

    from triage_app.gui.highlights import Highlight

# One edit that removes at least this share of the ticket replaces it (select-all + paste or type):
# what follows is another ticket, not a correction of this one.
REPLACED_SHARE = 0.8


class TicketEditor(QPlainTextEdit):
    """QPlainTextEdit that inserts only plain text and reports what it had to clean."""

    pasteCleaned = Signal(int, int)  # replaced control characters, split lines
    # One edit replaced (almost) the whole ticket, or emptied it: the text is another ticket now.
    replacedWhole = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ticketEdit")
        self.setAccessibleName("Ticket text")
        self.setAccessibleDescription("Paste the customer's issue here; it is triaged as you type.")
        self.setPlaceholderText(
            "Paste the customer's issue here (Ctrl+Shift+V pastes from the clipboard and triages).\n\n"
            "Mail, Slack thread or log excerpt: it is triaged as you type; Ctrl+Enter triages now."
        )
        self.setTabChangesFocus(True)  # Tab moves on to the verdict, following the flow
        self.highlighter = EvidenceHighlighter(self)
        self.document().contentsChange.connect(self._on_contents_change)

    def _on_contents_change(self, _position: int, removed: int, added: int) -> None:
        # characterCount() counts the final paragraph separator; a whole-document replacement
        # reports it in both `removed` and `added`, so the share stays right either way.
        before = self.document().characterCount() - added + removed
        if before <= 1 or removed < REPLACED_SHARE * before:
            return
        if added > 0 or not self.document().toPlainText().strip():
            self.replacedWhole.emit()

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return source.hasText() or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:
        # Only the plain-text flavour is ever used: HTML/rich text in the clipboard is ignored.
        if not source.hasText():
            return
        self.insert_clean(source.text())

    def insert_clean(self, text: str, replace_all: bool = False) -> None:
        """Insert text (cleaned) at the cursor, or over everything; one undo step either way."""
        from triage_app.core.ticket_input import clean_pasted_text  # first paste: after paint

        cleaned = clean_pasted_text(text)
        cursor = self.textCursor()
        if replace_all:
            cursor.select(cursor.SelectionType.Document)
        start = cursor.selectionStart()
        whole = start == 0 and (replace_all or self.document().characterCount() <= 1)
        cursor.insertText(cleaned.text)
        long_paste = self._taller_than_view(cleaned.text)
        if long_paste:
            # A long paste (a 3,000-line log) keeps its top in view: the customer's question is
            # there, not at the end of the log. The cursor waits at the start of the paste.
            cursor.setPosition(start)
        self.setTextCursor(cursor)
        if long_paste and whole:
            self.verticalScrollBar().setValue(0)
        if cleaned.replaced_controls or cleaned.split_lines:
            self.pasteCleaned.emit(cleaned.replaced_controls, cleaned.split_lines)

    def _taller_than_view(self, text: str) -> bool:
        lines_in_view = max(1, self.viewport().height() // max(1, self.fontMetrics().lineSpacing()))
        return text.count("\n") >= lines_in_view

    def changeEvent(self, e: QEvent) -> None:
        super().changeEvent(e)
        if e.type() == QEvent.Type.PaletteChange:
            self.highlighter.refresh_colours()  # tints suited to the new light or dark base

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ToolTip:
            from PySide6.QtGui import QHelpEvent
            from PySide6.QtWidgets import QToolTip

            if not isinstance(e, QHelpEvent):
                return super().event(e)
            pos = self.cursorForPosition(e.pos()).position()
            tip = self.highlighter.tooltip_at(pos)
            if tip:
                # Bullet titles and evidence terms quote the policy and the ticket: escaped.
                QToolTip.showText(e.globalPos(), plain_tooltip(tip), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(e)


class EvidenceHighlighter(QObject):
    """Paints evidence and version spans as extra selections; Qt moves them along as the text is edited."""

    def __init__(self, editor: QPlainTextEdit) -> None:
        super().__init__(editor)
        self.editor = editor
        self._selections: list[QTextEdit.ExtraSelection] = []
        self._tips: list[tuple[QTextCursor, str]] = []
        self._highlights: list[Highlight] = []

    def set_highlights(self, highlights: list[Highlight]) -> None:
        self._highlights = list(highlights)
        self._rebuild()

    def clear(self) -> None:
        self.set_highlights([])

    def highlights(self) -> list[Highlight]:
        return list(self._highlights)

    def refresh_colours(self) -> None:
        """Called on a palette change so tints suit the new light or dark theme."""
        self._rebuild()

    def _rebuild(self) -> None:
        from PySide6.QtGui import QTextCharFormat, QTextCursor, QTextFormat
        from PySide6.QtWidgets import QTextEdit

        if not self._highlights and not self._selections:
            return  # nothing painted, nothing to paint
        palette = self.editor.palette()
        doc = self.editor.document()
        length = max(0, doc.characterCount() - 1)
        selections: list[QTextEdit.ExtraSelection] = []
        tips: list[tuple[QTextCursor, str]] = []
        for h in sorted(self._highlights, key=lambda h: (h.start, h.end)):
            if h.end > length:
                continue
            cursor = QTextCursor(doc)
            cursor.setPosition(h.start)
            cursor.setPosition(h.end, QTextCursor.MoveMode.KeepAnchor)
            fmt = QTextCharFormat()
            fmt.setBackground(highlight_colour(h.side, palette))
            fmt.setUnderlineColor(underline_colour(h.side))
            # Shape as well as colour tells the sides apart (colour-blind users, greyscale prints).
            fmt.setUnderlineStyle(
                QTextCharFormat.UnderlineStyle.WaveUnderline
                if h.side == "out_of_scope"
                else QTextCharFormat.UnderlineStyle.SingleUnderline
            )
            fmt.setProperty(QTextFormat.Property.UserProperty, h.side)
            sel = QTextEdit.ExtraSelection()
            sel.cursor = cursor  # type: ignore[misc]
            sel.format = fmt  # type: ignore[misc]
            selections.append(sel)
            tips.append((cursor, h.tooltip))
        self._selections = selections
        self._tips = tips
        self.editor.setExtraSelections(selections)

    def tooltip_at(self, position: int) -> str:
        """The tooltip of the highlight under `position` (cursors follow edits, so this stays right)."""
        names = [
            tip
            for cursor, tip in self._tips
            if cursor.selectionStart() <= position < cursor.selectionEnd()
        ]
        return "\n\n".join(dict.fromkeys(names))

    def spans(self) -> list[tuple[int, int, str]]:
        """Current (start, end, side) of every painted highlight, for tests and accessibility."""
        from PySide6.QtGui import QTextFormat

        return sorted(
            (
                sel.cursor.selectionStart(),
                sel.cursor.selectionEnd(),
                str(sel.format.property(QTextFormat.Property.UserProperty)),
            )
            for sel in self._selections
        )
