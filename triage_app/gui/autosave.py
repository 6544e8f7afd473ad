"""Crash safety for the ticket on screen: autosaved every few seconds, offered back after a crash."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QLockFile, QObject, QThreadPool, QTimer, Signal, Slot

from triage_app.core.files import write_atomic

if TYPE_CHECKING:
    from triage_app.gui.main_window import MainWindow

AUTOSAVE_INTERVAL_MS = 3000
PREFIX = "autosave-"
FORMAT = 1


@dataclass(frozen=True)
class Snapshot:
    """What is on screen: the ticket, the draft (and whether it was edited by hand), the override."""

    ticket: str
    draft: str = ""
    draft_edited: bool = False
    override_verdict: str = ""
    override_bullet: str = ""
    saved_at: str = ""

    @property
    def empty(self) -> bool:
        return not self.ticket.strip() and not self.draft.strip()

    def to_json(self) -> str:
        import json  # on the first save, not before the first paint

        return json.dumps({"format": FORMAT, **asdict(self)}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Snapshot | None:
        """None for anything that is not a snapshot we wrote (a damaged file is never trusted)."""
        import json

        try:
            data: Any = json.loads(text)
        except ValueError:
            return None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return None
        fields = {
            "ticket": str,
            "draft": str,
            "draft_edited": bool,
            "override_verdict": str,
            "override_bullet": str,
            "saved_at": str,
        }
        if not all(isinstance(data.get(k), t) for k, t in fields.items()):
            return None
        return cls(**{k: data[k] for k in fields})


@dataclass
class Orphan:
    """The autosave of a session that ended without closing its window (its lock is now ours)."""

    path: Path
    lock: QLockFile
    snapshot: Snapshot

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.path.unlink()
        self.lock.unlock()  # also removes the lock file


def _lock(path: Path) -> QLockFile:
    lock = QLockFile(str(path))
    # Stale only when the owning process is gone, never because the lock is old: a session may
    # run for days.
    lock.setStaleLockTime(0)
    return lock


def find_orphans(folder: Path, own: Path | None = None) -> list[Orphan]:
    """Autosaves whose session is gone (crashed or killed), newest first; live sessions are skipped."""
    found: list[Orphan] = []
    try:
        candidates = sorted(folder.glob(f"{PREFIX}*.json"))
    except OSError:
        return []
    for path in candidates:
        if own is not None and path == own:
            continue
        lock = _lock(path.with_suffix(".lock"))
        if not lock.tryLock(0):
            continue  # another triage-app is running and owns it
        try:
            snapshot = Snapshot.from_json(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            snapshot = None
        if snapshot is None or snapshot.empty:
            Orphan(path, lock, Snapshot("")).discard()
            continue
        found.append(Orphan(path, lock, snapshot))
    found.sort(key=lambda o: o.snapshot.saved_at, reverse=True)
    return found


def ask_to_restore(window: MainWindow, snapshot: Snapshot) -> bool:
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
        self, window: MainWindow, folder: Path, interval_ms: int = AUTOSAVE_INTERVAL_MS
    ) -> None:
        super().__init__(window)
        self.window = window
        self.folder = folder
        self.path = folder / f"{PREFIX}{os.urandom(6).hex()}.json"  # os, not uuid: no import cost
        self._lock = _lock(self.path.with_suffix(".lock"))
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

    @Slot()
    def _mark_dirty(self, *_args: object) -> None:
        self._dirty = True

    def snapshot(self) -> Snapshot:
        import datetime as dt  # on use, like everything the first frame does without

        w = self.window
        return Snapshot(
            ticket=w.editor.toPlainText(),
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
            with contextlib.suppress(OSError):
                self.folder.mkdir(parents=True, exist_ok=True)
            self._locked = self._lock.tryLock(0)
        payload = "" if snap.empty else snap.to_json()
        self._writing = True
        self._pool.start(lambda: self._write(payload))

    def _write(self, payload: str) -> None:
        # Worker thread: only files here; the result goes back to the GUI thread by signal.
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
        if self._locked:
            self._lock.unlock()
            self._locked = False

    def offer_recovery(self, ask: Callable[[MainWindow, Snapshot], bool] | None = None) -> bool:
        """After a crash: offer the newest orphaned autosave back; True when it was restored."""
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
