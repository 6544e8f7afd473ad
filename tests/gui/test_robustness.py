"""When things go wrong: corrupt or newer knowledge base at start, huge and binary pastes, worker errors."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from tests.gui.conftest import TODAY, Dialogs
from triage_app.app import build_main_window
from triage_app.core.triage.ticket_input import LONG_LINE, clean_pasted_text
from triage_app.gui.main.main_window import MainWindow
from triage_app.gui.shared.error_handler import ErrorHandler
from triage_app.gui.shared.workers import TriageRunner


def test_corrupt_database_at_start_is_kept_and_the_app_opens(
    qtbot: QtBot, data_dir: Path, dialogs: Dialogs
) -> None:
    (data_dir / "knowledge.db").write_bytes(b"this is not a database" * 200)
    win = build_main_window(data_dir, TODAY)
    qtbot.addWidget(win)
    message = "\n".join(dialogs.texts("warning"))
    assert "kept as" in message and "fresh" in message
    kept = [p for p in data_dir.iterdir() if p.name.startswith("knowledge.corrupt")]
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"this is not a database")
    assert win.services is not None
    with qtbot.waitSignal(win.triageUpdated, timeout=10000):
        win.load_ticket("Our istio sidecar injection breaks mTLS")
    assert win.verdict_card.badge.text() == "Out of scope"
    win.close()


def test_newer_database_falls_back_to_memory_and_says_so(
    qtbot: QtBot, data_dir: Path, dialogs: Dialogs
) -> None:
    first = build_main_window(data_dir, TODAY)
    qtbot.addWidget(first)
    first.services.kb.close()
    first.close()
    with sqlite3.connect(data_dir / "knowledge.db") as conn:
        conn.execute(
            "insert into migrations (name, applied_at) values ('999_from_the_future', 'x')"
        )
    before = (data_dir / "knowledge.db").read_bytes()

    win = build_main_window(data_dir, TODAY)
    qtbot.addWidget(win)
    message = "\n".join(dialogs.texts("warning"))
    assert "newer triage-app" in message and "in memory" in message
    assert "in memory" in win.kb_label.text()
    with qtbot.waitSignal(win.triageUpdated, timeout=10000):
        win.load_ticket("helm chart values for the prefect server replicas")
    assert (data_dir / "knowledge.db").read_bytes() == before
    win.close()


def test_huge_paste_is_cut_for_matching_with_a_visible_note(
    qtbot: QtBot, window: MainWindow
) -> None:
    line = "2026-01-10 ERROR prefect-server worker heartbeat failed; helm chart values reloaded\n"
    text = line * (1_000_000 // len(line))
    with qtbot.waitSignal(window.triageUpdated, timeout=20000):
        window.load_ticket(text)
    notes = window.findChild(QLabel, "ticketNotes")
    assert notes.isVisible()
    assert "were read for matching" in notes.text()
    assert window.current_triage.result is not None


def test_binary_paste_is_cleaned_and_noted(qtbot: QtBot, window: MainWindow) -> None:
    garbage = bytes(range(256)).decode("latin-1") * 50 + " helm chart values"
    with qtbot.waitSignal(window.triageUpdated, timeout=10000):
        window.load_ticket(garbage)
    text = window.editor.toPlainText()
    assert "\x00" not in text and "\x07" not in text
    assert "helm chart values" in text
    assert "binary data" in window.ticket_notes.text()


def test_a_single_megabyte_line_is_split_for_display() -> None:
    cleaned = clean_pasted_text("x" * 1_000_000)
    assert cleaned.split_lines > 0
    assert max(len(line) for line in cleaned.text.split("\n")) <= LONG_LINE
    assert cleaned.text.replace("\n", "") == "x" * 1_000_000
    words = clean_pasted_text(("word " * 2000).strip())
    assert all(not line.startswith(" ") for line in words.text.split("\n"))  # split at spaces


def test_worker_exception_is_logged_and_shown_and_the_app_goes_on(
    qtbot: QtBot, window: MainWindow, dialogs: Dialogs, monkeypatch: object
) -> None:
    service = window.services.triage
    original = service.triage

    def broken(text: str) -> object:
        raise RuntimeError("engine exploded")

    service.triage = broken  # type: ignore[method-assign]
    with qtbot.waitSignal(window.error_handler.reported):
        window.editor.setPlainText("helm chart values")
        window.triage_now()
    log = (window.data_dir / "triage-app.log").read_text(encoding="utf-8")
    assert "RuntimeError: engine exploded" in log and "Traceback" in log
    assert any("engine exploded" in t for t in dialogs.texts("exec"))
    assert window.editor.toPlainText() == "helm chart values"  # nothing lost

    service.triage = original  # type: ignore[method-assign]
    with qtbot.waitSignal(window.triageUpdated, timeout=10000):
        window.triage_now()


def test_error_handler_survives_an_unwritable_log(tmp_path: Path, dialogs: Dialogs) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    handler = ErrorHandler(blocker / "triage-app.log")
    try:
        raise ValueError("boom")
    except ValueError as exc:
        handler.handle(ValueError, exc, exc.__traceback__)
    assert dialogs.shown and "boom" in dialogs.shown[-1][2]


def test_runner_reports_only_the_newest_request(qtbot: QtBot) -> None:
    release = threading.Event()
    calls: list[str] = []

    def slow(text: str) -> str:
        calls.append(text)
        if text == "first":
            release.wait(5)
        return text.upper()

    runner = TriageRunner(slow)
    results: list[tuple[int, object]] = []
    runner.resultReady.connect(lambda seq, result, _s: results.append((seq, result)))
    runner.request("first")
    runner.request("second")  # pending, then replaced
    third = runner.request("third")
    release.set()
    qtbot.waitUntil(lambda: bool(results) and not runner.busy, timeout=5000)
    assert results == [(third, "THIRD")]
    assert calls == ["first", "third"]  # "second" never ran: only the newest pending text does
    runner.wait()


def test_plain_start_skips_the_command_modules() -> None:
    from triage_app.cli import _gui_only

    quick = _gui_only(["--data-dir", "/tmp/x", "--today", "2026-01-15"])
    assert quick is not None and str(quick.data_dir) == "/tmp/x"
    assert _gui_only([]) is not None
    assert _gui_only(["triage", "-"]) is None
    assert _gui_only(["--help"]) is None
    assert _gui_only(["--data-dir", "/tmp/x", "gui", "--ticket", "t.txt"]) is None
