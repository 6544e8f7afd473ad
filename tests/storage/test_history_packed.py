"""Saved triages are packed (draft and result deflated, issue 16) and read back exactly as before.

Knowledge bases written before (text drafts, results as JSON text or in the first packed format,
the search index with per-row sizes) are migrated on a real file, compacted, and search, filters,
snippets, term counts, exports and bundles give what they gave; opened read-only they still read.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import zlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from triage_app.core.result import Evidence, Match, TriageResult, VersionMention
from triage_app.storage import bundle_repo, history_index, history_packing, history_repo
from triage_app.storage.database import KnowledgeBase, migrate, open_knowledge_base
from triage_app.storage.history_repo import HistoryFilter
from triage_app.storage.migrations import MIGRATIONS

TICKET = (
    "Helm chart values.yaml override ignored after upgrading to Prefect 3.1.15\n\n"
    "Our max_connections setting in the values is not applied to the prefect server pods."
)
DRAFT = (
    "Hi Ana,\n\nThank you for reaching out about CASE-7. It is covered by Prefect Customer-Managed "
    'support.\n\nOur support policy includes:\n\n    "Helm chart configuration: Questions about '
    'values, overrides, and configuration options within the Prefect Helm chart."\n\n'
    "You mentioned 3.1.15: 3.1.15 reached the end of its support on 2025-07-30.\n\n"
    "Best regards,\nPrefect Customer-Managed Support\n"
)
OTHER_TICKET = "Ingress controller drops TLS for the Prefect UI behind our load balancer"
OTHER_DRAFT = "Hi there,\n\nYour platform team is best placed to resolve the ingress setup.\n"


def _result(ticket: str = TICKET, draft: str = DRAFT) -> TriageResult:
    start = ticket.index("values.yaml")
    version = ticket.find("3.1.15")
    versions = ()
    if version >= 0:
        versions = (
            VersionMention(
                "3.1.15", version, version + 6, "prefect", "3.1.15", "3.1.15", "2025-01-30",
                "2025-07-30", "unsupported", -169, "", "3.6.11", "Prefect",
            ),
        )  # fmt: skip
    evidence = (
        Evidence("values.yaml", start, start + 11),
        Evidence("Helm chart", 0, 10),
        Evidence("not in the ticket", 3, 9),  # a term that is not the ticket's text at its span
    )
    return TriageResult(
        "in_scope",
        0.83217,
        (
            Match("Helm chart configuration", "in_scope", 0.91234, evidence),
            Match("Ingress and load balancer setup", "out_of_scope", 0.01, ()),
        ),
        versions,
        draft=draft,
        notes=("check this one",),
    )


def _pack_v1(record: dict[str, Any]) -> bytes:
    """A result as the previous release packed it (history_packing reads this format)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15, zdict=history_packing._RESULT_DICT_V1)
    data = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()
    return history_packing.RESULT_V1 + packer.compress(data) + packer.flush()


