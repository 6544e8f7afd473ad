"""lazy_qt: enums by name before the first paint, and a first paint that builds no Qt-namespace enum."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSplitter
from pytestqt.qtbot import QtBot

from benchmarks.bench_startup import child_script
from triage_app.gui.main import models
from triage_app.gui.shared import lazy_qt


def test_role_numbers_are_qts() -> None:
    assert Qt.ItemDataRole.DisplayRole.value == models.DISPLAY_ROLE
    assert Qt.ItemDataRole.UserRole.value == models.USER_ROLE


def test_lazy_namespace_is_the_real_one() -> None:
    assert lazy_qt.Qt.ItemDataRole.ToolTipRole is Qt.ItemDataRole.ToolTipRole
    assert lazy_qt.Qt.AlignmentFlag is Qt.AlignmentFlag
    with pytest.raises(AttributeError):
        _ = lazy_qt.Qt.NoSuchEnum


def test_set_enum_sets_by_key_name_and_refuses_a_wrong_key(qtbot: QtBot) -> None:
    label = QLabel("<b>not bold</b>")
    qtbot.addWidget(label)
    splitter = QSplitter()
    qtbot.addWidget(splitter)
    lazy_qt.show_plain(label)
    lazy_qt.set_enum(splitter, "orientation", "Vertical")
    lazy_qt.set_enum(label, "alignment", "AlignRight|AlignTop")
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert splitter.orientation() == Qt.Orientation.Vertical
    assert label.alignment() == Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop
    with pytest.raises(ValueError, match="Sideways"):
        lazy_qt.set_enum(splitter, "orientation", "Sideways")
    assert splitter.orientation() == Qt.Orientation.Vertical


# Every Python enum class PySide creates, by name: the Qt namespace's include Qt.Key.
ENUM_SPY = """
import enum
created = []
_create = enum.EnumType._create_
def spy(cls, class_name, *args, **kwargs):
    created.append(class_name)
    return _create(cls, class_name, *args, **kwargs)
enum.EnumType._create_ = spy
"""


@pytest.mark.parametrize(
    ("mode", "moment"),
    [
        ("app", "the first paint"),
        # Ready to triage (the services set on the window): the namespace is built right after,
        # from the deferred work (MainWindow.after_loading), not while the engineer waits.
        ("ready", "setting the services"),
    ],
)
def test_no_qt_namespace_until_ready(tmp_path: Path, mode: str, moment: str) -> None:
    """The Qt namespace costs ~15 ms of start-up (benchmarks/bench_startup.py); it is built after."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TRIAGE_APP_DATA_DIR=str(tmp_path))
    out = subprocess.run(
        # A real start (cli.main with no arguments) in a fresh process, stopped at `moment`.
        [sys.executable, "-c", child_script(ENUM_SPY, '"Key" in created, len(created)'), mode],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    words = out.stdout.split()
    assert words[:1] == ["painted"], out.stderr
    assert int(words[2]) > 0, "the probe saw no enum being created: it measures nothing"
    assert words[1] == "False", f"something before {moment} used a Qt.* enum"
