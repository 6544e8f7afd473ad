"""The Releases tab: edit, add and delete releases, import and export the release CSV."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from triage_app.core.files import write_text_or_error
from triage_app.core.knowledge.bundle import Bundle
from triage_app.gui.knowledge.changes import ChangeRefused, FileRefused
from triage_app.storage import releases_repo

if TYPE_CHECKING:
    from sqlite_utils import Database


class ReleasesTab:
    """Methods of KbEditor for this tab (a mixin: the editor owns the widgets, services and write path)."""

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
