"""The Sharing tab: export the knowledge base as a bundle, import one (merge or replace) after a diff."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from triage_app.core.files import write_text_or_error
from triage_app.core.knowledge import bundle
from triage_app.core.knowledge.bundle import Bundle, BundleDiff, BundleError
from triage_app.gui.knowledge.changes import FileRefused
from triage_app.storage import bundle_repo


class SharingTab:
    """Methods of KbEditor for this tab (a mixin: the editor owns the widgets, services and write path)."""

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
