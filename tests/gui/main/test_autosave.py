"""The ticket and draft on screen are autosaved and offered back after a crash (a real SIGKILL)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.gui.conftest import TODAY, triage_and_wait
from triage_app.app import build_main_window
from triage_app.gui.main.autosave_files import PREFIX, Snapshot
from triage_app.gui.main.main_window import MainWindow

TICKET = "Helm chart upgrade fails: prefect-server pod CrashLoopBackOff during database migration."
DRAFT = "Hi Dana,\n\nthanks for the details; I edited this reply by hand before the crash.\n"

CRASHING_SESSION = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from pathlib import Path
from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication
app = QApplication([])
from triage_app.app import build_main_window
win = build_main_window(Path(sys.argv[1]))
win.show()
loop = QEventLoop()
win.triageUpdated.connect(lambda _state: loop.quit())
win.load_ticket(Path(sys.argv[2]).read_text(encoding="utf-8"))
loop.exec()
win.draft_pane.edit.setPlainText(Path(sys.argv[3]).read_text(encoding="utf-8"))
win.autosave.saved.connect(lambda path: print("saved", path, flush=True))
win.autosave.save_now()
app.exec()  # until killed
"""


def _autosaves(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"{PREFIX}*"))


def _type(qtbot: QtBot, win: MainWindow, text: str) -> None:
    triage_and_wait(qtbot, win, text)
    with qtbot.waitSignal(win.autosave.saved, timeout=10000):
        win.autosave.save_now()


@pytest.mark.skipif(os.name == "nt", reason="POSIX signals")
def test_work_is_offered_back_after_the_app_is_killed(
    qtbot: QtBot, data_dir: Path, tmp_path: Path
) -> None:
    (tmp_path / "ticket.txt").write_text(TICKET, encoding="utf-8")
    (tmp_path / "draft.txt").write_text(DRAFT, encoding="utf-8")
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(CRASHING_SESSION), str(data_dir),
         str(tmp_path / "ticket.txt"), str(tmp_path / "draft.txt")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert child.stdout is not None
    line = child.stdout.readline().split()
    assert line[:1] == ["saved"], child.stderr.read() if child.stderr else ""
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert Path(line[1]).is_file()

    win = build_main_window(data_dir, TODAY)
    qtbot.addWidget(win)
    offered: list[Snapshot] = []
    with qtbot.waitSignal(win.triageUpdated, timeout=10000):
        restored = win.autosave.offer_recovery(lambda _w, snap: offered.append(snap) or True)
    assert restored
    assert offered[0].ticket == TICKET and offered[0].draft_edited
    assert win.editor.toPlainText() == TICKET
    # The hand-edited draft is kept, not replaced by the draft the new triage generated.
    assert win.draft_pane.text() == DRAFT
    assert not Path(line[1]).exists()  # offered once, then it is this session's work
    assert win.autosave.offer_recovery(lambda _w, _s: True) is False
    win.close()


def test_autosave_holds_what_is_on_screen_and_a_normal_close_removes_it(
    qtbot: QtBot, window: MainWindow, data_dir: Path
) -> None:
    _type(qtbot, window, TICKET)
    saved = json.loads(window.autosave.path.read_text(encoding="utf-8"))
    assert saved["ticket"] == TICKET
    assert saved["draft"] == window.draft_pane.text() and saved["draft"]
    assert saved["draft_edited"] is False

    window.close()
    assert _autosaves(data_dir) == []  # the snapshot and its lock file


def test_clearing_the_ticket_removes_the_autosave(qtbot: QtBot, window: MainWindow) -> None:
    _type(qtbot, window, TICKET)
    assert window.autosave.path.exists()
    window.clear_ticket()
    with qtbot.waitSignal(window.autosave.saved, timeout=10000):
        window.autosave.save_now()
    assert not window.autosave.path.exists()


def test_a_running_instance_s_autosave_is_never_offered(
    qtbot: QtBot, window: MainWindow, data_dir: Path
) -> None:
    _type(qtbot, window, TICKET)
    second = build_main_window(data_dir, TODAY)
    qtbot.addWidget(second)
    asked: list[Snapshot] = []
    assert second.autosave.offer_recovery(lambda _w, s: asked.append(s) or True) is False
    assert asked == []
    assert window.autosave.path.exists()
    second.close()


def test_a_damaged_autosave_is_dropped_without_asking(window: MainWindow, data_dir: Path) -> None:
    damaged = data_dir / f"{PREFIX}deadbeef.json"
    damaged.write_bytes(b'{"format": 1, "ticket": "half a fi')
    asked: list[Snapshot] = []
    assert window.autosave.offer_recovery(lambda _w, s: asked.append(s) or True) is False
    assert asked == [] and not damaged.exists()


def test_declining_discards_the_orphan(window: MainWindow, data_dir: Path) -> None:
    orphan = data_dir / f"{PREFIX}0123456789ab.json"
    orphan.write_text(Snapshot(TICKET, saved_at="2026-01-15T10:00:00").to_json(), encoding="utf-8")
    assert window.autosave.offer_recovery(lambda _w, _s: False) is False
    assert not orphan.exists()
    assert window.editor.toPlainText() == ""
