"""What the engineer sees: messages in view with room, readable notes, the top of a long paste, shortcuts."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QMimeData, QObject, QPoint, Qt
from PySide6.QtGui import QColor, QGuiApplication, QKeyEvent, QPalette
from PySide6.QtWidgets import QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.conftest import SPANS_BOTH_TICKET, triage_and_wait
from triage_app.gui.main.main_window import MainWindow
from triage_app.gui.shared.theme import contrast_ratio

LONG_TICKET = (
    "Our question: the worker pods crashloop after the Helm chart upgrade, is that ours?\n\n"
    + "\n".join(f"10:{i % 60:02d} ERROR migration step {i} failed" for i in range(3000))
)


def shown_message(window: MainWindow) -> QWidget:
    """The status message as a person sees it: visible, wide enough for its text, inside the window."""
    label = window.status_messages.label
    assert label.isVisible()
    text = label.message()
    assert text and label.text() == text  # shown in full, not elided
    assert label.width() >= label.fontMetrics().horizontalAdvance(text)
    top_left = label.mapTo(window, QPoint(0, 0))
    assert window.rect().contains(top_left)
    assert window.rect().contains(top_left + QPoint(label.fontMetrics().horizontalAdvance(text), 0))
    assert label.accessibleName() == "Status message"
    assert label.accessibleDescription() == text
    return label


def _show_at(qtbot: QtBot, window: MainWindow, width: int, height: int) -> None:
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width)


@pytest.mark.parametrize("width", [1280, 1024])
def test_copy_says_so_in_view(qtbot: QtBot, window: MainWindow, width: int) -> None:
    _show_at(qtbot, window, width, 640)
    triage_and_wait(qtbot, window, SPANS_BOTH_TICKET)
    window.act_copy.trigger()
    assert "Draft copied" in shown_message(window).text()
    assert not window.kb_label.isVisible()  # stepped aside for the message
    window.statusBar().clearMessage()
    assert window.kb_label.isVisible() and window.status_messages.label.text() == ""


def test_empty_clipboard_paste_says_so_in_view(qtbot: QtBot, window: MainWindow) -> None:
    QGuiApplication.clipboard().setMimeData(QMimeData())
    window.act_paste_triage.trigger()
    assert "clipboard holds no text" in shown_message(window).text()


def test_export_onto_a_taken_name_says_what_it_did(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _show_at(qtbot, window, 1024, 640)
    triage_and_wait(qtbot, window, SPANS_BOTH_TICKET)
    (tmp_path / "reply-a.eml").write_text("kept", encoding="utf-8")
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        staticmethod(lambda *a, **k: (str(tmp_path / "reply-a.eml"), "")),
    )
    with qtbot.waitSignal(window.draftExported):
        window.act_export.trigger()
    assert (tmp_path / "reply-a.eml").read_text(encoding="utf-8") == "kept"
    text = shown_message(window).text()  # in full, with room, at 1024 px
    assert "reply-a-2.eml" in text and "reply-a.eml already exists and was kept" in text


def _note_contrast(window: MainWindow) -> float:
    note = window.ticket_notes
    palette = note.palette()
    assert note.autoFillBackground()  # the background behind the text is the palette's Window
    return contrast_ratio(
        palette.color(QPalette.ColorRole.WindowText), palette.color(QPalette.ColorRole.Window)
    )


def test_contrast_ratio_is_wcag() -> None:
    assert contrast_ratio(QColor("#000000"), QColor("#ffffff")) == pytest.approx(21.0)
    assert contrast_ratio(QColor("#777777"), QColor("#ffffff")) == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("first", ["light", "dark"])
def test_note_under_a_long_ticket_is_readable_in_both_themes_and_after_a_switch(
    qtbot: QtBot, window: MainWindow, first: str
) -> None:
    other = "light" if first == "dark" else "dark"
    try:
        window.set_theme(first)
        triage_and_wait(qtbot, window, "helm chart upgrade fails\n" + "x" * 260_000)
        assert window.ticket_notes.isVisible() and "200 KB" in window.ticket_notes.text()
        assert window.ticket_notes.height() >= window.ticket_notes.fontMetrics().height()
        assert _note_contrast(window) >= 4.5
        window.set_theme(other)  # at run time, no restart
        background = window.ticket_notes.palette().window().color()
        assert (background.lightness() < 128) == (other == "dark")  # at once, no event loop
        assert _note_contrast(window) >= 4.5
    finally:
        window.set_theme("system")


def test_a_long_paste_keeps_the_top_of_the_ticket_in_view(qtbot: QtBot, window: MainWindow) -> None:
    mime = QMimeData()
    mime.setText(LONG_TICKET)
    QGuiApplication.clipboard().setMimeData(mime)
    window.editor.setFocus()
    window.editor.paste()  # the editor's own Ctrl+V
    editor = window.editor
    assert editor.verticalScrollBar().value() == 0
    assert editor.cursorForPosition(QPoint(4, 4)).blockNumber() == 0
    assert editor.cursorRect().top() >= 0  # the cursor is in view, at the top
    window.editor.clear()
    with qtbot.waitSignal(window.triageUpdated, timeout=10000):  # and still so once triaged
        window.act_paste_triage.trigger()  # Ctrl+Shift+V: replace and triage
    assert editor.verticalScrollBar().value() == 0
    assert editor.cursorForPosition(QPoint(4, 4)).block().text().startswith("Our question")


def test_a_short_paste_leaves_the_cursor_after_it(qtbot: QtBot, window: MainWindow) -> None:
    window.editor.insert_clean("one line")
    assert window.editor.textCursor().position() == len("one line")


class ClaimsCtrlE(QObject):
    """What a QLineEdit does under X11 key bindings (not the offscreen platform's): it claims
    Ctrl+E (end of line) in the ShortcutOverride, which used to swallow the window's Export."""

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_E
            and event.modifiers() == Qt.KeyboardModifier.ControlModifier
        ):
            event.accept()
        return False


