"""Saved results are packed (issue 16: the ticket's own text left out, deflated) and read back exactly."""

from __future__ import annotations

import hashlib
import json
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage_app.core.result import Evidence, Match, TriageResult, VersionMention
from triage_app.storage import bundle_repo, history_packing, history_repo
from triage_app.storage.database import open_knowledge_base

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


def test_new_results_leave_out_the_tickets_own_text_and_read_back_whole(tmp_path: Path) -> None:
    kb = open_knowledge_base(tmp_path / "knowledge.db")
    result = _result()
    with kb.transaction() as db:
        tid = history_repo.save_triage(db, TICKET, result, variables={"customer_name": "Ana"})
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
        ("_RESULT_DICT_V1", "3d7abf061d7fc2e5ea39bf41215ee2adbe43f52a789dca188ba687757dda0337"),
        ("_RESULT_DICT_V2", "4e8a29d68b1540ecb3b7fdddae97b8ddfb34f45e0a8e9e20b0ce5e63d361eae4"),
    ],
)
def test_the_dictionaries_are_frozen(name: str, digest: str) -> None:
    # Rows written with a dictionary are read with it: a changed one would garble saved history.
    assert hashlib.sha256(getattr(history_packing, name)).hexdigest() == digest
