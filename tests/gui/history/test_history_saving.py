"""History saves from the window: written on a worker thread, ordered, the latest state wins."""

from __future__ import annotations

import threading

import pytest
from pytestqt.qtbot import QtBot

from tests.gui.conftest import SPANS_BOTH_TICKET, triage_and_wait
from triage_app.gui.main.main_window import MainWindow
from triage_app.storage import history_repo


def test_history_is_written_off_the_gui_thread_and_the_latest_state_wins(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[threading.Thread] = []
    real = history_repo.save_triage

    def recording(*args, **kwargs):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(history_repo, "save_triage", recording)
    recorder = window.history_recorder
    triage_and_wait(qtbot, window, SPANS_BOTH_TICKET)
    with qtbot.waitSignal(recorder.saved, timeout=10000):
        recorder.timer.timeout.emit()  # the typing pause is over
    window.state.draft = "edited draft"
    with qtbot.waitSignal(recorder.saved, timeout=10000):
        recorder.timer.timeout.emit()
    assert threads and threading.main_thread() not in threads
    kb = window.services.kb  # type: ignore[union-attr]
    with kb.lock:
        rows = list(kb.db.query("select ticket, draft from triages"))
    assert rows == [{"ticket": SPANS_BOTH_TICKET, "draft": "edited draft"}]


def test_services_are_rebuilt_off_the_gui_thread_after_a_kb_edit(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rebuilding the engine took 446 ms for a 1,000x20 vocabulary on the GUI thread (issue 5)."""
    from triage_app import services as services_module

    threads: list[threading.Thread] = []
    real = services_module.build_triage

    def recording(*args, **kwargs):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(services_module, "build_triage", recording)
    services = window.services
    assert services is not None
    old_engine = services.engine
    with qtbot.waitSignal(window.servicesReady, timeout=10000):
        window.reload_services()
    assert services.engine is not old_engine  # swapped in when ready
    assert threads and threading.main_thread() not in threads
