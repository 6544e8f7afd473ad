"""History in the GUI: one row per ticket while typing, overrides learned, the History window."""

from __future__ import annotations

import csv
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from tests.gui.conftest import SPANS_BOTH_TICKET, triage_and_wait
from triage_app.gui.history.history_view import HistoryView, snippet_html
from triage_app.gui.main.main_window import MainWindow
from triage_app.storage import corrections_repo, history_repo
from triage_app.storage.history_repo import HIT_END, HIT_START

SECOND = "Our Postgres server needs max_connections tuning <script>alert(1)</script>"


def saved(win: MainWindow) -> list[history_repo.HistoryEntry]:
    assert win.services is not None
    return history_repo.search(win.services.kb.db)


def type_text(qtbot: QtBot, win: MainWindow, text: str) -> None:
    with qtbot.waitSignal(win.triageUpdated, timeout=10000):
        win.editor.insertPlainText(text)
        win.triage_now()


def test_a_ticket_being_typed_is_one_row_updated_in_place(qtbot: QtBot, window: MainWindow) -> None:
    for chunk in ("Helm chart upgrade ", "fails on the ingress ", "values for prefect-server"):
        type_text(qtbot, window, chunk)
        window.history_recorder.flush()
    rows = saved(window)
    assert len(rows) == 1
    assert rows[0].ticket == "Helm chart upgrade fails on the ingress values for prefect-server"
    assert rows[0].source == "gui" and rows[0].draft
    # The timer coalesces changes into one write after a pause.
    type_text(qtbot, window, " (again)")
    with qtbot.waitSignal(window.history_recorder.saved, timeout=5000):
        pass
    assert saved(window)[0].ticket.endswith("(again)")
    assert len(saved(window)) == 1
    # Clearing starts the next ticket: a new row.
    window.clear_ticket()
    type_text(qtbot, window, SECOND)
    window.history_recorder.flush()
    assert [e.ticket for e in saved(window)] == [SECOND, rows[0].ticket + " (again)"]


def test_an_override_is_kept_and_learned_then_taken_back(qtbot: QtBot, window: MainWindow) -> None:
    triage_and_wait(qtbot, window, SPANS_BOTH_TICKET)
    engine_verdict = window.state.result.verdict  # type: ignore[union-attr]
    target = "unclear" if engine_verdict != "unclear" else "in_scope"
    combo = window.verdict_card.override_combo
    with qtbot.waitSignal(window.triageUpdated, timeout=5000):
        combo.setCurrentIndex(combo.findData(target))
    window.history_recorder.flush()
    entry = saved(window)[0]
    assert entry.override_verdict == target and entry.final_verdict == target
    assert window.services is not None
    learned = corrections_repo.list_corrections(window.services.kb.db)
    assert [c.verdict for c in learned] == [target]
    with qtbot.waitSignal(window.triageUpdated, timeout=5000):
        combo.setCurrentIndex(0)  # "As triaged"
    window.history_recorder.flush()
    assert corrections_repo.list_corrections(window.services.kb.db) == []
    assert saved(window)[0].override_verdict is None


@pytest.fixture
def history(qtbot: QtBot, window: MainWindow) -> HistoryView:
    for text in (SPANS_BOTH_TICKET, SECOND):
        window.clear_ticket()
        triage_and_wait(qtbot, window, text)
        window.history_recorder.flush()
    window.show_history()
    view = window._history_view
    assert isinstance(view, HistoryView)
    qtbot.addWidget(view)
    return view


def test_history_lists_newest_first_with_verdict_badges(history: HistoryView) -> None:
    model = history.model
    assert model.rowCount() == 2
    assert SECOND.split()[1] in model.index(0, 3).data()
    verdict = model.entry(0).final_verdict
    assert model.index(0, 1).data() and model.index(0, 1).data(0x8)  # label and badge colour
    assert history.count_label.text() == "2 triages"
    assert verdict in {"in_scope", "out_of_scope", "spans_both", "unclear"}


