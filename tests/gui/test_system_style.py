"""The style 'Follow system' goes back to belongs to each window (no class-wide shared state)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QStyleFactory
from pytestqt.qtbot import QtBot

from tests.gui.conftest import TODAY
from triage_app.gui.main.main_window import MainWindow


@pytest.fixture
def app_style(qapp: QApplication) -> Iterator[str]:
    before = qapp.style().name()
    yield before
    qapp.setStyle(before)
    qapp.setPalette(qapp.style().standardPalette())


def _window(qtbot: QtBot, folder: Path, style: str | None) -> MainWindow:
    win = MainWindow(folder, TODAY, system_style=style)
    qtbot.addWidget(win)
    return win


def test_each_window_returns_to_its_own_system_style(
    qtbot: QtBot, tmp_path: Path, qapp: QApplication, app_style: str
) -> None:
    assert {"windows", "fusion"} <= {k.lower() for k in QStyleFactory.keys()}  # noqa: SIM118 - a Qt call
    first = _window(qtbot, tmp_path / "a", "Windows")
    second = _window(qtbot, tmp_path / "b", "Fusion")
    first.set_theme("dark")
    first.set_theme("system")
    assert qapp.style().name().lower() == "windows"
    second.set_theme("system")
    assert qapp.style().name().lower() == "fusion"
    first.set_theme("system")
    assert qapp.style().name().lower() == "windows"


def test_without_a_given_style_the_app_style_at_creation_is_kept(
    qtbot: QtBot, tmp_path: Path, qapp: QApplication, app_style: str
) -> None:
    qapp.setStyle("Windows")
    win = _window(qtbot, tmp_path / "a", None)
    win.set_theme("dark")
    assert qapp.style().name().lower() == "fusion"
    win.set_theme("system")
    assert qapp.style().name().lower() == "windows"
