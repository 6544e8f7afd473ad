"""Corrections: each override of a verdict or bullet, kept as a training example for the model."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, NamedTuple

from triage_app.core.result import VERDICTS, TriageResult
from triage_app.storage.reader import Queryable

if TYPE_CHECKING:
    from sqlite_utils import Database


CORRECTIONS = "corrections"


class Correction(NamedTuple):
    """An engineer's verdict (and bullet) for one ticket, with the day it was made."""

    id: int
    text: str
    verdict: str
    bullet: str | None
    date: str  # YYYY-MM-DD
    original_verdict: str | None = None
    original_bullet: str | None = None


def create_tables(db: Database) -> None:
    """Schema of the corrections area (called by its migration)."""
    db.table(CORRECTIONS).create(
        {
            "id": int,
            "created_at": str,
            "updated_at": str,
            # No foreign key: a correction keeps its own copy of the ticket and outlives its triage.
            "triage_id": int,
            "ticket": str,
            "original_verdict": str,
            "original_bullet": str,
            "verdict": str,
            "bullet": str,
        },
        pk="id",
        not_null={"created_at", "updated_at", "ticket", "verdict"},
    )
    db.table(CORRECTIONS).create_index(["triage_id"])


def _row_to_correction(row: dict[str, Any]) -> Correction:
    return Correction(
        id=row["id"],
        text=row["ticket"],
        verdict=row["verdict"],
        bullet=row.get("bullet") or None,
        date=(row["created_at"] or "")[:10],
        original_verdict=row.get("original_verdict") or None,
        original_bullet=row.get("original_bullet") or None,
    )


def record_correction(
    db: Database,
    ticket: str,
    original: TriageResult | None,
    verdict: str,
    bullet: str | None = None,
    triage_id: int | None = None,
    when: dt.datetime | None = None,
) -> int | None:
    """Record an override (call inside a transaction); return the correction id.

    One correction per saved triage: overriding the same triage again replaces it, and an
    override back to what the engine said removes it (returns None) — nothing left to learn.
    """
    if verdict not in VERDICTS:
        raise ValueError(f"unknown verdict {verdict!r}")
    stamp = (when or dt.datetime.now()).isoformat(timespec="seconds")
    top = original.top_match if original else None
    row = {
        "updated_at": stamp,
        "triage_id": triage_id,
        "ticket": ticket,
        "original_verdict": original.verdict if original else None,
        "original_bullet": top.title if top else None,
        "verdict": verdict,
        "bullet": bullet or None,
    }
    existing = (
        list(db.query(f"select id from {CORRECTIONS} where triage_id = ?", [triage_id]))
        if triage_id is not None
        else []
    )
    agrees = (
        original is not None
        and verdict == original.verdict
        and (not bullet or (top is not None and top.title == bullet))
    )
    if agrees:
        for r in existing:
            db.table(CORRECTIONS).delete(r["id"])
        return None
    if existing:
        cid = int(existing[0]["id"])
        db.table(CORRECTIONS).update(cid, row)
        return cid
    row["created_at"] = stamp
    return _inserted_id(db.table(CORRECTIONS).insert(row).last_pk)


def list_corrections(db: Queryable) -> list[Correction]:
    """Every active correction, oldest first."""
    return [_row_to_correction(r) for r in db.query(f"select * from {CORRECTIONS} order by id")]


def list_rows(db: Queryable) -> list[dict[str, Any]]:
    """The raw rows, newest first, for review (CLI and GUI)."""
    return [dict(r) for r in db.query(f"select * from {CORRECTIONS} order by id desc")]


def undo_correction(db: Database, correction_id: int) -> bool:
    """Forget one correction (call inside a transaction); the history row keeps its override."""
    if not list(db.query(f"select 1 from {CORRECTIONS} where id = ?", [correction_id])):
        return False
    db.table(CORRECTIONS).delete(correction_id)
    return True


def stamp(db: Queryable) -> tuple[object, ...]:
    """What changes whenever a correction is added, changed or forgotten, without reading the
    tickets: each correction's id, verdict and bullet (a few bytes each)."""
    row = next(
        iter(
            db.query(
                "select count(*) as n, coalesce(group_concat(id || ':' || verdict || ':' || "
                f"coalesce(bullet, ''), '|'), '') as v from (select id, verdict, bullet from {CORRECTIONS} order by id)"
            )
        )
    )
    return (row["n"], row["v"])


def _inserted_id(pk: object) -> int:
    """The rowid sqlite-utils reports after an insert (never None for our integer keys)."""
    assert isinstance(pk, int), pk
    return pk
