"""`triage-app batch INPUT [-o OUTPUT] [--format jsonl|csv]`: triage many tickets from JSONL or CSV."""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from triage_app.commands.history import save_to_history
from triage_app.commands.output import read_input_file
from triage_app.core.files import atomic_text_writer
from triage_app.core.replies.csv_cells import safe_dict
from triage_app.core.result import TriageResult
from triage_app.core.triage.ticket_input import TicketInputError, check_ticket_text, looks_binary

if TYPE_CHECKING:
    from triage_app.cli import CommandContext

# The results were written, but not saved to history (exit 1: some input lines were skipped).
EXIT_HISTORY_NOT_SAVED = 4

CSV_FIELDS = [
    "id",
    "verdict",
    "confidence",
    "top_bullet",
    "top_side",
    "bullets",
    "evidence",
    "versions",
    "draft",
]


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "batch",
        parents=[common],
        help="triage every ticket of a JSONL or CSV file",
        epilog="Exit status: 0 all triaged and saved; 1 some lines skipped; "
        f"{EXIT_HISTORY_NOT_SAVED} results written but not saved to history. The last line on "
        "stderr sums it up.",
    )
    p.add_argument(
        "input", metavar="INPUT", help="JSONL (fields id, text) or CSV (columns id, text)"
    )
    p.add_argument("-o", "--output", type=Path, help="write results here (default: stdout)")
    p.add_argument(
        "--format",
        choices=("jsonl", "csv"),
        default=None,
        help="output format (default: from the output file's suffix, else jsonl)",
    )
    p.add_argument(
        "--text-column",
        default="text",
        metavar="NAME",
        help="name of the ticket text field or column (default: text)",
    )
    p.add_argument("--no-save", action="store_true", help="do not save these triages to history")
    p.set_defaults(func=run)


def _input_lines(path: Path) -> Iterator[str]:
    """The input file's lines, decoded one at a time (a 100,000-ticket file is never held whole)."""
    from triage_app.cli import UsageError

    read_input_file_head(path)
    offset = 0
    with path.open("rb") as fh:
        for n, raw in enumerate(fh):
            if n == 0 and raw.startswith(b"\xef\xbb\xbf"):
                raw, offset = raw[3:], 3
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise UsageError(f"{path}: not UTF-8 text (byte {offset + exc.start})") from None
            offset += len(raw)


def read_input_file_head(path: Path) -> None:
    """Refuse a missing, unreadable or binary input with one line, before anything is triaged."""
    from triage_app.cli import UsageError

    try:
        with path.open("rb") as fh:
            head = fh.read(8192)
    except OSError:
        read_input_file(path)  # the same one-line message as every other input file
        raise
    if looks_binary(head):
        raise UsageError(f"{path}: binary data, not JSONL or CSV")


def iter_tickets(path: Path, text_column: str) -> Iterator[tuple[str, Any, str | None, str | None]]:
    """Yield (location, id, text, problem) per record; problem is set for a record to skip."""
    from triage_app.cli import UsageError

    lines = _input_lines(path)
    is_csv = path.suffix.lower() == ".csv"
    if is_csv:
        reader = csv.DictReader(lines)
        fields = reader.fieldnames or []
        missing = [c for c in ("id", text_column) if c not in fields]
        if missing:
            # Name what is there and the way out: the ticket text is often "body" or "message".
            found = ", ".join(fields) if fields else "none (the file is empty)"
            hint = "; name the ticket text column with --text-column NAME" * (
                text_column in missing
            )
            raise UsageError(
                f"{path}:1: missing column(s) {', '.join(missing)}; columns found: {found}{hint}"
            )
        for record in reader:
            where = f"{path}:{reader.line_num}"
            yield where, record.get("id"), record.get(text_column), None
        return
    for n, line in enumerate(lines, start=1):
        where = f"{path}:{n}"
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield where, None, None, f"invalid JSON ({exc.msg})"
            continue
        if not isinstance(record, dict):
            yield where, None, None, "not a JSON object"
            continue
        text = record.get(text_column)
        if not isinstance(text, str):
            fields = ", ".join(map(str, record)) or "none"
            problem = f"no text field {text_column!r} (fields: {fields}; see --text-column)"
            yield where, record.get("id"), None, problem
            continue
        yield where, record.get("id"), text, None


