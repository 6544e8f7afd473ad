"""The history's full-text index (FTS5 over ticket and draft): its options, triggers and rebuild.

External content: the index holds only the words; the texts stay in the triages table, read
through a view that unpacks the draft (history_packing.SQL_TEXT). columnsize=0: no per-row sizes
table (2,000 triages: 49 KB), which only ranking (bm25) would read, and nothing here ranks; searches
are newest first. Positions stay (detail=full): term_hit_count runs phrase queries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from triage_app.storage.history_packing import SQL_TEXT, register

if TYPE_CHECKING:
    from sqlite_utils import Database

TABLE = "triages"
INDEX = "triages_fts"
CONTENT = "triages_fts_content"  # the view the index reads texts from (snippet, rebuild, checks)
TRIGGERS = ("triages_ai", "triages_ad", "triages_au")

# Written as SQLite keeps them in sqlite_master, so `is_current` compares them as they are.
_SCHEMA = (
    f"CREATE VIEW {CONTENT} AS SELECT id, ticket, {SQL_TEXT}(draft) AS draft FROM {TABLE}",
    f"CREATE VIRTUAL TABLE {INDEX} USING fts5(ticket, draft, tokenize='porter', "
    f"content='{CONTENT}', content_rowid='id', columnsize=0)",
    f"CREATE TRIGGER triages_ai AFTER INSERT ON {TABLE} BEGIN "
    f"INSERT INTO {INDEX}(rowid, ticket, draft) VALUES (new.id, new.ticket, {SQL_TEXT}(new.draft)); "
    "END",
    f"CREATE TRIGGER triages_ad AFTER DELETE ON {TABLE} BEGIN "
    f"INSERT INTO {INDEX}({INDEX}, rowid, ticket, draft) "
    f"VALUES ('delete', old.id, old.ticket, {SQL_TEXT}(old.draft)); "
    "END",
    # Only a new ticket or draft changes the words: an override or a new timestamp leaves them.
    f"CREATE TRIGGER triages_au AFTER UPDATE OF id, ticket, draft ON {TABLE} BEGIN "
    f"INSERT INTO {INDEX}({INDEX}, rowid, ticket, draft) "
    f"VALUES ('delete', old.id, old.ticket, {SQL_TEXT}(old.draft)); "
    f"INSERT INTO {INDEX}(rowid, ticket, draft) VALUES (new.id, new.ticket, {SQL_TEXT}(new.draft)); "
    "END",
)
_NAMES = (CONTENT, INDEX, *TRIGGERS)


def is_current(db: Database) -> bool:
    """True when the index, its view and triggers are exactly the ones _SCHEMA makes."""
    found = {
        r["name"]: r["sql"]
        for r in db.query(
            "select name, sql from sqlite_master where name in (?, ?, ?, ?, ?)", _NAMES
        )
    }
    return [found.get(name) for name in _NAMES] == list(_SCHEMA)


def drop(db: Database) -> None:
    """Remove the index, its triggers and view (whatever options they had)."""
    for trigger in TRIGGERS:
        db.execute(f"drop trigger if exists {trigger}")
    db.execute(f"drop table if exists {INDEX}")
    db.execute(f"drop view if exists {CONTENT}")


def ensure(db: Database) -> bool:
    """Migration step: when the index's options, view or triggers differ from _SCHEMA, make them
    anew and index every saved triage again. Returns whether it rebuilt. Call in a transaction."""
    if is_current(db):
        return False
    register(db.conn)  # the triggers and the view call it
    drop(db)
    for statement in _SCHEMA:
        db.execute(statement)
    db.execute(f"insert into {INDEX}({INDEX}) values ('rebuild')")
    return True
