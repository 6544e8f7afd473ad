"""Resilience of the knowledge base and file exports: concurrent instances, SIGKILL mid-write.

Each scenario runs real processes on a real SQLite file in tmp_path.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from triage_app.storage import history_packing, history_repo
from triage_app.storage.database import open_knowledge_base

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX signals")

# Children get the same interpreter and import path as the tests.
_PRELUDE = """
import os, sys, time
from pathlib import Path
from triage_app.core.result import Evidence, Match, TriageResult
from triage_app.storage import history_repo
from triage_app.storage.database import open_knowledge_base
RESULT = TriageResult(
    "in_scope", 0.8, (Match("Helm chart configuration", "in_scope", 0.7, (Evidence("helm", 0, 4),)),)
)
"""

WRITER = (
    _PRELUDE
    + """
kb_path, name, count, go = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
kb = open_knowledge_base(kb_path)
print("ready", flush=True)
while not go.exists():  # both writers start together, to collide as often as possible
    time.sleep(0.001)
for i in range(count):
    with kb.transaction() as db:
        history_repo.save_triage(db, f"helm ticket {name}-{i}", RESULT, source="cli")
print("done", flush=True)
"""
)

OPENER = (
    _PRELUDE
    + """
kb_path, go = Path(sys.argv[1]), Path(sys.argv[2])
while not go.exists():
    time.sleep(0.001)
kb = open_knowledge_base(kb_path)
print(",".join(kb.applied_migrations()), len(kb.notices), flush=True)
"""
)

SAVE_FOREVER = (
    _PRELUDE
    + """
kb = open_knowledge_base(Path(sys.argv[1]))
i = 0
while True:
    with kb.transaction() as db:
        row = history_repo.save_triage(db, f"helm ticket {i} " + "log line\\n" * 200, RESULT, source="cli")
        history_repo.record_export(db, row, "txt", f"/tmp/draft-{i}.txt")
    print(row, flush=True)  # printed only after the commit returned
    i += 1
"""
)

EXPORT_FOREVER = """
import sys
from pathlib import Path
from triage_app.commands.output import write_atomic
target, lines = Path(sys.argv[1]), int(sys.argv[2])
version = 0
while True:
    body = "".join(f'{{"id": {n}, "version": {version}}}\\n' for n in range(lines))
    print("writing", version, flush=True)
    write_atomic(target, body + f'{{"end": {version}, "lines": {lines}}}\\n')
    version += 1