@pytest.mark.parametrize("field", ["customer", "ticket_ref", "engineer"])
def test_ctrl_e_exports_from_the_draft_fields(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, field: str
) -> None:
    triage_and_wait(qtbot, window, SPANS_BOTH_TICKET)
    edit = getattr(window.draft_actions.fields, field)
    claims = ClaimsCtrlE(edit)
    edit.installEventFilter(claims)
    edit.setText("abc")
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    target = tmp_path / f"{field}.txt"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    with qtbot.waitSignal(window.draftExported, timeout=3000):
        qtbot.keyClick(edit, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert target.exists()
    assert edit.text() == "abc"  # the field's text is untouched
    qtbot.keyClick(
        edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier
    )  # its own keys still work
    assert edit.selectedText() == "abc"


@pytest.mark.parametrize(("size", "bullets"), [((1280, 720), 3), ((1024, 640), 2)])
def test_a_laptop_window_shows_the_bullets_and_every_draft_field(
    qtbot: QtBot, window: MainWindow, size: tuple[int, int], bullets: int
) -> None:
    window.resize(*size)
    qtbot.waitUntil(lambda: window.size().width() == size[0])
    window.default_pane_sizes()
    triage_and_wait(qtbot, window, SPANS_BOTH_TICKET)
    qtbot.waitUntil(lambda: window.verdict_card.match_list.viewport().height() > 100)
    view = window.verdict_card.match_list
    model = view.model()
    assert model.rowCount() >= bullets
    whole = [
        row
        for row in range(model.rowCount())
        if view.visualRect(model.index(row, 0)).top() >= 0
        and view.visualRect(model.index(row, 0)).bottom() <= view.viewport().height()
    ]
    assert len(whole) >= bullets, (size, view.viewport().height())
    fields = window.draft_actions.fields
    for edit in (fields.customer, fields.ticket_ref, fields.engineer):
        assert edit.isVisible() and edit.width() >= 60, edit.objectName()
        right = edit.mapTo(window, QPoint(edit.width() - 1, 0)).x()
        assert right < window.width(), edit.objectName()


def test_every_input_of_the_window_is_watched_for_window_shortcuts(window: MainWindow) -> None:
    """The window names its inputs to WindowShortcuts: a new field left out of that list fails
    here. Combo boxes' popup lists and a table's headers take no typing and are left out."""
    from PySide6.QtWidgets import QAbstractScrollArea, QComboBox, QHeaderView, QLineEdit

    watched = window.window_shortcuts.watched
    popups = {combo.view() for combo in window.findChildren(QComboBox)}
    inputs = [
        w
        for w in (*window.findChildren(QLineEdit), *window.findChildren(QAbstractScrollArea))
        if w not in popups and not isinstance(w, QHeaderView)
    ]
    assert len(inputs) >= 6
    assert [w.objectName() or type(w).__name__ for w in inputs if w not in watched] == []
