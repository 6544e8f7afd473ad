"""`triage-app redact [FILE|-] [--personal] [-o OUT] [--list]`: mask a log before pasting it anywhere.

The same engine as the preview before copy and export (core/replies/redaction.py). It needs no knowledge
base, so it works on any machine and with a read-only or damaged one.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from triage_app.commands.output import read_input_file, write_output_file
from triage_app.core.replies import redaction
from triage_app.core.triage.ticket_input import TicketInputError, decode_ticket

if TYPE_CHECKING:
    from triage_app.cli import CommandContext


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "redact",
        parents=[common],
        help="mask secrets (and with --personal e-mail, phone, IP) in a log or ticket",
        description="Print FILE (or stdin) with every secret masked, as the copy/export preview does.",
    )
    p.add_argument(
        "file", nargs="?", default="-", metavar="FILE", help="a text file, or - for stdin"
    )
    p.add_argument(
        "--personal", action="store_true", help="also mask e-mail addresses, phone numbers and IPs"
    )
    p.add_argument("-o", "--output", type=Path, metavar="OUT", help="write here instead of stdout")
    p.add_argument(
        "--list", action="store_true", help="list where each item was masked (line, column, kind)"
    )
    p.set_defaults(func=run)


def read_text(source: str) -> str:
    """FILE or '-' -> text; missing, folder, binary or undecodable input is a one-line UsageError."""
    from triage_app.cli import UsageError

    name = "stdin" if source == "-" else source
    data = sys.stdin.buffer.read() if source == "-" else read_input_file(Path(source))
    if not data.strip():
        return ""
    try:
        return decode_ticket(data, name)
    except TicketInputError as exc:
        raise UsageError(str(exc).replace("a text ticket", "text")) from None


def run(args: argparse.Namespace, ctx: CommandContext) -> int:
    text = read_text(args.file)
    result = redaction.redact(text, redaction.kinds_for(args.personal))
    if args.output is not None:
        write_output_file(args.output, result.text)
    else:
        sys.stdout.buffer.write(result.text.encode("utf-8"))
        sys.stdout.flush()
    if args.list:  # where and what kind, never the value: stderr often ends up in a log
        line, pos = 1, 0
        for item in result.items:
            line += text.count("\n", pos, item.start)
            pos = item.start
            column = item.start - text.rfind("\n", 0, item.start)
            print(f"triage-app: line {line}, column {column}: {item.label}", file=sys.stderr)
    if result.items:
        labels = ", ".join(sorted({item.label for item in result.items}))
        print(f"triage-app: masked {len(result.items)} item(s): {labels}", file=sys.stderr)
    else:
        print("triage-app: nothing to mask was found", file=sys.stderr)
    return 0
