"""The export dialog: the type chosen last time comes back; the platform's own dialog where it has one."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from tests.gui.conftest import SPANS_BOTH_TICKET, triage_and_wait
from triage_app.gui.main.main_window import MainWindow
from triage_app.gui.shared.native_dialogs import portal_theme_wanted, prefer_native_dialogs


def test_the_export_type_is_remembered(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    triage_and_wait(qtbot, window, SPANS_BOTH_TICKET)
    asked: list[tuple[str, str, QFileDialog.Option]] = []
    answers = iter([str(tmp_path / "first"), str(tmp_path / "second")])

    def dialog(_parent, _title, suggested, _filters, selected, options):  # type: ignore[no-untyped-def]
        asked.append((suggested, selected, options))
        return next(answers), "E-mail draft (*.eml)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(dialog))
    window.act_export.trigger()
    assert (tmp_path / "first.eml").exists()
    assert asked[0][1] == "Plain text (*.txt)"  # the first time: plain text
    window.act_export.trigger()
    suggested, selected, options = asked[1]
    assert selected == "E-mail draft (*.eml)"
    assert suggested.endswith(".eml") and Path(suggested).parent == tmp_path
    assert not options & QFileDialog.Option.DontUseNativeDialog


def _portal_dir(tmp_path: Path) -> str:
    service = tmp_path / "share" / "dbus-1" / "services" / "org.freedesktop.portal.Desktop.service"
    service.parent.mkdir(parents=True)
    service.write_text("[D-BUS Service]\n", encoding="utf-8")
    return str(tmp_path / "share")


def test_kde_with_a_portal_gets_native_dialogs(tmp_path: Path) -> None:
    env = {
        "XDG_CURRENT_DESKTOP": "KDE",
        "DBUS_SESSION_BUS_ADDRESS": "unix:path=/run/user/1000/bus",
        "XDG_DATA_DIRS": "/nonexistent:" + _portal_dir(tmp_path),
    }
    assert portal_theme_wanted(env, "linux")
    prefer_native_dialogs(env)
    assert env["QT_QPA_PLATFORMTHEME"] == "xdgdesktopportal"


@pytest.mark.parametrize(
    ("change", "platform"),
    [
        ({"XDG_CURRENT_DESKTOP": "ubuntu:GNOME"}, "linux"),  # Qt's gtk3 theme: native already
        ({"QT_QPA_PLATFORMTHEME": "qt5ct"}, "linux"),  # the user's choice stays
        ({"DBUS_SESSION_BUS_ADDRESS": ""}, "linux"),  # no session bus, no portal
        ({"XDG_CURRENT_DESKTOP": ""}, "linux"),  # no desktop session (Xvfb, ssh)
        ({}, "win32"),  # Windows and macOS dialogs are native anyway
        ({"XDG_DATA_DIRS": "/nonexistent"}, "linux"),  # no portal installed
    ],
)
def test_portal_is_left_alone_elsewhere(
    tmp_path: Path, change: dict[str, str], platform: str
) -> None:
    env = {
        "XDG_CURRENT_DESKTOP": "KDE",
        "DBUS_SESSION_BUS_ADDRESS": "unix:path=/run/user/1000/bus",
        "XDG_DATA_DIRS": _portal_dir(tmp_path),
        **change,
    }
    assert not portal_theme_wanted(env, platform)
