"""Hostile input and an unwritable data folder: no crash, no freeze, and a visible note saying what happened."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData
from pytestqt.qtbot import QtBot

from tests.gui.conftest import TODAY, Dialogs
from triage_app.app import build_main_window
from triage_app.core.result import VERDICTS
from triage_app.gui.main.main_window import MainWindow

HEAD = "Helm chart upgrade: prefect-server pod fails during the database migration.\n"


def _paste(qtbot: QtBot, win: MainWindow, text: str) -> None:
    """Paste through the editor's real clipboard path, then wait for the triage (on its worker)."""
    mime = QMimeData()
    mime.setText(text)
    win.editor.insertFromMimeData(mime)
    with qtbot.waitSignal(win.triageUpdated, timeout=60000):
        win.triage_now()
        # The paste returned and triage was only requested: the result arrives later, by signal,
        # from the worker thread; the GUI thread never runs the engine.
        assert win.state.result is None


def _check_result(win: MainWindow) -> None:
    result = win.state.result
    assert result is not None and result.verdict in VERDICTS
    length = len(win.editor.toPlainText())
    assert all(0 <= s <= e <= length for s, e, _side in win.editor.highlighter.spans())


def test_a_10_mb_paste_is_kept_whole_and_the_cut_for_matching_is_shown(
    qtbot: QtBot, window: MainWindow
) -> None:
    line = "2026-01-15T10:00:00Z INFO prefect.server worker heartbeat ok pool=default\n"
    text = HEAD + line * (10 * 1024 * 1024 // len(line))
    _paste(qtbot, window, text)
    _check_result(window)
    # Nothing lost from the ticket itself: triaged whole, while the screen shows its start.
    assert window.editor.full_text() == text and window.state.text == text
    assert window.editor.preview_shown
    assert window.ticket_notes.isVisible()
    assert "were read for matching" in window.ticket_notes.text()


def test_a_single_1_mb_line_is_split_for_display_with_a_note(
    qtbot: QtBot, window: MainWindow
) -> None:
    text = HEAD + "E" * (1024 * 1024)
    _paste(qtbot, window, text)
    _check_result(window)
    assert window.editor.full_text().replace("\n", "") == text.replace("\n", "")
    assert "long lines were broken" in window.ticket_notes.text()


def test_binary_garbage_and_nul_bytes_are_replaced_with_a_note(
    qtbot: QtBot, window: MainWindow
) -> None:
    garbage = bytes(random.Random(5).randrange(256) for _ in range(64 * 1024)).decode("latin-1")
    _paste(qtbot, window, HEAD + garbage + "\x00\x00 NUL inside \x00 the ticket")
    _check_result(window)
    shown = window.editor.toPlainText()
    assert "\x00" not in shown and "\ufffd" in shown
    assert "binary data" in window.ticket_notes.text()


def test_right_to_left_text_and_emoji_triage_with_spans_in_place(
    qtbot: QtBot, window: MainWindow
) -> None:
    text = (
        "مرحبا، ‏Helm chart‏ upgrade 🙂👍🏽 fails: prefect-server 🔥 database migration error.\n"
        "שלום \u202eIstio sidecar\u202c 🇩🇪 ‍👩‍💻 Kubernetes RBAC"
    )
    _paste(qtbot, window, text)
    _check_result(window)
    assert window.editor.toPlainText() == text
    spans = window.editor.highlighter.spans()
    assert any(text[s:e].lower() == "helm chart" for s, e, _side in spans)


def _unwritable_data_dir(tmp_path: Path, how: str) -> Path:
    if how == "path is a file":
        blocker = tmp_path / "data"
        blocker.write_text("not a folder", encoding="utf-8")
        return blocker
    folder = tmp_path / "data"
    folder.mkdir()
    folder.chmod(0o555)
    probe = folder / ".probe"
    try:
        probe.write_text("x", encoding="utf-8")
    except OSError:
        return folder
    probe.unlink()
    folder.chmod(0o755)
    pytest.skip(
        "running as root (or on a file system ignoring permissions): chmod cannot block writes"
    )


@pytest.mark.parametrize("how", ["path is a file", "chmod 0o555"])
def test_unwritable_data_folder_keeps_the_app_working_and_says_what_is_not_saved(
    qtbot: QtBot, tmp_path: Path, dialogs: Dialogs, how: str
) -> None:
    folder = _unwritable_data_dir(tmp_path, how)
    try:
        win = build_main_window(folder, TODAY)
        qtbot.addWidget(win)
        win.show()
        # Said plainly, once: what failed and what is not being saved.
        warnings = dialogs.texts("warning")
        assert warnings and "nothing is saved" in warnings[0]
        assert "nothing is saved" in win.kb_label.text()

        _paste(qtbot, win, HEAD)  # triage still works
        _check_result(win)
        with qtbot.waitSignal(win.autosave.failed, timeout=10000) as failed:
            win.autosave.save_now()
        assert "not being saved" in failed.args[0]
        assert "not being saved" in win.statusBar().currentMessage()
        win.close()
    finally:
        if folder.is_dir():
            os.chmod(folder, 0o755)
