"""The composition root's fallbacks when the knowledge base cannot be opened as usual."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from triage_app import paths
from triage_app.core.releases.schedule import Release
from triage_app.services import build_gui_services
from triage_app.storage import database, releases_repo
from triage_app.storage.database import open_knowledge_base
from triage_app.storage.errors import DatabaseReadOnly


def test_gui_services_fall_back_when_the_file_cannot_be_opened(data_dir: Path) -> None:
    (data_dir / "knowledge.db").mkdir()  # a folder where the file should be
    services = build_gui_services(data_dir)
    assert services.kb.path is None  # a temporary knowledge base in memory
    assert len(services.policy.bullets) == 18
    assert any("knowledge.db" in n and "nothing is saved" in n for n in services.notices)


def test_a_read_only_knowledge_base_is_opened_read_only_with_the_teams_data(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = open_knowledge_base(paths.database_path(data_dir))
    with kb.transaction() as db:
        releases_repo.import_releases(
            db, [Release("prefect", "9.9.9", dt.date(2026, 1, 1))], "team.csv"
        )
    kb.close()

    def refuse_writes(db: object, migrations: object = None) -> list[str]:
        raise sqlite3.OperationalError("attempt to write a readonly database")

    # The first write of a read-write open fails, as on a file this user may not change. (An
    # up-to-date file is not written at open any more, so the open is told it needs migrating.)
    monkeypatch.setattr(database, "_applied", lambda _db: set())
    monkeypatch.setattr(database, "migrate", refuse_writes)
    services = build_gui_services(data_dir)
    assert services.kb.read_only and services.kb.path == paths.database_path(data_dir)
    with services.kb.lock:
        versions = {r.version for r in releases_repo.read_releases(services.kb.db)}
    assert "9.9.9" in versions  # the team's schedule, not an empty default one
    assert any("read-only" in n and "not saved" in n for n in services.notices)
    with pytest.raises(DatabaseReadOnly, match="read-only"), services.kb.transaction() as db:
        db.execute("delete from releases")
    from triage_app.gui.knowledge.kb_status import describe_kb

    assert "not saved" in describe_kb(services).location  # the status bar says what is lost