"""


def _child(script: str, *args: object) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _wait(proc: subprocess.Popen[str]) -> str:
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return out


def _integrity(path: Path) -> None:
    conn = sqlite3.connect(path)
    history_packing.register(conn)  # the index reads drafts through it
    try:
        assert conn.execute("pragma integrity_check").fetchall() == [("ok",)]
        # The full-text index still agrees with the triages table.
        conn.execute(
            f"insert into {history_repo.TRIAGES}_fts({history_repo.TRIAGES}_fts) "
            "values('integrity-check')"
        )
    finally:
        conn.close()


def test_two_instances_writing_history_at_once_lose_no_row(tmp_path: Path) -> None:
    path = tmp_path / "knowledge.db"
    open_knowledge_base(path).close()
    go = tmp_path / "go"
    count = 150
    writers = [_child(WRITER, path, name, count, go) for name in ("a", "b")]
    for w in writers:
        assert w.stdout is not None and w.stdout.readline().strip() == "ready"
    go.touch()
    for w in writers:
        assert _wait(w).strip() == "done"

    kb = open_knowledge_base(path)
    rows = list(kb.db.query(f"select ticket from {history_repo.TRIAGES}"))
    kb.close()
    tickets = {r["ticket"] for r in rows}
    assert len(rows) == 2 * count
    assert tickets == {f"helm ticket {n}-{i}" for n in ("a", "b") for i in range(count)}
    _integrity(path)


def test_two_instances_started_at_once_on_a_new_folder_both_open_it(tmp_path: Path) -> None:
    path = tmp_path / "new" / "knowledge.db"
    go = tmp_path / "go"
    openers = [_child(OPENER, path, go) for _ in range(3)]
    go.touch()
    outputs = [_wait(p).split() for p in openers]
    # Every instance sees the same, fully migrated schema, and nothing was taken for corrupt.
    assert len({o[0] for o in outputs}) == 1
    assert [o[1] for o in outputs] == ["0", "0", "0"]
    assert not [p for p in path.parent.iterdir() if "corrupt" in p.name or "foreign" in p.name]
    _integrity(path)


def test_sigkill_while_saving_triages_leaves_a_consistent_database(tmp_path: Path) -> None:
    path = tmp_path / "knowledge.db"
    open_knowledge_base(path).close()
    saver = _child(SAVE_FOREVER, path)
    assert saver.stdout is not None
    committed = []
    for _ in range(40):
        line = saver.stdout.readline()
        assert line, saver.stderr.read() if saver.stderr else "saver died"
        committed.append(int(line))
    saver.send_signal(signal.SIGKILL)
    saver.wait(timeout=30)
    assert saver.returncode == -signal.SIGKILL

    _integrity(path)
    kb = open_knowledge_base(path)
    try:
        assert kb.notices == []  # reopened as is, not moved aside
        ids = {r["id"] for r in kb.db.query(f"select id from {history_repo.TRIAGES}")}
        assert set(committed) <= ids  # every committed triage survived
        # Each triage and its export record were written in one transaction: never one without the other.
        orphans = list(
            kb.db.query(
                f"select id from {history_repo.TRIAGES} t where not exists "
                f"(select 1 from {history_repo.EXPORTS} e where e.triage_id = t.id)"
            )
        )
        assert orphans == []
        with kb.transaction() as db:  # and it is writable again
            history_repo.save_triage(db, "after the crash", history_repo.TriageResult("unclear", 0))
    finally:
        kb.close()


def _assert_complete_export(target: Path, lines: int) -> int:
    """The file holds one whole version (every line plus the trailer); returns that version."""
    content = target.read_text(encoding="utf-8").splitlines()
    trailer = json.loads(content[-1])
    assert trailer["lines"] == lines and len(content) == lines + 1
    assert {json.loads(row)["version"] for row in (content[0], content[-2])} == {trailer["end"]}
    return int(trailer["end"])


def test_sigkill_while_writing_an_export_leaves_it_complete_or_absent(tmp_path: Path) -> None:
    target = tmp_path / "history.jsonl"
    lines = 200_000  # about 6 MB per version, so the signals land while a version is being written
    writer = _child(EXPORT_FOREVER, target, lines)
    assert writer.stdout is not None
    # Frozen during the first write: the file is absent (or, if that write already finished, whole).
    assert writer.stdout.readline().split() == ["writing", "0"]
    writer.send_signal(signal.SIGSTOP)
    try:
        if target.exists():
            assert _assert_complete_export(target, lines) == 0
    finally:
        writer.send_signal(signal.SIGCONT)
    # Killed while rewriting it: the file holds a previous or the new version, whole.
    while writer.stdout.readline().split() != ["writing", "2"]:
        pass
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    assert _assert_complete_export(target, lines) in (1, 2)
    # Leftover temp files are hidden dot-files next to the target; the target itself is never partial.
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")] == [target.name]


def test_a_full_disk_is_reported_plainly_and_loses_nothing_already_saved(tmp_path: Path) -> None:
    from triage_app.core.result import TriageResult
    from triage_app.storage.errors import StorageError

    path = tmp_path / "knowledge.db"
    kb = open_knowledge_base(path)
    try:
        with kb.transaction() as db:
            kept = history_repo.save_triage(
                db, "saved before the disk filled", TriageResult("unclear", 0)
            )
        # SQLite's own "database or disk is full" (SQLITE_FULL), without filling a real disk.
        pages = kb.db.execute("pragma page_count").fetchone()[0]
        kb.db.execute(f"pragma max_page_count = {pages}")
        with (
            pytest.raises(StorageError, match="disk is full: the change was not saved"),
            kb.transaction() as db,
        ):
            history_repo.save_triage(db, "x" * 200_000, TriageResult("unclear", 0))
        assert history_repo.get_triage(kb.db, kept) is not None
        assert history_repo.count(kb.db) == 1
    finally:
        kb.close()
    _integrity(path)
