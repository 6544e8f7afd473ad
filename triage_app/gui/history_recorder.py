"""The recorder that keeps the main window's triage saved as one history row (cheap to import)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

if TYPE_CHECKING:
    from triage_app.app import Services
    from triage_app.gui.state import CurrentTriage

SAVE_DELAY_MS = 1500  # after the last change: one write per pause in typing, not per keystroke


class HistoryRecorder(QObject):
    """Saves the window's current triage as ONE history row, updated while the ticket changes.

    Changes are coalesced by a single-shot timer; the write is one small transaction. An override
    is recorded as a correction in the same transaction (and removed when it is taken back).
    The storage modules are imported on the first save, not with the window: the recorder is
    built before the first paint, and they are already loaded by then (the services need them).
    """

    saved = Signal(int)  # history id
    failed = Signal(str)

    def __init__(
        self, services: Callable[[], Services | None], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._state: CurrentTriage | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SAVE_DELAY_MS)
        self.timer.timeout.connect(self.flush)

    def schedule(self, state: CurrentTriage) -> None:
        if self._state is not None and self._state is not state:
            self.flush()  # a new ticket started: the previous one is saved first
        self._state = state
        self.timer.start()

    def flush(self) -> int | None:
        """Save now (also called on close); returns the history id or None."""
        self.timer.stop()
        state, services = self._state, self._services()
        if state is None or services is None or state.result is None or not state.text.strip():
            return None
        if services.kb.read_only:
            return None
        from triage_app.storage import corrections_repo, history_repo
        from triage_app.storage.errors import StorageError

        try:
            with services.kb.transaction() as db:
                state.history_id = history_repo.save_triage(
                    db,
                    state.text,
                    state.result,
                    triage_id=state.history_id,
                    override_verdict=state.override_verdict or None,
                    override_bullet=state.override_bullet or None,
                    draft=state.draft,
                    variables=state.variables,
                    source="gui",
                )
                if state.overridden or _has_correction(db, state.history_id):
                    corrections_repo.record_correction(
                        db,
                        state.text,
                        state.result,
                        state.effective_verdict,
                        state.override_bullet or None,
                        triage_id=state.history_id,
                    )
                history_repo.apply_retention(db)  # the real date: created_at is the real clock
        except StorageError as exc:
            self.failed.emit(f"The triage was not saved to history: {exc}")
            return None
        self.saved.emit(state.history_id)
        return state.history_id

    def record_export(self, destination: str, fmt: str, redacted: list[Any] | None = None) -> None:
        """Remember a copy or export of the current draft with its triage."""
        history_id = self.flush()
        services = self._services()
        if history_id is None or services is None:
            return
        from triage_app.storage import history_repo
        from triage_app.storage.errors import StorageError

        try:
            with services.kb.transaction() as db:
                history_repo.record_export(db, history_id, fmt, destination, redacted or [])
        except StorageError as exc:
            self.failed.emit(f"The export was not recorded in history: {exc}")


def _has_correction(db: Any, history_id: int) -> bool:
    return bool(list(db.query("select 1 from corrections where triage_id = ?", [history_id])))


def install_recorder(window: Any) -> HistoryRecorder:
    """Connect a recorder to a MainWindow: triage/override updates and hand-edited drafts."""
    recorder = HistoryRecorder(lambda: window.services, window)
    window.triageUpdated.connect(recorder.schedule)
    window.draft_pane.edit.textChanged.connect(
        lambda: recorder.schedule(window.state) if window.state.result is not None else None
    )
    # Copies and exports are recorded by whoever performs them (with what was masked), not on
    # draftExported: a second row per export, without the redactions, came from here.
    recorder.failed.connect(lambda msg: window.statusBar().showMessage(msg, 8000))
    return recorder
