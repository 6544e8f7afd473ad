"""The History window: search, filters, reopening a ticket and export (the recorder is history_recorder)."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAbstractTextDocumentLayout, QColor, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
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
    QSpinBox,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from triage_app.core.result import VERDICT_LABELS, VERDICTS
from triage_app.gui.history.history_recorder import HistoryRecorder, install_recorder
from triage_app.gui.shared.plain import plain_message, plain_tooltip
from triage_app.gui.shared.screen_fit import resize_to_fit
from triage_app.gui.shared.table_model import ColumnsModel
from triage_app.gui.shared.workers import ExcInfo, FileJob, LatestRunner, report_unexpected
from triage_app.storage import history_repo
from triage_app.storage.errors import StorageError
from triage_app.storage.history_repo import HIT_END, HIT_START, HistoryEntry, HistoryFilter

if TYPE_CHECKING:
    from triage_app.services import Services

Index = QModelIndex | QPersistentModelIndex
PAGE = 100
VERDICT_COLOURS = {
    "in_scope": "#1b7f3b",
    "out_of_scope": "#b3261e",
    "spans_both": "#a15c07",
    "unclear": "#5f6368",
}
SnippetRole = Qt.ItemDataRole.UserRole + 1
SnippetPlaceRole = Qt.ItemDataRole.UserRole + 2
SNIPPET_LINES = 3  # rows grow to this many lines while searching: the snippet wraps, not cut


# The recorder lives in its own light module: the main window builds it before its first paint,
# without this module's storage imports. Re-exported here for existing callers.
__all__ = ["HistoryRecorder", "HistoryView", "install_recorder", "snippet_html"]


# ---------------------------------------------------------------------------- model


class HistoryTableModel(ColumnsModel):
    """Pages of history rows, newest first; more are fetched as the view scrolls (never all rows)."""

    COLUMNS = ("When", "Verdict", "Bullet", "Ticket", "Match")

    def __init__(self, fetch: Callable[[int, int], list[HistoryEntry]], parent: Any = None) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self._rows: list[HistoryEntry] = []
        self._exhausted = True
        # Set while a search is shown: more pages are asked for with the offset, arrive by append().
        self.request_more: Callable[[int], None] | None = None
        self._loading = False

    def reset(self, fetch: Callable[[int, int], list[HistoryEntry]] | None = None) -> None:
        if fetch is not None:
            self._fetch = fetch
        self.request_more = None
        self.show(self._fetch(PAGE, 0))

    def show(self, rows: list[HistoryEntry]) -> None:
        """Show `rows` as the first page (a search result computed on a worker)."""
        self.beginResetModel()
        self._rows = list(rows)
        self._exhausted = len(self._rows) < PAGE
        self._loading = False
        self.endResetModel()

    def hold(self) -> None:
        """No more pages until the next show(): a new search is on its way."""
        self._loading = True

    def append(self, more: list[HistoryEntry]) -> None:
        """The next page, asked for by request_more."""
        self._loading = False
        self._exhausted = len(more) < PAGE
        if more:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(more) - 1)
            self._rows.extend(more)
            self.endInsertRows()

    def entry(self, row: int) -> HistoryEntry:
        return self._rows[row]

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted and not self._loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._exhausted or self._loading:
            return
        if self.request_more is not None:
            self._loading = True
            self.request_more(len(self._rows))
            return
        self.append(self._fetch(PAGE, len(self._rows)))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        e = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return e.created_at.replace("T", " ")[:16]
            if col == 1:
                label = VERDICT_LABELS.get(e.final_verdict, e.final_verdict)
                return label + (" ✎" if e.override_verdict or e.override_bullet else "")
            if col == 2:
                return e.final_bullet or "—"
            if col == 3:
                return " ".join(e.title.split())  # the row stays recognisable while searching
            if col == 4 and e.snippet:
                return f"{_PLACE_LABELS[snippet_place(e)]}: {' '.join(_plain(e.snippet).split())}"
        if role == SnippetRole and col == 4:
            return e.snippet
        if role == SnippetPlaceRole and col == 4:
            return _PLACE_LABELS[snippet_place(e)] if e.snippet else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 1 and (e.override_verdict or e.override_bullet):
                engine = VERDICT_LABELS.get(e.verdict, e.verdict)
                return f"Overridden by the engineer; the engine said {engine}"
            if col == 3:
                return plain_tooltip(e.ticket[:600])  # ticket text: never rendered as HTML
            if col == 4 and e.snippet:
                return plain_tooltip(self.data(index))  # the whole snippet, wrapped or not
        if role == Qt.ItemDataRole.BackgroundRole and col == 1:
            return QColor(VERDICT_COLOURS.get(e.final_verdict, "#5f6368"))
        if role == Qt.ItemDataRole.ForegroundRole and col == 1:
            return QColor("white")
        if role == Qt.ItemDataRole.AccessibleTextRole and col == 1:
            return f"Verdict {VERDICT_LABELS.get(e.final_verdict, e.final_verdict)}"
        return None


def _plain(snippet: str) -> str:
    return snippet.replace(HIT_START, "").replace(HIT_END, "")


_PLACE_LABELS = {"ticket": "In the ticket", "draft": "In the draft"}


def snippet_place(entry: HistoryEntry) -> str:
    """'draft' when the search snippet quotes the draft, else 'ticket' (the index holds both).

    Only the draft (a few KB) is scanned, never the ticket, which may be megabytes.
    """
    fragments = [" ".join(f.split()) for f in _plain(entry.snippet).split("…")]
    longest = max(fragments, key=len, default="")
    return "draft" if longest and longest in " ".join(entry.draft.split()) else "ticket"


def snippet_html(snippet: str) -> str:
    """Escape the ticket text first, then turn the hit markers into bold: text is never HTML."""
    escaped = html.escape(" ".join(snippet.split()))
    return escaped.replace(HIT_START, "<b><u>").replace(HIT_END, "</u></b>")


class SnippetDelegate(QStyledItemDelegate):
    """Draws a search snippet with its hits highlighted (escaped rich text, wrapped in its column)."""

    def paint(self, painter: Any, option: QStyleOptionViewItem, index: Index) -> None:
        snippet = index.data(SnippetRole)
        if not snippet:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        doc = QTextDocument()
        doc.setDefaultFont(opt.font)
        doc.setDocumentMargin(2)
        place = html.escape(str(index.data(SnippetPlaceRole) or ""))
        doc.setHtml((f"<i>{place}:</i> " if place else "") + snippet_html(snippet))
        doc.setTextWidth(opt.rect.width())
        painter.save()
        painter.translate(opt.rect.topLeft())
        painter.setClipRect(QRectF(0, 0, opt.rect.width(), opt.rect.height()))
        ctx = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        ctx.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(role))
        doc.documentLayout().draw(painter, ctx)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        return super().sizeHint(option, index)


# ---------------------------------------------------------------------------- window


class HistoryView(QDialog):
    """Saved triages: search, filter, reopen, delete, export, retention."""

    reopenRequested = Signal(object)  # HistoryEntry
    exportFinished = Signal(bool)  # after the export's message; the export runs on a worker
    searchFinished = Signal()  # a full-text search (run on a worker) is shown

    def __init__(
        self,
        services: Services,
        export_folder: Callable[[], Path] = Path.home,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("historyView")
        self.setWindowTitle("History")
        self.setAccessibleName("History of saved triages")
        self.services = services
        self.export_folder = export_folder
        self.export_job = FileJob(self)
        self.search_runner = LatestRunner(self._search_page, self)
        self.search_runner.resultReady.connect(self._search_done)
        self.search_runner.failed.connect(self._search_failed)
        self.searching = False
        self._search_filter = HistoryFilter()
        resize_to_fit(self, 1000, 600)  # a 1024x640 laptop gets the whole screen, no more

        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("historySearch")
        self.search_edit.setAccessibleName("Search tickets and drafts")
        self.search_edit.setPlaceholderText("Search tickets and drafts…")
        self.search_edit.setClearButtonEnabled(True)
        self.verdict_combo = QComboBox()
        self.verdict_combo.setObjectName("historyVerdict")
        self.verdict_combo.setAccessibleName("Filter by verdict")
        self.verdict_combo.addItem("All verdicts", "")
        for v in VERDICTS:
            self.verdict_combo.addItem(VERDICT_LABELS[v], v)
        self.bullet_combo = QComboBox()
        self.bullet_combo.setObjectName("historyBullet")
        self.bullet_combo.setAccessibleName("Filter by bullet")
        self.bullet_combo.addItem("All bullets", "")
        for b in services.policy.bullets:
            self.bullet_combo.addItem(b.title, b.title)
        self.since_check = QCheckBox("Since")
        self.since_check.setObjectName("historySinceCheck")
        self.since_edit = QDateEdit()
        self.since_edit.setObjectName("historySince")
        self.since_edit.setAccessibleName("Only triages since this date")
        self.since_edit.setCalendarPopup(True)
        self.since_edit.setDisplayFormat("yyyy-MM-dd")
        self.since_edit.setDate(QDate.currentDate().addDays(-30))
        self.since_edit.setEnabled(False)

        self.model = HistoryTableModel(self._fetch, self)
        self.table = QTableView()
        self.table.setObjectName("historyTable")
        self.table.setAccessibleName("Saved triages, newest first")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setItemDelegateForColumn(4, SnippetDelegate(self.table))
        self.table.verticalHeader().setVisible(False)
        self._row_height = self.table.verticalHeader().defaultSectionSize()
        self.table.setColumnWidth(0, 130)
        self.table.setColumnWidth(1, 130)
        self.table.setColumnWidth(2, 220)
        self._show_match_column(False)
        self.table.doubleClicked.connect(lambda _i: self.reopen_selected())

        self.count_label = QLabel("")
        self.count_label.setObjectName("historyCount")
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)  # it can name the export file
        self.reopen_button = QPushButton("&Reopen")
        self.reopen_button.setObjectName("historyReopen")
        self.delete_button = QPushButton("&Delete…")
        self.delete_button.setObjectName("historyDelete")
        self.delete_all_button = QPushButton("Delete &all…")
        self.delete_all_button.setObjectName("historyDeleteAll")
        self.export_button = QPushButton("&Export…")
        self.export_button.setObjectName("historyExport")
        self.export_button.setToolTip("Export the triages shown (filters apply) to CSV or JSONL")
        self.retention_spin = QSpinBox()
        self.retention_spin.setObjectName("historyRetention")
        self.retention_spin.setAccessibleName("Keep triages for this many days (0: forever)")
        self.retention_spin.setRange(0, 3650)
        self.retention_spin.setSpecialValueText("forever")
        self.retention_spin.setSuffix(" days")
        for button, name in (
            (self.reopen_button, "Reopen the selected ticket in the main window"),
            (self.delete_button, "Delete the selected triage"),
            (self.delete_all_button, "Delete every saved triage"),
            (self.export_button, "Export history"),
        ):
            button.setAccessibleName(name)

        filters = QHBoxLayout()
        filters.addWidget(self.search_edit, 3)
        filters.addWidget(self.verdict_combo, 1)
        filters.addWidget(self.bullet_combo, 2)
        filters.addWidget(self.since_check)
        filters.addWidget(self.since_edit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_label, 1)
        keep = QLabel("Keep for")
        keep.setBuddy(self.retention_spin)
        buttons.addWidget(keep)
        buttons.addWidget(self.retention_spin)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.delete_all_button)
        buttons.addWidget(self.reopen_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(200)
        self.debounce.timeout.connect(self.refresh)
        self.search_edit.textChanged.connect(lambda _t: self.debounce.start())
        self.verdict_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.bullet_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.since_check.toggled.connect(self._since_toggled)
        self.since_edit.dateChanged.connect(lambda _d: self.refresh())
        self.reopen_button.clicked.connect(self.reopen_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.delete_all_button.clicked.connect(self.delete_all)
        self.export_button.clicked.connect(self.choose_and_export)
        with services.kb.lock:
            self.retention_spin.setValue(history_repo.retention_days(services.kb.db) or 0)
        self.retention_spin.editingFinished.connect(self.apply_retention)
        self.refresh()

    # ------------------------------------------------------------------ queries

    def current_filter(self) -> HistoryFilter:
        since = self.since_edit.date().toPython() if self.since_check.isChecked() else None
        return HistoryFilter(
            search=self.search_edit.text(),
            verdict=self.verdict_combo.currentData() or None,
            bullet=self.bullet_combo.currentData() or None,
            since=since if isinstance(since, dt.date) else None,
        )

    def _fetch(self, limit: int, offset: int) -> list[HistoryEntry]:
        # One indexed page (benchmarks/bench_history.py: well under 10 ms at 100,000 rows).
        with self.services.kb.lock:
            return history_repo.search(self.services.kb.db, self.current_filter(), limit, offset)

    def _search_page(self, request: tuple[HistoryFilter, int]) -> tuple[int, list[Any], int]:
        """On the search worker: one page of a full-text search, and the total with the first."""
        flt, offset = request
        with self.services.kb.lock:
            rows = history_repo.search(self.services.kb.db, flt, PAGE, offset)
            total = history_repo.count(self.services.kb.db, flt) if offset == 0 else -1
        return offset, rows, total

    def refresh(self) -> None:
        self.debounce.stop()
        flt = self.current_filter()
        if history_repo.fts_query(flt.search):
            # Matching and snippets of long saved tickets can take longer than a frame: a worker.
            self.searching = True
            self.count_label.setText("Searching…")
            self.model.hold()
            self.search_runner.request((flt, 0))
            self._search_filter = flt
            return
        self.search_runner.cancel()  # a search still running must not replace this listing
        self.searching = False
        self.model.reset()
        with self.services.kb.lock:
            total = history_repo.count(self.services.kb.db, flt)
        self._show_total(total)

    def _more_search_rows(self, offset: int) -> None:
        self.search_runner.request((self._search_filter, offset))

    def _search_done(self, _seq: int, out: object, _seconds: float) -> None:
        offset, rows, total = out  # type: ignore[misc]
        if offset:
            self.model.append(rows)
            return
        self.model.show(rows)
        self.model.request_more = self._more_search_rows
        self.searching = False
        self._show_total(total)
        self.searchFinished.emit()

    def _search_failed(self, _seq: int, exc_info: object) -> None:
        self.searching = False
        self.model.show([])
        exc = exc_info[1]  # type: ignore[index]
        if isinstance(exc, StorageError):
            self.count_label.setText(f"Search failed: {exc}")
        else:
            report_unexpected(exc_info)  # type: ignore[arg-type]
        self.searchFinished.emit()

    def _show_total(self, total: int) -> None:
        self.count_label.setText(f"{total} triage{'s' if total != 1 else ''}")
        self._show_match_column(bool(self.search_edit.text().strip()))
        has_rows = self.model.rowCount() > 0
        self.delete_all_button.setEnabled(has_rows or total > 0)
        if has_rows and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)

    def _show_match_column(self, searching: bool) -> None:
        """While searching, the snippet gets its own column (the widest, last) saying where the
        hit is, two lines tall; otherwise the ticket's first line takes the room."""
        header = self.table.horizontalHeader()
        self.table.setColumnHidden(4, not searching)
        if searching:
            header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(2, 160)
            self.table.setColumnWidth(3, 160)
            header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        else:
            self.table.setColumnWidth(2, 220)
            header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        lines = SNIPPET_LINES if searching else 1
        height = self.table.fontMetrics().lineSpacing() * lines + 8
        self.table.verticalHeader().setDefaultSectionSize(max(self._row_height, height))

    def _since_toggled(self, on: bool) -> None:
        self.since_edit.setEnabled(on)
        self.refresh()

    def selected_entry(self) -> HistoryEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.entry(rows[0].row()) if rows else None

    # ------------------------------------------------------------------ actions

    def reopen_selected(self) -> None:
        entry = self.selected_entry()
        if entry is not None:
            self.reopenRequested.emit(entry)

    def delete_selected(self) -> bool:
        entry = self.selected_entry()
        if entry is None:
            return False
        answer = QMessageBox.question(
            self,
            "Delete triage",
            plain_message(
                f"Delete the triage of {entry.created_at.replace('T', ' ')[:16]}?\n\n"
                f"{entry.title[:120]}\n\nWhat was learned from it stays (see Corrections)."
            ),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        return self._write(lambda db: history_repo.delete_triage(db, entry.id))

    def delete_all(self) -> bool:
        with self.services.kb.lock:
            total = history_repo.count(self.services.kb.db)
        answer = QMessageBox.warning(
            self,
            "Delete all history",
            f"Delete all {total} saved triages? This cannot be undone.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        return self._write(history_repo.delete_all)

    def apply_retention(self) -> bool:
        days = self.retention_spin.value()
        with self.services.kb.lock:
            if days == (history_repo.retention_days(self.services.kb.db) or 0):
                return False

        def change(db: Any) -> None:
            history_repo.set_retention_days(db, days)
            history_repo.apply_retention(db)  # real date, never the pin

        return self._write(change)

    def _write(self, change: Callable[[Any], Any]) -> bool:
        try:
            with self.services.kb.transaction() as db:
                change(db)
        except StorageError as exc:
            QMessageBox.warning(self, "History not changed", plain_message(str(exc)))
            return False
        self.refresh()
        return True

    def choose_and_export(self) -> None:
        stamp = dt.date.today().isoformat()
        name, chosen = QFileDialog.getSaveFileName(
            self,
            "Export history",
            str(self.export_folder() / f"triage-history-{stamp}.csv"),
            "CSV (*.csv);;JSON lines (*.jsonl)",
        )
        if name:
            fmt = "jsonl" if name.endswith(".jsonl") or "jsonl" in chosen else "csv"
            self.export_to(Path(name), fmt)

    def export_to(self, path: Path, fmt: str) -> bool:
        """Start exporting the rows shown (filters apply) on the worker; False if one is running.

        Reading 100,000 rows and writing the file takes far longer than a frame: meanwhile the
        Export button is disabled and the count line says so; `exportFinished(ok)` ends it.
        """
        from triage_app.core.files import write_text_or_error

        if self.export_job.busy:
            return False
        kb, where = self.services.kb, self.current_filter()  # the filter as it is now

        def job() -> str:
            with kb.lock:
                data = history_repo.export_text(kb.db, fmt, where)
            return write_text_or_error(path, data)

        self.export_button.setEnabled(False)
        self.count_label.setText(f"Exporting to {path}…")
        return self.export_job.start(
            job,
            lambda error: self._export_done(path, error),
            self._export_failed,
        )

    def _export_done(self, path: Path, error: str) -> None:
        self.export_button.setEnabled(True)
        if error:
            self.refresh()  # the count line comes back
            QMessageBox.warning(
                self, "Export failed", plain_message(f"{path} could not be written:\n{error}")
            )
        else:
            self.count_label.setText(f"Exported to {path}")
        self.exportFinished.emit(not error)

    def _export_failed(self, exc_info: ExcInfo) -> None:
        self.export_button.setEnabled(True)
        self.refresh()
        exc = exc_info[1]
        if isinstance(exc, StorageError | OSError):
            QMessageBox.warning(self, "Export failed", plain_message(str(exc)))
        else:
            report_unexpected(exc_info)
        self.exportFinished.emit(False)
