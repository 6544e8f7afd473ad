"""Triage history: every saved triage with override, draft and exports; FTS5 search, filters, export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from triage_app.core.knowledge import kb_rules
from triage_app.core.replies.csv_cells import safe_dict
from triage_app.core.result import VERDICTS, TriageResult
from triage_app.storage import history_packing
from triage_app.storage.history_snippets import SnippetMaker, quoted_words
from triage_app.storage.reader import Queryable

if TYPE_CHECKING:
    from sqlite_utils import Database


TRIAGES = "triages"
EXPORTS = "exports"
FTS_COLUMNS = ("ticket", "draft")
RETENTION_SETTING = "history_retention_days"
PAGE_SIZE = 50

# Snippet markers: control characters that never survive ticket validation, so a GUI can escape the
# text first and then turn the markers into highlighting without ever interpreting ticket text.
HIT_START = "\x02"
HIT_END = "\x03"

EXPORT_FIELDS = [
    "id",
    "created_at",
    "updated_at",
    "source",
    "verdict",
    "bullet",
    "override_verdict",
    "override_bullet",
    "final_verdict",
    "final_bullet",
    "confidence",
    "customer_name",
    "ticket_ref",
    "ticket",
    "draft",
]


def create_tables(db: Database) -> None:
    """Schema of the history area (called by its migration)."""
    db.table(TRIAGES).create(
        {
            "id": int,
            "created_at": str,
            "updated_at": str,
            "source": str,  # gui | cli | batch
            "ticket": str,
            "result_json": str,
            "verdict": str,  # the engine's verdict
            "bullet": str,  # the engine's top bullet
            "confidence": float,
            "override_verdict": str,
            "override_bullet": str,
            # What the engineer settled on (override, else engine): the filters use these.
            "final_verdict": str,
            "final_bullet": str,
            "draft": str,
            "variables_json": str,  # prompted fields: customer_name, ticket_ref, ...
        },
        pk="id",
        not_null={"created_at", "updated_at", "ticket", "final_verdict"},
        defaults={"source": "gui", "draft": "", "variables_json": "{}", "bullet": ""},
    )
    # Newest first is by id (rowid); an index on one column also holds the rowid in order, so
    # "verdict = ? order by id desc limit 50" walks the index backwards and stops after a page.
    db.table(TRIAGES).create_index(["created_at"])
    db.table(TRIAGES).create_index(["final_verdict"])
    db.table(TRIAGES).create_index(["final_bullet"])
    db.table(EXPORTS).create(
        {
            "id": int,
            "triage_id": int,
            "at": str,
            "format": str,
            "destination": str,  # file path, or "clipboard"
            "redacted_json": str,  # what was masked: [{"kind": ..., "count": ...}] or similar
        },
        pk="id",
        foreign_keys=[("triage_id", TRIAGES, "id")],
    )
    # sqlite-utils creates the foreign key without ON DELETE; deleting a triage removes its exports
    # explicitly in delete_triage/delete_all/apply_retention instead.
    db.table(EXPORTS).create_index(["triage_id"])
    db.table(TRIAGES).enable_fts(list(FTS_COLUMNS), create_triggers=True, tokenize="porter")


# History keeps the first megabyte of a ticket: a 10 MB paste cost 130-266 ms per save (row + FTS);
# the window keeps the whole text, and the marker says the stored one was cut.
HISTORY_TEXT_LIMIT = 1_000_000


def cap_ticket(text: str) -> str:
    """The ticket as history stores it: at most HISTORY_TEXT_LIMIT characters, then a marker."""
    if len(text) <= HISTORY_TEXT_LIMIT:
        return text
    return (
        text[:HISTORY_TEXT_LIMIT]
        + f"\n\n[triage-app: cut here for history; the ticket had {len(text):,} characters]"
    )


def now_iso() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


@dataclass(frozen=True)
class HistoryEntry:
    """One saved triage as the history list shows it."""

    id: int
    created_at: str
    updated_at: str
    source: str
    ticket: str
    verdict: str
    bullet: str
    confidence: float
    override_verdict: str | None
    override_bullet: str | None
    final_verdict: str
    final_bullet: str
    draft: str
    variables: dict[str, str] = field(default_factory=dict)
    snippet: str = ""  # with HIT_START/HIT_END around search hits; "" when not searching

    @property
    def title(self) -> str:
        """First non-empty line of the ticket, for lists."""
        for line in self.ticket.splitlines():
            if line.strip():
                return line.strip()[:160]
        return ""

    def to_dict(self, with_result: dict[str, Any] | None = None) -> dict[str, Any]:
        obj: dict[str, Any] = {
            "id": self.id,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "source": self.source,
            "verdict": self.verdict,
            "bullet": self.bullet,
            "confidence": self.confidence,
            "override_verdict": self.override_verdict,
            "override_bullet": self.override_bullet,
            "final_verdict": self.final_verdict,
            "final_bullet": self.final_bullet,
            "customer_name": self.variables.get("customer_name", ""),
            "ticket_ref": self.variables.get("ticket_ref", ""),
            "ticket": self.ticket,
            "draft": self.draft,
        }
        if self.snippet:
            obj["snippet"] = self.snippet
        if with_result is not None:
            obj["result"] = with_result
        return obj


@dataclass(frozen=True)
class HistoryFilter:
    """What the History view or `triage-app history` asks for; every field optional."""

    search: str = ""
    verdict: str | None = None  # matches the final verdict (override, else engine)
    bullet: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None  # inclusive


def _entry(row: dict[str, Any], snippet: str = "") -> HistoryEntry:
    try:
        variables = json.loads(row.get("variables_json") or "{}")
    except json.JSONDecodeError:
        variables = {}
    return HistoryEntry(
        id=row["id"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        source=row.get("source") or "",
        ticket=row["ticket"],
        verdict=row.get("verdict") or "",
        bullet=row.get("bullet") or "",
        confidence=_confidence(row.get("confidence")),
        override_verdict=row.get("override_verdict") or None,
        override_bullet=row.get("override_bullet") or None,
        final_verdict=row["final_verdict"],
        final_bullet=row.get("final_bullet") or "",
        draft=history_packing.draft_text(row.get("draft")),
        variables={str(k): str(v) for k, v in variables.items()}
        if isinstance(variables, dict)
        else {},
        snippet=snippet,
    )


def _confidence(value: Any) -> float:
    """A stored confidence; a damaged one (from a file written before the bundle rules) reads 0."""
    try:
        return float(value or 0.0)
    except (TypeError, ValueError):
        return 0.0


def result_record(result: TriageResult, ticket: str) -> bytes | str:
    """The result as history stores it: without the draft, which has its own column (stored once;
    get_result_dict puts it back), packed against the stored `ticket` (history_packing)."""
    record = result.to_dict()
    record.pop("draft", None)
    return history_packing.pack_result(record, ticket)


def result_text(raw: object, ticket: str) -> str:
    """A stored result as JSON text (bundles carry text; "" when it cannot be read)."""
    value = history_packing.read_result(raw, ticket)
    return "" if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def drop_duplicate_drafts(db: Database) -> None:
    """Migration step: older rows kept the draft inside their JSON result too; it goes (the draft
    column keeps the one the engineer got or edited). Unreadable results stay as they are."""
    db.execute(
        f"update {TRIAGES} set result_json = json_remove(result_json, '$.draft') "
        "where json_valid(result_json) and json_type(result_json, '$.draft') is not null"
    )


def bundle_row(row: dict[str, Any]) -> dict[str, Any]:
    """A stored history row as a bundle carries it: its draft and result as text."""
    out = dict(row)
    if "draft" in out:
        out["draft"] = history_packing.unpack_text(out["draft"])
    if "result_json" in out:
        out["result_json"] = result_text(out["result_json"], str(out.get("ticket") or ""))
    return out


def packed_row(row: dict[str, Any]) -> dict[str, Any]:
    """A history row from a bundle (validated) as save_triage stores one: draft and result packed."""
    out = dict(row)
    if isinstance(out.get("draft"), str):
        out["draft"] = history_packing.pack_text(out["draft"])
    if isinstance(out.get("result_json"), str) and isinstance(out.get("ticket"), str):
        out["result_json"] = history_packing.repack_result(out["result_json"], out["ticket"])
    return out


def pack_saved_rows(db: Database) -> None:
    """Migration step: drafts and results written before packing (or packed with the first
    results dictionary) are packed as save_triage packs them now, in one pass over the rows.
    Unreadable results stay as they are."""
    db.conn.create_function("triage_repack_text", 1, history_packing.repack_text)
    db.conn.create_function("triage_repack_result", 2, history_packing.repack_result)
    try:
        db.execute(
            f"update {TRIAGES} set draft = triage_repack_text(draft), "
            "result_json = triage_repack_result(result_json, ticket)"
        )
    finally:
        db.conn.create_function("triage_repack_text", 1, None)
        db.conn.create_function("triage_repack_result", 2, None)


def _final(
    verdict: str, bullet: str, override_verdict: str | None, override_bullet: str | None
) -> tuple[str, str]:
    return override_verdict or verdict, override_bullet or bullet


def save_triage(
    db: Database,
    ticket: str,
    result: TriageResult,
    *,
    triage_id: int | None = None,
    override_verdict: str | None = None,
    override_bullet: str | None = None,
    draft: str | None = None,
    variables: dict[str, str] | None = None,
    source: str = "gui",
    when: str | None = None,
) -> int:
    """Insert a triage, or update `triage_id` in place (the GUI keeps one row per ticket being typed).

    Call inside a transaction. Returns the row id. An unknown `triage_id` (deleted meanwhile, e.g.
    by "delete all" in the History view) becomes a new row rather than an error.
    """
    for v in (override_verdict,):
        if v is not None and v not in VERDICTS:
            raise ValueError(f"unknown verdict {v!r}")
    stamp = when or now_iso()
    top = result.top_match
    bullet = top.title if top else ""
    final_verdict, final_bullet = _final(result.verdict, bullet, override_verdict, override_bullet)
    stored = cap_ticket(ticket)
    row: dict[str, Any] = {
        "updated_at": stamp,
        "source": source,
        "ticket": stored,
        "result_json": result_record(result, stored),
        "verdict": result.verdict,
        "bullet": bullet,
        "confidence": float(result.confidence),
        "override_verdict": override_verdict,
        "override_bullet": override_bullet,
        "final_verdict": final_verdict,
        "final_bullet": final_bullet,
        "draft": history_packing.pack_text(result.draft if draft is None else draft),
        "variables_json": json.dumps(variables or {}, ensure_ascii=False, sort_keys=True),
    }
    if triage_id is not None and _exists(db, triage_id):
        db.table(TRIAGES).update(triage_id, row)
        return triage_id
    row["created_at"] = stamp
    return _inserted_id(db.table(TRIAGES).insert(row).last_pk)


def set_override(
    db: Database, triage_id: int, verdict: str | None, bullet: str | None
) -> HistoryEntry:
    """Record the engineer's override on a saved triage (None clears it). Call inside a transaction."""
    entry = get_triage(db, triage_id)
    if entry is None:
        raise KeyError(triage_id)
    if verdict is not None and verdict not in VERDICTS:
        raise ValueError(f"unknown verdict {verdict!r}")
    final_verdict, final_bullet = _final(entry.verdict, entry.bullet, verdict, bullet)
    db.table(TRIAGES).update(
        triage_id,
        {
            "override_verdict": verdict,
            "override_bullet": bullet,
            "final_verdict": final_verdict,
            "final_bullet": final_bullet,
            "updated_at": now_iso(),
        },
    )
    updated = get_triage(db, triage_id)
    assert updated is not None
    return updated


