"""The recorder that keeps the main window's triage saved as one history row (cheap to import)."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal, Slot

from triage_app.gui.shared.workers import FunctionWorker

if TYPE_CHECKING:
    from triage_app.gui.main.state import CurrentTriage
    from triage_app.services import Services

SAVE_DELAY_MS = 1500  # after the last change: one write per pause in typing, not per keystroke


class HistoryRecorder(QObject):
    """Saves the window's current triage as ONE history row, updated while the ticket changes.

    Changes are coalesced by a single-shot timer; the write is one small transaction, run on ONE
    worker thread (a 10 MB paste cost 130-266 ms per save on the GUI thread): saves run in order,
    one at a time, and a save waiting behind a running one takes the ticket's state when it starts,
    so the latest state wins. flush() (close, copy/export) writes at once. An override
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
        self.timer.timeout.connect(self.save_later)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # one save at a time, in order
        self._queue: list[CurrentTriage] = []  # tickets waiting behind the running save
        self._running: FunctionWorker | None = None

    def schedule(self, state: CurrentTriage) -> None:
        if self._state is not None and self._state is not state:
            self.save_later()  # a new ticket started: the previous one is saved first
        self._state = state
        self.timer.start()

    def save_later(self) -> None:
        """Save the current ticket on the worker thread (after a pause in typing)."""
        self.timer.stop()
        state = self._state
        if state is None:
            return
        if state not in self._queue:
            self._queue.append(state)
        if self._running is None:
            self._start_next()

    def _start_next(self) -> None:
        services = self._services()
        while self._queue:
            state = self._queue.pop(0)
            snap = _snapshot(state)  # taken now, on the GUI thread: the latest state wins
            if snap is None or services is None or services.kb.read_only:
                continue
            # On the worker a save behind another writer is tried again, not lost.
            from triage_app.storage.database import retry_when_locked

            save = functools.partial(_write, services, state, snap)
            worker = FunctionWorker(functools.partial(retry_when_locked, save))
            worker.setAutoDelete(False)
            self._running = worker  # keeps the signals object alive until delivery
            worker.signals.done.connect(self._on_saved)
            worker.signals.failed.connect(self._on_failed)
            self._pool.start(worker)
            return

    @Slot(int, object)
    def _on_saved(self, _tag: int, history_id: object) -> None:
        self._running = None
        self.saved.emit(history_id)
        self._start_next()

    @Slot(int, object)
    def _on_failed(self, _tag: int, exc: object) -> None:
        self._running = None
        from triage_app.storage.errors import StorageError

        exc_type, error, tb = exc  # type: ignore[misc]
        if isinstance(error, StorageError):
            self.failed.emit(f"The triage was not saved to history: {error}")
        else:
            sys.excepthook(exc_type, error, tb)  # our bug: the window's error handler reports it
        self._start_next()

    def flush(self) -> int | None:
        """Save now, on this thread (close, copy/export); returns the history id or None."""
        self.timer.stop()
        self._pool.waitForDone()  # a save in flight lands first, so the row is updated, not doubled
        waiting, self._queue = self._queue, []
        state, services = self._state, self._services()
        from triage_app.storage.errors import StorageError

        saved: int | None = None
        for item in [*(w for w in waiting if w is not state), state]:
            snap = _snapshot(item) if item is not None else None
            if snap is None or item is None or services is None or services.kb.read_only:
                continue
            try:
                saved = _write(services, item, snap)
            except StorageError as exc:
                self.failed.emit(f"The triage was not saved to history: {exc}")
                saved = None
                continue
            self.saved.emit(saved)
        return saved if state is not None and saved == state.history_id else None

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


def _snapshot(state: CurrentTriage) -> CurrentTriage | None:
    """A copy of what is saved, or None when there is nothing to save yet."""
    if state.result is None or not state.text.strip():
        return None
    return state.copy()


def _write(services: Services, state: CurrentTriage, snap: CurrentTriage) -> int:
    """One save in one transaction; runs on the worker thread or, from flush(), on the caller's."""
    from triage_app.storage import corrections_repo, history_repo

    assert snap.result is not None
    with services.kb.transaction() as db:
        # state.history_id is read here, not in the snapshot: the save before may have created it.
        history_id = history_repo.save_triage(
            db,
            snap.text,
            snap.result,
            triage_id=state.history_id,
            override_verdict=snap.override_verdict or None,
            override_bullet=snap.override_bullet or None,
            draft=snap.draft,
            variables=snap.variables,
            source="gui",
        )
        if snap.overridden or _has_correction(db, history_id):
            corrections_repo.record_correction(
                db,
                snap.text[: history_repo.HISTORY_TEXT_LIMIT],
                snap.result,
                snap.effective_verdict,
                snap.override_bullet or None,
                triage_id=history_id,
            )
        history_repo.apply_retention(db)  # the real date: created_at is the real clock
    state.history_id = history_id  # only once committed
    return history_id


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