def _csv_row(obj: dict[str, Any]) -> dict[str, Any]:
    matches = obj["matches"]
    top = matches[0] if matches else {}
    return {
        "id": obj["id"],
        "verdict": obj["verdict"],
        "confidence": obj["confidence"],
        "top_bullet": top.get("title", ""),
        "top_side": top.get("side", ""),
        "bullets": "; ".join(m["title"] for m in matches[:3]),
        "evidence": "; ".join(dict.fromkeys(e["term"] for e in top.get("evidence", []))),
        "versions": "; ".join(f"{v['text']}={v['status']}" for v in obj["versions"]),
        "draft": obj.get("draft", ""),
    }


def run(args: argparse.Namespace, ctx: CommandContext) -> int:
    path = Path(args.input)
    fmt = args.format or (
        "csv" if args.output and args.output.suffix.lower() == ".csv" else "jsonl"
    )
    tickets = iter_tickets(path, args.text_column)
    first = next(tickets, None)  # a missing column or unreadable file: refused before any output
    services = ctx.services()
    counts = {"triaged": 0, "skipped": 0}

    def triaged(out: TextIO) -> Iterator[tuple[str, TriageResult, dict[str, str]]]:
        """Triage, write each result as soon as it is known, and hand it on to history."""
        writer = csv.DictWriter(out, fieldnames=CSV_FIELDS) if fmt == "csv" else None
        if writer is not None:
            writer.writeheader()
        records = itertools.chain([first] if first is not None else [], tickets)
        for where, ticket_id, text, problem in records:
            if problem is None:
                try:
                    check_ticket_text(text or "", where)
                except TicketInputError as exc:
                    problem = str(exc).split(": ", 1)[-1]
            if problem is not None:
                print(f"triage-app: {where}: {problem}; skipped", file=sys.stderr)
                counts["skipped"] += 1
                continue
            assert text is not None
            result = services.triage.triage(text)
            obj = {"id": ticket_id, **result.to_dict()}
            if writer is not None:
                writer.writerow(safe_dict(_csv_row(obj)))
            else:
                out.write(json.dumps(obj, ensure_ascii=False) + "\n")
            counts["triaged"] += 1
            ref = {"ticket_ref": str(ticket_id)} if ticket_id not in (None, "") else {}
            yield text, result, ref

    saved: list[int] = []

    def run_into(out: TextIO) -> None:
        pending = triaged(out)
        if not args.no_save:
            # One transaction for the whole file, fed as the results are written; if history
            # cannot be written, the rest of the file is still triaged and written.
            saved.extend(save_to_history(services, pending, source="batch"))
        # With --no-save, or after history failed part-way, the tickets not yet read are still
        # triaged and written: draining the generator is what writes them.
        for _ in pending:
            pass

    if args.output:
        try:
            with atomic_text_writer(args.output) as out:
                run_into(out)
        except OSError as exc:
            from triage_app.cli import UsageError

            raise UsageError(f"{args.output}: cannot write ({exc.strerror or exc})") from None
    else:
        run_into(sys.stdout)
    history_lost = not args.no_save and counts["triaged"] > 0 and not saved
    # One summary line a script can read; the exit status says the same.
    said = "not saved (see above)" if history_lost else "off" if args.no_save else "saved"
    target = f" -> {args.output}" if args.output else ""
    print(
        f"triage-app: {counts['triaged']} tickets triaged, {counts['skipped']} skipped, "
        f"history {said}{target}",
        file=sys.stderr,
    )
    if history_lost:
        return EXIT_HISTORY_NOT_SAVED
    return 1 if counts["skipped"] else 0
