"""A huge paste: cleaned off the GUI thread, shown as a preview with a banner and Show all, while
triage, history, export and autosave get the whole text."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, Qt
from pytestqt.qtbot import QtBot

from triage_app.core.triage import ticket_input
from triage_app.gui.main import autosave_files
from triage_app.gui.main.main_window import MainWindow
from triage_app.gui.main.ticket_editor import PREVIEW_CHARS
from triage_app.storage import history_repo

HEAD = "Helm chart upgrade: prefect-server pod fails during the database migration.\n"
LINE = "2026-01-15T10:00:00Z INFO prefect.server worker heartbeat ok pool=default\n"
TEN_MB = HEAD + LINE * (10 * 1024 * 1024 // len(LINE))


def paste(qtbot: QtBot, win: MainWindow, text: str) -> None:
    """Paste the way Ctrl+V does and wait for the triage of what landed."""
    mime = QMimeData()
    mime.setText(text)
    with qtbot.waitSignal(win.triageUpdated, timeout=60000):
        win.editor.insertFromMimeData(mime)


def test_a_10_mb_paste_shows_a_preview_with_its_banner_and_triages_all_of_it(
    qtbot: QtBot, window: MainWindow
) -> None:
    paste(qtbot, window, TEN_MB)
    editor = window.editor
    on_screen = editor.toPlainText()
    assert len(on_screen) <= PREVIEW_CHARS and TEN_MB.startswith(on_screen)
    assert on_screen.endswith("\n")  # cut at a line end
    assert editor.isReadOnly()
    banner = window.preview_banner
    assert banner is not None and banner.isVisible()
    assert banner.label.text().startswith("Showing 1 MB of 10 MB")
    assert banner.show_all_button.isVisible() and banner.show_all_button.isEnabled()
    # Readable: the banner sits above the editor, across the pane, its text not cut off.
    assert banner.geometry().bottom() <= editor.geometry().top()
    assert banner.width() >= editor.width() - 2 and banner.label.width() > 150
    assert banner.label.height() >= banner.label.heightForWidth(banner.label.width())
    # Triage got the whole ticket (the engine says how much of it it read).
    assert window.state.text == TEN_MB
    assert "were read for matching" in window.ticket_notes.text()
    assert window.state.result is not None and window.state.result.verdict


def test_history_and_autosave_get_the_whole_ticket_not_the_preview(
    qtbot: QtBot, window: MainWindow
) -> None:
    paste(qtbot, window, TEN_MB)
    window.history_recorder.flush()
    assert window.state.history_id is not None
    with window.services.kb.lock:  # type: ignore[union-attr]
        entry = history_repo.get_triage(window.services.kb.db, window.state.history_id)  # type: ignore[union-attr]
    assert entry is not None
    assert entry.ticket == history_repo.cap_ticket(TEN_MB)  # history's own 1 MB cap, marked
    assert f"{len(TEN_MB):,} characters" in entry.ticket
    assert window.autosave.snapshot().ticket == TEN_MB


def test_show_all_puts_the_whole_ticket_on_screen_and_hides_the_banner(
    qtbot: QtBot, window: MainWindow
) -> None:
    text = HEAD + LINE * (int(1.5 * 1024 * 1024) // len(LINE))
    paste(qtbot, window, text)
    banner = window.preview_banner
    assert banner is not None and banner.isVisible()
    assert banner.label.text().startswith("Showing 1 MB of 1.5 MB")
    qtbot.mouseClick(banner.show_all_button, Qt.MouseButton.LeftButton)
    assert window.editor.toPlainText() == text
    assert not banner.isVisible() and not window.editor.isReadOnly()
    assert window.editor.full_text() == text
    # Editing works again, and Clear empties the ticket.
    window.clear_ticket()
    assert window.editor.full_text() == "" and not banner.isVisible()


def test_clearing_a_preview_ends_it_and_undo_brings_the_whole_ticket_back(
    qtbot: QtBot, window: MainWindow
) -> None:
    paste(qtbot, window, TEN_MB)
    window.clear_ticket()
    assert window.editor.full_text() == "" and not window.editor.preview_shown
    assert not window.preview_banner.isVisible() and not window.editor.isReadOnly()
    window.editor.undo()  # Ctrl+Z in the ticket, as the Clear button's tooltip promises
    assert window.editor.preview_shown and window.editor.full_text() == TEN_MB
    assert window.preview_banner.isVisible() and window.editor.isReadOnly()


def test_a_short_paste_has_no_preview(qtbot: QtBot, window: MainWindow) -> None:
    paste(qtbot, window, HEAD * 20)
    assert window.editor.toPlainText() == HEAD * 20
    assert window.preview_banner is None and not window.editor.isReadOnly()


def test_a_long_paste_is_cleaned_and_autosaved_off_the_gui_thread(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: dict[str, list[bool]] = {"clean": [], "json": []}
    real_clean = ticket_input.clean_pasted_text
    real_json = autosave_files.Snapshot.to_json

    def clean(text: str) -> ticket_input.CleanedText:
        threads["clean"].append(threading.current_thread() is threading.main_thread())
        return real_clean(text)

    def to_json(self: autosave_files.Snapshot) -> str:
        threads["json"].append(threading.current_thread() is threading.main_thread())
        return real_json(self)

    monkeypatch.setattr(ticket_input, "clean_pasted_text", clean)
    monkeypatch.setattr(autosave_files.Snapshot, "to_json", to_json)
    paste(qtbot, window, TEN_MB)
    with qtbot.waitSignal(window.autosave.saved, timeout=30000):
        window.autosave.save_now()
    assert threads["clean"] == [False]
    assert threads["json"] and not any(threads["json"])
    saved = autosave_files.Snapshot.from_json(Path(window.autosave.path).read_text("utf-8"))
    assert saved is not None and saved.ticket == TEN_MB
