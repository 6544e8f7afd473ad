"""The releases table: seeded by its migration, merge/replace import in one transaction, settings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlite_utils import Database

from triage_app.core.releases.release_csv import parse_release_csv
from triage_app.core.releases.schedule import Release
from triage_app.storage import policy_repo, releases_repo
from triage_app.storage.database import migrate, open_knowledge_base
from triage_app.storage.errors import ValidationError
from triage_app.storage.migrations import MIGRATIONS

DATA = Path(__file__).parents[1] / "data"


def cm_releases() -> list[Release]:
    return parse_release_csv((DATA / "customer_managed_releases.csv").read_bytes())


def test_fresh_knowledge_base_has_the_shipped_schedule_and_says_where_from(tmp_path: Path) -> None:
    kb = open_knowledge_base(tmp_path / "knowledge.db")
    releases = releases_repo.read_releases(kb.db)
    assert len(releases) == 449
    assert {r.product for r in releases} == {"prefect", "prefect-helm"}
    assert any(r.version == "3.0.0rc1" and r.prerelease for r in releases)
    source = releases_repo.release_source(kb.db)
    assert source.startswith(releases_repo.SHIPPED_SOURCE)
    assert "449 releases of prefect, prefect-helm" in source


def test_older_knowledge_base_gains_the_schedule_when_migrated(tmp_path: Path) -> None:
    db = Database(tmp_path / "old.db")
    older = [m for m in MIGRATIONS if m[0] != "003_releases"]
    migrate(db, older)
    assert "releases" not in db.table_names()
    assert migrate(db) == ["003_releases"]
    assert db.table("releases").count == 449


def test_merge_adds_and_updates_in_one_transaction(tmp_path: Path) -> None:
    kb = open_knowledge_base(tmp_path / "knowledge.db")
    with kb.transaction() as db:
        summary = releases_repo.import_releases(db, cm_releases(), "cm.csv")
    assert (summary.added, summary.updated, summary.removed) == (15, 0, 0)
    changed = [
        Release("customer-managed", "0.8.2", dt.date(2025, 11, 20), "October 2025"),
        Release("prefect-helm", "2023.2.16", dt.date(2023, 2, 16)),  # the shipped 2023.02.16
    ]
    with kb.transaction() as db:
        summary = releases_repo.import_releases(db, changed, "fix.csv")
    assert (summary.added, summary.updated) == (0, 2)
    releases = releases_repo.read_releases(kb.db)
    assert len(releases) == 449 + 15  # the respelled chart version replaced, not duplicated
    fixed = next(r for r in releases if r.product == "customer-managed" and r.version == "0.8.2")
    assert fixed.release_date == dt.date(2025, 11, 20)
    assert "fix.csv: 2 releases" in releases_repo.release_source(kb.db)


def test_replace_substitutes_the_schedule_of_the_files_products_only(tmp_path: Path) -> None:
    kb = open_knowledge_base(tmp_path / "knowledge.db")
    with kb.transaction() as db:
        summary = releases_repo.import_releases(db, cm_releases(), "cm.csv", replace=True)
    assert (summary.added, summary.removed) == (15, 0)
    with kb.transaction() as db:
        summary = releases_repo.import_releases(db, cm_releases()[:10], "cm2.csv", replace=True)
    assert (summary.added, summary.updated, summary.removed) == (0, 10, 5)
    releases = releases_repo.read_releases(kb.db)
    assert sum(r.product == "customer-managed" for r in releases) == 10
    assert sum(r.product != "customer-managed" for r in releases) == 449  # shipped dates kept
    assert "cm2.csv: 10 releases" in releases_repo.release_source(kb.db)


def test_a_failing_import_rolls_everything_back(tmp_path: Path) -> None:
    kb = open_knowledge_base(tmp_path / "knowledge.db")
    before = list(kb.db.iterdump())

    class Boom(Exception):
        pass

    with pytest.raises(Boom), kb.transaction() as db:
        releases_repo.import_releases(db, cm_releases(), "cm.csv", replace=True)
        raise Boom  # e.g. the disk filled up halfway
    assert list(kb.db.iterdump()) == before


def test_schedule_reads_duration_and_threshold_from_policy_and_settings(tmp_path: Path) -> None:
    kb = open_knowledge_base(tmp_path / "knowledge.db")
    schedule = releases_repo.read_schedule(kb.db)
    assert (schedule.default_months, schedule.ending_soon_days) == (6, 30)
    with kb.transaction() as db:
        policy_repo.set_setting(db, "support_months", "12")
        releases_repo.set_ending_soon_days(db, 45)
    schedule = releases_repo.read_schedule(kb.db)
    assert (schedule.default_months, schedule.ending_soon_days) == (12, 45)
    r = schedule.find("prefect", "3.4.7")
    assert schedule.support(r, dt.date(2026, 3, 1)).supported_until == dt.date(2026, 6, 26)
    with pytest.raises(ValidationError):
        releases_repo.set_ending_soon_days(kb.db, -1)
    with (
        pytest.raises(ValueError, match="ending_soon_days must be a whole number"),
        kb.transaction() as db,
    ):
        policy_repo.set_setting(db, "ending_soon_days", "soon")
    for junk in ("soon", "-5", "9" * 5000):  # hand-edited, or written before the rules
        with kb.transaction() as db:
            db.table("settings").insert({"key": "ending_soon_days", "value": junk}, replace=True)
        assert releases_repo.ending_soon_days(kb.db) == 30


def test_export_returns_what_was_imported(tmp_path: Path) -> None:
    kb = open_knowledge_base(tmp_path / "knowledge.db")
    with kb.transaction() as db:
        releases_repo.import_releases(db, cm_releases(), "cm.csv", replace=True)
    exported = [r for r in releases_repo.export_releases(kb.db) if r.product == "customer-managed"]
    assert sorted(exported, key=lambda r: r.version) == sorted(
        cm_releases(), key=lambda r: r.version
    )
