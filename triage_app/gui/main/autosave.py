"""Crash safety for the ticket on screen: autosaved every few seconds, offered back after a crash."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal, Slot

if TYPE_CHECKING:
    from PySide6.QtCore import QLockFile
    from PySide6.QtWidgets import QStatusBar

    from triage_app.gui.main.autosave_files import Snapshot
    from triage_app.gui.main.draft_pane import DraftPane
    from triage_app.gui.main.ticket_editor import TicketEditor
    from triage_app.gui.main.verdict_card import VerdictCard


class AutosaveWindow(Protocol):
    """What the autosave needs from the window it guards (the main window), and nothing more."""

    editor: TicketEditor
    draft_pane: DraftPane
    verdict_card: VerdictCard

    def statusBar(self) -> QStatusBar: ...

    def load_ticket(
        self, text: str, override_verdict: str = "", override_bullet: str = ""
    ) -> None: ...


AUTOSAVE_INTERVAL_MS = 3000


def ask_to_restore(window: AutosaveWindow, snapshot: Snapshot) -> bool:
    when = snapshot.saved_at.replace("T", " ")[:16] or "an earlier session"
    what = "your edited reply draft" if snapshot.draft_edited else "its reply draft"
    from PySide6.QtWidgets import QMessageBox  # only after a crash

    answer = QMessageBox.question(
        window,
        "Recover unsaved work?",
        f"triage-app did not close normally. A ticket ({len(snapshot.ticket):,} characters) and "
        f"{what} were autosaved at {when}.\n\nRestore them? (No discards them.)",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes,
    )
    return answer == QMessageBox.StandardButton.Yes


class DraftAutosave(QObject):
    """Saves the window's ticket, draft and override to the data folder while they change.

    One file per running window (`autosave-<session>.json`, guarded by a lock file), written on a
    worker thread through a temporary file and a rename, so a crash leaves the previous snapshot or
    the new one, never half of one. Closing the window normally removes it; a file whose owner is
    gone is what `offer_recovery` offers back.
    """

    saved = Signal(str)  # path written (or removed, when the ticket was cleared)
    failed = Signal(str)  # why the autosave could not be written
    # From the worker thread: wrote a snapshot (False: removed it), error ('' = ok).
    _done = Signal(bool, str)

    def __init__(
        self, window: AutosaveWindow, folder: Path, interval_ms: int = AUTOSAVE_INTERVAL_MS
    ) -> None:
        super().__init__(window)  # the main window, a QObject
        self.window = window
        self.folder = folder
        self._session = os.urandom(6).hex()  # os, not uuid: no import cost
        self._path: Path | None = None
        self._lock: QLockFile | None = None  # taken at the first save
        self._locked = False
        self._dirty = False
        self._writing = False
        self._on_disk = False
        self.last_error = ""
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.save_now)
        self._done.connect(self._on_done)
        window.editor.textChanged.connect(self._mark_dirty)
        window.draft_pane.edit.textChanged.connect(self._mark_dirty)
        window.verdict_card.overrideChanged.connect(self._mark_dirty)
        self.timer.start()

    @property
    def path(self) -> Path:
        """This window's autosave file (named on first use: the format module loads after paint)."""
        if self._path is None:
            from triage_app.gui.main.autosave_files import PREFIX

            self._path = self.folder / f"{PREFIX}{self._session}.json"
        return self._path

    @Slot()
    def _mark_dirty(self, *_args: object) -> None:
        self._dirty = True

    def snapshot(self) -> Snapshot:
        import datetime as dt  # on use, like everything the first frame does without

        from triage_app.gui.main.autosave_files import Snapshot

        w = self.window
        return Snapshot(
            ticket=w.editor.full_text(),  # the whole ticket, not a preview of it
            draft=w.draft_pane.text(),
            draft_edited=w.draft_pane.edited_by_hand,
            override_verdict=w.state.override_verdict,
            override_bullet=w.state.override_bullet,
            saved_at=dt.datetime.now().isoformat(timespec="seconds"),
        )

    @Slot()
    def save_now(self) -> None:
        """Write the snapshot if anything changed (the timer calls this every few seconds)."""
        if not self._dirty or self._writing:
            return
        self._dirty = False
        snap = self.snapshot()
        if snap.empty and not self._on_disk:
            return
        if not self._locked:
            from triage_app.gui.main.autosave_files import session_lock

            with contextlib.suppress(OSError):
                self.folder.mkdir(parents=True, exist_ok=True)
            if self._lock is None:
                self._lock = session_lock(self.path.with_suffix(".lock"))
            self._locked = self._lock.tryLock(0)
        self._writing = True  # one write at a time: a slow disk never queues up snapshots
        self._pool.start(lambda: self._write(snap))

    def _write(self, snap: Snapshot) -> None:
        # Worker thread: only files here; the result goes back to the GUI thread by signal. The
        # JSON is built here too: a 10 MB ticket took 100-130 ms to serialise on the GUI thread.
        from triage_app.core.files import write_atomic

        payload = "" if snap.empty else snap.to_json()
        try:
            if payload:
                write_atomic(self.path, payload)
            else:
                self.path.unlink(missing_ok=True)
        except OSError as exc:
            self._done.emit(bool(payload), exc.strerror or str(exc))
            return
        self._done.emit(bool(payload), "")

    @Slot(bool, str)
    def _on_done(self, wrote: bool, error: str) -> None:
        self._writing = False
        if error:
            self._dirty = True  # try again at the next tick
            self.last_error = error
            message = (
                f"Autosave failed ({error}) in {self.folder}: the ticket and draft on screen "
                "are not being saved. Copy the draft before closing."
            )
            self.window.statusBar().showMessage(message, AUTOSAVE_INTERVAL_MS * 2)
            self.failed.emit(message)
            return
        self.last_error = ""
        self._on_disk = wrote
        self.saved.emit(str(self.path))

    def finish(self) -> None:
        """The window closes normally: nothing to recover, so the autosave goes."""
        self.timer.stop()
        self._pool.waitForDone(5000)
        with contextlib.suppress(OSError):
            self.path.unlink(missing_ok=True)
        if self._locked and self._lock is not None:
            self._lock.unlock()
            self._locked = False

    def offer_recovery(self, ask: Callable[[AutosaveWindow, Snapshot], bool] | None = None) -> bool:
        """After a crash: offer the newest orphaned autosave back; True when it was restored."""
        from triage_app.gui.main.autosave_files import find_orphans

        orphans = find_orphans(self.folder, own=self.path)
        if not orphans:
            return False
        newest = orphans[0]
        for other in orphans[1:]:
            other.lock.unlock()  # left for the next start, untouched
        restore = (ask or ask_to_restore)(self.window, newest.snapshot)
        if restore:
            snap = newest.snapshot
            self.window.load_ticket(snap.ticket, snap.override_verdict, snap.override_bullet)
            if snap.draft_edited:
                # As a hand edit: a fresh triage then offers to regenerate instead of overwriting it.
                self.window.draft_pane.edit.setPlainText(snap.draft)
            self._dirty = True
            self.save_now()  # the restored work is ours now, before the orphan goes
        newest.discard()
        return restore
