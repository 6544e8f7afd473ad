"""The knowledge base file: first-run seed, reopening, migrations, corrupt and foreign files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from triage_app.storage import database, policy_repo
from triage_app.storage.database import migrate, open_knowledge_base
from triage_app.storage.errors import DatabaseTooNew, MovedAside, StorageError
from triage_app.storage.migrations import MIGRATIONS


def test_first_run_creates_and_seeds_the_policy(tmp_path: Path) -> None:
    path = tmp_path / "kb" / "knowledge.db"
    kb = open_knowledge_base(path)
    assert path.exists()
    policy = policy_repo.read_policy(kb.db)
    assert len(policy.bullets) == 18
    assert policy.support_months == 6
    assert policy.support_email == "support@prefect.io"
    assert kb.db["vocabulary"].count > 18
    assert kb.notices == []
    assert [name for name, _ in MIGRATIONS] == kb.applied_migrations()


def test_reopening_keeps_edits_and_does_not_reseed(tmp_path: Path) -> None:
    path = tmp_path / "knowledge.db"
    kb = open_knowledge_base(path)
    with kb.transaction() as db:
        db["vocabulary"].delete_where("bullet = ?", ["Redis administration"])
        policy_repo.set_setting(db, "support_months", "9")
    kb.close()
    again = open_knowledge_base(path)
    assert again.db["vocabulary"].count_where("bullet = ?", ["Redis administration"]) == 0
    assert policy_repo.read_policy(again.db).support_months == 9


def test_migrates_an_older_schema(tmp_path: Path) -> None:
    path = tmp_path / "knowledge.db"
    old = Database(path)
    migrate(old, MIGRATIONS[:1])  # a file written by the first release: tables but no seed
    old.conn.close()
    kb = open_knowledge_base(path)
    assert kb.applied_migrations() == [name for name, _ in MIGRATIONS]
    assert len(policy_repo.read_policy(kb.db).bullets) == 18


def test_a_failing_migration_leaves_nothing_behind(tmp_path: Path) -> None:
    db = Database(tmp_path / "k.db")

    def broken(d: Database) -> None:
        d["half_done"].create({"id": int}, pk="id")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        migrate(db, [*MIGRATIONS[:1], ("999_broken", broken)])
    assert "half_done" not in db.table_names()
    assert [r["name"] for r in db.query("select name from migrations")] == [MIGRATIONS[0][0]]


def test_corrupt_file_is_moved_aside_not_deleted(tmp_path: Path) -> None:
    path = tmp_path / "knowledge.db"
    garbage = b"this is not a database" * 100
    path.write_bytes(garbage)
    kb = open_knowledge_base(path)
    assert len(kb.notices) == 1
    notice = kb.notices[0]
    assert isinstance(notice, MovedAside)
    assert notice.moved_to.read_bytes() == garbage
    assert str(notice.moved_to) in str(notice)
    assert len(policy_repo.read_policy(kb.db).bullets) == 18


def test_foreign_sqlite_file_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "knowledge.db"
    conn = sqlite3.connect(path)
    conn.execute("create table invoices (id integer primary key, amount real)")
    conn.execute("insert into invoices values (1, 9.5)")
    conn.commit()
    conn.close()
    kb = open_knowledge_base(path)
    assert isinstance(kb.notices[0], MovedAside)
    kept = sqlite3.connect(kb.notices[0].moved_to)
    assert kept.execute("select amount from invoices").fetchone() == (9.5,)


def test_file_from_a_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "knowledge.db"
    kb = open_knowledge_base(path)
    kb.db["migrations"].insert({"name": "999_from_the_future", "applied_at": "2030-01-01"})
    kb.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseTooNew, match="newer triage-app"):
        open_knowledge_base(path)
    assert path.read_bytes() == before


def test_policy_import_keeps_vocabulary_of_kept_bullets(tmp_path: Path) -> None:
    from triage_app.core.knowledge.policy import parse_policy

    kb = open_knowledge_base(tmp_path / "k.db")
    old = policy_repo.read_policy(kb.db)
    redis_terms = kb.db["vocabulary"].count_where("bullet = ?", ["Redis administration"])
    new_text = old.raw_text.replace(  # a new title over a new description: removed + added
        "  • Security patching: Prefect publishes weekly security patch releases",
        "  • Hardening: CIS benchmark reviews of the images. Was: weekly security patch releases",
    ).replace("Redis cluster setup,", "Redis Sentinel setup,")
    with kb.transaction() as db:
        diff = policy_repo.import_policy(db, parse_policy(new_text), source="test")
    assert [b.title for b in diff.removed] == ["Security patching"]
    assert kb.db["vocabulary"].count_where("bullet = ?", ["Redis administration"]) == redis_terms
    assert kb.db["vocabulary"].count_where("bullet = ?", ["Security patching"]) == 0
    assert policy_repo.read_policy(kb.db).bullet("Hardening") is not None


def test_unedited_shipped_vocabulary_follows_a_new_release(tmp_path: Path) -> None:
    from triage_app.core.triage.vocabulary import Vocabulary, default_vocabulary

    shipped = default_vocabulary()
    older = Vocabulary.from_rows(shipped.to_rows()[:-25])  # what an earlier release shipped
    kb = open_knowledge_base(tmp_path / "k.db")
    with kb.transaction() as db:
        assert not policy_repo.refresh_shipped_vocabulary(db, shipped)  # already current
        policy_repo.write_vocabulary(db, older, shipped=True)
        assert policy_repo.refresh_shipped_vocabulary(db, shipped)
    assert policy_repo.read_vocabulary(kb.db).to_rows() == shipped.to_rows()


def test_an_edited_vocabulary_is_never_replaced(tmp_path: Path) -> None:
    from triage_app.core.triage.vocabulary import Vocabulary, default_vocabulary

    shipped = default_vocabulary()
    kb = open_knowledge_base(tmp_path / "k.db")
    with kb.transaction() as db:
        policy_repo.write_vocabulary(
            db, Vocabulary.from_rows(shipped.to_rows()[:-25]), shipped=True
        )
        db.table("vocabulary").delete_where("bullet = ?", ["Redis administration"])  # a team edit
    edited = policy_repo.read_vocabulary(kb.db).to_rows()
    with kb.transaction() as db:
        assert not policy_repo.refresh_shipped_vocabulary(db, shipped)
    assert policy_repo.read_vocabulary(kb.db).to_rows() == edited


def test_services_refresh_the_shipped_vocabulary_on_open(tmp_path: Path) -> None:
    from triage_app.core.triage.vocabulary import Vocabulary, default_vocabulary
    from triage_app.services import build_services

    shipped = default_vocabulary()
    kb = open_knowledge_base(tmp_path / "knowledge.db")
    with kb.transaction() as db:
        policy_repo.write_vocabulary(db, Vocabulary.from_rows(shipped.to_rows()[:10]), shipped=True)
    kb.close()
    services = build_services(tmp_path)
    assert policy_repo.read_vocabulary(services.kb.db).to_rows() == shipped.to_rows()


def _damage_table(path: Path, table: str) -> None:
    """Overwrite the root page of `table` with garbage, the way a bad sector would."""
    with sqlite3.connect(path) as conn:
        conn.execute("pragma wal_checkpoint(truncate)")
        page_size = conn.execute("pragma page_size").fetchone()[0]
        root = conn.execute(
            "select rootpage from sqlite_master where name = ?", [table]
        ).fetchone()[0]
    with path.open("r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(b"\xa5" * page_size)


def _fill_history(path: Path, rows: int) -> None:
    kb = open_knowledge_base(path)
    with kb.transaction() as db:
        db.conn.executemany(
            "insert into triages (created_at, updated_at, ticket, verdict, final_verdict) "
            "values ('2026-01-01', '2026-01-01', ?, 'unclear', 'unclear')",
            [(f"ticket {i} " + "x" * 400,) for i in range(rows)],
        )
    kb.close()


def test_opening_does_not_read_the_whole_history(tmp_path: Path) -> None:
    """Start-up must not grow with the history: a damaged history page is not read at open, the
    knowledge base opens in place (policy and settings intact), and reading history later says so."""
    from triage_app.storage.errors import DatabaseCorrupt

    path = tmp_path / "knowledge.db"
    _fill_history(path, 2000)
    _damage_table(path, "triages")
    kb = open_knowledge_base(path)
    assert kb.notices == []  # not moved aside: the file is still this team's knowledge base
    assert policy_repo.read_policy(kb.db).bullets
    with pytest.raises(DatabaseCorrupt, match="damaged"), kb.transaction() as db:
        db.execute("select count(*), sum(length(ticket)) from triages").fetchone()
    kb.close()
    assert [p.name for p in tmp_path.iterdir() if "corrupt" in p.name] == []


def test_a_damaged_page_met_while_writing_is_a_storage_error(tmp_path: Path) -> None:
    from triage_app.storage.errors import DatabaseCorrupt, StorageError

    path = tmp_path / "knowledge.db"
    _fill_history(path, 500)
    _damage_table(path, "triages")
    kb = open_knowledge_base(path)
    with pytest.raises(StorageError) as caught, kb.transaction() as db:
        db.execute("update triages set verdict = 'in_scope'")
    assert isinstance(caught.value, DatabaseCorrupt)
    assert "not saved" in str(caught.value)
    kb.close()


def test_a_bug_in_a_statement_is_not_dressed_up_as_a_storage_error(tmp_path: Path) -> None:
    kb = open_knowledge_base(tmp_path / "knowledge.db")
    with pytest.raises(sqlite3.IntegrityError), kb.transaction() as db:
        db.execute("insert into meta (key, value) values ('app', 'again')")
    kb.close()


def test_an_unopenable_path_is_a_storage_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "knowledge.db"
    path.mkdir()  # a folder where the file should be: sqlite cannot open it
    with pytest.raises(StorageError, match="knowledge.db") as caught:
        open_knowledge_base(path)
    assert not isinstance(caught.value, MovedAside)
    assert path.is_dir() and [p.name for p in tmp_path.iterdir()] == ["knowledge.db"]


def test_an_open_error_that_is_not_corruption_leaves_the_file_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "knowledge.db"
    open_knowledge_base(path).close()
    before = path.read_bytes()

    def io_error(_db: Database) -> bool:
        exc = sqlite3.OperationalError("disk I/O error")
        exc.sqlite_errorcode = 10  # SQLITE_IOERR: the disk's fault, not a damaged file
        raise exc

    monkeypatch.setattr(database, "_is_ours", io_error)
    with pytest.raises(StorageError, match="disk I/O error") as caught:
        open_knowledge_base(path)
    assert str(path) in str(caught.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if "corrupt" in p.name) == []


def test_a_corrupt_file_that_cannot_be_moved_aside_is_a_storage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "knowledge.db"
    path.write_bytes(b"this is not a database" * 100)

    def refuse(*_args: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(database.os, "replace", refuse)
    with pytest.raises(StorageError, match="could not be moved aside"):
        open_knowledge_base(path)
    assert path.read_bytes() == b"this is not a database" * 100


def test_policy_import_carries_the_vocabulary_of_a_renamed_bullet(tmp_path: Path) -> None:
    from triage_app.core.knowledge.policy import parse_policy
    from triage_app.core.result import Match, TriageResult
    from triage_app.storage import corrections_repo

    old_title, new_title = "Helm chart configuration", "Helm chart settings"
    kb = open_knowledge_base(tmp_path / "k.db")
    old = policy_repo.read_policy(kb.db)
    terms = sorted(
        r["term"] for r in kb.db.query("select term from vocabulary where bullet = ?", [old_title])
    )
    assert terms
    ticket = "Which values override the ingress annotations in the chart?"
    engine_said = TriageResult("out_of_scope", 0.4, (Match("Ingress", "out_of_scope", 0.4, ()),))
    with kb.transaction() as db:
        corrections_repo.record_correction(db, ticket, engine_said, "in_scope", old_title)
    new_text = old.raw_text.replace(f"  • {old_title}:", f"  • {new_title}:")
    with kb.transaction() as db:
        diff = policy_repo.import_policy(db, parse_policy(new_text), source="test")
    assert [(o.title, n.title) for o, n in diff.renamed] == [(old_title, new_title)]
    kb.db.conn.close()

    kb = open_knowledge_base(tmp_path / "k.db")
    moved = sorted(
        r["term"] for r in kb.db.query("select term from vocabulary where bullet = ?", [new_title])
    )
    assert moved == terms
    assert kb.db.table("vocabulary").count_where("bullet = ?", [old_title]) == 0
    assert len(policy_repo.read_vocabulary(kb.db).terms_for(new_title)) == len(terms)
    # a correction keeps the old title as it was written (it trains the model as it was made)
    assert [c.bullet for c in corrections_repo.list_corrections(kb.db)] == [old_title]
