"""One copy and one export path: menu actions, shortcuts and buttons all redact and never overwrite."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QFileDialog
from pytestqt.qtbot import QtBot

from tests.gui.conftest import SPANS_BOTH_TICKET, triage_and_wait
from triage_app.gui.main.main_window import MainWindow

KEY = "pnu_" + "Q7w8E9r0T1" * 3 + "abcdef"
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def test_the_window_has_no_second_copy_or_export_path(window: MainWindow) -> None:
    # The unredacted, overwriting versions that lived on the window are gone for good.
    for name in ("copy_draft", "export_draft", "prepare_outgoing"):
        assert not hasattr(window, name), name


def test_menu_shortcut_and_button_copies_are_all_redacted(qtbot: QtBot, window: MainWindow) -> None:
    triage_and_wait(qtbot, window, SPANS_BOTH_TICKET)
    window.draft_pane.edit.appendPlainText(f"PREFECT_API_KEY={KEY}")
    previews: list[QDialog] = []
    window.draft_actions.run_dialog = lambda d: previews.append(d) or True
    clip = QGuiApplication.clipboard()
    for copy in (
        window.act_copy.trigger,
        window.draft_pane.copy_button.click,
        lambda: qtbot.keyClick(window.editor, Qt.Key.Key_C, CTRL_SHIFT),
    ):
        clip.setText("old")
        copy()
        assert "[redacted Prefect API key]" in clip.text() and KEY not in clip.text()
    assert len(previews) == 3  # each went through the redaction preview once


def test_menu_shortcut_and_button_exports_never_overwrite(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    triage_and_wait(qtbot, window, SPANS_BOTH_TICKET)
    target = tmp_path / "reply.txt"
    target.write_text("keep me", encoding="utf-8")
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    written: list[str] = []
    for export in (
        window.act_export.trigger,
        window.draft_pane.export_button.click,
        lambda: qtbot.keyClick(window.editor, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier),
    ):
        with qtbot.waitSignal(window.draftExported) as blocker:
            export()
        written.append(Path(blocker.args[0]).name)
    assert written == ["reply-2.txt", "reply-3.txt", "reply-4.txt"]
    assert target.read_text(encoding="utf-8") == "keep me"
