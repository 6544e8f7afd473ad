"""Each triage's draft is stored once (its own column); rows written before that still read whole."""

from __future__ import annotations

import json
from pathlib import Path

from sqlite_utils import Database

from triage_app.core.result import Evidence, Match, TriageResult
from triage_app.storage import history_packing, history_repo
from triage_app.storage.database import migrate, open_knowledge_base
from triage_app.storage.history_repo import HistoryFilter
from triage_app.storage.migrations import MIGRATIONS

DRAFT = "Hello Ana,\n\nThanks for the details about the Helm chart values.\n\nBest, Bo"
RESULT = TriageResult(
    "in_scope",
    0.81,
    (Match("Helm chart configuration", "in_scope", 0.8, (Evidence("values.yaml", 10, 21),)),),
    draft=DRAFT,
)


def test_a_saved_triage_keeps_its_draft_once_and_reads_it_back(tmp_path: Path) -> None:
    kb = open_knowledge_base(tmp_path / "knowledge.db")
    with kb.transaction() as db:
        tid = history_repo.save_triage(db, "Our values.yaml override is ignored", RESULT)
    stored = kb.db.execute("select result_json, draft from triages where id = ?", [tid]).fetchone()
    assert isinstance(stored[0], bytes) and DRAFT.encode() not in stored[0]  # deflated
    record = history_packing.read_result(stored[0], "Our values.yaml override is ignored")
    assert isinstance(record, dict) and "draft" not in record and record["verdict"] == "in_scope"
    assert len(stored[0]) < len(json.dumps(RESULT.to_dict())) // 2
    assert history_packing.draft_text(stored[1]) == DRAFT
    # A new file packs several triages per page (4 KB pages held one ~2 KB row each).
    assert kb.db.execute("pragma page_size").fetchone()[0] == 16384
    assert history_repo.get_result_dict(kb.db, tid) == RESULT.to_dict()
    exported = json.loads(history_repo.export_text(kb.db, "jsonl").splitlines()[0])
    assert exported["result"]["draft"] == DRAFT and exported["draft"] == DRAFT
    # An edited draft is the one the result reads back with: there is one draft per triage.
    with kb.transaction() as db:
        history_repo.update_draft(db, tid, "Edited reply")
    assert history_repo.get_result_dict(kb.db, tid)["draft"] == "Edited reply"  # type: ignore[index]
    kb.close()


def test_rows_written_before_the_migration_lose_the_copy_and_still_read(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = Database(path)
    before = [m for m in MIGRATIONS if m[0] != "006_history_draft_once"]
    migrate(db, before)
    # A row as the previous release wrote it: the draft in result_json and in its column.
    old_json = json.dumps(RESULT.to_dict(), ensure_ascii=False)
    db.table(history_repo.TRIAGES).insert(
        {
            "created_at": "2026-01-02T10:00:00",
            "updated_at": "2026-01-02T10:00:00",
            "ticket": "Our values.yaml override is ignored",
            "result_json": old_json,
            "verdict": "in_scope",
            "bullet": "Helm chart configuration",
            "confidence": 0.81,
            "final_verdict": "in_scope",
            "final_bullet": "Helm chart configuration",
            "draft": DRAFT,
        }
    )
    db.table(history_repo.TRIAGES).insert(
        {
            "created_at": "2026-01-02T11:00:00",
            "updated_at": "2026-01-02T11:00:00",
            "ticket": "a row whose result is not JSON",
            "result_json": "{not json",
            "final_verdict": "unclear",
        }
    )
    db.conn.close()

    kb = open_knowledge_base(path)
    assert kb.applied_migrations()[-1] == "006_history_draft_once"
    first, second = (r[0] for r in kb.db.execute("select result_json from triages order by id"))
    assert "draft" not in json.loads(first) and len(first) < len(old_json) - len(DRAFT) + 20
    assert second == "{not json"  # left as it was; it reads as "no result", as before
    assert history_repo.get_result_dict(kb.db, 1) == RESULT.to_dict()
    assert history_repo.get_result_dict(kb.db, 2) is None
    entry = history_repo.get_triage(kb.db, 1)
    assert entry is not None and entry.draft == DRAFT
    # The search index still finds the old row by its ticket and by its draft.
    assert [e.id for e in history_repo.search(kb.db, HistoryFilter(search="thanks"))] == [1]
    assert [e.id for e in history_repo.search(kb.db, HistoryFilter(search="override"))] == [1]
    kb.close()