def update_draft(
    db: Database, triage_id: int, draft: str, variables: dict[str, str] | None = None
) -> None:
    """Keep the engineer's edited draft (and prompted fields) with the triage."""
    row: dict[str, Any] = {"draft": history_packing.pack_text(draft), "updated_at": now_iso()}
    if variables is not None:
        row["variables_json"] = json.dumps(variables, ensure_ascii=False, sort_keys=True)
    db.table(TRIAGES).update(triage_id, row)


def _exists(db: Queryable, triage_id: int) -> bool:
    return bool(list(db.query(f"select 1 from {TRIAGES} where id = ?", [triage_id])))


def get_triage(db: Queryable, triage_id: int) -> HistoryEntry | None:
    rows = list(db.query(f"select * from {TRIAGES} where id = ?", [triage_id]))
    return _entry(rows[0]) if rows else None


def get_result_dict(db: Queryable, triage_id: int) -> dict[str, Any] | None:
    """The saved result as TriageResult.to_dict() gave it; its draft is the triage's draft column."""
    sql = f"select result_json, draft, ticket from {TRIAGES} where id = ?"
    rows = list(db.query(sql, [triage_id]))
    if not rows:
        return None
    value = history_packing.read_result(rows[0]["result_json"], rows[0]["ticket"] or "")
    if not isinstance(value, dict):
        return None
    value.setdefault("draft", history_packing.draft_text(rows[0]["draft"]))
    return value


