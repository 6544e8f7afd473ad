"""GUI entry point: show the window first, then open the knowledge base on a worker thread."""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

from triage_app import paths
from triage_app.gui.main.main_window import MainWindow
from triage_app.gui.shared.lazy_qt import Qt
from triage_app.gui.shared.theme import apply_theme

if TYPE_CHECKING:
    import datetime as dt

    from triage_app.services import Services


def _services_loader(data_dir: Path | None, today: dt.date | None):  # type: ignore[no-untyped-def]
    def load() -> Services:
        # Imported here, on the loading thread: the storage and engine imports cost as much as
        # Qt itself, and the window is already on screen while they run.
        from triage_app.services import build_gui_services

        return build_gui_services(data_dir, today)

    return load


def create_window(data_dir: Path | None, today: dt.date | None) -> MainWindow:
    """The window wired to the knowledge base in `data_dir`, loaded asynchronously once shown.

    app.build_main_window builds the same window and loads it synchronously (tests, scripts).
    """
    return MainWindow(
        paths.data_dir(data_dir), today, load_services=_services_loader(data_dir, today)
    )


def _set_icon(app: QApplication) -> None:
    try:
        from triage_app.gui.shared.icons import app_icon

        app.setWindowIcon(app_icon())
    except (ImportError, OSError):  # an icon is decoration; never a reason not to start
        pass


def _resume_collection() -> None:
    """The collector back on after start-up (cli.open_gui turns it off). What start-up built
    lives as long as the window: frozen, so later collections (a big paste) do not rescan it."""
    gc.freeze()
    gc.enable()


def run_gui(
    data_dir: Path | None, today: dt.date | None = None, ticket_text: str | None = None
) -> int:
    """Open the main window; returns the exit code. `ticket_text` preloads a ticket (screenshots, demos)."""
    # Fractional display scaling (150 %) is kept as is: Qt 6's default rounding policy, PassThrough.
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        from triage_app.gui.shared.native_dialogs import prefer_native_dialogs

        prefer_native_dialogs()
        app = QApplication(sys.argv[:1])
    app.setApplicationName(paths.APP_NAME)
    app.setApplicationDisplayName("triage-app")
    app.setDesktopFileName(
        "io.prefect.TriageApp"
    )  # packaging/linux/<this>.desktop (Wayland app id)
    window = create_window(data_dir, today)
    theme = window.settings.text("theme", "system")
    if theme != "system":
        _ = window.system_style  # the desktop's style, read before the theme replaces it
        apply_theme(app, theme)
    window.error_handler.install()
    window.show()
    window.load_services_after_first_paint()
    # Work that can wait until the knowledge base is loaded (~100 ms after the first paint; on the
    # GUI thread it would take the GIL from the loader): the icon (decoration), the look for an
    # orphaned autosave (file and lock I/O; after a crash it offers the work back), and the Qt
    # namespace's enums, kept out of the first frame (lazy_qt) and built before the first verdict
    # is shown.
    window.after_loading(_resume_collection)
    window.after_loading(lambda: _set_icon(app))
    window.after_loading(window.autosave.offer_recovery)
    window.after_loading(lambda: Qt.Key)
    if ticket_text:
        window.load_ticket(ticket_text)  # triaged as soon as the knowledge base is open
    try:
        return app.exec()
    finally:
        window.shutdown()
        window.error_handler.uninstall()
        from triage_app.gui.main.export_actions import release_clipboard

        release_clipboard()