def test_search_highlights_hits_and_escapes_ticket_text(qtbot: QtBot, history: HistoryView) -> None:
    history.search_edit.setText("script")
    qtbot.waitUntil(lambda: history.model.rowCount() == 1, timeout=3000)
    snippet = history.model.entry(0).snippet
    assert HIT_START in snippet
    rendered = snippet_html(snippet)
    assert "<script>" not in rendered and "&lt;" in rendered
    assert "<b><u>script</u></b>" in rendered
    history.search_edit.setText("nothing-like-this")
    qtbot.waitUntil(lambda: history.model.rowCount() == 0, timeout=3000)
    assert snippet_html(f"a {HIT_START}b{HIT_END}") == "a <b><u>b</u></b>"


def test_filters_by_verdict_bullet_and_date(history: HistoryView) -> None:
    first = history.model.entry(0)
    history.verdict_combo.setCurrentIndex(history.verdict_combo.findData(first.final_verdict))
    assert all(
        history.model.entry(i).final_verdict == first.final_verdict
        for i in range(history.model.rowCount())
    )
    history.verdict_combo.setCurrentIndex(0)
    if first.final_bullet:
        history.bullet_combo.setCurrentIndex(history.bullet_combo.findData(first.final_bullet))
        assert history.model.entry(0).final_bullet == first.final_bullet
        history.bullet_combo.setCurrentIndex(0)
    history.since_check.setChecked(True)
    history.since_edit.setDate(history.since_edit.date().addYears(50))
    assert history.model.rowCount() == 0
    history.since_check.setChecked(False)
    assert history.model.rowCount() == 2


def test_reopen_puts_the_ticket_back_in_the_main_window(
    qtbot: QtBot, window: MainWindow, history: HistoryView
) -> None:
    history.table.selectRow(1)
    entry = history.selected_entry()
    assert entry is not None
    with qtbot.waitSignal(window.triageUpdated, timeout=10000):
        history.reopen_selected()
    assert window.editor.toPlainText() == entry.ticket
    assert window.state.history_id == entry.id
    window.history_recorder.flush()
    assert len(saved(window)) == 2  # the reopened ticket updates its own row


def test_delete_one_and_all_ask_first(
    history: HistoryView, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = [QMessageBox.StandardButton.No]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: answers[0])
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: answers[0])
    history.table.selectRow(0)
    assert not history.delete_selected()
    assert history.model.rowCount() == 2
    answers[0] = QMessageBox.StandardButton.Yes
    assert history.delete_selected()
    assert history.model.rowCount() == 1
    answers[0] = QMessageBox.StandardButton.Cancel
    assert not history.delete_all()
    answers[0] = QMessageBox.StandardButton.Yes
    assert history.delete_all()
    assert history.model.rowCount() == 0 and history.count_label.text() == "0 triages"


def export_and_wait(qtbot: QtBot, view: HistoryView, path: Path, fmt: str) -> bool:
    """Start the export (it runs on a worker) and wait for its outcome."""
    with qtbot.waitSignal(view.exportFinished, timeout=10000) as finished:
        assert view.export_to(path, fmt)
    return bool(finished.args[0])


def test_export_csv_and_retention_setting(
    qtbot: QtBot, history: HistoryView, tmp_path: Path
) -> None:
    out = tmp_path / "history.csv"
    assert export_and_wait(qtbot, history, out, "csv")
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["ticket"] for r in rows] == [SECOND, SPANS_BOTH_TICKET]
    assert export_and_wait(qtbot, history, tmp_path / "h.jsonl", "jsonl")
    assert not export_and_wait(qtbot, history, tmp_path / "no" / "such" / "dir.csv", "csv")
    history.retention_spin.setValue(30)
    assert history.apply_retention()
    assert history_repo.retention_days(history.services.kb.db) == 30
    assert history.model.rowCount() == 2  # today's triages are kept


