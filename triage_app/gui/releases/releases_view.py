"""Releases view: the whole schedule with support status on an "as of" date, filters, sort and CSV import."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from triage_app.core.releases.schedule import STATUSES, Schedule, parse_version
from triage_app.gui.releases.schedule_model import (
    ReleasesFilterProxy,
    ReleasesTableModel,
    ScheduleRow,
    normalized_search,
)
from triage_app.gui.shared.plain import plain_message
from triage_app.gui.shared.screen_fit import resize_to_fit
from triage_app.gui.shared.theme import STATUS_LABELS
from triage_app.gui.shared.workers import ExcInfo, FileJob, report_unexpected
from triage_app.storage.errors import StorageError

ScheduleLoader = Callable[[], Schedule]
# Parses and writes in one transaction, on a worker thread; returns a one-line summary or raises
# with a clear message (file, line, field) and nothing written.
Importer = Callable[[Path], str]


def schedule_rows(schedule: Schedule, as_of: dt.date) -> list[ScheduleRow]:
    """The schedule as it stood on `as_of`: releases published later are left out, since a
    support status for a release that did not exist yet would read as "supported"."""
    rows = []
    for r in schedule.releases:
        if r.release_date > as_of:
            continue
        support = schedule.support(r, as_of)
        rows.append(
            ScheduleRow(
                r.product,
                r.version,
                r.name,
                r.release_date,
                support.supported_until,
                support.days_left,
                support.status,
                r.prerelease,
            )
        )
    return rows


class ReleasesView(QDialog):
    """A non-modal window over the schedule; `imported` fires after a successful CSV import.

    The import (parse + transactional write) runs on a worker thread; meanwhile the Import button
    is disabled and the count line says what is being imported. `importFinished(ok)` fires once
    the result message has been shown.
    """

    imported = Signal(str)
    importFinished = Signal(bool)

    def __init__(
        self,
        load_schedule: ScheduleLoader,
        import_csv: Importer | None,
        today: dt.date,
        import_folder: Callable[[], Path] | None = None,
        parent: QWidget | None = None,
        remember_folder: Callable[[Path], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("releasesView")
        self.setWindowTitle("Release schedule")
        self.setAccessibleName("Release schedule")
        self._load_schedule = load_schedule
        self._import_csv = import_csv
        self._import_folder = import_folder
        self._remember_folder = remember_folder
        self._schedule: Schedule | None = None
        self.import_job = FileJob(self)

        self.model = ReleasesTableModel(self)
        self.proxy = ReleasesFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("releasesTable")
        self.table.setAccessibleName("Release schedule table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        # The name column takes the slack, so the status badge stays a badge, not a wall of colour.
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)  # newest first

        self.product_combo = QComboBox()
        self.product_combo.setObjectName("productFilter")
        self.product_combo.setAccessibleName("Filter by product")
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("statusFilter")
        self.status_combo.setAccessibleName("Filter by status")
        self.status_combo.addItem("All statuses", "")
        for status in STATUSES:
            if status != "unknown":  # every scheduled release has a known status
                self.status_combo.addItem(STATUS_LABELS[status], status)
        self.search = QLineEdit()
        self.search.setObjectName("releaseSearch")
        self.search.setAccessibleName("Find a version")
        self.search.setPlaceholderText("Find a version, e.g. 3.4.7")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(160)
        self.as_of = QDateEdit()
        self.as_of.setObjectName("asOfDate")
        self.as_of.setAccessibleName("Support status as of date")
        self.as_of.setCalendarPopup(True)
        self.as_of.setDisplayFormat("yyyy-MM-dd")
        self.as_of.setDate(QDate(today.year, today.month, today.day))
        self.import_button = QPushButton("&Import CSV…")
        self.import_button.setObjectName("importReleasesButton")
        self.import_button.setAccessibleName("Import releases from CSV")
        self.import_button.setEnabled(import_csv is not None)
        self.count_label = QLabel("")
        self.count_label.setObjectName("releasesCount")
        self.count_label.setAccessibleName("Number of releases shown")
        # What the schedule knows about a searched version it does not hold (wraps: it can be long).
        self.search_note = QLabel("")
        self.search_note.setObjectName("releaseSearchNote")
        self.search_note.setAccessibleName("About the version searched for")
        self.search_note.setWordWrap(True)
        self.search_note.setTextFormat(Qt.TextFormat.PlainText)  # it quotes what was typed
        self.search_note.setVisible(False)
        self.source_label = QLabel("")
        self.source_label.setObjectName("releasesSource")
        self.source_label.setAccessibleName("Where the schedule comes from")
        self.source_label.setWordWrap(True)
        self.source_label.setTextFormat(Qt.TextFormat.PlainText)
        close = QPushButton("Close")
        close.setAccessibleName("Close the release schedule")
        close.clicked.connect(self.close)

        # Two rows, so the window fits an 800-pixel-wide screen: find and import, then the filters.
        find_row = QHBoxLayout()
        find_label = QLabel("&Find:")
        find_label.setBuddy(self.search)
        find_row.addWidget(find_label)
        find_row.addWidget(self.search, 1)
        find_row.addWidget(self.import_button)
        filters = QHBoxLayout()
        for text, widget in (
            ("&Product:", self.product_combo),
            ("&Status:", self.status_combo),
            ("&As of:", self.as_of),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            filters.addWidget(label)
            filters.addWidget(widget)
        filters.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label)
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(find_row)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.search_note)
        layout.addWidget(self.source_label)
        layout.addLayout(bottom)
        resize_to_fit(self, 900, 560)  # a 1024x640 laptop gets the whole screen, no more

        self.product_combo.currentIndexChanged.connect(self._filter_changed)
        self.status_combo.currentIndexChanged.connect(self._filter_changed)
        self.search.textChanged.connect(self._filter_changed)
        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)  # Ctrl+F
        find.activated.connect(self._focus_search)
        self.as_of.dateChanged.connect(self._fill)
        self.import_button.clicked.connect(self.choose_and_import)
        self.reload()

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def as_of_date(self) -> dt.date:
        d = self.as_of.date()
        return dt.date(d.year(), d.month(), d.day())

    def reload(self) -> None:
        self._schedule = self._load_schedule()
        chosen = self.product_combo.currentData() or ""
        self.product_combo.blockSignals(True)
        self.product_combo.clear()
        self.product_combo.addItem("All products", "")
        for product in self._schedule.products():
            self.product_combo.addItem(product, product)
        self.product_combo.setCurrentIndex(max(self.product_combo.findData(chosen), 0))
        self.product_combo.blockSignals(False)
        self.source_label.setText(
            f"Source: {self._schedule.source}" if self._schedule.source else ""
        )
        self._fill()

    def _fill(self) -> None:
        if self._schedule is None:
            return
        rows = schedule_rows(self._schedule, self.as_of_date())
        self.model.set_rows(rows, [r.key for r in self._schedule.releases])
        self._filter_changed()
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

    def _filter_changed(self) -> None:
        self.proxy.set_product(self.product_combo.currentData() or "")
        self.proxy.set_status(self.status_combo.currentData() or "")
        self.proxy.set_search(self.search.text())
        if not self.import_job.busy:  # the progress line stays until the import is over
            self._show_count()

    def _show_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count_label.setText(f"{shown} of {total} releases")
        missing = shown == 0 and bool(self.search.text().strip())
        self.search_note.setText(self._missing_version_note(self.search.text()) if missing else "")
        self.search_note.setVisible(missing)

    def _missing_version_note(self, query: str) -> str:
        """For a version the schedule lacks, what the schedule can still say about it."""
        version = normalized_search(query)
        schedule = self._schedule
        if schedule is None or parse_version(version) is None:
            return f"no release matches “{query.strip()}”"
        for product in schedule.products():
            report = schedule.status(product, version, self.as_of_date())
            if report.release is not None or report.status != "unknown":
                return f"{product}: {report.note or report.status}."
        return f"{version} is not in the schedule"

    def choose_and_import(self) -> None:
        start = str(self._import_folder()) if self._import_folder else ""
        name, _ = QFileDialog.getOpenFileName(
            self, "Import releases (CSV)", start, "CSV files (*.csv);;All files (*)"
        )
        if name:
            self.import_file(Path(name))

    def import_file(self, path: Path) -> bool:
        """Start importing `path` on the worker; False when there is no importer or one is running."""
        importer = self._import_csv
        if importer is None or self.import_job.busy:
            return False
        self.import_button.setEnabled(False)
        self.count_label.setText(f"Importing {path.name}…")
        return self.import_job.start(
            lambda: importer(path),
            lambda summary: self._import_done(path, summary),
            lambda exc: self._import_failed(path, exc),
        )

    def _import_done(self, path: Path, summary: str) -> None:
        self._import_over()
        if self._remember_folder is not None:
            self._remember_folder(path.parent)
        self.reload()
        QMessageBox.information(self, "Releases imported", plain_message(f"{path.name}: {summary}"))
        self.imported.emit(summary)
        self.importFinished.emit(True)

    def _import_failed(self, path: Path, exc_info: ExcInfo) -> None:
        self._import_over()
        exc = exc_info[1]
        if isinstance(exc, ValueError | OSError | StorageError):  # bad file: told plainly
            from triage_app.gui.shared.problems import warn_problems

            # Every problem, one a line; the file name and CSV cells are shown verbatim.
            warn_problems(
                self,
                "Import failed",
                f"{path.name} was not imported; the schedule is unchanged.",
                exc,
            )
        else:
            report_unexpected(exc_info)
        self.importFinished.emit(False)

    def _import_over(self) -> None:
        self.import_button.setEnabled(True)
        self._show_count()
