"""Bundles against real knowledge bases: export then import is identical; bad bundles change nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from triage_app.core.knowledge import bundle
from triage_app.core.knowledge.bundle import VOLATILE_FIELDS, BundleError, Section
from triage_app.core.result import Match, TriageResult
from triage_app.storage import bundle_repo, corrections_repo, history_repo, policy_repo
from triage_app.storage.database import KnowledgeBase, open_knowledge_base


@pytest.fixture
def source(tmp_path: Path) -> KnowledgeBase:
    """A knowledge base a team has worked with: edits in every area, corrections and history."""
    kb = open_knowledge_base(tmp_path / "a" / "knowledge.db")
    with kb.transaction() as db:
        db.execute(
            "update bullets set description = description || ' (team note)' "
            "where title = (select min(title) from bullets)"
        )
        db.table("vocabulary").insert(
            {"bullet": "", "grp": "general", "term": "team-specific-term", "weight": 1.5}
        )
        db.execute("delete from vocabulary where id = (select min(id) from vocabulary)")
        db.execute(
            "update releases set release_date = '2020-01-01' "
            "where rowid = (select min(rowid) from releases)"
        )
        policy_repo.set_setting(db, "engineer_name", "Ada Lovelace")
        policy_repo.set_setting(db, "ending_soon_days", "21")
        policy_repo.set_setting(db, "export_dir", "/home/ada/Documents")  # local: never carried
        result = TriageResult("in_scope", 0.7, (Match("Helm chart", "in_scope", 0.7),))
        tid = history_repo.save_triage(db, "Helm values question", result, draft="Hi")
        corrections_repo.record_correction(
            db, "Helm values question", result, "spans_both", triage_id=tid
        )
    yield kb
    kb.close()


def content(kb: KnowledgeBase, names: Any = bundle.SECTIONS) -> dict[str, Any]:
    """What makes two knowledge bases the same: every section's rows minus bookkeeping fields."""
    out = {}
    for name, section in bundle_repo.current_sections(kb.db, names).items():
        rows = [{k: v for k, v in r.items() if k not in VOLATILE_FIELDS} for r in section.rows]
        if name == "policy_facts":
            rows = [r for r in rows if r["key"] != "imported_at"]
        out[name] = rows
    return out


def roundtrip(src: KnowledgeBase, **kw: bool) -> bundle.Bundle:
    return bundle.loads(
        bundle.dumps(bundle_repo.collect(src.db, **kw)), bundle_repo.known_migrations(src.db)
    )


def test_export_then_import_gives_an_identical_knowledge_base(
    source: KnowledgeBase, tmp_path: Path
) -> None:
    target = open_knowledge_base(tmp_path / "b" / "knowledge.db")
    incoming = roundtrip(source, with_corrections=True, with_history=True)
    assert not bundle_repo.preview(target.db, incoming, "replace").is_empty
    with target.transaction() as db:
        bundle_repo.apply(db, incoming, "replace")
    assert content(target) == content(source)
    assert content(target)["history"][0]["ticket"] == "Helm values question"
    assert history_repo.search(target.db, history_repo.HistoryFilter(search="helm"))
    # Nothing left to change, and a local setting stayed on its laptop.
    assert bundle_repo.preview(target.db, incoming, "replace").is_empty
    assert policy_repo.get_setting(target.db, "export_dir") is None
    target.close()


def test_history_and_corrections_only_when_asked(source: KnowledgeBase) -> None:
    plain = bundle_repo.collect(source.db)
    assert "history" not in plain.sections and "corrections" not in plain.sections
    assert "history" not in bundle_repo.collect(source.db, with_corrections=True).sections
    assert {"policy", "vocabulary", "templates", "releases", "settings"} <= set(plain.sections)


def test_merge_adds_and_updates_but_keeps_local_rows(source: KnowledgeBase, tmp_path: Path) -> None:
    target = open_knowledge_base(tmp_path / "b" / "knowledge.db")
    with target.transaction() as db:
        policy_repo.set_setting(db, "engineer_name", "Grace")
        policy_repo.set_setting(db, "signature", "-- Grace")
        db.table("vocabulary").insert(
            {"bullet": "", "grp": "general", "term": "local-only-term", "weight": 1.0}
        )
    incoming = roundtrip(source)
    changes = bundle_repo.preview(target.db, incoming, "merge")
    assert changes.sections["settings"].changed == (("engineer_name",),)
    assert changes.sections["vocabulary"].added == (("", "general", "team-specific-term"),)
    assert changes.sections["vocabulary"].removed == ()
    with target.transaction() as db:
        bundle_repo.apply(db, incoming, "merge")
    assert policy_repo.get_setting(target.db, "engineer_name") == "Ada Lovelace"
    assert policy_repo.get_setting(target.db, "signature") == "-- Grace"
    terms = {r["term"] for r in target.db.query("select term from vocabulary")}
    assert {"team-specific-term", "local-only-term"} <= terms
    target.close()


def _tampered(src: KnowledgeBase, name: str, rows: tuple[dict[str, Any], ...]) -> bundle.Bundle:
    b = bundle_repo.collect(src.db)
    sections = dict(b.sections)
    sections[name] = Section(sections[name].key, rows)
    return bundle.Bundle(sections, b.migrations)


@pytest.mark.parametrize(
    ("name", "rows", "message"),
    [
        ("templates", ({"name": "in_scope", "body": "Hi {no_such_placeholder}"},), "templates"),
        (
            "releases",
            ({"product": "prefect", "version": "3.0.0", "release_date": "soon"},),
            "release_date",
        ),
        ("policy", ({"title": "Only", "side": "in_scope", "description": "x"},), "no in-scope"),
        ("policy", ({"title": "Odd", "side": "sideways", "description": "x"},), "side must"),
        ("settings", ({"key": "k", "value": "v", "colour": "red"},), "unknown to this"),
    ],
)
def test_a_bad_bundle_changes_nothing(
    source: KnowledgeBase,
    tmp_path: Path,
    name: str,
    rows: tuple[dict[str, Any], ...],
    message: str,
) -> None:
    target = open_knowledge_base(tmp_path / "b" / "knowledge.db")
    before = content(target)
    bad = _tampered(source, name, rows)
    with pytest.raises(BundleError, match=message), target.transaction() as db:
        bundle_repo.apply(db, bad, "replace")
    assert content(target) == before
    target.close()


def test_a_bundle_from_a_newer_schema_is_refused(source: KnowledgeBase) -> None:
    b = bundle_repo.collect(source.db)
    newer = bundle.Bundle(b.sections, (*b.migrations, "999_from_the_future"))
    with pytest.raises(BundleError, match="newer schema"):
        bundle.loads(bundle.dumps(newer), bundle_repo.known_migrations(source.db))
