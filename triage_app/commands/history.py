"""`triage-app history` (list, search, export, delete, retention) and `triage-app corrections`."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from triage_app.commands.output import write_output
from triage_app.core.result import VERDICT_LABELS, VERDICTS, TriageResult
from triage_app.storage import corrections_repo, history_repo
from triage_app.storage.database import retry_when_locked
from triage_app.storage.errors import StorageError
from triage_app.storage.history_repo import HIT_END, HIT_START, HistoryEntry, HistoryFilter

if TYPE_CHECKING:
    from triage_app.cli import CommandContext
    from triage_app.services import Services

_RELATIVE = re.compile(r"^(\d+)([dw])$")


def save_to_history(
    services: Services,
    items: Iterable[tuple[str, TriageResult, dict[str, str]]],
    source: str,
) -> list[int]:
    """Save triages from the command line in one transaction; a storage problem only warns,
    because the results were already printed and must not be lost to an exit code. Behind
    another writer holding the lock, the save is tried again rather than given up.

    `items` may be a stream (batch writes each result as it goes): the transaction takes the
    write lock (BEGIN IMMEDIATE) before the first item is drawn, so a try that waited in vain
    has taken nothing and the next try gets every item."""
    stream = iter(items)

    def save() -> list[int]:
        with services.kb.transaction() as db:
            ids = [
                history_repo.save_triage(db, text, result, variables=variables, source=source)
                for text, result, variables in stream
            ]
            history_repo.apply_retention(db)  # real date, never the --today pin
        return ids

    try:
        return retry_when_locked(save)
    except StorageError as exc:
        print(f"triage-app: not saved to history: {exc}", file=sys.stderr)
        return []


def _since(value: str) -> dt.date:
    """YYYY-MM-DD, or a relative 7d / 2w (days or weeks before today)."""
    m = _RELATIVE.match(value.strip())
    if m:
        days = int(m.group(1)) * (7 if m.group(2) == "w" else 1)
        return dt.date.today() - dt.timedelta(days=days)
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD, 7d or 2w): {value!r}") from exc


def _filter_options() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--search", "-s", default="", metavar="Q", help="full-text search")
    parent.add_argument("--verdict", choices=VERDICTS, help="final verdict (override, else engine)")
    parent.add_argument("--bullet", metavar="TITLE", help="final top bullet, exactly")
    parent.add_argument("--since", type=_since, metavar="D", help="YYYY-MM-DD, 7d or 2w")
    parent.add_argument("--until", type=_since, metavar="D", help="YYYY-MM-DD (inclusive)")
    return parent


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    filters = _filter_options()
    p = sub.add_parser(
        "history",
        parents=[common, filters],
        help="list, search, export or delete saved triages",
        description="Saved triages, newest first. Without an action: list them.",
    )
    p.add_argument("--limit", type=int, default=20, help="how many (default 20)")
    p.add_argument("--offset", type=int, default=0, help="skip this many (paging)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=list_history)
    actions = p.add_subparsers(dest="history_action", metavar="ACTION")

    exp = actions.add_parser(
        "export", parents=[common, filters], help="export saved triages to CSV or JSONL"
    )
    exp.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    exp.add_argument(
        "--format", choices=("csv", "jsonl"), help="default: from the file suffix, else jsonl"
    )
    exp.set_defaults(func=export_history)

    show = actions.add_parser("show", parents=[common], help="print one saved triage")
    show.add_argument("id", type=int)
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=show_triage)

    delete = actions.add_parser("delete", parents=[common], help="delete one triage, or --all")
    delete.add_argument("id", type=int, nargs="?")
    delete.add_argument("--all", action="store_true", help="delete every saved triage")
    delete.add_argument("--yes", action="store_true", help="needed with --all")
    delete.set_defaults(func=delete_history)

    ret = actions.add_parser(
        "retention", parents=[common], help="show or set how many days triages are kept"
    )
    ret.add_argument("days", type=int, nargs="?", help="0 keeps them forever")
    ret.set_defaults(func=retention)

    c = sub.add_parser(
        "corrections",
        parents=[common],
        help="review, add or undo learned corrections",
        description="Corrections are overrides kept as evidence for later similar tickets.",
    )
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=list_corrections)
    cact = c.add_subparsers(dest="corrections_action", metavar="ACTION")
    lst = cact.add_parser("list", parents=[common], help="list what was learned (default)")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(func=list_corrections)
    undo = cact.add_parser("undo", parents=[common], help="forget one correction")
    undo.add_argument("id", type=int)
    undo.set_defaults(func=undo_correction)
    add = cact.add_parser(
        "add", parents=[common], help="override a saved triage's verdict (and bullet)"
    )
    add.add_argument("triage_id", type=int, metavar="TRIAGE_ID")
    add.add_argument("--verdict", choices=VERDICTS, required=True)
    add.add_argument("--bullet", metavar="TITLE", help="the bullet that applies, verbatim")
    add.set_defaults(func=add_correction)


def _flt(args: argparse.Namespace) -> HistoryFilter:
    return HistoryFilter(
        search=args.search or "",
        verdict=args.verdict,
        bullet=args.bullet,
        since=args.since,
        until=args.until,
    )


def _highlight(snippet: str) -> str:
    # Bold in a terminal; brackets in a pipe or file, where escape codes would be noise.
    on, off = ("\x1b[1m", "\x1b[0m") if sys.stdout.isatty() else ("[", "]")
    return snippet.replace(HIT_START, on).replace(HIT_END, off)


def _line(e: HistoryEntry) -> str:
    label = VERDICT_LABELS.get(e.final_verdict, e.final_verdict)
    if e.override_verdict or e.override_bullet:
        label += " (overridden)"
    text = _highlight(e.snippet) if e.snippet else e.title
    text = " ".join(text.split())
    ref = e.variables.get("ticket_ref", "")
    return (
        f"#{e.id:<6} {e.created_at.replace('T', ' ')[:16]}  {label:<24} "
        f"{e.final_bullet or '-'}{'  [' + ref + ']' if ref else ''}\n         {text[:200]}"
    )


def list_history(args: argparse.Namespace, ctx: CommandContext) -> int:
    from triage_app.cli import UsageError

    if args.limit < 1 or args.offset < 0:
        raise UsageError("--limit must be at least 1 and --offset not negative")
    kb = ctx.knowledge_base()
    flt = _flt(args)
    with kb.lock:
        entries = history_repo.search(kb.reader, flt, args.limit, args.offset)
        total = history_repo.count(kb.reader, flt)
    if args.json:
        items = []
        for e in entries:
            obj = e.to_dict()
            if e.snippet:
                obj["snippet"], obj["hits"] = history_repo.snippet_spans(e.snippet)
            items.append(obj)
        print(json.dumps({"total": total, "items": items}, ensure_ascii=False))
        return 0
    if not entries:
        print("No saved triages match." if total == 0 else "No more results.")
        return 0
    for e in entries:
        print(_line(e))
    shown = f"{args.offset + 1}-{args.offset + len(entries)}"
    print(f"\n{shown} of {total}, newest first")
    return 0


def export_history(args: argparse.Namespace, ctx: CommandContext) -> int:

    fmt = args.format or (
        "csv" if args.output is not None and args.output.suffix.lower() == ".csv" else "jsonl"
    )
    kb = ctx.knowledge_base()
    with kb.lock:
        data = history_repo.export_text(kb.reader, fmt, _flt(args))
    if write_output(args.output, data):
        print(f"triage-app: history exported as {fmt} -> {args.output}", file=sys.stderr)
    return 0


def show_triage(args: argparse.Namespace, ctx: CommandContext) -> int:
    from triage_app.cli import UsageError

    kb = ctx.knowledge_base()
    with kb.lock:
        entry = history_repo.get_triage(kb.reader, args.id)
        result = history_repo.get_result_dict(kb.reader, args.id)
        exports = history_repo.list_exports(kb.reader, args.id)
    if entry is None:
        raise UsageError(f"no saved triage #{args.id}")
    if args.json:
        obj: dict[str, Any] = entry.to_dict(with_result=result or {})
        obj["exports"] = exports
        print(json.dumps(obj, ensure_ascii=False))
        return 0
    print(_line(entry).split("\n")[0])
    if entry.override_verdict or entry.override_bullet:
        engine = VERDICT_LABELS.get(entry.verdict, entry.verdict)
        print(f"Engine said: {engine} / {entry.bullet or '-'}")
    for key, value in sorted(entry.variables.items()):
        print(f"{key}: {value}")
    print("\n" + entry.ticket)
    if entry.draft:
        print("\n--- draft ---\n" + entry.draft)
    for x in exports:
        print(f"exported {x['at']} as {x['format']} to {x['destination']}")
    return 0


def delete_history(args: argparse.Namespace, ctx: CommandContext) -> int:
    from triage_app.cli import UsageError

    if args.all == (args.id is not None):
        raise UsageError("give one triage id, or --all")
    if args.all and not args.yes:
        raise UsageError("deleting every saved triage needs --yes")
    kb = ctx.knowledge_base()
    with kb.transaction() as db:
        if args.all:
            n = history_repo.delete_all(db)
            print(f"Deleted {n} saved triages.")
            return 0
        if not history_repo.delete_triage(db, args.id):
            raise UsageError(f"no saved triage #{args.id}")
    print(f"Deleted triage #{args.id}.")
    return 0


def retention(args: argparse.Namespace, ctx: CommandContext) -> int:
    from triage_app.cli import UsageError

    kb = ctx.knowledge_base()
    if args.days is None:
        with kb.lock:
            days = history_repo.retention_days(kb.reader)
        print(f"Triages are kept {'forever' if days is None else f'for {days} days'}.")
        return 0
    if args.days < 0:
        raise UsageError("retention must be 0 (keep forever) or a number of days")
    with kb.transaction() as db:
        history_repo.set_retention_days(db, args.days)
        removed = history_repo.apply_retention(db)  # real date, never the --today pin
    kept = "forever" if args.days == 0 else f"for {args.days} days"
    print(f"Triages are now kept {kept}; {removed} older ones deleted.")
    return 0


def list_corrections(args: argparse.Namespace, ctx: CommandContext) -> int:
    kb = ctx.knowledge_base()
    with kb.lock:
        rows = corrections_repo.list_rows(kb.reader)
    if getattr(args, "json", False):
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    if not rows:
        print("Nothing learned yet: corrections appear when a verdict or bullet is overridden.")
        return 0
    for r in rows:
        was = VERDICT_LABELS.get(r["original_verdict"] or "", r["original_verdict"] or "?")
        now = VERDICT_LABELS.get(r["verdict"], r["verdict"])
        bullet = f" / {r['bullet']}" if r["bullet"] else ""
        first = " ".join((r["ticket"] or "").split())[:100]
        print(f"#{r['id']:<5} {r['created_at'][:10]}  {was} -> {now}{bullet}\n        {first}")
    print(f"\n{len(rows)} corrections; `triage-app corrections undo ID` forgets one.")
    return 0


def undo_correction(args: argparse.Namespace, ctx: CommandContext) -> int:
    from triage_app.cli import UsageError

    kb = ctx.knowledge_base()
    with kb.transaction() as db:
        if not corrections_repo.undo_correction(db, args.id):
            raise UsageError(f"no correction #{args.id}")
    print(f"Forgot correction #{args.id}; later tickets no longer use it.")
    return 0


def add_correction(args: argparse.Namespace, ctx: CommandContext) -> int:
    from triage_app.cli import UsageError

    services = ctx.services()
    if args.bullet and services.policy.bullet(args.bullet) is None:
        raise UsageError(f"no bullet titled {args.bullet!r} in the policy")
    with services.kb.transaction() as db:
        entry = history_repo.get_triage(db, args.triage_id)
        if entry is None:
            raise UsageError(f"no saved triage #{args.triage_id}")
        # What the engine itself says now, so the correction records what it corrects.
        original = services.engine.triage(entry.ticket)
        history_repo.set_override(db, entry.id, args.verdict, args.bullet)
        cid = corrections_repo.record_correction(
            db, entry.ticket, original, args.verdict, args.bullet, triage_id=entry.id
        )
    if cid is None:
        print(f"Triage #{entry.id} now agrees with the model; nothing to learn.")
    else:
        print(
            f"Recorded correction #{cid}: the model learns it before the next triage "
            f"(`triage-app corrections undo {cid}` takes it back)."
        )
    return 0
