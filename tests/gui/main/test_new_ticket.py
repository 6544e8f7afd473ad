"""A ticket pasted or typed over the whole previous one is a new triage: own history row, no inherited override."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from tests.gui.conftest import SPANS_BOTH_TICKET, triage_and_wait
from triage_app.gui.main.main_window import MainWindow
from triage_app.storage import corrections_repo, history_repo

TICKET_B = "Helm chart upgrade fails on the ingress values for prefect-server"


def _saved(win: MainWindow) -> list[history_repo.HistoryEntry]:
    assert win.services is not None
    return sorted(history_repo.search(win.services.kb.db), key=lambda e: e.id)


def _triage_a_and_override(qtbot: QtBot, win: MainWindow) -> history_repo.HistoryEntry:
    triage_and_wait(qtbot, win, SPANS_BOTH_TICKET)
    combo = win.verdict_card.override_combo
    with qtbot.waitSignal(win.triageUpdated, timeout=5000):
        combo.setCurrentIndex(combo.findData("out_of_scope"))
    win.history_recorder.flush()
    [row] = _saved(win)
    assert row.override_verdict == "out_of_scope"
    return row


def _assert_b_is_a_new_triage(win: MainWindow, a: history_repo.HistoryEntry, b_text: str) -> None:
    win.history_recorder.flush()
    rows = _saved(win)
    assert len(rows) == 2
    old, new = rows
    assert old.id == a.id
    assert old.ticket == SPANS_BOTH_TICKET and old.override_verdict == "out_of_scope"
    assert new.ticket == b_text and new.override_verdict is None and new.override_bullet is None
    assert win.state.override_verdict == "" and win.state.history_id == new.id
    assert win.verdict_card.override_combo.currentData() == ""
    assert win.verdict_card.badge.text() != "Out of scope"  # B triages in scope on its own
    assert win.services is not None
    learned = corrections_repo.list_corrections(win.services.kb.db)
    assert [c.text for c in learned] == [SPANS_BOTH_TICKET]  # nothing learned for B


def test_select_all_and_paste_starts_a_new_triage(qtbot: QtBot, window: MainWindow) -> None:
    a = _triage_a_and_override(qtbot, window)
    mime = QMimeData()
    mime.setText(TICKET_B)
    QGuiApplication.clipboard().setMimeData(mime)
    window.editor.setFocus()
    window.editor.selectAll()
    with qtbot.waitSignal(window.triageUpdated, timeout=10000):
        qtbot.keyClick(window.editor, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert window.editor.toPlainText() == TICKET_B
    _assert_b_is_a_new_triage(window, a, TICKET_B)

    # Ordinary typing after that still updates B's row in place.
    with qtbot.waitSignal(window.triageUpdated, timeout=10000):
        window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
        qtbot.keyClicks(window.editor, " again")
    window.history_recorder.flush()
    rows = _saved(window)
    assert len(rows) == 2 and rows[1].ticket == TICKET_B + " again"
    assert rows[0].ticket == SPANS_BOTH_TICKET


def test_typing_over_everything_starts_a_new_triage(qtbot: QtBot, window: MainWindow) -> None:
    a = _triage_a_and_override(qtbot, window)
    window.editor.setFocus()
    window.editor.selectAll()
    with qtbot.waitSignal(window.triageUpdated, timeout=10000):
        qtbot.keyClicks(window.editor, TICKET_B)
    _assert_b_is_a_new_triage(window, a, TICKET_B)


def test_typing_and_small_edits_keep_the_same_row_and_override(
    qtbot: QtBot, window: MainWindow
) -> None:
    a = _triage_a_and_override(qtbot, window)
    cursor = window.editor.textCursor()
    cursor.setPosition(0)
    cursor.setPosition(20, cursor.MoveMode.KeepAnchor)  # replace a small part of the ticket
    window.editor.setTextCursor(cursor)
    with qtbot.waitSignal(window.triageUpdated, timeout=10000):
        qtbot.keyClicks(window.editor, "Subject: 502s")
    window.history_recorder.flush()
    [row] = _saved(window)
    assert row.id == a.id and row.ticket.startswith("Subject: 502s")
    assert (
        row.override_verdict == "out_of_scope" and window.state.override_verdict == "out_of_scope"
    )