def _old_format_kb(path: Path, padding: int = 0) -> None:
    """A knowledge base as the previous release left it: every migration up to 006, rows with
    text drafts and results in each earlier format, the index with per-row sizes."""
    db = Database(path)
    db.execute("pragma page_size=16384")
    db.execute("pragma journal_mode=wal")
    migrate(db, [m for m in MIGRATIONS if m[0] != "007_history_packed"])
    record = _result().to_dict()
    record.pop("draft")
    other = _result(OTHER_TICKET.replace("Ingress", "values.yaml Ingress")).to_dict()
    other.pop("draft")
    base = {"source": "gui", "verdict": "in_scope", "bullet": "Helm chart configuration"}
    rows = [
        {  # packed with the first results dictionary, with an override
            **base,
            "created_at": "2026-01-02T10:00:00",
            "updated_at": "2026-01-02T10:05:00",
            "ticket": TICKET,
            "result_json": _pack_v1(record),
            "confidence": 0.83217,
            "override_verdict": "spans_both",
            "override_bullet": "Ingress and load balancer setup",
            "final_verdict": "spans_both",
            "final_bullet": "Ingress and load balancer setup",
            "draft": DRAFT,
            "variables_json": json.dumps({"customer_name": "Ana", "ticket_ref": "CASE-7"}),
        },
        {  # a result as JSON text, written before results were packed
            **base,
            "created_at": "2026-01-03T09:00:00",
            "updated_at": "2026-01-03T09:00:00",
            "ticket": OTHER_TICKET,
            "result_json": json.dumps(other),
            "confidence": 0.5,
            "final_verdict": "in_scope",
            "final_bullet": "Helm chart configuration",
            "draft": OTHER_DRAFT,
        },
        {  # an unreadable result and no draft
            "created_at": "2026-01-04T08:00:00",
            "updated_at": "2026-01-04T08:00:00",
            "ticket": "a row whose result is not JSON, about redis persistence",
            "result_json": "{not json",
            "final_verdict": "unclear",
        },
    ]
    for n in range(padding):  # old rows whose drafts are mostly the templates' sentences
        rows.append(
            {
                **base,
                "created_at": f"2025-12-01T{n // 60 % 24:02d}:{n % 60:02d}:00",
                "updated_at": f"2025-12-01T{n // 60 % 24:02d}:{n % 60:02d}:00",
                "ticket": f"padding ticket {n} about the worker pool",
                "result_json": json.dumps({"verdict": "in_scope", "matches": []}),
                "final_verdict": "in_scope",
                "final_bullet": "Helm chart configuration",
                "draft": DRAFT.replace("CASE-7", f"CASE-{n}") * 2,
            }
        )
    db.table(history_repo.TRIAGES).insert_all(rows)
    history_repo.record_export(db, 1, "eml", "/tmp/reply.eml", [{"kind": "email", "count": 1}])
    db.execute("pragma wal_checkpoint(truncate)")
    db.conn.close()


SEARCHES = ["values", "thank", "platform", "prefe", "max_connections", "ingress tls", "CASE", "zzz"]
PHRASES = ["helm chart", "max_connections", "values", "load balancer", "prefect server pods"]


def _observed(kb: KnowledgeBase) -> dict[str, Any]:
    """Everything a person or a command reads from the history."""
    db = kb.db
    ids = [r["id"] for r in db.query("select id from triages order by id")]
    return {
        "list": [e.to_dict() for e in history_repo.search(db)],
        "searches": {
            s: [e.to_dict() for e in history_repo.search(db, HistoryFilter(search=s), limit=9999)]
            for s in SEARCHES
        },
        "filtered": [
            e.to_dict()
            for e in history_repo.search(db, HistoryFilter(search="values", verdict="spans_both"))
        ],
        "counts": {s: history_repo.count(db, HistoryFilter(search=s)) for s in SEARCHES},
        "terms": {p: history_repo.term_hit_count(db, p) for p in PHRASES},
        "results": {i: history_repo.get_result_dict(db, i) for i in ids},
        "csv": history_repo.export_text(db, "csv"),
        "jsonl": history_repo.export_text(db, "jsonl"),
        "bundle": bundle_repo.current_sections(db, ["history"])["history"].rows,
    }


def _check_before(seen: dict[str, Any]) -> None:
    """What the history gave before issue 16's packing, independently of how it is stored."""
    record = _result().to_dict()
    assert seen["results"][1] == {
        **{k: v for k, v in record.items() if k != "draft"},
        "draft": DRAFT,
    }
    assert seen["results"][3] is None  # an unreadable result reads as none

    def found(search: str) -> list[int]:  # the three rows written by hand, not the padding
        return [e["id"] for e in seen["searches"][search] if e["id"] <= 3]

    assert found("thank") == [1]  # a word only the draft has
    assert found("platform") == [2]
    assert found("prefe") == [2, 1]  # a prefix, newest first
    (first,) = (e for e in seen["searches"]["thank"] if e["id"] == 1)
    assert first["snippet"].startswith("Hi Ana,\n\n\x02Thank\x03 you")
    assert seen["terms"]["max_connections"] == 1 and seen["terms"]["helm chart"] == 1
    assert [e["id"] for e in seen["filtered"]] == [1]
    assert seen["counts"]["zzz"] == 0


def _stored(path: Path) -> list[tuple[str, str, bytes]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "select typeof(draft), typeof(result_json), substr(result_json, 1, 1) from triages "
            "order by id"
        ).fetchall()
    finally:
        conn.close()


