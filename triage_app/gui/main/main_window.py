"""The main window: ticket pane, verdict card, draft pane and release panel, keyboard-first, never blocking."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QEvent,
    QSize,
    QThreadPool,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from triage_app import __version__, paths
from triage_app.gui.main.draft_pane import DraftPane, summary_draft
from triage_app.gui.main.release_panel import ReleasePanel
from triage_app.gui.main.state import CurrentTriage
from triage_app.gui.main.ticket_editor import TicketEditor
from triage_app.gui.main.verdict_card import VerdictCard
from triage_app.gui.shared.error_handler import ErrorHandler
from triage_app.gui.shared.lazy_qt import set_enum, show_plain
from triage_app.gui.shared.plain import plain_message, plain_tooltip
from triage_app.gui.shared.settings import GuiSettings
from triage_app.gui.shared.status_message import StatusMessages
from triage_app.gui.shared.theme import THEMES, NoteLabel, apply_theme, section_title
from triage_app.gui.shared.workers import ExcInfo, FunctionWorker, TriageRunner

if TYPE_CHECKING:
    import datetime as dt

    from PySide6.QtGui import QCloseEvent

    from triage_app.core.result import TriageResult
    from triage_app.gui.knowledge.kb_status import KbInfo
    from triage_app.gui.releases.releases_view import ReleasesView
    from triage_app.services import Services

THEME_LABELS = {"system": "Follow &system", "light": "&Light", "dark": "&Dark"}
DEBOUNCE_MS = 300  # long enough to skip keystrokes, short enough to feel live
DEFAULT_SIZE = QSize(1280, 720)
ServicesLoader = Callable[[], "Services"]


class MainWindow(QMainWindow):
    """Widgets get the services once loaded; every slow call runs on a worker thread."""

    triageUpdated = Signal(object)  # CurrentTriage: a new result or a new override (for history)
    servicesReady = Signal()
    draftExported = Signal(str)  # path

    def __init__(
        self,
        data_dir: Path,
        today: dt.date | None = None,
        load_services: ServicesLoader | None = None,
        parent: QWidget | None = None,
        system_style: str | None = None,
    ) -> None:
        """`system_style` is the desktop's own style, which "Follow system" goes back to; by default
        the application's style when the window is built (before any theme forces Fusion)."""
        super().__init__(parent)
        # Read on first need (QStyle's Python type costs ~5 ms of start-up): run_gui asks before
        # it forces a theme, and nothing else changes the application style before that.
        self._system_style = system_style
        self.setObjectName("mainWindow")
        # Qt adds the application's display name ("— triage-app") to every window title.
        self.setWindowTitle("Prefect Customer-Managed support triage")
        self.setAccessibleName("triage-app main window")
        self.data_dir = data_dir
        self.today = today
        self.services: Services | None = None
        self.kb_info: KbInfo | None = None
        self.state = CurrentTriage()
        self.settings = GuiSettings(data_dir)
        self.error_handler = ErrorHandler(paths.log_path(data_dir), self)
        self._load_services = load_services
        self._loader_pool = QThreadPool(self)
        self._loader: FunctionWorker | None = None
        self._await_first_paint = False
        self._after_first_paint: list[Callable[[], object]] = []
        self._after_loading: list[Callable[[], object]] | None = []
        self._requested: dict[int, tuple[str, int]] = {}  # seq -> (text, document revision)
        self._paste_notes: list[str] = []
        self._releases_view: ReleasesView | None = None
        # The drafting area's full draft (templates, prompted fields); None keeps the result's draft.
        self.compose_draft: Callable[[CurrentTriage], str | None] = lambda _state: None

        self._build_widgets()
        self._build_actions()
        self._build_menus()
        self._build_status_bar()
        self._set_tab_order()

        self.runner = TriageRunner(self._triage_text, self)
        self.runner.resultReady.connect(self._on_result)
        self.runner.failed.connect(self._on_triage_failed)
        self.runner.busyChanged.connect(self._on_busy)
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(DEBOUNCE_MS)
        self.debounce.timeout.connect(self.triage_now)
        self.editor.textChanged.connect(self._on_text_changed)
        self.editor.pasteCleaned.connect(self._on_paste_cleaned)
        self.editor.replacedWhole.connect(self._on_ticket_replaced)
        self.editor.pasteLanded.connect(self.triage_now)  # a long paste, cleaned on the worker
        self.editor.previewChanged.connect(self._on_preview_changed)
        self.preview_banner: Any = None  # built when a first long ticket is previewed
        self.verdict_card.overrideChanged.connect(self._on_override)
        self.draft_pane.edit.textChanged.connect(self._on_draft_edited)
        # History: the ticket on screen is one saved triage, updated as it changes.
        from triage_app.gui.history.history_recorder import install_recorder

        self.history_recorder = install_recorder(self)
        self._history_view: Any = None
        self._kb_editor: Any = None
        self._restore_layout()
        # Crash safety: the ticket and draft on screen are autosaved and offered back after a crash.
        from triage_app.gui.main.autosave import DraftAutosave

        self.autosave = DraftAutosave(self, data_dir)
        from triage_app.gui.main.export_actions import install as install_drafting

        self.draft_actions = install_drafting(self)
        from triage_app.gui.shared.window_shortcuts import WindowShortcuts

        self.window_shortcuts = WindowShortcuts(self)
        # Ctrl+E works from the Customer/Ticket/You fields (tests/gui/test_what_you_see.py checks
        # that every input of the window is named here).
        fields = self.draft_actions.fields
        self.window_shortcuts.watch(
            self.editor,
            self.draft_pane.edit,
            fields.customer,
            fields.ticket_ref,
            fields.engineer,
            self.verdict_card.match_list,
            self.release_panel.table,
        )
        # One copy and one export path (redaction preview, never overwrite), whatever starts it.
        for request, action, slot in (
            (self.draft_pane.copyRequested, self.act_copy, self.draft_actions.copy),
            (self.draft_pane.exportRequested, self.act_export, self.draft_actions.export),
        ):
            request.connect(slot)
            action.triggered.connect(slot)

    # ------------------------------------------------------------------ construction

    def _build_widgets(self) -> None:
        self.editor = TicketEditor()
        # Alt+T and Alt+V belong to the Ticket and View menus; the buttons take other letters.
        self.triage_button = QPushButton("Tri&age")
        self.triage_button.setObjectName("triageButton")
        self.triage_button.setAccessibleName("Triage now")
        self.triage_button.setToolTip("Triage now (Ctrl+Enter); it also runs as you type")
        self.clear_button = QPushButton("C&lear")
        self.clear_button.setObjectName("clearButton")
        self.clear_button.setAccessibleName("Clear for the next ticket")
        self.clear_button.setToolTip("Clear for the next ticket (Ctrl+L); Ctrl+Z brings it back")
        self.triage_button.clicked.connect(self.triage_now)
        self.clear_button.clicked.connect(self.clear_ticket)
        self.ticket_notes = NoteLabel()
        self.ticket_notes.setObjectName("ticketNotes")
        self.ticket_notes.setAccessibleName("Notes about the ticket input")
        show_plain(self.ticket_notes)
        self.ticket_notes.setVisible(False)
        title = section_title("Ticket")
        head = QHBoxLayout()
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(self.clear_button)
        head.addWidget(self.triage_button)
        ticket_pane = QWidget()
        ticket_pane.setObjectName("ticketPane")
        lay = QVBoxLayout(ticket_pane)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(head)
        lay.addWidget(self.editor, 1)
        self._ticket_layout = lay
        lay.addWidget(self.ticket_notes)

        self.verdict_card = VerdictCard()
        self.draft_pane = DraftPane()
        self.release_panel = ReleasePanel()

        self.top_splitter = QSplitter()  # horizontal
        self.top_splitter.setObjectName("topSplitter")
        self.top_splitter.setChildrenCollapsible(False)
        self.top_splitter.addWidget(ticket_pane)
        self.top_splitter.addWidget(self.verdict_card)
        self.top_splitter.addWidget(self.draft_pane)
        self.top_splitter.setStretchFactor(0, 5)
        self.top_splitter.setStretchFactor(1, 4)
        self.top_splitter.setStretchFactor(2, 4)
        self.main_splitter = QSplitter()
        set_enum(self.main_splitter, "orientation", "Vertical")
        self.main_splitter.setObjectName("mainSplitter")
        self.main_splitter.setChildrenCollapsible(False)
        self.main_splitter.addWidget(self.top_splitter)
        self.main_splitter.addWidget(self.release_panel)
        self.main_splitter.setStretchFactor(0, 3)
        self.main_splitter.setStretchFactor(1, 1)

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(8, 6, 8, 4)
        outer.addWidget(self.main_splitter)
        self.setCentralWidget(central)

    def _action(
        self,
        text: str,
        slot: Callable[[], Any] | None,
        keys: tuple[QKeySequence | str, ...] = (),
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if keys:
            action.setShortcuts([QKeySequence(k) for k in keys])
        # QAction's default context, WindowShortcut: it works from whichever pane has focus.
        if tip:
            action.setStatusTip(tip)
        if slot is not None:
            action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.act_paste_triage = self._action(
            "&Paste and triage",
            self.paste_and_triage,
            ("Ctrl+Shift+V",),
            "Replace the ticket with the clipboard and triage it",
        )
        self.act_triage = self._action(
            "&Triage now", self.triage_now, ("Ctrl+Return", "Ctrl+Enter")
        )
        self.act_clear = self._action("&Clear for next ticket", self.clear_ticket, ("Ctrl+L",))
        # Copy and export are performed by the drafting area (export_actions), wired in __init__.
        self.act_copy = self._action("&Copy draft", None, ("Ctrl+Shift+C",))
        self.act_export = self._action("&Export draft…", None, ("Ctrl+E",))
        self.act_releases = self._action("&Release schedule…", self.show_releases, ("Ctrl+R",))
        self.act_import = self._action("&Import releases (CSV)…", self.import_releases)
        self.act_history = self._action("&History…", self.show_history, ("Ctrl+H",))
        self.act_kb_editor = self._action("&Knowledge base…", self.show_kb_editor, ("Ctrl+K",))
        self.act_quit = self._action(
            "&Quit",
            self.close,
            (QKeySequence(QKeySequence.StandardKey.Quit).toString() or "Ctrl+Q",),
        )
        self.act_shortcuts = self._action("&Keyboard shortcuts", self.show_shortcuts, ("F1",))
        self.act_about = self._action("&About triage-app", self.show_about)
        self.act_reset_layout = self._action("Reset &layout", self.reset_layout)
        self.theme_group = QActionGroup(self)
        self.theme_actions: dict[str, QAction] = {}
        for theme in THEMES:
            act = QAction(THEME_LABELS[theme], self, checkable=True)
            act.setData(theme)
            act.triggered.connect(lambda _checked=False, t=theme: self.set_theme(t))
            self.theme_group.addAction(act)
            self.theme_actions[theme] = act
        current = self.settings.text("theme", "system")
        self.theme_actions.get(current, self.theme_actions["system"]).setChecked(True)

    def shortcut_actions(self) -> list[QAction]:
        """Every window action with a shortcut (F1 lists them), the main flow first."""
        flow = [
            self.act_paste_triage,
            self.act_triage,
            self.act_clear,
            self.act_copy,
            self.act_export,
            self.act_releases,
            self.act_history,
            self.act_kb_editor,
            self.act_shortcuts,
            self.act_quit,
        ]
        # Actions other parts add (the drafting area's Edit reply templates, Ctrl+Shift+T).
        return flow + [a for a in self.actions() if a.shortcuts() and a not in flow]

    def _build_menus(self) -> None:
        bar = self.menuBar()
        ticket = bar.addMenu("&Ticket")
        ticket.addActions([self.act_paste_triage, self.act_triage, self.act_clear])
        ticket.addSeparator()
        ticket.addAction(self.act_quit)
        draft = bar.addMenu("&Draft")
        draft.addActions([self.act_copy, self.act_export])
        releases = bar.addMenu("&Releases")
        releases.addActions([self.act_releases, self.act_import])
        kb_menu = bar.addMenu("&Knowledge")
        kb_menu.addActions([self.act_history, self.act_kb_editor])
        view = bar.addMenu("&View")
        theme = view.addMenu("&Theme")
        theme.addActions(list(self.theme_actions.values()))
        view.addAction(self.act_reset_layout)
        help_menu = bar.addMenu("&Help")
        help_menu.addActions([self.act_shortcuts, self.act_about])

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.kb_label = QLabel("Opening the knowledge base…")
        self.kb_label.setObjectName("kbLabel")
        self.kb_label.setAccessibleName("Knowledge base location")
        self.policy_label = QLabel("")
        self.policy_label.setObjectName("policyLabel")
        self.policy_label.setAccessibleName("Policy version")
        self.releases_label = QLabel("")
        self.releases_label.setObjectName("releasesLabel")
        self.releases_label.setAccessibleName("Release schedule")
        self.busy_label = QLabel("")
        self.busy_label.setObjectName("busyLabel")
        self.busy_label.setAccessibleName("Triage activity")
        for label in (self.kb_label, self.policy_label, self.releases_label):
            set_enum(label, "textInteractionFlags", "TextSelectableByMouse")
        # Paths, the policy version and CSV file names are shown verbatim, never as HTML.
        show_plain(self.kb_label, self.policy_label, self.releases_label)
        # Separators between the status items (on the bar only: a window-wide style sheet would
        # restyle every widget of the window, 5 ms of start-up).
        bar.setStyleSheet(
            "QStatusBar::item { border: none; }"
            " QStatusBar QLabel { padding: 0px 6px; border-left: 1px solid palette(mid); }"
        )
        bar.addWidget(self.busy_label)
        # Every showMessage() (copy, export, empty clipboard, history failures) lands in a label
        # that nothing covers; the knowledge-base labels step aside while it is shown.
        self.status_messages = StatusMessages(
            bar, [self.kb_label, self.policy_label, self.releases_label]
        )
        bar.addPermanentWidget(self.kb_label)
        bar.addPermanentWidget(self.policy_label)
        bar.addPermanentWidget(self.releases_label)

    def _set_tab_order(self) -> None:
        # The flow: read the ticket, act on the verdict, check versions, send the draft.
        chain = [
            self.editor,
            self.clear_button,
            self.triage_button,
            self.verdict_card.match_list,
            self.verdict_card.override_combo,
            self.verdict_card.bullet_combo,
            self.draft_pane.edit,
            self.draft_pane.regenerate_button,
            self.draft_pane.copy_button,
            self.draft_pane.export_button,
            self.release_panel.table,
        ]
        for a, b in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(a, b)

    # ------------------------------------------------------------------ services

    def load_services(self) -> bool:
        """Build the services now, on this thread (tests and scripts). False when loading failed."""
        if self._load_services is None:
            return False
        from triage_app.gui.knowledge.kb_status import describe_kb

        try:
            services = self._load_services()
            info = describe_kb(services)
        except Exception:  # noqa: BLE001 - reported by the one error handler; the window stays usable
            import sys

            self._loading_failed(sys.exc_info())  # type: ignore[arg-type]
            self._loading_ended()
            return False
        self.set_services(services, info)
        self._loading_ended()
        return True

    def load_services_async(self) -> None:
        """Build the services on a worker thread, after the window is shown (fast start-up)."""
        if self._load_services is None:
            return
        loader = self._load_services

        def job() -> tuple[Services, KbInfo]:
            from triage_app.gui.knowledge.kb_status import describe_kb

            services = loader()
            return services, describe_kb(services)

        self._loader = FunctionWorker(job)
        self._loader.setAutoDelete(False)
        self._loader.signals.done.connect(self._on_services_loaded)
        self._loader.signals.failed.connect(self._on_services_failed)
        self._loader_pool.start(self._loader)

    def load_services_after_first_paint(self) -> None:
        """Start loading once the window has painted: the loader's imports compete for the GIL,
        and the engineer should see the window before anything else happens."""
        self.after_first_paint(self.load_services_async)

    def after_first_paint(self, callback: Callable[[], object]) -> None:
        """Run `callback` on the event loop once the window has painted (work that can wait)."""
        self._after_first_paint.append(callback)
        self._await_first_paint = True

    def after_loading(self, callback: Callable[[], object]) -> None:
        """Run `callback` on the event loop once loading the services ended, loaded or not: work
        that can wait (icon, enum warm-up, crash recovery) then never competes with the loader
        for the GIL. At once (queued) when loading already ended."""
        if self._after_loading is None:
            QTimer.singleShot(0, callback)
        else:
            self._after_loading.append(callback)

    def _loading_ended(self) -> None:
        callbacks, self._after_loading = self._after_loading or [], None
        for callback in callbacks:
            QTimer.singleShot(0, callback)

    def event(self, e: QEvent) -> bool:
        handled = super().event(e)
        if e.type() == QEvent.Type.Paint and self._await_first_paint:
            self._await_first_paint = False
            callbacks, self._after_first_paint = self._after_first_paint, []
            for callback in callbacks:
                QTimer.singleShot(0, callback)
        return handled

    @Slot(int, object)
    def _on_services_loaded(self, _tag: int, payload: object) -> None:
        services, info = payload  # type: ignore[misc]
        self.set_services(services, info)
        self._loading_ended()
        # Start-up read without sqlite-utils; the first write or window that needs it (history,
        # Knowledge Base) finds it imported here, on the loader thread, not on the GUI thread.
        self._loader_pool.start(lambda: services.kb.db)

    @Slot(int, object)
    def _on_services_failed(self, _tag: int, exc: object) -> None:
        self._loading_failed(exc)  # type: ignore[arg-type]
        self._loading_ended()

    def _loading_failed(self, exc: ExcInfo) -> None:
        self.kb_label.setText("No knowledge base: triage is unavailable")
        self.error_handler.handle(*exc)

    def set_services(self, services: Services, info: KbInfo | None = None) -> None:
        self.services = services
        if info is None:
            from triage_app.gui.knowledge.kb_status import describe_kb

            info = describe_kb(services)
        self.kb_info = info
        self.kb_label.setText(f"Knowledge base: {self.kb_info.location}")
        self.kb_label.setToolTip(plain_tooltip(str(self.kb_info.location)))
        self.policy_label.setText(self.kb_info.policy)
        self.releases_label.setText(self.kb_info.releases)
        self.releases_label.setToolTip(plain_tooltip(self.kb_info.releases_tip))
        self.verdict_card.set_policy(services.policy)
        self.servicesReady.emit()
        if services.notices:
            # A fallback (read-only or in memory) says itself what is not saved; no "fresh one".
            fallback = services.kb.read_only or services.kb.path is None
            tail = (
                "" if fallback else "\n\nNothing was deleted; the app goes on with the fresh one."
            )
            title = (
                "Knowledge base: changes are not saved" if fallback else "Knowledge base repaired"
            )
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(self, title, plain_message("\n\n".join(services.notices) + tail))
        if self.editor.full_text().strip():
            self.triage_now()  # text typed or preloaded while the knowledge base was opening

    def reload_services(self) -> None:
        """After the knowledge base changed (release import, policy edit): rebuild and re-triage."""
        if self.services is None:
            return
        services = self.services
        # The engine rebuild takes ~450 ms for a 1,000x20 vocabulary: done on the loader's worker,
        # swapped in when ready; only the newest request is applied (issue 5).
        self._reload_seq = getattr(self, "_reload_seq", 0) + 1

        def job() -> tuple[Any, KbInfo]:
            from triage_app.gui.knowledge.kb_status import describe_kb

            fresh = services.rebuild()
            return fresh, describe_kb(services)

        worker = FunctionWorker(job, self._reload_seq)
        worker.setAutoDelete(False)
        # Every running rebuild is kept (not just the newest) until its result is delivered.
        self._reloaders: dict[int, FunctionWorker] = getattr(self, "_reloaders", {})
        self._reloaders[self._reload_seq] = worker
        worker.signals.done.connect(self._on_services_rebuilt)
        worker.signals.failed.connect(self._on_rebuild_failed)
        self._loader_pool.start(worker)

    @Slot(int, object)
    def _on_services_rebuilt(self, seq: int, payload: object) -> None:
        self._reloaders.pop(seq, None)
        if seq != self._reload_seq or self.services is None:
            return  # a newer edit's rebuild is on its way
        fresh, info = payload  # type: ignore[misc]
        self.services.swap(fresh)
        self.set_services(self.services, info)

    @Slot(int, object)
    def _on_rebuild_failed(self, seq: int, exc: object) -> None:
        self._reloaders.pop(seq, None)
        self.error_handler.handle(*exc)  # type: ignore[misc]  # the old services stay in use

    # ------------------------------------------------------------------ triage

    def _triage_text(self, text: str) -> TriageResult:
        services = self.services
        assert services is not None
        return services.triage.triage(text)

    def _on_text_changed(self) -> None:
        self.debounce.start()

    def _on_ticket_replaced(self) -> None:
        """The ticket was pasted or typed over as a whole: that is the next ticket, as after Clear.

        The old triage keeps its history row and override; the new one gets its own row and
        starts as triaged (nothing of the old override is carried over or learned for it).
        """
        if self.state.result is None:
            return  # nothing triaged yet (or load_ticket filling in a fresh state): same ticket
        self.history_recorder.flush()
        self._show_empty()

    def triage_now(self) -> int | None:
        """Triage the current text on the worker thread; returns the request's sequence number."""
        self.debounce.stop()
        if self.editor.cleaning:
            return None  # a long paste is being cleaned; it triages itself when it lands
        text = self.editor.full_text()  # all of it, also while only a preview is on screen
        if not text.strip():
            self._show_empty()
            return None
        if self.services is None:
            self.busy_label.setText("Waiting for the knowledge base…")
            return None  # set_services triages the text once loaded
        seq = self.runner.request(text)
        self._requested = {seq: (text, self.editor.document().revision())}
        return seq

    def _show_empty(self) -> None:
        self.runner.cancel()
        self._requested.clear()
        self.state = CurrentTriage(history_id=None)
        self.editor.highlighter.clear()
        self.verdict_card.show_empty()
        self.release_panel.set_versions([])
        self.draft_pane.clear()
        self.busy_label.setText("")  # "Triaged in N ms" was about the ticket just cleared
        self._paste_notes.clear()
        self._show_notes(())

    @Slot(int, object, float)
    def _on_result(self, seq: int, result: object, seconds: float) -> None:
        if seq not in self._requested:  # cleared meanwhile
            return
        from triage_app.core.result import TriageResult  # loaded with the services

        assert isinstance(result, TriageResult)
        text, revision = self._requested[seq]
        self.state.text = text
        self.state.result = result
        self.verdict_card.show_result(
            result, self.state.override_verdict, self.state.override_bullet
        )
        if self.editor.document().revision() == revision:
            # Only paint spans on the text they were computed for; a newer run is on its way otherwise.
            from triage_app.gui.main.highlights import highlights_for

            self.editor.highlighter.set_highlights(highlights_for(result, len(text)))
        self.release_panel.set_versions(result.versions, triaged=True)
        self._refresh_draft()
        self._show_notes(result.notes)
        self.busy_label.setText(f"Triaged in {seconds * 1000:.0f} ms")
        self.triageUpdated.emit(self.state)

    @Slot(int, object)
    def _on_triage_failed(self, _seq: int, exc: object) -> None:
        self.busy_label.setText("Triage failed (see the dialog)")
        self.error_handler.handle(*exc)  # type: ignore[misc]

    @Slot(bool)
    def _on_busy(self, busy: bool) -> None:
        if busy:
            self.busy_label.setText("Triaging…")

    def _on_preview_changed(self, shown: int, total: int) -> None:
        if self.preview_banner is None:
            if not total:
                return
            from triage_app.gui.main.paste_preview import PreviewBanner

            self.preview_banner = PreviewBanner(self.editor)
            lay = self._ticket_layout
            lay.insertWidget(lay.indexOf(self.editor), self.preview_banner)
            self.preview_banner.show_preview(shown, total)

    def _on_paste_cleaned(self, controls: int, split_lines: int) -> None:
        notes = []
        if controls:
            notes.append(
                f"The pasted text held binary data: {controls} control characters were replaced by �."
            )
        if split_lines:
            notes.append(
                f"Very long lines were broken into shorter ones for display ({split_lines} breaks)."
            )
        self._paste_notes = notes
        self._show_notes(self.state.result.notes if self.state.result else ())

    def _show_notes(self, notes: tuple[str, ...] | list[str]) -> None:
        shown = [
            *self._paste_notes,
            *(f"Note: {n[:1].upper()}{n[1:]}" for n in notes if n != "empty ticket"),
        ]
        self.ticket_notes.setText("\n".join(shown))
        self.ticket_notes.setVisible(bool(shown))

    def _on_override(self, verdict: str, bullet: str) -> None:
        self.state.override_verdict = verdict
        self.state.override_bullet = bullet
        self._refresh_draft()
        if self.state.result is not None:
            self.triageUpdated.emit(self.state)

    def _refresh_draft(self) -> None:
        state = self.state
        if state.result is None:
            return
        composed = self.compose_draft(state)
        if composed:
            self.draft_pane.offer(composed)
            state.draft = self.draft_pane.text()
            return
        policy = self.services.policy if self.services else None
        draft = state.result.draft
        drafter = self.services.triage.draft if self.services else None
        if state.overridden and drafter is not None:
            effective = state.effective_result(policy)
            assert effective is not None
            draft = drafter(state.text, effective, self.services.triage.today())  # type: ignore[union-attr]
        if not draft:
            draft = summary_draft(
                state.result, policy, state.effective_verdict, state.effective_bullet
            )
        self.draft_pane.offer(draft)
        state.draft = self.draft_pane.text()

    def _on_draft_edited(self) -> None:
        self.state.draft = self.draft_pane.text()

    @property
    def current_triage(self) -> CurrentTriage:
        """The ticket on screen with its result and override (what the history store saves)."""
        return self.state

    def load_ticket(
        self,
        text: str,
        override_verdict: str = "",
        override_bullet: str = "",
        history_id: int | None = None,
        variables: dict[str, str] | None = None,
        draft: str = "",
    ) -> None:
        """Show a ticket (preloaded file, or one reopened from history) and triage it.

        A reopened ticket brings back its prompted fields and its saved draft as it was; a newly
        generated draft is then offered (Regenerate), never put in its place silently.
        """
        self._show_empty()
        self.state = CurrentTriage(
            override_verdict=override_verdict,
            override_bullet=override_bullet,
            history_id=history_id,
            variables=dict(variables or {}),
        )
        if draft.strip():
            self.draft_pane.show_saved(draft)
        self.verdict_card.set_override(override_verdict, override_bullet)
        self.editor.insert_clean(text, replace_all=True)
        self.triage_now()

    # ------------------------------------------------------------------ actions

    def paste_and_triage(self) -> None:
        from PySide6.QtGui import QGuiApplication

        mime = QGuiApplication.clipboard().mimeData()
        text = mime.text() if mime is not None and mime.hasText() else ""
        if not text.strip():
            self.statusBar().showMessage("The clipboard holds no text to triage.", 5000)
            return
        self.load_ticket(text)
        self.editor.setFocus()

    def clear_ticket(self) -> None:
        """Empty the ticket for the next call; one Ctrl+Z in the ticket brings the text back."""
        cursor = self.editor.textCursor()
        cursor.select(cursor.SelectionType.Document)
        cursor.removeSelectedText()
        self.debounce.stop()
        self._show_empty()
        self.editor.setFocus()

    def show_releases(self) -> None:
        if self.services is None:
            self.statusBar().showMessage("The knowledge base is still opening…", 5000)
            return
        from triage_app.gui.releases.releases_view import ReleasesView

        if self._releases_view is None:
            self._releases_view = ReleasesView(
                self._read_schedule,
                self._import_release_file,
                self.services.triage.today(),
                import_folder=lambda: Path(
                    self.settings.text("import_folder", "") or paths.documents_dir()
                ),
                parent=self,
                remember_folder=lambda folder: self.settings.set("import_folder", str(folder)),
            )
            self._releases_view.imported.connect(lambda _summary: self.reload_services())
        self._releases_view.show()
        self._releases_view.raise_()
        self._releases_view.activateWindow()

    @property
    def releases_view(self) -> ReleasesView | None:
        return self._releases_view

    def import_releases(self) -> None:
        self.show_releases()
        if self._releases_view is not None:
            self._releases_view.choose_and_import()

    def _read_schedule(self) -> Any:
        from triage_app.storage import releases_repo

        assert self.services is not None
        kb = self.services.kb
        with kb.lock:
            return releases_repo.read_schedule(kb.db, self.services.policy)

    def _import_release_file(self, path: Path) -> str:
        """Runs on the releases view's worker thread: no widgets, no settings here."""
        from triage_app.core.releases.release_csv import parse_release_csv
        from triage_app.storage import releases_repo

        services = self.services
        assert services is not None
        # Every row is validated before anything is written; the write is one transaction.
        releases = parse_release_csv(path.read_bytes(), path.name)
        with services.kb.transaction() as db:
            summary = releases_repo.import_releases(db, releases, source=path.name)
        return summary.describe()

    def show_shortcuts(self) -> None:
        from triage_app.gui.shared.shortcuts_dialog import ShortcutsDialog

        ShortcutsDialog(self.shortcut_actions(), self).exec()

    def show_about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(
            self,
            "About triage-app",
            plain_message(
                f"triage-app {__version__}\n\nScope verdict, release status and reply draft for "
                f"Prefect Customer-Managed support tickets. Fully offline.\n\nData folder: {self.data_dir}"
            ),
        )

    @property
    def system_style(self) -> str | None:
        """The desktop's own style ("Follow system"), read once from the application."""
        if self._system_style is None:
            app = QApplication.instance()
            if isinstance(app, QApplication):
                self._system_style = app.style().name()
        return self._system_style

    def set_theme(self, theme: str) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, theme, self.system_style)
            # A style-sheeted widget keeps the old palette after a style switch: re-polish it.
            bar = self.statusBar()
            bar.setStyleSheet(bar.styleSheet())
            for note in self.findChildren(NoteLabel):
                note.recolour()  # readable at once, not one event-loop pass later
        self.settings.set("theme", theme)
        self.theme_actions[theme].setChecked(True)

    # ------------------------------------------------------------------ layout persistence

    def _restore_layout(self) -> None:
        geometry = self.settings.bytes("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(self._fitting_size())
        state = self.settings.bytes("window/state")
        if state is not None:
            self.restoreState(state)
        if not self._restore_splitter(self.top_splitter, "splitter/top"):
            self.default_pane_sizes()
        if not self._restore_splitter(self.main_splitter, "splitter/main"):
            self.default_pane_sizes(top=False)

    def _fitting_size(self) -> QSize:
        """1280x720, or the screen's free area when it is smaller (a 1024x640 laptop)."""
        from triage_app.gui.shared.screen_fit import fitting_size

        return fitting_size(self, DEFAULT_SIZE)

    def default_pane_sizes(self, top: bool = True) -> None:
        """Share the window between the panes: proportions of its size, not pixels, so the
        verdict card gets the height and the release table two or three rows at any size."""
        size = self.size()
        if top:
            self.top_splitter.setSizes([size.width() * 35, size.width() * 34, size.width() * 31])
        self.main_splitter.setSizes([size.height() * 83, size.height() * 17])

    def _restore_splitter(self, splitter: QSplitter, key: str) -> bool:
        value = self.settings.bytes(key)
        return value is not None and splitter.restoreState(value)

    def save_layout(self) -> None:
        self.settings.set("window/geometry", self.saveGeometry())
        self.settings.set("window/state", self.saveState())
        self.settings.set("splitter/top", self.top_splitter.saveState())
        self.settings.set("splitter/main", self.main_splitter.saveState())
        if not self.settings.sync():
            self.statusBar().showMessage(
                "Window layout could not be saved (data folder not writable).", 5000
            )

    def reset_layout(self) -> None:
        self.resize(self._fitting_size())
        self.default_pane_sizes()
        from PySide6.QtCore import QByteArray

        for key in ("window/geometry", "window/state", "splitter/top", "splitter/main"):
            self.settings.set(key, QByteArray())

    def show_history(self) -> None:
        if self.services is None:
            self.statusBar().showMessage("The knowledge base is still opening…", 5000)
            return
        from triage_app.gui.history.history_view import HistoryView

        self.history_recorder.flush()  # the ticket on screen appears in the list
        if self._history_view is None:
            self._history_view = HistoryView(
                self.services,
                export_folder=lambda: Path(
                    self.settings.text("export_folder", "") or paths.documents_dir()
                ),
                parent=self,
            )
            self._history_view.reopenRequested.connect(self._reopen_from_history)
        else:
            self._history_view.refresh()
        self._history_view.show()
        self._history_view.raise_()
        self._history_view.activateWindow()

    def _reopen_from_history(self, entry: Any) -> None:
        self.history_recorder.flush()
        self.load_ticket(
            entry.ticket,
            entry.override_verdict or "",
            entry.override_bullet or "",
            entry.id,
            variables=entry.variables,
            draft=entry.draft,
        )
        self.raise_()
        self.activateWindow()

    def show_kb_editor(self, templates: bool = False) -> Any:
        """The Knowledge Base window (on its reply templates with `templates`); None until loaded."""
        if self.services is None:
            self.statusBar().showMessage("The knowledge base is still opening…", 5000)
            return None
        from triage_app.gui.knowledge.kb_editor import KbEditor

        if self._kb_editor is None:
            self._kb_editor = KbEditor(self.services, parent=self)
            self._kb_editor.changed.connect(self.reload_services)
        if templates:
            self._kb_editor.show_templates()
        self._kb_editor.show()
        self._kb_editor.raise_()
        self._kb_editor.activateWindow()
        return self._kb_editor

    def shutdown(self) -> None:
        """Wait for background work, so no worker reports to a window that is gone."""
        self.debounce.stop()
        self.runner.wait(5000)
        self._loader_pool.waitForDone(5000)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.history_recorder.flush()
        self.save_layout()
        self.autosave.finish()  # a normal close: nothing to recover next time
        self.debounce.stop()
        self.runner.wait(5000)
        self._loader_pool.waitForDone(5000)
        super().closeEvent(event)
