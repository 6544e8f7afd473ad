"""Composition root: paths -> knowledge base -> services -> (GUI) window. The one place things are wired."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from triage_app import paths
from triage_app.services import build_gui_services

if TYPE_CHECKING:
    from triage_app.gui.main.main_window import MainWindow


def build_main_window(data_dir: Path, today: dt.date | None = None) -> MainWindow:
    """The main window wired to the knowledge base in `data_dir`, services loaded before returning.

    `triage-app` itself builds the same window through gui.launch, loading the services on a worker
    thread after the window is shown. PySide6 is imported here, not at module level, so the CLI
    never pays for Qt.
    """
    from triage_app.gui.main.main_window import MainWindow

    window = MainWindow(
        paths.data_dir(data_dir), today, load_services=lambda: build_gui_services(data_dir, today)
    )
    window.load_services()
    return window
