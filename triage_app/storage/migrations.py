"""Named schema migrations, applied in order, each in its own transaction. Append only, never edit.

Migrations also seed the shipped defaults of their area, so an older knowledge base that gains a
new table gains its default content in the same step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from triage_app.core.knowledge import defaults
from triage_app.core.triage.vocabulary import default_vocabulary

if TYPE_CHECKING:
    from sqlite_utils import Database

Migration = tuple[str, Callable[["Database"], None]]

APP_ID = "triage-app"


def _m001_policy(db: Database) -> None:
    db.table("meta").create({"key": str, "value": str}, pk="key")
    db.table("meta").insert_all(
        [
            {"key": "app", "value": APP_ID},
            {"key": "created_at", "value": dt.datetime.now().isoformat(timespec="seconds")},
        ]
    )
    db.table("settings").create({"key": str, "value": str}, pk="key")
    db.table("bullets").create(
        {"title": str, "side": str, "description": str, "position": int}, pk="title"
    )
    db.table("policy_facts").create({"key": str, "value": str}, pk="key")
    db.table("vocabulary").create(
        {"id": int, "bullet": str, "grp": str, "term": str, "weight": float}, pk="id"
    )
    db.table("vocabulary").create_index(["bullet", "grp"])


def _m002_seed_policy(db: Database) -> None:
    # Imported here: storage depends on core, and the seed reads the shipped resources.
    from triage_app.storage import policy_repo

    policy_repo.write_policy(db, defaults.default_policy(), source="shipped default")
    policy_repo.write_vocabulary(db, default_vocabulary(), shipped=True)


def _m005_history(db: Database) -> None:
    # Saved triages (with FTS5 over ticket and draft), their exports, and learned corrections.
    from triage_app.storage import corrections_repo, history_repo

    history_repo.create_tables(db)
    corrections_repo.create_tables(db)


def _m004_templates(db: Database) -> None:
    from triage_app.storage import templates_repo

    templates_repo.create_table(db)
    templates_repo.seed_defaults(db)


def _m003_releases(db: Database) -> None:
    # The release schedule, seeded with the real Prefect and prefect-helm release dates we ship.
    from triage_app.storage import releases_repo

    releases_repo.create_table(db)
    releases_repo.seed_defaults(db)


def _m006_history_draft_once(db: Database) -> None:
    # The draft was stored twice per triage (in result_json and in its own column).
    from triage_app.storage import history_repo

    history_repo.drop_duplicate_drafts(db)


def _m007_history_packed(db: Database) -> None:
    # Drafts and results packed (issue 16: 3,072 bytes a triage), and the search index without
    # the per-row sizes nothing reads, over a view that unpacks the draft.
    from triage_app.storage import history_index, history_repo

    history_index.drop(db)  # first: its old triggers would index every packed draft again
    history_repo.pack_saved_rows(db)
    history_index.ensure(db)


MIGRATIONS: list[Migration] = [
    ("001_policy_and_vocabulary", _m001_policy),
    ("002_seed_default_policy", _m002_seed_policy),
    ("005_history", _m005_history),
    ("004_templates", _m004_templates),
    ("003_releases", _m003_releases),
    ("006_history_draft_once", _m006_history_draft_once),
    ("007_history_packed", _m007_history_packed),
]

# Migrations that shrink every saved row: the file is compacted (VACUUM) once they are applied.
COMPACT_AFTER = frozenset({"007_history_packed"})
