"""The ticket pane's editor: plain text only, safe with huge or binary pastes, evidence highlighted by side."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from triage_app.gui.shared.plain import plain_tooltip
from triage_app.gui.shared.theme import highlight_colour, underline_colour

if TYPE_CHECKING:
    # The text-format types are imported where highlights are painted and tooltips shown: the
    # first frame needs none of them, and their Python types take ~4 ms to build.
    from PySide6.QtCore import QMimeData
    from PySide6.QtGui import QTextCursor
    from PySide6.QtWidgets import QTextEdit

    from triage_app.gui.main.highlights import Highlight

# One edit that removes at least this share of the ticket replaces it (select-all + paste or type):
# what follows is another ticket, not a correction of this one.
REPLACED_SHARE = 0.8
# A paste longer than this is cleaned on a worker thread (10 MB took 70-90 ms on the GUI thread).
ASYNC_CLEAN_CHARS = 256 * 1024
# A ticket longer than this is shown as a preview of its first part, read-only, with a banner that
# offers the rest: Qt lays text out at ~35 ms a megabyte, so handing it 10 MB froze the window for
# a third of a second, and nobody reads 10 MB on screen. Triage, history and export get it whole.
PREVIEW_CHARS = 1024 * 1024


class TicketEditor(QPlainTextEdit):
    """QPlainTextEdit that inserts only plain text and reports what it had to clean."""

    pasteCleaned = Signal(int, int)  # replaced control characters, split lines
    # One edit replaced (almost) the whole ticket, or emptied it: the text is another ticket now.
    replacedWhole = Signal()
    # A preview is shown: (characters on screen, characters in the ticket); (0, 0) when it ends.
    previewChanged = Signal(int, int)
    pasteLanded = Signal()  # a paste cleaned on the worker thread is in place

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
        self._full: str | None = None  # the whole ticket while a preview shows its start
        self._left: tuple[str, int] | None = None  # a preview edited away, for Undo to restore
        self._preview_count = 0  # characterCount() of the document while the preview is shown
        self._plain: str | None = None  # toPlainText() until the next edit
        self._landing = False  # the editor is putting a paste or a preview in place itself
        self._clean_seq = 0  # the newest paste sent to the worker; older results are dropped
        self._paste_at = (0, 0, 0)  # where the paste goes: start, characters replaced, after it
        self._cleaning = False
        self._pool: QThreadPool | None = None
        self._worker: object = None
        self.document().contentsChanged.connect(self._on_edited)

    # ------------------------------------------------------------------ the whole ticket

    def full_text(self) -> str:
        """The whole ticket: what triage, history, export and autosave use (the preview's source
        while one is shown; otherwise the text on screen, read once per edit)."""
        if self._full is not None:
            return self._full
        if self._plain is None:
            self._plain = self.toPlainText()
        return self._plain

    @property
    def preview_shown(self) -> bool:
        return self._full is not None

    @property
    def cleaning(self) -> bool:
        """A paste is being cleaned on the worker thread; the text on screen is about to change."""
        return self._cleaning

    def _on_edited(self) -> None:
        self._plain = None
        if self._landing:
            return
        if self._cleaning:
            # Changed while a long paste was being cleaned (Clear, a new ticket loaded): the
            # paste's place is gone, and what was done since wins.
            self._clean_seq += 1
            self._cleaning = False
            self.setReadOnly(self._full is not None)
        if self._full is not None:
            # Cleared, undone or replaced from outside: the preview's text is no longer on screen.
            # Kept, so that Undo (after Clear, say) brings back the whole ticket, not its start.
            self._left = (self._full, self._preview_count)
            self._end_preview()
        elif self._left is not None and self.document().characterCount() == self._left[1]:
            full = self._left[0]
            if full.startswith(self.full_text()):  # the preview is back on screen (Undo)
                self._left = None
                self._full = full
                self.setReadOnly(True)
                self.previewChanged.emit(self.document().characterCount() - 1, len(full))

    def _end_preview(self) -> None:
        self._full = None
        self.setReadOnly(False)
        self.previewChanged.emit(0, 0)

    def show_all(self) -> None:
        """Put the whole ticket on screen (the engineer asked: this one may take a moment)."""
        full = self._full
        if full is None:
            return
        self._landing = True
        try:
            self._replace_all(full)
        finally:
            self._landing = False
        self._left = None
        self._end_preview()
        self.moveCursor(self.textCursor().MoveOperation.Start)

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
        """Insert text (cleaned) at the cursor, or over everything; one undo step either way.

        A long paste is cleaned on a worker thread and lands when ready (pasteLanded); a ticket
        longer than PREVIEW_CHARS is then shown as a preview (previewChanged)."""
        if len(text) <= ASYNC_CLEAN_CHARS and self._full is None:
            from triage_app.core.triage.ticket_input import (
                clean_pasted_text,  # first paste: after paint
            )

            self._clean_seq += 1  # a long paste still being cleaned is overtaken by this one
            self._cleaning = False
            self.setReadOnly(False)
            cleaned = clean_pasted_text(text)
            cursor = self.textCursor()
            if replace_all:
                cursor.select(cursor.SelectionType.Document)
            self._insert_keeping_top(cursor, cleaned.text, replace_all)
            self._report_cleaning(cleaned.replaced_controls, cleaned.split_lines)
            return
        if replace_all:
            before, after = "", ""
            self._paste_at = (0, self.document().characterCount() - 1, 0)
        else:
            # Positions on screen are positions in the whole ticket: a preview is its start.
            cursor = self.textCursor()
            whole = self.full_text()
            before, after = whole[: cursor.selectionStart()], whole[cursor.selectionEnd() :]
            on_screen = self.document().characterCount() - 1
            self._paste_at = (
                len(before),
                min(len(whole), on_screen) - len(before) - len(after),
                len(after),
            )
        self._clean_in_background(text, before, after)

    def _clean_in_background(self, text: str, before: str, after: str) -> None:
        from triage_app.gui.shared.workers import FunctionWorker

        def job() -> tuple[str, int, int, int]:
            from triage_app.core.triage.ticket_input import clean_pasted_text

            cleaned = clean_pasted_text(text)
            caret = len(before) + len(cleaned.text)
            joined = before + cleaned.text + after
            return joined, caret, cleaned.replaced_controls, cleaned.split_lines

        if self._pool is None:
            self._pool = QThreadPool(self)
            self._pool.setMaxThreadCount(1)
        self._clean_seq += 1
        self._cleaning = True
        self.setReadOnly(True)  # what is typed now would land under the paste
        worker = FunctionWorker(job, self._clean_seq)
        worker.setAutoDelete(False)
        self._worker = worker  # kept until it reports
        worker.signals.done.connect(self._on_cleaned)
        worker.signals.failed.connect(self._on_clean_failed)
        self._pool.start(worker)

    @Slot(int, object)
    def _on_cleaned(self, seq: int, payload: object) -> None:
        if seq != self._clean_seq:
            return  # a newer paste or a typed replacement overtook this one
        self._cleaning = False
        joined, caret, controls, split = payload  # type: ignore[misc]
        start, replaced, rest = self._paste_at
        self._landing = True
        try:
            if len(joined) <= PREVIEW_CHARS:
                self._full = None
                cursor = self.textCursor()
                cursor.setPosition(start)
                cursor.setPosition(start + replaced, cursor.MoveMode.KeepAnchor)
                self._insert_keeping_top(cursor, joined[start:caret], start == 0 and not rest)
            else:
                # Cut at a line end, so the preview never ends in the middle of a word.
                cut = joined.rfind("\n", PREVIEW_CHARS // 2, PREVIEW_CHARS) + 1 or PREVIEW_CHARS
                self._full = joined
                self._replace_all(joined[:cut])
                self._preview_count = self.document().characterCount()
                self.moveCursor(self.textCursor().MoveOperation.Start)
            self._left = None
        finally:
            self._landing = False
        if self._full is None:
            self.setReadOnly(False)
            self.previewChanged.emit(0, 0)
        else:
            self.previewChanged.emit(self.document().characterCount() - 1, len(self._full))
        self._report_cleaning(controls, split)
        self.pasteLanded.emit()

    @Slot(int, object)
    def _on_clean_failed(self, seq: int, exc: object) -> None:
        if seq == self._clean_seq:
            self._cleaning = False
            self.setReadOnly(self._full is not None)
        raise exc[1]  # type: ignore[index]  # our bug: the error handler shows it

    def _insert_keeping_top(self, cursor: QTextCursor, text: str, whole: bool) -> None:
        """Insert at `cursor`; a long paste (a 3,000-line log) keeps its top in view: the
        customer's question is there, not at the end of the log. The cursor waits at its start."""
        start = cursor.selectionStart()
        whole = start == 0 and (whole or self.document().characterCount() <= 1)
        cursor.insertText(text)
        long_paste = self._taller_than_view(text)
        if long_paste:
            cursor.setPosition(start)
        self.setTextCursor(cursor)
        if long_paste and whole:
            self.verticalScrollBar().setValue(0)

    def _replace_all(self, text: str) -> None:
        cursor = self.textCursor()
        cursor.select(cursor.SelectionType.Document)
        cursor.insertText(text)
        self.setTextCursor(cursor)

    def _report_cleaning(self, controls: int, split: int) -> None:
        if controls or split:
            self.pasteCleaned.emit(controls, split)

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