def test_history_export_runs_off_the_gui_thread_with_the_button_disabled(
    qtbot: QtBot, history: HistoryView, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[int] = []
    export_text = history_repo.export_text

    def recording_export(*args, **kwargs):  # type: ignore[no-untyped-def]
        threads.append(threading.get_ident())
        return export_text(*args, **kwargs)

    monkeypatch.setattr(history_repo, "export_text", recording_export)
    out = tmp_path / "history.jsonl"
    with qtbot.waitSignal(history.exportFinished, timeout=10000) as finished:
        assert history.export_to(out, "jsonl")
        # The outcome comes through the event loop: until then the export is running.
        assert not history.export_button.isEnabled()
        assert history.count_label.text() == f"Exporting to {out}…"
        assert not history.export_to(out, "jsonl")  # one export at a time
    assert finished.args == [True]
    assert threads and threading.get_ident() not in threads
    assert history.export_button.isEnabled()
    assert history.count_label.text() == f"Exported to {out}"
    assert len(out.read_text("utf-8").splitlines()) == 2


@pytest.mark.parametrize(
    ("words", "place"), [("Istio sidecar", "In the ticket"), ("reaching out", "In the draft")]
)
def test_history_search_shows_the_snippet_in_its_own_column_whole(
    qtbot: QtBot, history: HistoryView, words: str, place: str
) -> None:
    view = history
    view.resize(1000, 600)
    table, model = view.table, view.model
    assert table.isColumnHidden(4)  # no search, no match column
    view.search_edit.setText(words)
    qtbot.waitUntil(lambda: model.rowCount() >= 1 and not table.isColumnHidden(4), timeout=3000)
    assert model.headerData(4, Qt.Orientation.Horizontal) == "Match"
    assert model.index(0, 3).data() == model.entry(0).title  # the ticket's first line, always
    match = model.index(0, 4).data()
    assert match.startswith(f"{place}: ") and words.split()[0] in match
    # What the delegate paints, wrapped to the column, fits the row: nothing cut at the edge.
    doc = QTextDocument()
    doc.setDefaultFont(table.font())
    doc.setDocumentMargin(2)
    doc.setHtml(f"<i>{place}:</i> " + snippet_html(model.entry(0).snippet))
    doc.setTextWidth(table.columnWidth(4))
    assert doc.size().height() <= table.rowHeight(0)
    assert table.columnViewportPosition(4) + table.columnWidth(4) <= table.viewport().width()
    view.close()


LOG_LINE = "2026-11-30 12:00:01 ERROR prefect.worker flow run crashed with exit code 1 in pod\n"


def _save_rows(history: HistoryView, tickets: list[str]) -> None:
    from triage_app.core.result import TriageResult

    with history.services.kb.transaction() as db:
        for ticket in tickets:
            history_repo.save_triage(db, ticket, TriageResult("unclear", 0.0), source="cli")


def test_a_search_runs_on_a_worker_and_pages_arrive_by_signal(
    qtbot: QtBot, history: HistoryView
) -> None:
    log = "Prefect worker crash after upgrade\n" + LOG_LINE * (1_000_000 // len(LOG_LINE))
    _save_rows(history, [log] + [f"worker crashed again, ticket {n}" for n in range(60)])
    history.search_edit.setText("prefect worker flow run crashed exit pod")
    history.refresh()
    # refresh() returned before the search ran: the GUI thread only asked for it.
    assert history.searching and history.count_label.text() == "Searching…"
    with qtbot.waitSignal(history.searchFinished, timeout=20000):
        pass
    assert history.count_label.text() == "1 triage" and history.model.rowCount() == 1
    text = history.model.index(0, 4).data()  # the Match column
    assert "prefect.worker flow run crashed" in text and len(text) < 300

    with qtbot.waitSignal(history.searchFinished, timeout=20000):
        history.search_edit.setText("worker crashed")
        history.refresh()
    assert history.count_label.text() == "61 triages" and history.model.rowCount() >= 50
    assert history.model.request_more is not None  # pages of a search: by the worker
    # The table has room, so it asks for the second page; that comes from the worker too.
    qtbot.waitUntil(lambda: history.model.rowCount() == 61, timeout=20000)
    assert not history.model.canFetchMore()
    assert len({history.model.entry(r).id for r in range(61)}) == 61
