"""History search snippets: FTS5's own on short tickets, bounded work on a 1 MB log."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.watchdog import watchdog
from triage_app.core.result import TriageResult
from triage_app.storage import history_repo
from triage_app.storage.database import KnowledgeBase, open_knowledge_base
from triage_app.storage.history_repo import HIT_END, HIT_START, TRIAGES, HistoryFilter

LINE = "2026-11-30 12:00:01 ERROR prefect.worker flow run crashed with exit code 1 in pod a-7f9\n"
QUERY = "prefect worker flow run crashed exit pod"  # 7 words, every one on every line


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    kb = open_knowledge_base(tmp_path / "knowledge.db")
    yield kb
    kb.close()


def _save(kb: KnowledgeBase, ticket: str, draft: str = "") -> None:
    with kb.transaction() as db:
        history_repo.save_triage(
            db, ticket, TriageResult("unclear", 0.0, draft=draft), draft=draft, source="cli"
        )


def _fts5_snippet(kb: KnowledgeBase, search: str) -> list[str]:
    sql = (
        f"select snippet({TRIAGES}_fts, -1, ?, ?, '…', 16) as s from {TRIAGES}_fts "
        f"where {TRIAGES}_fts match ? order by rowid desc"
    )
    query = history_repo.fts_query(search)
    return [r["s"] for r in kb.db.query(sql, [HIT_START, HIT_END, query])]


@pytest.mark.parametrize(
    "search", ["helm ingress", "upgrad", "crashed worker", "values", "Ingress controller fails"]
)
def test_snippets_of_short_tickets_are_fts5s_own(kb: KnowledgeBase, search: str) -> None:
    for ticket in (
        "Helm upgrade fails: the ingress controller rejects the values",
        "Our worker crashed after upgrading; " + "filler words here " * 30 + "ingress values",
        "Prefect server ingress values for TLS, helm chart 2025.6",
    ):
        _save(kb, ticket)
    ours = [e.snippet for e in history_repo.search(kb.db, HistoryFilter(search=search))]
    assert ours == _fts5_snippet(kb, search) and ours


def test_a_draft_hit_is_shown_when_the_ticket_has_none(kb: KnowledgeBase) -> None:
    _save(kb, "Something about Redis", draft="Reply: see the ingress docs")
    (entry,) = history_repo.search(kb.db, HistoryFilter(search="ingress"))
    text, spans = history_repo.snippet_spans(entry.snippet)
    assert [text[a:b] for a, b in spans] == ["ingress"]


def test_a_7_word_search_over_a_saved_1_mb_log_is_bounded(kb: KnowledgeBase) -> None:
    log = "Prefect worker crash after upgrade\n" + LINE * (1_000_000 // len(LINE))
    _save(kb, log[:-2000] + "the unique needle word\n" + log[-2000:])
    with watchdog(10.0, "a 7-word search over a 1 MB log"):  # 36 s with FTS5's snippet()
        (entry,) = history_repo.search(kb.db, HistoryFilter(search=QUERY))
        (deep,) = history_repo.search(kb.db, HistoryFilter(search="needle"))
    text, spans = history_repo.snippet_spans(entry.snippet)
    assert {text[a:b].lower() for a, b in spans} >= {"prefect", "worker", "crashed", "pod"}
    assert len(text) < 300 and text.endswith("…")
    text, spans = history_repo.snippet_spans(deep.snippet)
    assert [text[a:b] for a, b in spans] == ["needle"] and text.startswith("…")
