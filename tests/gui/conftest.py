"""GUI fixtures: a main window on a knowledge base in tmp_path, with today pinned and dialogs recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from triage_app.app import build_main_window
from triage_app.gui.main.main_window import MainWindow

TODAY = dt.date(2026, 1, 15)

SPANS_BOTH_TICKET = """Subject: prefect-server 502s after chart upgrade

Since we upgraded the Helm chart last night the Prefect UI shows 502 Bad Gateway and flow runs
get stuck in Pending. We also enabled Istio sidecar injection on the prefect namespace the same
day. Clients run Prefect 3.4.7. Is this the chart values or our mesh?
"""


class Dialogs:
    """Records every message box instead of blocking on it."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str, str]] = []

    def texts(self, kind: str | None = None) -> list[str]:
        return [f"{title}\n{text}" for k, title, text in self.shown if kind in (None, k)]


@pytest.fixture(autouse=True)
def dialogs(monkeypatch: pytest.MonkeyPatch) -> Dialogs:
    record = Dialogs()

    def fake(kind: str):  # type: ignore[no-untyped-def]
        def show(_parent: object, title: str, text: str, *args: object, **kwargs: object) -> object:
            record.shown.append((kind, title, text))
            return QMessageBox.StandardButton.Ok

        return staticmethod(show)

    for kind in ("warning", "information", "critical", "question", "about"):
        monkeypatch.setattr(QMessageBox, kind, fake(kind))

    def exec_box(box: QMessageBox) -> int:
        record.shown.append(("exec", box.windowTitle(), box.text()))
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_box)
    return record


@pytest.fixture(autouse=True)
def _small_refits(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """A correction made in a window refits the model on a thread. Here it refits on the 90
    sample tickets (seconds, not the corpus's tens of seconds), and every refit a test started
    ends before the next test, so no thread outlives the windows and databases it belongs to."""
    import threading

    from triage_app.core.triage import corpus

    folder = tmp_path_factory.mktemp("refit-corpus")
    sample = Path(__file__).resolve().parents[1] / "data" / "sample_tickets.jsonl"
    (folder / "tickets.jsonl").write_bytes(sample.read_bytes())
    monkeypatch.setattr(corpus, "shipped_corpus_dir", lambda: folder)
    yield
    for thread in threading.enumerate():
        if thread.name == "refit-verdict-model":
            thread.join(timeout=120)


@pytest.fixture
def window(qtbot: QtBot, data_dir: Path) -> Iterator[MainWindow]:
    win = build_main_window(data_dir, TODAY)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    yield win
    win.close()


def triage_and_wait(qtbot: QtBot, win: MainWindow, text: str) -> None:
    with qtbot.waitSignal(win.triageUpdated, timeout=10000):
        win.load_ticket(text)


@pytest.fixture(scope="session", autouse=True)
def _release_clipboard_at_exit() -> Iterator[None]:
    """Tests put Python-made QMimeData on the clipboard; free it before the interpreter exits."""
    yield
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is not None:
        from triage_app.gui.main.export_actions import release_clipboard

        release_clipboard()