def record_export(
    db: Database,
    triage_id: int,
    fmt: str,
    destination: str,
    redacted: Iterable[Any] = (),
    when: str | None = None,
) -> int:
    """Remember a copy or export of the triage's draft: when, format, where, what was masked."""
    if not _exists(db, triage_id):
        raise KeyError(triage_id)
    return _inserted_id(
        db.table(EXPORTS)
        .insert(
            {
                "triage_id": triage_id,
                "at": when or now_iso(),
                "format": fmt,
                "destination": destination,
                "redacted_json": json.dumps(list(redacted), ensure_ascii=False, default=str),
            }
        )
        .last_pk
    )


def list_exports(db: Queryable, triage_id: int) -> list[dict[str, Any]]:
    out = []
    for r in db.query(f"select * from {EXPORTS} where triage_id = ? order by id", [triage_id]):
        r = dict(r)
        r["redacted"] = json.loads(r.pop("redacted_json") or "[]")
        out.append(r)
    return out


_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(search: str) -> str:
    """User text -> a safe FTS5 query: every word quoted (no FTS syntax from the user), all required,
    the last one as a prefix so results follow typing."""
    return " ".join(quoted_words(search))


def _where(flt: HistoryFilter, alias: str = "t") -> tuple[list[str], list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if flt.verdict:
        clauses.append(f"{alias}.final_verdict = ?")
        params.append(flt.verdict)
    if flt.bullet:
        clauses.append(f"{alias}.final_bullet = ?")
        params.append(flt.bullet)
    if flt.since:
        clauses.append(f"{alias}.created_at >= ?")
        params.append(flt.since.isoformat())
    if flt.until:
        clauses.append(f"{alias}.created_at < ?")
        params.append((flt.until + dt.timedelta(days=1)).isoformat())
    return clauses, params


_LIST_COLUMNS = (
    "t.id, t.created_at, t.updated_at, t.source, t.ticket, t.verdict, t.bullet, t.confidence, "
    "t.override_verdict, t.override_bullet, t.final_verdict, t.final_bullet, t.draft, "
    "t.variables_json"
)


def search(
    db: Queryable, flt: HistoryFilter | None = None, limit: int = PAGE_SIZE, offset: int = 0
) -> list[HistoryEntry]:
    """One page of history, newest first, filtered and (with `flt.search`) full-text searched.

    Newest first is by row id, which grows with every new triage: both the plain listing and
    FTS5 (which walks its rowids backwards natively) then stop after one page instead of
    sorting every match.
    """
    flt = flt or HistoryFilter()
    clauses, params = _where(flt)
    query = fts_query(flt.search)
    if query:
        where = " and ".join([f"{TRIAGES}_fts match ?", *clauses])
        sql = (
            f"select {_LIST_COLUMNS} "
            f"from {TRIAGES}_fts join {TRIAGES} t on t.id = {TRIAGES}_fts.rowid "
            f"where {where} order by {TRIAGES}_fts.rowid desc limit ? offset ?"
        )
        entries = [_entry(r) for r in db.query(sql, [query, *params, limit, offset])]
        # Not FTS5's snippet(): its cost grows with the square of the hits in a long ticket.
        with SnippetMaker(flt.search, HIT_START, HIT_END) as snippets:
            return [replace(e, snippet=snippets.snippet([e.ticket, e.draft])) for e in entries]
    where = ("where " + " and ".join(clauses)) if clauses else ""
    # With an upper date bound the page lies deep in the past: walk the created_at index
    # backwards from there (same order, rows are created in id order) instead of every newer row.
    order = "t.created_at desc, t.id desc" if flt.until else "t.id desc"
    sql = f"select {_LIST_COLUMNS} from {TRIAGES} t {where} order by {order} limit ? offset ?"
    return [_entry(r) for r in db.query(sql, [*params, limit, offset])]


def count(db: Queryable, flt: HistoryFilter | None = None) -> int:
    """How many triages match (for "n of m" in the History view)."""
    flt = flt or HistoryFilter()
    clauses, params = _where(flt)
    query = fts_query(flt.search)
    if query and not clauses:
        # No join needed: counting FTS matches alone is several times faster.
        sql = f"select count(*) as n from {TRIAGES}_fts where {TRIAGES}_fts match ?"
        params = [query]
    elif query:
        where = " and ".join([f"{TRIAGES}_fts match ?", *clauses])
        sql = (
            f"select count(*) as n from {TRIAGES}_fts join {TRIAGES} t "
            f"on t.id = {TRIAGES}_fts.rowid where {where}"
        )
        params = [query, *params]
    else:
        where = ("where " + " and ".join(clauses)) if clauses else ""
        sql = f"select count(*) as n from {TRIAGES} t {where}"
    return int(next(iter(db.query(sql, params)))["n"])


def snippet_spans(snippet: str) -> tuple[str, list[tuple[int, int]]]:
    """Strip the hit markers; return the plain text and the (start, end) of each hit in it."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    start = -1
    for ch in snippet:
        if ch == HIT_START:
            start = pos
        elif ch == HIT_END:
            if start >= 0:
                spans.append((start, pos))
            start = -1
        else:
            out.append(ch)
            pos += 1
    return "".join(out), spans


def delete_triage(db: Database, triage_id: int) -> bool:
    """Delete one triage and its exports (call inside a transaction). Corrections learned from it
    stay: they are reviewed and undone on their own."""
    if not _exists(db, triage_id):
        return False
    db.execute(f"delete from {EXPORTS} where triage_id = ?", [triage_id])
    _detach_corrections(db, f"= {int(triage_id)}")
    db.table(TRIAGES).delete(triage_id)
    return True


def delete_all(db: Database) -> int:
    """Delete every triage and export (call inside a transaction); return how many triages went."""
    n = count(db)
    db.execute(f"delete from {EXPORTS}")
    _detach_corrections(db, "is not null")
    db.execute(f"delete from {TRIAGES}")
    return n


def _detach_corrections(db: Database, condition: str) -> None:
    # A correction keeps its own copy of the ticket text, so it survives its triage being deleted.
    if "corrections" in db.table_names():
        db.execute(f"update corrections set triage_id = null where triage_id {condition}")


def retention_days(db: Queryable) -> int | None:
    rows = list(db.query("select value from settings where key = ?", [RETENTION_SETTING]))
    if not rows:
        return None
    try:
        days = int(kb_rules.setting(RETENTION_SETTING, rows[0]["value"]))
    except kb_rules.KbValueError:
        return None  # a hand-edited bad value keeps everything rather than deleting by it
    return days if days > 0 else None


def set_retention_days(db: Database, days: int | None) -> None:
    """Keep triages for `days` days (None or 0: forever). Call inside a transaction."""
    value = kb_rules.setting(RETENTION_SETTING, str(days or 0))  # KbValueError: out of range
    db.table("settings").insert({"key": RETENTION_SETTING, "value": value}, replace=True)


def apply_retention(db: Database, today: dt.date | None = None) -> int:
    """Delete triages older than the retention period (call inside a transaction); return how many.

    `today` is for tests only: created_at is the real clock, so callers must never pass the
    support-status pin (--today), which once deleted the whole history.
    """
    days = retention_days(db)
    if days is None:
        return 0
    cutoff = ((today or dt.date.today()) - dt.timedelta(days=days)).isoformat()
    old = f"select id from {TRIAGES} where created_at < ?"
    # Cheap when nothing is due: one probe of the created_at index.
    if not list(db.query(old + " limit 1", [cutoff])):
        return 0
    db.execute(f"delete from {EXPORTS} where triage_id in ({old})", [cutoff])
    if "corrections" in db.table_names():
        db.execute(f"update corrections set triage_id = null where triage_id in ({old})", [cutoff])
    cursor = db.execute(f"delete from {TRIAGES} where created_at < ?", [cutoff])
    return int(cursor.rowcount)


def iter_all(
    db: Queryable, flt: HistoryFilter | None = None, batch: int = 1000
) -> Iterator[HistoryEntry]:
    """Every matching triage, newest first, fetched a page at a time (never all rows at once)."""
    offset = 0
    while True:
        page = search(db, flt, limit=batch, offset=offset)
        yield from page
        if len(page) < batch:
            return
        offset += batch


def export_text(db: Queryable, fmt: str, flt: HistoryFilter | None = None) -> str:
    """History as CSV (one row per triage) or JSONL (one object per triage, with its full result)."""
    if fmt not in ("csv", "jsonl"):
        raise ValueError(f"unknown export format {fmt!r} (csv or jsonl)")
    out = io.StringIO()
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, extrasaction="ignore")
        writer.writeheader()
        for entry in iter_all(db, flt):
            writer.writerow(safe_dict(entry.to_dict()))
    else:
        for entry in iter_all(db, flt):
            obj = entry.to_dict(with_result=get_result_dict(db, entry.id) or {})
            obj.pop("snippet", None)
            obj["exports"] = list_exports(db, entry.id)
            out.write(json.dumps(obj, ensure_ascii=False) + "\n")
    return out.getvalue()


def term_hit_count(db: Queryable, term: str) -> int:
    """How many saved tickets contain `term` as words (the KB editor's live count per vocabulary term)."""
    words = _WORD.findall(term)
    if not words:
        return 0
    # A phrase query: the words in order, quoted so no FTS syntax comes from the term.
    phrase = '"' + " ".join(w.replace('"', '""') for w in words) + '"'
    sql = f"select count(*) as n from {TRIAGES}_fts where {TRIAGES}_fts match ?"
    return int(next(iter(db.query(sql, [f"ticket : {phrase}"])))["n"])


def _inserted_id(pk: object) -> int:
    """The rowid sqlite-utils reports after an insert (never None for our integer keys)."""
    assert isinstance(pk, int), pk
    return pk
