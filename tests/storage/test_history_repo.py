"""Triage history on a real knowledge base file: save/update, FTS search and filters, delete, export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from triage_app.core.result import Match, TriageResult
from triage_app.storage import corrections_repo, history_repo
from triage_app.storage.database import KnowledgeBase, open_knowledge_base
from triage_app.storage.history_repo import HistoryFilter


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    kb = open_knowledge_base(tmp_path / "knowledge.db")
    yield kb
    kb.close()


def result(verdict: str, bullet: str = "", draft: str = "") -> TriageResult:
    matches = (Match(bullet, "in_scope", 0.8),) if bullet else ()
    return TriageResult(verdict, 0.8, matches, draft=draft)


def save(kb: KnowledgeBase, text: str, verdict: str, bullet: str = "", when: str = "", **kw) -> int:
    with kb.transaction() as db:
        return history_repo.save_triage(
            db, text, result(verdict, bullet, kw.pop("draft", "")), when=when or None, **kw
        )


def test_typing_updates_one_row_instead_of_adding_rows(kb: KnowledgeBase) -> None:
    tid = save(kb, "Helm upg", "unclear")
    for text in ("Helm upgr", "Helm upgrade fails", "Helm upgrade fails on ingress values"):
        with kb.transaction() as db:
            assert history_repo.save_triage(db, text, result("in_scope"), triage_id=tid) == tid
    assert history_repo.count(kb.db) == 1
    entry = history_repo.get_triage(kb.db, tid)
    assert entry is not None
    assert entry.ticket == "Helm upgrade fails on ingress values"
    assert entry.final_verdict == "in_scope"
    # The FTS index follows the update: the old text is gone, the new one is found.
    assert history_repo.search(kb.db, HistoryFilter(search="ingress"))[0].id == tid
    assert history_repo.search(kb.db, HistoryFilter(search="upg")) != []
    assert history_repo.count(kb.db, HistoryFilter(search="upgr")) == 1


def test_search_highlights_hits_and_never_interprets_fts_syntax(kb: KnowledgeBase) -> None:
    save(kb, "Worker pod cannot reach the Prefect API <b>timeout</b>", "in_scope")
    save(
        kb,
        "Our Postgres max_connections is exhausted",
        "out_of_scope",
        draft="Reply about postgres",
    )
    hits = history_repo.search(kb.db, HistoryFilter(search="postgres"))
    assert len(hits) == 1
    text, spans = history_repo.snippet_spans(hits[0].snippet)
    assert [text[a:b].lower() for a, b in spans] == ["postgres"]
    # Drafts are searched too.
    assert history_repo.count(kb.db, HistoryFilter(search="reply")) == 1
    # FTS operators and quotes from the user are just words, not syntax errors.
    for q in ('"unbalanced', "NOT OR AND", "max_connections*)", "col:umn", "<b>"):
        history_repo.search(kb.db, HistoryFilter(search=q))
    assert history_repo.count(kb.db, HistoryFilter(search="worker NOT")) == 0
    assert history_repo.search(kb.db, HistoryFilter(search="   ")) != []  # empty = everything


def test_filters_by_final_verdict_bullet_and_date_newest_first(kb: KnowledgeBase) -> None:
    a = save(kb, "helm values ingress", "in_scope", "Helm chart", when="2026-01-05T10:00:00")
    b = save(kb, "postgres tuning", "out_of_scope", "Database", when="2026-02-05T10:00:00")
    c = save(kb, "helm chart and postgres", "spans_both", "Helm chart", when="2026-03-05T10:00:00")
    with kb.transaction() as db:
        history_repo.set_override(db, b, "spans_both", "Helm chart")

    def ids(**kw: object) -> list[int]:
        return [e.id for e in history_repo.search(kb.db, HistoryFilter(**kw))]  # type: ignore[arg-type]

    assert ids() == [c, b, a]
    assert ids(verdict="spans_both") == [c, b]  # the override counts
    assert ids(verdict="out_of_scope") == []
    assert ids(bullet="Helm chart") == [c, b, a]
    assert ids(since=dt.date(2026, 2, 1)) == [c, b]
    assert ids(until=dt.date(2026, 2, 5)) == [b, a]
    assert ids(search="postgres", verdict="spans_both", since=dt.date(2026, 3, 1)) == [c]
    assert [e.id for e in history_repo.search(kb.db, limit=1, offset=1)] == [b]


def test_delete_one_and_all_keeps_learned_corrections(kb: KnowledgeBase) -> None:
    a = save(kb, "first ticket about helm", "in_scope")
    b = save(kb, "second ticket about redis", "out_of_scope")
    with kb.transaction() as db:
        history_repo.record_export(db, a, "txt", "/tmp/reply.txt", [{"kind": "jwt", "count": 1}])
        corrections_repo.record_correction(
            db, "first ticket about helm", result("in_scope"), "spans_both", triage_id=a
        )
    with kb.transaction() as db:
        assert history_repo.delete_triage(db, a)
        assert not history_repo.delete_triage(db, a)
    assert [e.id for e in history_repo.search(kb.db)] == [b]
    assert history_repo.search(kb.db, HistoryFilter(search="helm")) == []
    assert corrections_repo.list_rows(kb.db)[0]["triage_id"] is None
    with kb.transaction() as db:
        assert history_repo.delete_all(db) == 1
    assert history_repo.count(kb.db) == 0
    assert len(corrections_repo.list_corrections(kb.db)) == 1


def test_exports_are_recorded_and_exported(kb: KnowledgeBase) -> None:
    a = save(
        kb,
        'ticket one\nwith a second line, and "quotes"',
        "in_scope",
        "Helm chart",
        draft="Hi there",
        variables={"customer_name": "Ada", "ticket_ref": "CASE-1"},
    )
    with kb.transaction() as db:
        history_repo.record_export(db, a, "eml", "/tmp/CASE-1.eml", [{"kind": "jwt", "count": 2}])
    rows = list(csv.DictReader(io.StringIO(history_repo.export_text(kb.db, "csv"))))
    assert rows[0]["ticket"] == 'ticket one\nwith a second line, and "quotes"'
    assert rows[0]["customer_name"] == "Ada" and rows[0]["ticket_ref"] == "CASE-1"
    line = json.loads(history_repo.export_text(kb.db, "jsonl").splitlines()[0])
    assert line["result"]["verdict"] == "in_scope"
    assert line["exports"][0]["format"] == "eml"
    assert line["exports"][0]["redacted"] == [{"kind": "jwt", "count": 2}]
    with pytest.raises(ValueError):
        history_repo.export_text(kb.db, "xml")


def test_retention_deletes_only_older_triages(kb: KnowledgeBase) -> None:
    save(kb, "old ticket", "in_scope", when="2026-01-01T09:00:00")
    keep = save(kb, "recent ticket", "in_scope", when="2026-03-01T09:00:00")
    with kb.transaction() as db:
        assert history_repo.apply_retention(db, dt.date(2026, 3, 10)) == 0  # none set: keep all
        history_repo.set_retention_days(db, 30)
        assert history_repo.apply_retention(db, dt.date(2026, 3, 10)) == 1
    assert [e.id for e in history_repo.search(kb.db)] == [keep]
    assert history_repo.search(kb.db, HistoryFilter(search="old")) == []
    with pytest.raises(ValueError):
        history_repo.set_retention_days(kb.db, -1)


def test_term_hit_count_counts_tickets_with_the_words(kb: KnowledgeBase) -> None:
    save(kb, "Postgres max_connections reached", "out_of_scope")
    save(kb, "postgres is slow", "out_of_scope")
    save(kb, "helm chart values", "in_scope")
    assert history_repo.term_hit_count(kb.db, "postgres") == 2
    assert history_repo.term_hit_count(kb.db, "max_connections") == 1
    assert history_repo.term_hit_count(kb.db, "chart values") == 1
    assert history_repo.term_hit_count(kb.db, "values chart") == 0
    assert history_repo.term_hit_count(kb.db, '"*') == 0


def test_history_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "knowledge.db"
    kb = open_knowledge_base(path)
    save(kb, "persisted ticket", "unclear")
    kb.close()
    kb = open_knowledge_base(path)
    assert [e.ticket for e in history_repo.search(kb.db, HistoryFilter(search="persisted"))] == [
        "persisted ticket"
    ]
    kb.close()


def test_a_huge_ticket_is_cut_in_history_with_a_marker(tmp_path: Path) -> None:
    kb = open_knowledge_base(tmp_path / "kb.db")
    huge = "helm chart values\n" + "log line\n" * 400_000  # about 3.6 MB
    with kb.transaction() as db:
        row = history_repo.save_triage(db, huge, TriageResult("in_scope", 0.5, ()), source="cli")
    stored = history_repo.get_triage(kb.db, row)
    assert stored is not None
    assert len(stored.ticket) < history_repo.HISTORY_TEXT_LIMIT + 200
    assert stored.ticket.startswith(huge[:1000])
    assert "cut" in stored.ticket[-200:] and f"{len(huge):,}" in stored.ticket[-200:]
