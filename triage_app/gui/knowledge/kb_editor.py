"""The Knowledge Base window: bullets and vocabulary, templates, releases, settings, corrections, sharing.

Every change is validated and written in one transaction, after a snapshot of the sections it
touches; "Undo last change" writes the snapshot back (in one transaction too, on the file worker).
The services are rebuilt off the GUI thread: by the owner's worker after an edit, by the file
worker after an import or an undo.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QThreadPool, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from triage_app.core.knowledge.bundle import Bundle, BundleError
from triage_app.core.triage.vocabulary import Vocabulary
from triage_app.gui.knowledge.bullets_tab import BulletsTab
from triage_app.gui.knowledge.changes import REFUSED, TEMPLATES_TAB, FileRefused
from triage_app.gui.knowledge.corrections_tab import CorrectionsTab
from triage_app.gui.knowledge.releases_tab import ReleasesTab
from triage_app.gui.knowledge.settings_tab import SettingsTab
from triage_app.gui.knowledge.sharing_tab import SharingTab
from triage_app.gui.knowledge.templates_tab import TemplatesTab
from triage_app.gui.shared.plain import plain_message, plain_tooltip
from triage_app.gui.shared.screen_fit import resize_to_fit
from triage_app.gui.shared.workers import ExcInfo, FileJob, FunctionWorker, report_unexpected
from triage_app.storage import bundle_repo, history_repo
from triage_app.storage.errors import StorageError, ValidationError

if TYPE_CHECKING:
    from sqlite_utils import Database

    from triage_app.services import Services


class KbEditor(
    BulletsTab, TemplatesTab, ReleasesTab, SettingsTab, CorrectionsTab, SharingTab, QDialog
):
    """Edit the knowledge base; `changed` fires after every successful write (services reload)."""

    changed = Signal()
    fileJobFinished = Signal(bool)  # an import or export that ran on the worker is over (ok)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kbEditor")
        self.setWindowTitle("Knowledge base")
        self.setAccessibleName("Knowledge base editor")
        self.services = services
        resize_to_fit(self, 1100, 680)  # a 1024x640 laptop gets the whole screen, no more
        self._undo: list[tuple[str, Bundle]] = []
        self._files_idle = True  # no file job (import, export, undo) running
        # History hit counts scan the FTS index (375 ms per bullet at 100,000 triages): they run on
        # one worker thread, in order, and land in the table as they arrive.
        self._count_pool = QThreadPool(self)
        self._count_pool.setMaxThreadCount(1)
        self._count_jobs: dict[int, tuple[FunctionWorker, int, int]] = {}  # tag -> worker, gen, row
        self._count_tag = 0
        self._table_gen = 0
        self._new_term_gen = 0
        # File imports and exports (parse, transaction, services rebuild, file write) run on a
        # worker too, one at a time; their buttons are disabled meanwhile.
        self.file_job = FileJob(self)
        # File dialogs are behind these hooks so tests (and scripts) can answer them.
        self.ask_open: Callable[[str, str], str] = self._ask_open
        self.ask_save: Callable[[str, str, str], str] = self._ask_save
        self.confirm: Callable[[str, str], bool] = self._confirm

        self.tabs = QTabWidget()
        self.tabs.setObjectName("kbTabs")
        self.tabs.addTab(self._bullets_tab(), "&Bullets && vocabulary")
        self._templates_index = self.tabs.addTab(self._templates_tab(), TEMPLATES_TAB)
        self.tabs.addTab(self._releases_tab(), "&Releases")
        self.tabs.addTab(self._settings_tab(), "&Settings")
        self.tabs.addTab(self._corrections_tab(), "&Corrections")
        self.tabs.addTab(self._sharing_tab(), "S&haring")
        self.undo_button = QPushButton("&Undo last change")
        self.undo_button.setObjectName("kbUndo")
        self.undo_button.setAccessibleName("Undo the last change to the knowledge base")
        self.undo_button.clicked.connect(self.undo)
        QShortcut(QKeySequence.StandardKey.Undo, self, activated=self._undo_shortcut)
        self.status = QLabel("")
        self.status.setObjectName("kbStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.undo_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self._update_undo()
        self.reload_all()

    # ------------------------------------------------------------------ the one write path

    def apply_change(
        self, label: str, sections: list[str], change: Callable[[Database], None]
    ) -> bool:
        """Snapshot `sections`, run `change` and re-validate, all in one transaction."""
        try:
            snapshot = self._transact(sections, change)
        except (*REFUSED, StorageError) as exc:
            return self._change_failed(exc)
        self._change_done(label, snapshot)
        return True

    def _transact(self, sections: list[str], change: Callable[[Database], None]) -> Bundle:
        """The write itself, with no widgets: safe on the file worker. Returns the undo snapshot."""
        with self.services.kb.transaction() as db:
            snapshot = bundle_repo.current_sections(db, sections)
            change(db)
            Vocabulary.from_rows(list(db.query("select bullet, grp, term, weight from vocabulary")))
        return Bundle(snapshot)

    def _change_failed(self, exc: Exception) -> bool:
        if isinstance(exc, StorageError) and not isinstance(exc, ValidationError):
            QMessageBox.warning(self, "Not saved", plain_message(str(exc)))
        else:
            self._say(f"Not saved: {exc}")
        self.reload_all()  # show what is really stored
        return False

    def _change_done(self, label: str, snapshot: Bundle, fresh: Any = None) -> None:
        self._undo.append((label, snapshot))
        self._after_write(f"Saved: {label}.", fresh)

    # ------------------------------------------------------------------ file jobs (worker)

    def _run_file_job(
        self, doing: str, job: Callable[[], Any], on_done: Callable[[Any], bool | None]
    ) -> bool:
        """Run `job` on the file worker; `on_done(result)` (GUI thread) says whether it worked,
        or None when it started a next step. False (nothing started) while one is running."""
        if self.file_job.busy:
            return False
        self._set_file_buttons(False)
        self._say(doing)

        def done(result: Any) -> None:
            ok = on_done(result)
            if ok is not None:
                self._file_job_over(ok)

        return self.file_job.start(job, done, self._file_job_failed)

    def _file_job_failed(self, exc_info: ExcInfo) -> None:
        exc = exc_info[1]
        if isinstance(exc, FileRefused):
            if exc.details:
                self.diff_view.setPlainText(exc.details)
            self._say(str(exc))
            if len(getattr(exc.__cause__, "problems", ())) > 1:
                from triage_app.gui.shared.problems import warn_problems

                # The status line has room for one problem; the box lists every one.
                warn_problems(self, "Import failed", "Nothing was imported.", exc.__cause__)
        elif isinstance(exc, REFUSED | StorageError):
            self._change_failed(exc)  # type: ignore[arg-type]
        else:
            self._file_job_over(False)
            report_unexpected(exc_info)
            return
        self._file_job_over(False)

    def _file_job_over(self, ok: bool) -> None:
        self._set_file_buttons(True)
        self.fileJobFinished.emit(ok)

    def _set_file_buttons(self, enabled: bool) -> None:
        for button in (
            self.release_import,
            self.release_export,
            self.export_bundle_button,
            self.import_bundle_button,
        ):
            button.setEnabled(enabled)
        self._files_idle = enabled  # undo runs as a file job too: one at a time
        self._update_undo()

    def undo(self) -> bool:
        """Write the last change's snapshot back, on the file worker (a whole section can be
        thousands of rows). False when there is nothing to undo or a file job is running;
        fileJobFinished reports the outcome."""
        if not self._undo:
            return False
        label, snapshot = self._undo[-1]
        services = self.services

        def job() -> Any:
            try:
                with services.kb.transaction() as db:
                    bundle_repo.apply(db, snapshot, "replace")
            except (BundleError, StorageError, ValidationError) as exc:
                raise FileRefused(f"Could not undo: {exc}") from exc
            return services.rebuild()

        def done(fresh: Any) -> bool:
            self._undo.pop()
            self._after_write(f"Undone: {label}.", fresh)
            return True

        return self._run_file_job(f"Undoing: {label}…", job, done)

    def _undo_shortcut(self) -> None:
        focus = self.focusWidget()
        if isinstance(focus, QLineEdit | QPlainTextEdit):
            focus.undo()  # text editing keeps its own undo
        else:
            self.undo()

    def _after_write(self, message: str, fresh: Any = None) -> None:
        """`fresh`: services already rebuilt on the worker (file jobs), swapped in here. After a
        small edit the owner rebuilds them on its own worker when `changed` arrives
        (MainWindow.reload_services): an engine rebuild takes up to ~0.5 s, never on this thread."""
        if fresh is not None:
            self.services.swap(fresh)
        self.changed.emit()
        self.reload_all()
        self._say(message)

    def _update_undo(self) -> None:
        self.undo_button.setEnabled(bool(self._undo) and self._files_idle)
        # The label can quote a term or bullet title: escaped, never rendered as HTML.
        self.undo_button.setToolTip(
            plain_tooltip(f"Undo: {self._undo[-1][0]}") if self._undo else ""
        )

    def _say(self, message: str) -> None:
        self.status.setText(message)
        self._update_undo()

    def reload_all(self) -> None:
        self._fill_bullets()
        self._fill_templates()
        self._fill_releases()
        self._fill_settings()
        self._fill_corrections()
        self._update_undo()

    def _read(self, fn: Callable[[Database], Any]) -> Any:
        with self.services.kb.lock:
            return fn(self.services.kb.db)

    # ------------------------------------------------------------------ history hit counts (worker)

    def _count_later(self, term: str, gen: int, row: int) -> None:
        """Count `term` in the history on the worker; row -1 is the new-term label."""
        kb = self.services.kb

        def job() -> int:
            with kb.lock:
                return history_repo.term_hit_count(kb.db, term)

        self._count_tag += 1
        worker = FunctionWorker(job, self._count_tag)
        worker.setAutoDelete(False)
        self._count_jobs[self._count_tag] = (worker, gen, row)  # keeps the signals alive
        worker.signals.done.connect(self._on_count)
        worker.signals.failed.connect(self._on_count_failed)
        self._count_pool.start(worker)

    @Slot(int, object)
    def _on_count(self, tag: int, hits: object) -> None:
        self._show_count(tag, str(hits))

    @Slot(int, object)
    def _on_count_failed(self, tag: int, exc: object) -> None:
        self._show_count(tag, "?")  # a count is a hint: a busy or damaged index must not stop edits

    def _show_count(self, tag: int, text: str) -> None:
        job = self._count_jobs.pop(tag, None)
        if job is None:
            return
        _worker, gen, row = job
        if row < 0:
            if gen == self._new_term_gen:  # only the newest typed term is shown
                label = "" if text == "?" else f"{text} history ticket{'' if text == '1' else 's'}"
                self.new_term_hits.setText(label)
            return
        item = self.term_table.item(row, 3) if gen == self._table_gen else None
        if item is not None:
            item.setText(text)

    # ------------------------------------------------------------------ dialogs (replaceable)

    def _ask_open(self, title: str, filters: str) -> str:
        return QFileDialog.getOpenFileName(self, title, str(Path.home()), filters)[0]

    def _ask_save(self, title: str, suggested: str, filters: str) -> str:
        return QFileDialog.getSaveFileName(self, title, str(Path.home() / suggested), filters)[0]

    def _confirm(self, title: str, text: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes
