"""A save behind another writer that holds the lock past the busy timeout is tried again, not lost."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from triage_app.core.result import TriageResult
from triage_app.storage import database, history_repo
from triage_app.storage.database import open_knowledge_base, retry_when_locked
from triage_app.storage.errors import DatabaseLocked


def test_a_save_behind_a_long_writer_is_retried_and_lands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = open_knowledge_base(tmp_path / "knowledge.db")
    kb.db.execute("pragma busy_timeout=50")  # the 5 s wait, shortened
    other = sqlite3.connect(tmp_path / "knowledge.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another triage-app writing, for longer than the wait
    pauses: list[float] = []

    def pause(seconds: float) -> None:
        pauses.append(seconds)
        other.execute("COMMIT")  # the other writer is done while this one waits to try again

    monkeypatch.setattr(database.time, "sleep", pause)

    def save() -> int:
        with kb.transaction() as db:
            return history_repo.save_triage(db, "Helm upgrade fails", TriageResult("unclear", 0.0))

    saved = retry_when_locked(save)
    assert pauses == [database.LOCKED_PAUSE_S]
    assert [e.id for e in history_repo.search(kb.db)] == [saved]
    other.close()
    kb.close()


def test_a_lock_that_never_ends_is_reported_after_the_last_try(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = open_knowledge_base(tmp_path / "knowledge.db")
    kb.db.execute("pragma busy_timeout=20")
    other = sqlite3.connect(tmp_path / "knowledge.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    monkeypatch.setattr(database.time, "sleep", lambda _s: None)
    tries: list[int] = []

    def save() -> None:
        tries.append(1)
        with kb.transaction() as db:
            db.execute("insert into settings values ('k', 'v')")

    with pytest.raises(DatabaseLocked, match="busy"):
        retry_when_locked(save)
    assert len(tries) == database.LOCKED_ATTEMPTS
    other.execute("ROLLBACK")
    other.close()
    kb.close()