def test_an_old_knowledge_base_is_migrated_and_reads_exactly_as_before(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    _old_format_kb(old, padding=1000)
    path = tmp_path / "knowledge.db"
    shutil.copy(old, path)
    reader = open_knowledge_base(old, read_only=True)
    before = _observed(reader)
    reader.close()
    _check_before(before)
    size_before = path.stat().st_size

    kb = open_knowledge_base(path)
    assert kb.applied_migrations()[-1] == "007_history_packed"
    assert _observed(kb) == before
    # Packed: every draft with text, every readable result in the second format.
    stored = _stored(path)
    assert stored[0] == ("blob", "blob", history_packing.RESULT_V2)
    assert stored[1] == ("blob", "blob", history_packing.RESULT_V2)
    assert stored[2] == ("null", "text", "{")  # no draft; the unreadable result left as it was
    assert {s for s in stored[3:]} == {("blob", "blob", history_packing.RESULT_V2)}
    # The index was made anew: no per-row sizes table, reading drafts through the view.
    assert history_index.is_current(kb.db)
    assert "triages_fts_docsize" not in kb.db.table_names()
    kb.db.execute("insert into triages_fts(triages_fts, rank) values ('integrity-check', 1)")
    # ... and the file gave the space back (rows shrunk in place leave part-empty pages), the
    # WAL too (the compaction wrote the whole file through it).
    assert path.stat().st_size < 0.7 * size_before  # 0.61x; 1.0x without the compaction
    assert Path(f"{path}-wal").stat().st_size == 0
    kb.close()
    assert _observed(open_knowledge_base(path)) == before  # and again, opened once more


def test_an_old_knowledge_base_opened_read_only_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "knowledge.db"
    _old_format_kb(path)
    before = path.read_bytes()
    kb = open_knowledge_base(path, read_only=True)
    seen = _observed(kb)
    _check_before(seen)
    assert "007_history_packed" not in kb.applied_migrations()
    kb.close()
    assert path.read_bytes() == before


def _saved(path: Path, result: TriageResult) -> tuple[KnowledgeBase, int]:
    """A new knowledge base with one triage saved as the window saves it."""
    kb = open_knowledge_base(path)
    with kb.transaction() as db:
        return kb, history_repo.save_triage(db, TICKET, result, variables={"customer_name": "Ana"})


def test_new_drafts_are_packed_and_the_index_follows_them(tmp_path: Path) -> None:
    result = _result()
    kb, tid = _saved(tmp_path / "knowledge.db", result)
    (draft,) = kb.db.execute("select draft from triages").fetchone()
    # The draft deflates against the templates' own sentences: a fraction of its text.
    assert isinstance(draft, bytes) and len(draft) < len(DRAFT.encode()) // 3
    assert history_repo.get_result_dict(kb.db, tid) == result.to_dict()
    entry = history_repo.get_triage(kb.db, tid)
    assert entry is not None and entry.draft == DRAFT and entry.ticket == TICKET
    assert [e.id for e in history_repo.search(kb.db, HistoryFilter(search="thank"))] == [tid]
    # An edited draft is packed too and replaces the old words in the index.
    with kb.transaction() as db:
        history_repo.update_draft(db, tid, "Edited reply about the zebra cluster")
    assert history_repo.get_triage(kb.db, tid).draft == "Edited reply about the zebra cluster"  # type: ignore[union-attr]
    assert history_repo.count(kb.db, HistoryFilter(search="zebra")) == 1
    assert history_repo.count(kb.db, HistoryFilter(search="thank")) == 0
    # An override changes neither the ticket nor the draft: the index is not written again.
    blocks = kb.db.execute("select count(*), sum(length(block)) from triages_fts_data").fetchone()
    with kb.transaction() as db:
        history_repo.set_override(db, tid, "out_of_scope", None)
    after = kb.db.execute("select count(*), sum(length(block)) from triages_fts_data").fetchone()
    assert after == blocks
    assert history_repo.search(kb.db, HistoryFilter(search="zebra", verdict="out_of_scope"))
    with kb.transaction() as db:
        history_repo.delete_triage(db, tid)
    assert history_repo.count(kb.db, HistoryFilter(search="zebra")) == 0
    kb.db.execute("insert into triages_fts(triages_fts, rank) values ('integrity-check', 1)")
    kb.close()


def test_the_index_is_rebuilt_when_its_options_differ(tmp_path: Path) -> None:
    kb = open_knowledge_base(tmp_path / "knowledge.db")
    with kb.transaction() as db:
        history_repo.save_triage(db, TICKET, _result())
        assert not history_index.ensure(db)  # already as it should be: nothing done
        # The index as sqlite-utils made it before (per-row sizes, content read from the table).
        history_index.drop(db)
        db.table(history_repo.TRIAGES).enable_fts(
            list(history_repo.FTS_COLUMNS), create_triggers=True, tokenize="porter"
        )
        assert not history_index.is_current(db)
        assert history_index.ensure(db)
    assert "triages_fts_docsize" not in kb.db.table_names()
    assert history_repo.count(kb.db, HistoryFilter(search="thank")) == 1  # the packed draft
    assert history_repo.term_hit_count(kb.db, "max_connections") == 1
    kb.close()


def test_a_bundle_carries_text_and_an_import_packs_it(tmp_path: Path) -> None:
    source = open_knowledge_base(tmp_path / "a.db")
    with source.transaction() as db:
        history_repo.save_triage(db, TICKET, _result(), source="cli")
    bundle = bundle_repo.collect(source.db, with_history=True)
    (row,) = bundle.sections["history"].rows
    assert row["draft"] == DRAFT and json.loads(str(row["result_json"]))["verdict"] == "in_scope"
    target = open_knowledge_base(tmp_path / "b.db")
    with target.transaction() as db:
        bundle_repo.apply(db, bundle, "merge")
    assert _stored(tmp_path / "b.db") == [("blob", "blob", history_packing.RESULT_V2)]
    # The history comes back as it went (the other sections carry each file's own seeding time).
    back = bundle_repo.collect(target.db, with_history=True).sections
    assert back["history"] == bundle.sections["history"]
    assert history_repo.count(target.db, HistoryFilter(search="thank")) == 1
    source.close()
    target.close()


def test_new_results_leave_out_the_tickets_own_text_and_read_back_whole(tmp_path: Path) -> None:
    result = _result()
    kb, tid = _saved(tmp_path / "knowledge.db", result)
    (raw,) = kb.db.execute("select result_json from triages").fetchone()
    # The result leaves out the evidence terms that are the ticket's own text at their span.
    assert raw.startswith(history_packing.RESULT_V2)
    unpacker = zlib.decompressobj(-15, zdict=history_packing._RESULT_DICT_V2)
    lean = json.loads(unpacker.decompress(raw[1:]))
    terms = [e.get("term") for e in lean["matches"][0]["evidence"]]
    assert terms == [None, None, "not in the ticket"] and "text" not in lean["versions"][0]
    record = result.to_dict()
    assert history_repo.get_result_dict(kb.db, tid) == record
    assert json.dumps(history_repo.get_result_dict(kb.db, tid)) == json.dumps(
        {**{k: v for k, v in record.items() if k != "draft"}, "draft": DRAFT}
    )  # same keys in the same order, as the JSONL export writes them
    exported = json.loads(history_repo.export_text(kb.db, "jsonl"))
    assert exported["result"]["matches"] == record["matches"]
    # A bundle carries the whole result as JSON text.
    (row,) = bundle_repo.collect(kb.db, with_history=True).sections["history"].rows
    assert json.loads(str(row["result_json"])) == {k: v for k, v in record.items() if k != "draft"}
    kb.close()


def test_a_damaged_result_reads_as_none() -> None:
    assert history_packing.read_result(b"\x02 not deflate at all", "") is None
    assert history_packing.read_result(history_packing.RESULT_V2, "") is None  # cut short
    assert history_packing.read_result(b"\x07 unknown format", "") is None
    assert history_packing.read_result("{not json", "") is None
    packer = zlib.compressobj(9, zlib.DEFLATED, -15, zdict=history_packing._RESULT_DICT_V2)
    bomb = history_packing.RESULT_V2 + packer.compress(b" " * 20_000_000) + packer.flush()
    assert len(bomb) < 100_000 and history_packing.read_result(bomb, "") is None  # bounded


def test_damaged_or_huge_packed_text_is_bounded() -> None:
    assert history_packing.unpack_text(b"\x01 not deflate at all") == ""
    assert history_packing.unpack_text(history_packing.TEXT_V1 + b"") == ""
    assert history_packing.unpack_text("plain text") == "plain text"
    assert history_packing.unpack_text(None) is None
    # A text longer than the bound stays text (so it always reads whole).
    huge = "a" * (history_packing.PACK_LIMIT + 1)
    assert history_packing.pack_text(huge) is huge
    # A hand-made blob that would inflate past the bound reads as damaged, not as 20 MB.
    packer = zlib.compressobj(9, zlib.DEFLATED, -15, zdict=history_packing._TEXT_DICT_V1)
    bomb = history_packing.TEXT_V1 + packer.compress(b"a" * 20_000_000) + packer.flush()
    assert len(bomb) < 100_000 and history_packing.unpack_text(bomb) == ""
    # Text that deflates no shorter stays text; text that does reads back exactly.
    assert history_packing.pack_text("ok") == "ok"
    for text in (DRAFT, DRAFT + "\udcff", "é" * 500, "\x00" * 300):
        assert history_packing.draft_text(history_packing.pack_text(text)) == text


def test_a_result_too_long_to_pack_is_kept_as_json_text() -> None:
    record = {"verdict": "unclear", "notes": ["x" * (history_packing.PACK_LIMIT + 1)]}
    stored = history_packing.pack_result(record, "")
    assert isinstance(stored, str) and history_packing.read_result(stored, "") == record


_spans = st.tuples(st.integers(-2, 40), st.integers(-2, 40), st.booleans(), st.text(max_size=5))


@settings(max_examples=200, deadline=None)
@given(ticket=st.text(max_size=40), evidence=st.lists(_spans, max_size=4), version=_spans)
def test_any_result_reads_back_exactly(
    ticket: str, evidence: list[tuple[int, int, bool, str]], version: tuple[int, int, bool, str]
) -> None:
    def term(start: int, end: int, own: bool, other: str) -> str:
        return ticket[start:end] if own and 0 <= start <= end else other

    record = {
        "verdict": "in_scope",
        "matches": [
            {
                "title": "t",
                "evidence": [{"term": term(*e), "start": e[0], "end": e[1]} for e in evidence]
                + [{"start": 0, "end": 0}],  # no term: a hand-made record, reading adds none
            }
        ],
        "versions": [{"text": term(*version), "start": version[0], "end": version[1], "x": None}],
        "notes": [],
    }
    stored = history_packing.pack_result(record, ticket)
    assert json.dumps(history_packing.read_result(stored, ticket)) == json.dumps(record)


@pytest.mark.parametrize(
    ("name", "digest"),
    [
        ("_TEXT_DICT_V1", "0cd85a46d33efca7f2c7e11b328f0565fcad72808df2b481cc9b9e1c3a445159"),
        ("_RESULT_DICT_V1", "3d7abf061d7fc2e5ea39bf41215ee2adbe43f52a789dca188ba687757dda0337"),
        ("_RESULT_DICT_V2", "4e8a29d68b1540ecb3b7fdddae97b8ddfb34f45e0a8e9e20b0ce5e63d361eae4"),
    ],
)
def test_the_dictionaries_are_frozen(name: str, digest: str) -> None:
    # Rows written with a dictionary are read with it: a changed one would garble saved history.
    assert hashlib.sha256(getattr(history_packing, name)).hexdigest() == digest


def test_every_connection_reads_drafts_through_the_same_function(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from triage_app.storage import database, history_packing

    assert database.SQL_TEXT == history_packing.SQL_TEXT
    kb = database.open_knowledge_base(tmp_path / "kb.db")
    packed = history_packing.pack_text("Hi there,\n\nThank you for reaching out about this issue.")
    assert isinstance(packed, bytes)
    row = kb.reader.execute(f"select {database.SQL_TEXT}(?)", [packed]).fetchone()
    assert row[0] == "Hi there,\n\nThank you for reaching out about this issue."
    kb.close()
