"""Autosave files: the snapshot format, the per-session lock, and finding a crashed session's work."""

from __future__ import annotations

import contextlib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLockFile

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


def session_lock(path: Path) -> QLockFile:
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
        lock = session_lock(path.with_suffix(".lock"))
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
