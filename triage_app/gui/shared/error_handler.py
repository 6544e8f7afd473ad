"""The one handler for unexpected exceptions: append to the log file in the data dir, show a dialog, go on."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from triage_app.gui.shared.lazy_qt import Qt


class ErrorHandler(QObject):
    """Installed as sys.excepthook by run_gui; workers hand their failures to `handle` too."""

    reported = Signal(str)  # the one-line summary, after it was logged and shown

    def __init__(self, log_file: Path, parent_widget: QWidget | None = None) -> None:
        super().__init__()
        self.log_file = log_file
        self.parent_widget = parent_widget
        self._previous_hook = sys.excepthook
        self._showing = False

    def install(self) -> None:
        self._previous_hook = sys.excepthook
        sys.excepthook = self.handle

    def uninstall(self) -> None:
        if sys.excepthook == self.handle:
            sys.excepthook = self._previous_hook

    def handle(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self._previous_hook(exc_type, exc, tb)
            return
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        logged = self._append_log(details)
        # Imported here, not with the window: sqlite3 and storage load after the first paint.
        import sqlite3

        from triage_app.storage.errors import StorageError

        # The environment's fault (disk full, locked database) is told plainly; our bugs get details.
        if isinstance(exc, sqlite3.DatabaseError) and not isinstance(
            exc, (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError)
        ):
            # A read outside a transaction met a damaged page or a lock: say it like a write would.
            from triage_app.storage.database import translate_error

            exc = translate_error(exc)
        if isinstance(exc, StorageError):
            summary = str(exc)
        else:
            summary = f"Something went wrong: {exc_type.__name__}: {exc}"
        where = (
            f"The details were added to {self.log_file}."
            if logged
            else f"The log file {self.log_file} could not be written; the details are below."
        )
        self.show_dialog(
            summary, f"{where}\nThe app keeps running; your ticket and draft are kept.", details
        )
        self.reported.emit(summary)

    def _append_log(self, details: str) -> bool:
        import datetime as dt

        stamp = dt.datetime.now().isoformat(timespec="seconds")
        try:
            self.log_file.parent.mkdir(parents=True, exist_ok=True)
            with self.log_file.open("a", encoding="utf-8") as fh:
                fh.write(f"--- {stamp} unexpected error\n{details}\n")
        except OSError:
            return False
        return True

    def show_dialog(self, summary: str, info: str, details: str) -> None:
        if self._showing:  # an error while the dialog is open must not stack dialogs
            return
        self._showing = True
        try:
            from PySide6.QtWidgets import QMessageBox  # first needed at the first error

            box = QMessageBox(self.parent_widget)
            box.setIcon(QMessageBox.Icon.Warning)
            box.setWindowTitle("triage-app: unexpected error")
            # The message can quote ticket or file text: shown verbatim, never as HTML.
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.setText(summary)
            box.setInformativeText(info)
            box.setDetailedText(details)
            box.setAccessibleName("Unexpected error")
            box.exec()
        finally:
            self._showing = False
