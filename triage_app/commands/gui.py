"""`triage-app gui [--ticket FILE]`: open the window (the default without a command), optionally with a ticket."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from triage_app.cli import CommandContext


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("gui", parents=[common], help="open the window (same as no command)")
    p.add_argument(
        "--ticket",
        metavar="FILE",
        help="preload this ticket text file and triage it (demos, screenshots)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: CommandContext) -> int:
    from triage_app.cli import UsageError
    from triage_app.commands.output import read_ticket
    from triage_app.core.triage.ticket_input import TicketInputError

    text = None
    if args.ticket:
        try:
            text = read_ticket(args.ticket)
        except TicketInputError as exc:
            raise UsageError(str(exc)) from None
    from triage_app.gui.launch import run_gui

    return run_gui(ctx.data_dir, ctx.today, ticket_text=text)
