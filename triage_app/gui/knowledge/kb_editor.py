"""The Knowledge Base window: bullets and vocabulary, templates, releases, settings, corrections, sharing.

Every change is validated and written in one transaction, after a snapshot of the sections it
touches; "Undo last change" writes the snapshot back (in one transaction too, on the file worker).
The services are rebuilt off the GUI thread: by the owner's worker after an edit, by the file
worker after an import or an undo.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QThreadPool, Signal, Slot
from PySide6.QtGui import QFontDatabase, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from triage_app.core.files import write_text_or_error
from triage_app.core.knowledge import bundle
from triage_app.core.knowledge.bundle import Bundle, BundleDiff, BundleError
from triage_app.core.replies.templates import TEMPLATE_LABELS
from triage_app.core.result import VERDICT_LABELS
from triage_app.core.triage.vocabulary import Vocabulary, VocabularyError
from triage_app.gui.shared.plain import plain_message, plain_tooltip
from triage_app.gui.shared.screen_fit import resize_to_fit
from triage_app.gui.shared.workers import ExcInfo, FileJob, FunctionWorker, report_unexpected
from triage_app.storage import (
    bundle_repo,
    corrections_repo,
    history_repo,
    policy_repo,
    releases_repo,
    templates_repo,
)
from triage_app.storage.errors import StorageError, ValidationError

if TYPE_CHECKING:
    from sqlite_utils import Database

    from triage_app.services import Services

TERM_GROUPS_HINT = "terms"
SIGNATURE_SETTING = "signature"
ENGINEER_SETTING = "engineer_name"
SUPPORT_MONTHS_SETTING = "support_months"


class ChangeRefused(Exception):
    """A change failed validation; nothing was written. The message is shown to the user."""


class FileRefused(Exception):
    """A file could not be read or parsed, or an undo failed; nothing was written. The message is shown as it is,
    `details` (if any) in the diff view."""

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message)
        self.details = details


# Failures of a change that are the input's fault: said in the status line, nothing written.
REFUSED = (ChangeRefused, ValidationError, VocabularyError, BundleError, ValueError)
# The one template editor, by one name (the Draft menu's "Edit reply templates…" opens it).
TEMPLATES_TAB = "Reply &templates"


class KbEditor(QDialog):
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

    # ------------------------------------------------------------------ bullets and vocabulary

    def _bullets_tab(self) -> QWidget:
        self.bullet_list = QListWidget()
        self.bullet_list.setObjectName("kbBulletList")
        self.bullet_list.setAccessibleName("Policy bullets")
        self.bullet_title = QLabel("")
        self.bullet_title.setObjectName("kbBulletTitle")
        self.bullet_title.setTextFormat(Qt.TextFormat.PlainText)
        self.bullet_title.setStyleSheet("font-weight: 600; font-size: 14px;")
        self.bullet_desc = QLabel("")
        self.bullet_desc.setObjectName("kbBulletDescription")
        self.bullet_desc.setTextFormat(Qt.TextFormat.PlainText)  # verbatim, never HTML
        self.bullet_desc.setWordWrap(True)
        self.bullet_desc.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.term_table = QTableWidget(0, 4)
        self.term_table.setObjectName("kbTermTable")
        self.term_table.setAccessibleName("Vocabulary terms of the bullet")
        self.term_table.setHorizontalHeaderLabels(["Term", "Group", "Weight", "History hits"])
        self.term_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.term_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.term_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.new_term = QLineEdit()
        self.new_term.setObjectName("kbNewTerm")
        self.new_term.setAccessibleName("New vocabulary term")
        self.new_term.setPlaceholderText("New term or phrase…")
        self.new_term_hits = QLabel("")
        self.new_term_hits.setObjectName("kbNewTermHits")
        self.new_group = QComboBox()
        self.new_group.setObjectName("kbNewGroup")
        self.new_group.setEditable(True)
        self.new_group.setAccessibleName("Group of the new term")
        self.new_weight = QDoubleSpinBox()
        self.new_weight.setObjectName("kbNewWeight")
        self.new_weight.setRange(0.1, 5.0)
        self.new_weight.setSingleStep(0.5)
        self.new_weight.setValue(1.0)
        self.add_term_button = QPushButton("&Add term")
        self.add_term_button.setObjectName("kbAddTerm")
        self.remove_term_button = QPushButton("&Remove term")
        self.remove_term_button.setObjectName("kbRemoveTerm")
        self.add_term_button.clicked.connect(self._add_term_clicked)
        self.remove_term_button.clicked.connect(self._remove_term_clicked)
        self.new_term.textChanged.connect(self._count_new_term)
        self.new_term.returnPressed.connect(self._add_term_clicked)
        self.bullet_list.currentRowChanged.connect(lambda _r: self._show_bullet())

        add = QHBoxLayout()
        add.addWidget(self.new_term, 3)
        add.addWidget(self.new_term_hits)
        add.addWidget(self.new_group, 1)
        add.addWidget(self.new_weight)
        add.addWidget(self.add_term_button)
        add.addWidget(self.remove_term_button)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.addWidget(self.bullet_title)
        rl.addWidget(self.bullet_desc)
        rl.addWidget(QLabel("Vocabulary (the policy text itself is never changed here):"))
        rl.addWidget(self.term_table, 1)
        rl.addLayout(add)
        split = QSplitter()
        split.addWidget(self.bullet_list)
        split.addWidget(right)
        split.setSizes([300, 750])
        return split

    def _fill_bullets(self) -> None:
        current = self.current_bullet()
        self.bullet_list.blockSignals(True)
        self.bullet_list.clear()
        for b in self.services.policy.bullets:
            side = "in" if b.side == "in_scope" else "out"
            item = QListWidgetItem(f"[{side}] {b.title}")
            item.setData(Qt.ItemDataRole.UserRole, b.title)
            self.bullet_list.addItem(item)
        titles = [b.title for b in self.services.policy.bullets]
        self.bullet_list.setCurrentRow(titles.index(current) if current in titles else 0)
        self.bullet_list.blockSignals(False)
        self._show_bullet()

    def current_bullet(self) -> str | None:
        item = self.bullet_list.currentItem() if hasattr(self, "bullet_list") else None
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _show_bullet(self) -> None:
        title = self.current_bullet()
        bullet = self.services.policy.bullet(title) if title else None
        self.bullet_title.setText(bullet.title if bullet else "")
        self.bullet_desc.setText(bullet.description if bullet else "")
        rows = self._read(
            lambda db: list(
                db.query(
                    "select id, grp, term, weight from vocabulary where bullet = ? order by grp, id",
                    [title or ""],
                )
            )
        )
        groups = sorted({r["grp"] for r in rows} | {TERM_GROUPS_HINT})
        self.new_group.clear()
        self.new_group.addItems(groups)
        self.new_group.setCurrentText(TERM_GROUPS_HINT)
        self.term_table.setRowCount(0)  # drop the old items before new ones (no replacing in place)
        self.term_table.setRowCount(len(rows))
        self._table_gen += 1
        for i, r in enumerate(rows):
            for col, value in enumerate((r["term"], r["grp"], f"{r['weight']:g}", "…")):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, r["id"])
                self.term_table.setItem(i, col, item)
            self._count_later(r["term"], self._table_gen, i)
        self._count_new_term()

    def _count_new_term(self) -> None:
        term = self.new_term.text().strip()
        if not term:
            self.new_term_hits.setText("")
            return
        self._new_term_gen += 1
        self.new_term_hits.setText("counting…")
        self._count_later(term, self._new_term_gen, -1)

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

    def add_term(self, bullet: str, term: str, group: str = "terms", weight: float = 1.0) -> bool:
        term, group = term.strip(), group.strip() or TERM_GROUPS_HINT
        if not term:
            self._say("Not saved: the term is empty.")
            return False

        def change(db: Database) -> None:
            if len(term) > 200:
                raise ChangeRefused("a term is at most 200 characters")
            dupe = list(
                db.query(
                    "select 1 from vocabulary where bullet = ? and grp = ? and lower(term) = lower(?)",
                    [bullet, group, term],
                )
            )
            if dupe:
                raise ChangeRefused(f"{term!r} is already in {group} of {bullet}")
            db.table("vocabulary").insert(
                {"bullet": bullet, "grp": group, "term": term, "weight": float(weight)}
            )

        ok = self.apply_change(f"add {term!r} to {bullet}", ["vocabulary"], change)
        if ok:
            self.new_term.clear()
        return ok

    def remove_terms(self, ids: list[int]) -> bool:
        if not ids:
            return False

        def change(db: Database) -> None:
            for i in ids:
                db.table("vocabulary").delete(i)

        return self.apply_change(f"remove {len(ids)} term(s)", ["vocabulary"], change)

    def _add_term_clicked(self) -> None:
        bullet = self.current_bullet()
        if bullet:
            self.add_term(
                bullet, self.new_term.text(), self.new_group.currentText(), self.new_weight.value()
            )

    def _remove_term_clicked(self) -> None:
        rows = {i.row() for i in self.term_table.selectionModel().selectedRows()}
        ids = [self.term_table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in sorted(rows)]
        self.remove_terms(ids)

    # ------------------------------------------------------------------ templates

    def _templates_tab(self) -> QWidget:
        self.template_list = QListWidget()
        self.template_list.setObjectName("kbTemplateList")
        self.template_list.setAccessibleName("Reply templates")
        self.template_edit = QPlainTextEdit()
        self.template_edit.setObjectName("kbTemplateEdit")
        self.template_edit.setAccessibleName("Template text")
        # Fixed width: placeholders and indented quote lines line up as they will in the draft.
        self.template_edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.template_save = QPushButton("Save template")
        self.template_save.setObjectName("kbTemplateSave")
        self.template_reset = QPushButton("Reset to default")
        self.template_reset.setObjectName("kbTemplateReset")
        self.template_list.currentRowChanged.connect(lambda _r: self._show_template())
        self.template_save.clicked.connect(
            lambda: self.save_template(self.current_template(), self.template_edit.toPlainText())
        )
        self.template_reset.clicked.connect(lambda: self.reset_template(self.current_template()))
        hint = QLabel(
            "{customer_name|there} placeholder with fallback · {>greeting} block · "
            "{?version} … {/?} lines shown only when set · // note for you only, never sent. "
            "An unknown placeholder is refused with its line."
        )
        hint.setTextFormat(Qt.TextFormat.PlainText)
        hint.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.template_reset)
        buttons.addWidget(self.template_save)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.addWidget(hint)
        rl.addWidget(self.template_edit, 1)
        rl.addLayout(buttons)
        split = QSplitter()
        split.addWidget(self.template_list)
        split.addWidget(right)
        split.setSizes([250, 800])
        return split

    def current_template(self) -> str:
        item = self.template_list.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole) or "") if item is not None else ""

    def show_templates(self, name: str = "") -> None:
        """Open on the reply templates (the Draft menu's Edit reply templates), at `name` if given."""
        self.tabs.setCurrentIndex(self._templates_index)
        if name:
            for row in range(self.template_list.count()):
                if self.template_list.item(row).data(Qt.ItemDataRole.UserRole) == name:
                    self.template_list.setCurrentRow(row)
        self.template_list.setFocus()

    def _fill_templates(self) -> None:
        current = self.current_template()
        templates = self._read(templates_repo.read_templates)
        changed = self._read(templates_repo.customized)
        self.template_list.blockSignals(True)
        self.template_list.clear()
        for name in templates:
            label = TEMPLATE_LABELS.get(name, name)
            item = QListWidgetItem(f"{label} (customized)" if name in changed else label)
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.template_list.addItem(item)
        names = list(templates)
        self.template_list.setCurrentRow(names.index(current) if current in names else 0)
        self.template_list.blockSignals(False)
        self._show_template()

    def _show_template(self) -> None:
        name = self.current_template()
        body = self._read(templates_repo.read_templates).get(name, "")
        self.template_edit.setPlainText(body)

    def save_template(self, name: str, body: str) -> bool:
        return self.apply_change(
            f"edit template {name}",
            ["templates"],
            lambda db: templates_repo.save_templates(db, {name: body}),
        )

    def reset_template(self, name: str) -> bool:
        return self.apply_change(
            f"reset template {name}",
            ["templates"],
            lambda db: templates_repo.reset_template(db, name),
        )

    # ------------------------------------------------------------------ releases

    RELEASE_COLUMNS = ("product", "version", "release_date", "name")

    def _releases_tab(self) -> QWidget:
        self.release_table = QTableWidget(0, len(self.RELEASE_COLUMNS))
        self.release_table.setObjectName("kbReleaseTable")
        self.release_table.setAccessibleName(
            "Release schedule (double-click a date or name to edit)"
        )
        self.release_table.setHorizontalHeaderLabels(["Product", "Version", "Release date", "Name"])
        self.release_table.horizontalHeader().setSectionResizeMode(
            3, QHeaderView.ResizeMode.Stretch
        )
        self.release_table.setSortingEnabled(False)
        self.release_table.itemChanged.connect(self._release_item_changed)
        self.release_add = QPushButton("Add release…")
        self.release_add.setObjectName("kbReleaseAdd")
        self.release_delete = QPushButton("Delete release")
        self.release_delete.setObjectName("kbReleaseDelete")
        self.release_import = QPushButton("Import CSV…")
        self.release_import.setObjectName("kbReleaseImport")
        self.release_export = QPushButton("Export CSV…")
        self.release_export.setObjectName("kbReleaseExport")
        self.release_add.clicked.connect(self._add_release_clicked)
        self.release_delete.clicked.connect(self._delete_release_clicked)
        self.release_import.clicked.connect(self._import_releases_clicked)
        self.release_export.clicked.connect(self._export_releases_clicked)
        buttons = QHBoxLayout()
        for b in (self.release_add, self.release_delete):
            buttons.addWidget(b)
        buttons.addStretch(1)
        for b in (self.release_import, self.release_export):
            buttons.addWidget(b)
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.addWidget(self.release_table, 1)
        lay.addLayout(buttons)
        return page

    def _fill_releases(self) -> None:
        rows = self._read(
            lambda db: list(
                db.query(
                    "select product, version, release_date, name from releases "
                    "order by product, release_date desc"
                )
            )
        )
        self.release_table.blockSignals(True)
        self.release_table.setRowCount(
            0
        )  # drop the old items before new ones (no replacing in place)
        self.release_table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            for col, key in enumerate(self.RELEASE_COLUMNS):
                item = QTableWidgetItem(str(r[key] or ""))
                # A plain string, not a tuple: Qt keeps it as a QString, no Python object inside.
                item.setData(Qt.ItemDataRole.UserRole, f"{r['product']}\x1f{r['version']}")
                if key in ("product", "version"):  # the row's identity: delete and add instead
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.release_table.setItem(i, col, item)
        self.release_table.blockSignals(False)

    def edit_release(self, product: str, version: str, field_name: str, value: str) -> bool:
        value = value.strip()

        def change(db: Database) -> None:
            if field_name == "release_date":
                try:
                    dt.date.fromisoformat(value)
                except ValueError:
                    raise ChangeRefused(f"{value!r} is not a date (YYYY-MM-DD)") from None
            elif field_name != "name":
                raise ChangeRefused(f"{field_name} cannot be edited")
            db.execute(
                f"update releases set {field_name} = ? where product = ? and version = ?",
                [value, product, version],
            )

        return self.apply_change(f"edit {product} {version}", ["releases"], change)

    def add_release(self, product: str, version: str, release_date: str, name: str = "") -> bool:
        from triage_app.core.releases.release_csv import ReleaseCsvError, parse_release_text

        def change(db: Database) -> None:
            text = f"product,version,release_date,name\n{product},{version},{release_date},{name}\n"
            try:
                releases = parse_release_text(text, "new release")
            except ReleaseCsvError as exc:
                raise ChangeRefused(str(exc).replace("new release:2: ", "")) from None
            releases_repo.import_releases(db, releases, source="edited in the app")

        return self.apply_change(f"add {product} {version}", ["releases"], change)

    def delete_release(self, product: str, version: str) -> bool:
        return self.apply_change(
            f"delete {product} {version}",
            ["releases"],
            lambda db: db.execute(
                "delete from releases where product = ? and version = ?", [product, version]
            ),
        )

    def import_releases(self, path: Path) -> bool:
        """Start the import on the file worker (parse, one transaction, services rebuild);
        `fileJobFinished(ok)` follows. A bad file changes nothing and names file, line, field."""
        from triage_app.core.releases.release_csv import ReleaseCsvError, parse_release_csv

        def job() -> tuple[Bundle, Any]:
            try:
                releases = parse_release_csv(path.read_bytes(), path.name)
            except (OSError, ReleaseCsvError) as exc:
                raise FileRefused(f"Not imported: {exc}") from exc
            snapshot = self._transact(
                ["releases"],
                lambda db: releases_repo.import_releases(db, releases, source=path.name) and None,
            )
            return snapshot, self.services.rebuild()

        def done(result: tuple[Bundle, Any]) -> bool:
            self._change_done(f"import {path.name}", *result)
            return True

        return self._run_file_job(f"Importing {path.name}…", job, done)

    def export_releases(self, path: Path) -> bool:
        """Start the export on the file worker; `fileJobFinished(ok)` follows."""
        from triage_app.core.releases.release_csv import export_release_csv

        def job() -> str:
            return write_text_or_error(
                path, export_release_csv(self._read(releases_repo.export_releases))
            )

        return self._run_file_job(
            f"Exporting to {path}…",
            job,
            lambda error: self._exported(path, error, f"Releases exported to {path}"),
        )

    def _exported(self, path: Path, error: str, message: str) -> bool:
        self._say(f"Export failed: {error}" if error else message)
        return not error

    def _release_item_changed(self, item: QTableWidgetItem) -> None:
        product, version = str(item.data(Qt.ItemDataRole.UserRole)).split("\x1f", 1)
        self.edit_release(product, version, self.RELEASE_COLUMNS[item.column()], item.text())

    def _add_release_clicked(self) -> None:
        dialog = QDialog(self)
        dialog.setWindowTitle("Add release")
        fields = {k: QLineEdit() for k in ("product", "version", "release_date", "name")}
        fields["product"].setText("prefect")
        fields["release_date"].setPlaceholderText("YYYY-MM-DD")
        form = QFormLayout(dialog)
        for k, w in fields.items():
            form.addRow(k.replace("_", " ").capitalize(), w)
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        box.accepted.connect(dialog.accept)
        box.rejected.connect(dialog.reject)
        form.addRow(box)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.add_release(
                *(fields[k].text() for k in ("product", "version", "release_date", "name"))
            )

    def _delete_release_clicked(self) -> None:
        item = self.release_table.currentItem()
        if item is not None:
            product, version = str(item.data(Qt.ItemDataRole.UserRole)).split("\x1f", 1)
            if self.confirm("Delete release", f"Delete {product} {version} from the schedule?"):
                self.delete_release(product, version)

    def _import_releases_clicked(self) -> None:
        name = self.ask_open("Import releases", "CSV (*.csv)")
        if name:
            self.import_releases(Path(name))

    def _export_releases_clicked(self) -> None:
        name = self.ask_save("Export releases", "releases.csv", "CSV (*.csv)")
        if name:
            self.export_releases(Path(name))

    # ------------------------------------------------------------------ settings

    def _settings_tab(self) -> QWidget:
        self.ending_soon_spin = QSpinBox()
        self.ending_soon_spin.setObjectName("kbEndingSoon")
        self.ending_soon_spin.setRange(0, 365)
        self.ending_soon_spin.setSuffix(" days")
        self.support_months_spin = QSpinBox()
        self.support_months_spin.setObjectName("kbSupportMonths")
        self.support_months_spin.setRange(1, 60)
        self.support_months_spin.setSuffix(" months")
        self.engineer_edit = QLineEdit()
        self.engineer_edit.setObjectName("kbEngineerName")
        self.signature_edit = QPlainTextEdit()
        self.signature_edit.setObjectName("kbSignature")
        self.signature_edit.setMaximumHeight(90)
        self.retention_spin = QSpinBox()
        self.retention_spin.setObjectName("kbRetention")
        self.retention_spin.setRange(0, 3650)
        self.retention_spin.setSpecialValueText("keep forever")
        self.retention_spin.setSuffix(" days")
        self.settings_save = QPushButton("Save settings")
        self.settings_save.setObjectName("kbSettingsSave")
        self.settings_save.clicked.connect(self.save_settings)
        # Compact: numbers as wide as a number, text fields as wide as a name, rows at the top.
        for spin in (self.ending_soon_spin, self.support_months_spin, self.retention_spin):
            spin.setMaximumWidth(180)
        self.engineer_edit.setMinimumWidth(260)
        self.engineer_edit.setMaximumWidth(360)
        self.signature_edit.setMaximumWidth(480)
        page = QWidget()
        self.settings_page = page
        outer = QVBoxLayout(page)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        outer.addLayout(form)
        outer.addStretch(1)
        form.addRow("Ending-soon warning", self.ending_soon_spin)
        form.addRow("Support period", self.support_months_spin)
        form.addRow("Engineer name", self.engineer_edit)
        form.addRow("Signature", self.signature_edit)
        form.addRow("Keep history for", self.retention_spin)
        save_row = QHBoxLayout()
        save_row.addWidget(self.settings_save)
        save_row.addStretch(1)
        form.addRow("", save_row)
        for label, widget in (
            ("Days before end of support that count as ending soon", self.ending_soon_spin),
            ("Months a release is supported", self.support_months_spin),
            ("Engineer name used in drafts", self.engineer_edit),
            ("Signature used in drafts", self.signature_edit),
            ("Days to keep saved triages, 0 keeps them forever", self.retention_spin),
        ):
            widget.setAccessibleName(label)
        return page

    def _fill_settings(self) -> None:
        def read(db: Database) -> dict[str, Any]:
            return {
                "ending": releases_repo.ending_soon_days(db),
                "months": self.services.policy.support_months,
                "engineer": policy_repo.get_setting(db, ENGINEER_SETTING, "") or "",
                "signature": policy_repo.get_setting(db, SIGNATURE_SETTING, "") or "",
                "retention": history_repo.retention_days(db) or 0,
            }

        v = self._read(read)
        self.ending_soon_spin.setValue(v["ending"])
        self.support_months_spin.setValue(v["months"])
        self.engineer_edit.setText(v["engineer"])
        self.signature_edit.setPlainText(v["signature"])
        self.retention_spin.setValue(v["retention"])

    def save_settings(self) -> bool:
        engineer = self.engineer_edit.text().strip()
        signature = self.signature_edit.toPlainText().rstrip()

        def change(db: Database) -> None:
            if len(engineer) > 120 or len(signature) > 2000:
                raise ChangeRefused("the engineer name or signature is too long")
            releases_repo.set_ending_soon_days(db, self.ending_soon_spin.value())
            policy_repo.set_setting(
                db, SUPPORT_MONTHS_SETTING, str(self.support_months_spin.value())
            )
            policy_repo.set_setting(db, ENGINEER_SETTING, engineer)
            policy_repo.set_setting(db, SIGNATURE_SETTING, signature)
            # Old triages go at the next save (so undoing a too-short retention loses nothing now).
            history_repo.set_retention_days(db, self.retention_spin.value())

        return self.apply_change("settings", ["settings"], change)

    # ------------------------------------------------------------------ corrections

    def _corrections_tab(self) -> QWidget:
        self.corrections_table = QTableWidget(0, 4)
        self.corrections_table.setObjectName("kbCorrections")
        self.corrections_table.setAccessibleName("Learned corrections")
        self.corrections_table.setHorizontalHeaderLabels(["Date", "Was", "Now", "Ticket"])
        self.corrections_table.horizontalHeader().setSectionResizeMode(
            3, QHeaderView.ResizeMode.Stretch
        )
        self.corrections_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.corrections_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.correction_undo = QPushButton("Forget this correction")
        self.correction_undo.setObjectName("kbForgetCorrection")
        self.correction_undo.clicked.connect(self._forget_clicked)
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.addWidget(
            QLabel("Overrides become evidence for later similar tickets. The policy never changes.")
        )
        lay.addWidget(self.corrections_table, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.correction_undo)
        lay.addLayout(row)
        return page

    def _fill_corrections(self) -> None:
        rows = self._read(corrections_repo.list_rows)
        self.corrections_table.setRowCount(
            0
        )  # drop the old items before new ones (no replacing in place)
        self.corrections_table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            now = VERDICT_LABELS.get(r["verdict"], r["verdict"])
            values = (
                r["created_at"][:10],
                VERDICT_LABELS.get(r["original_verdict"] or "", r["original_verdict"] or "?"),
                now + (f" / {r['bullet']}" if r["bullet"] else ""),
                " ".join((r["ticket"] or "").split())[:200],
            )
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, r["id"])
                self.corrections_table.setItem(i, col, item)

    def forget_correction(self, correction_id: int) -> bool:
        def change(db: Database) -> None:
            if not corrections_repo.undo_correction(db, correction_id):
                raise ChangeRefused(f"no correction #{correction_id}")

        return self.apply_change("forget a correction", ["corrections"], change)

    def _forget_clicked(self) -> None:
        item = self.corrections_table.currentItem()
        if item is not None:
            self.forget_correction(item.data(Qt.ItemDataRole.UserRole))

    # ------------------------------------------------------------------ sharing

    def _sharing_tab(self) -> QWidget:
        self.with_corrections = QCheckBox("Include learned corrections")
        self.with_corrections.setObjectName("kbWithCorrections")
        self.with_history = QCheckBox("Include history (saved tickets: customer data!)")
        self.with_history.setObjectName("kbWithHistory")
        self.export_bundle_button = QPushButton("Export bundle…")
        self.export_bundle_button.setObjectName("kbExportBundle")
        self.import_mode = QComboBox()
        self.import_mode.setObjectName("kbImportMode")
        self.import_mode.setAccessibleName("Import mode")
        self.import_mode.addItem("Merge (add and update)", "merge")
        self.import_mode.addItem("Replace (make each section the bundle's)", "replace")
        self.import_bundle_button = QPushButton("Import bundle…")
        self.import_bundle_button.setObjectName("kbImportBundle")
        self.diff_view = QPlainTextEdit()
        self.diff_view.setObjectName("kbDiffView")
        self.diff_view.setReadOnly(True)
        self.diff_view.setAccessibleName("What the import changes")
        self.export_bundle_button.clicked.connect(self._export_bundle_clicked)
        self.import_bundle_button.clicked.connect(self._import_bundle_clicked)
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.addWidget(QLabel("Carry this knowledge base to another laptop as one JSON file."))
        lay.addWidget(self.with_corrections)
        lay.addWidget(self.with_history)
        lay.addWidget(self.export_bundle_button)
        row = QHBoxLayout()
        row.addWidget(self.import_mode, 1)
        row.addWidget(self.import_bundle_button)
        lay.addLayout(row)
        lay.addWidget(self.diff_view, 1)
        return page

    def export_bundle(self, path: Path) -> bool:
        """Start the export on the file worker; `fileJobFinished(ok)` follows."""
        corrections, history = self.with_corrections.isChecked(), self.with_history.isChecked()

        def job() -> str:
            data = self._read(
                lambda db: bundle.dumps(bundle_repo.collect(db, corrections, history))
            )
            return write_text_or_error(path, data)

        return self._run_file_job(
            f"Exporting to {path}…",
            job,
            lambda error: self._exported(path, error, f"Knowledge base exported to {path}"),
        )

    def import_bundle(self, path: Path, mode: str) -> bool:
        """Read and diff the bundle on the file worker, show the diff, and apply it (on the worker
        again) only after the user confirms; `fileJobFinished(ok)` follows."""

        def preview() -> tuple[Bundle, BundleDiff]:
            try:
                raw = path.read_bytes()
                with self.services.kb.lock:
                    db = self.services.kb.db
                    incoming = bundle.loads(raw, bundle_repo.known_migrations(db))
                    return incoming, bundle_repo.preview(db, incoming, mode)
            except (OSError, BundleError) as exc:
                details = f"{path}: {exc}\n\nNothing was changed."
                raise FileRefused(f"Not imported: {exc}", details) from exc

        self.diff_view.clear()
        return self._run_file_job(
            f"Reading {path.name}…", preview, lambda p: self._confirm_import(path, mode, *p)
        )

    def _confirm_import(
        self, path: Path, mode: str, incoming: Bundle, changes: BundleDiff
    ) -> bool | None:
        self.diff_view.setPlainText(changes.describe(examples=20))
        if changes.is_empty:
            self._say("Nothing to import: the knowledge base already matches the bundle.")
            return False
        if not self.confirm(
            "Import knowledge base", changes.describe() + "\n\nApply these changes?"
        ):
            self._say("Import cancelled; nothing changed.")
            return False
        label = f"import {path.name} ({mode})"

        def apply() -> tuple[Bundle, Any]:
            snapshot = self._transact(
                list(incoming.sections), lambda db: bundle_repo.apply(db, incoming, mode) and None
            )
            return snapshot, self.services.rebuild()

        def done(result: tuple[Bundle, Any]) -> bool:
            self._change_done(label, *result)
            return True

        self.file_job.start(apply, lambda r: self._file_job_over(done(r)), self._file_job_failed)
        return None  # the apply step ends the job

    def _export_bundle_clicked(self) -> None:
        name = self.ask_save(
            "Export knowledge base",
            f"triage-kb-{dt.date.today().isoformat()}.json",
            "JSON (*.json)",
        )
        if name:
            self.export_bundle(Path(name))

    def _import_bundle_clicked(self) -> None:
        name = self.ask_open("Import knowledge base", "JSON (*.json)")
        if name:
            self.import_bundle(Path(name), str(self.import_mode.currentData()))

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
