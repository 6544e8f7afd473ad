"""A reopened ticket brings back its prompted fields and its saved draft; regenerating is a choice."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from tests.gui.conftest import SPANS_BOTH_TICKET, triage_and_wait
from triage_app.gui.main.main_window import MainWindow
from triage_app.storage import history_repo

OTHER_TICKET = "Our Datadog agent cannot reach the cluster API server since the VPC change."


def _entry(window: MainWindow, history_id: int) -> history_repo.HistoryEntry:
    assert window.services is not None
    with window.services.kb.lock:
        entry = history_repo.get_triage(window.services.kb.db, history_id)
    assert entry is not None
    return entry


def test_fields_and_hand_edited_draft_come_back_on_reopen(qtbot: QtBot, window: MainWindow) -> None:
    triage_and_wait(qtbot, window, SPANS_BOTH_TICKET)
    fields = window.draft_actions.fields
    fields.customer.setText("Ana")
    fields.ticket_ref.setText("CS-1234")
    window.draft_pane.edit.setPlainText("Hi Ana, my own reply for CS-1234.")
    history_id = window.history_recorder.flush()
    assert history_id is not None
    entry = _entry(window, history_id)
    assert entry.variables == {"customer_name": "Ana", "ticket_ref": "CS-1234"}
    assert entry.draft == "Hi Ana, my own reply for CS-1234."

    triage_and_wait(qtbot, window, OTHER_TICKET)  # another ticket: its fields start empty
    assert fields.customer.text() == "" and fields.ticket_ref.text() == ""
    window.history_recorder.flush()

    with qtbot.waitSignal(window.triageUpdated, timeout=10000):
        window._reopen_from_history(entry)
    assert fields.customer.text() == "Ana" and fields.ticket_ref.text() == "CS-1234"
    assert window.draft_pane.text() == "Hi Ana, my own reply for CS-1234."  # not regenerated
    assert window.draft_pane.regenerate_button.isVisibleTo(window)  # offered, the engineer's call
    window.draft_pane.regenerate_button.click()
    assert "Hi Ana," in window.draft_pane.text() and "CS-1234" in window.draft_pane.text()
    window.history_recorder.flush()
    assert _entry(window, history_id).variables == entry.variables  # same row, fields kept


def test_a_saved_draft_that_matches_the_templates_is_simply_shown(
    qtbot: QtBot, window: MainWindow
) -> None:
    triage_and_wait(qtbot, window, SPANS_BOTH_TICKET)
    window.draft_actions.fields.customer.setText("Bo")
    history_id = window.history_recorder.flush()
    assert history_id is not None
    entry = _entry(window, history_id)
    triage_and_wait(qtbot, window, OTHER_TICKET)
    with qtbot.waitSignal(window.triageUpdated, timeout=10000):
        window._reopen_from_history(entry)
    assert window.draft_pane.text() == entry.draft and "Hi Bo," in entry.draft
    assert not window.draft_pane.edited_by_hand
    assert not window.draft_pane.regenerate_button.isVisibleTo(window)
