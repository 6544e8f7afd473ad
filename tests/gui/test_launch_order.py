"""Start-up order: work that can wait runs after the knowledge base is loaded, loaded or not."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.gui.conftest import TODAY
from triage_app.gui.main.main_window import MainWindow
from triage_app.services import build_gui_services


def test_deferred_work_runs_after_the_services_are_in_place(qtbot: QtBot, tmp_path: Path) -> None:
    order: list[str] = []
    window = MainWindow(
        tmp_path, TODAY, load_services=lambda: build_gui_services(tmp_path / "kb", TODAY)
    )
    qtbot.addWidget(window)
    window.servicesReady.connect(lambda: order.append("services"))
    window.after_loading(lambda: order.append("icon"))
    window.after_loading(lambda: order.append("recovery"))
    window.load_services_after_first_paint()
    window.show()
    qtbot.waitUntil(lambda: len(order) == 3, timeout=15000)
    assert order == ["services", "icon", "recovery"]
    assert window.services is not None
    # Asked for after loading ended: run at once (queued), not lost.
    window.after_loading(lambda: order.append("late"))
    qtbot.waitUntil(lambda: order[-1:] == ["late"], timeout=5000)


def test_deferred_work_still_runs_when_loading_fails(qtbot: QtBot, tmp_path: Path, dialogs) -> None:
    ran: list[str] = []

    def broken():  # type: ignore[no-untyped-def]
        raise OSError("disk gone")

    window = MainWindow(tmp_path, TODAY, load_services=broken)
    qtbot.addWidget(window)
    window.after_loading(lambda: ran.append("recovery"))
    window.load_services_async()
    qtbot.waitUntil(lambda: ran == ["recovery"], timeout=15000)
    assert window.services is None
    assert "No knowledge base" in window.kb_label.text()
