"""`triage-app triage [FILE|-|--clipboard] [--json]`: triage one ticket."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from triage_app.commands.history import save_to_history
from triage_app.commands.output import read_ticket, render_result
from triage_app.core.triage.ticket_input import TicketInputError

if TYPE_CHECKING:
    from triage_app.cli import CommandContext


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("triage", parents=[common], help="triage one ticket (FILE, or stdin)")
    p.add_argument(
        "file", nargs="?", default="-", metavar="FILE", help="ticket text file, or - for stdin"
    )
    p.add_argument(
        "--clipboard", action="store_true", help="triage the text on the desktop clipboard"
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--no-save", action="store_true", help="do not save this triage to history")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: CommandContext) -> int:
    from triage_app.cli import UsageError

    try:
        text = read_ticket(args.file, clipboard=args.clipboard)
    except TicketInputError as exc:
        raise UsageError(str(exc)) from None
    services = ctx.services()
    result = services.triage.triage(text)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        print(render_result(result, services.policy))
    if not args.no_save:
        save_to_history(services, [(text, result, {})], source="cli")
    return 0
