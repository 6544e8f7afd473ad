"""A rejected release import shows every problem it found, not the first and a count."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from tests.gui.conftest import Dialogs
from triage_app.gui.main.main_window import MainWindow
from triage_app.gui.shared.problems import SHOWN_PROBLEMS


def _bad_csv(tmp_path: Path, bad_rows: int) -> Path:
    rows = [f"customer-managed,0.{i}.0,not-a-date-{i}" for i in range(bad_rows)]
    path = tmp_path / "bad.csv"
    path.write_text("product,version,release_date\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _import(qtbot: QtBot, window: MainWindow, path: Path) -> None:
    window.show_releases()
    view = window.releases_view
    assert view is not None
    with qtbot.waitSignal(view.importFinished, timeout=10000):
        assert view.import_file(path)
    view.close()


def test_two_problems_are_both_in_the_message(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, dialogs: Dialogs
) -> None:
    _import(qtbot, window, _bad_csv(tmp_path, 2))
    (message,) = dialogs.texts("warning")
    assert "bad.csv:2" in message and "bad.csv:3" in message
    assert "not-a-date-0" in message and "not-a-date-1" in message
    assert "more problem" not in message and "2 problems" in message


def test_many_problems_are_all_under_details(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    boxes: list[tuple[str, str]] = []

    def record(box: QMessageBox) -> int:
        boxes.append((box.text(), box.detailedText()))
        return 0

    monkeypatch.setattr(QMessageBox, "exec", record)
    _import(qtbot, window, _bad_csv(tmp_path, 30))
    ((text, details),) = boxes
    assert text.count("bad.csv:") == SHOWN_PROBLEMS  # as many as fit the screen
    assert "and 18 more" in text
    assert all(f"bad.csv:{line}" in details for line in range(2, 32))  # every one of them


def test_kb_editor_import_lists_every_problem(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, dialogs: Dialogs
) -> None:
    editor = window.show_kb_editor()
    qtbot.addWidget(editor)
    with qtbot.waitSignal(editor.fileJobFinished, timeout=10000):
        assert editor.import_releases(_bad_csv(tmp_path, 3))
    (message,) = dialogs.texts("warning")
    assert all(f"not-a-date-{i}" in message for i in range(3))
    editor.close()
