"""`triage-app draft [FILE|-] [--format txt|md|eml] [-o OUT] [--var name=value]`: the reply draft for a ticket."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from triage_app.commands.output import read_ticket
from triage_app.core.replies import export, redaction
from triage_app.core.replies.drafting import FIELD_NAMES, Drafter, DraftInputs
from triage_app.core.triage.ticket_input import TicketInputError
from triage_app.storage import templates_repo

if TYPE_CHECKING:
    from triage_app.cli import CommandContext
    from triage_app.services import Services


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "draft", parents=[common], help="write the reply draft for one ticket (FILE, or stdin)"
    )
    p.add_argument(
        "file", nargs="?", default="-", metavar="FILE", help="ticket text file, or - for stdin"
    )
    p.add_argument(
        "--format",
        choices=export.FORMATS,
        default=None,
        help="txt, md or eml (default: from the output file's suffix, else txt)",
    )
    p.add_argument(
        "-o",
        "--output",
        type=str,  # as typed: Path() drops the trailing "/" that says "a folder"
        metavar="OUT",
        help="a file (never replaced) or a folder (a new name from ticket reference and date); default stdout",
    )
    p.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help=f"a prompted field: {', '.join(FIELD_NAMES)} (repeatable)",
    )
    p.add_argument("--no-redact", action="store_true", help="do not mask secrets in the draft")
    p.add_argument(
        "--redact-personal",
        action="store_true",
        help="also mask e-mail addresses, phone numbers and IP addresses",
    )
    p.set_defaults(func=run)


def parse_vars(pairs: list[str]) -> dict[str, str]:
    from triage_app.cli import UsageError

    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep:
            raise UsageError(f"--var {pair}: expected NAME=VALUE")
        if name not in FIELD_NAMES:
            raise UsageError(f"--var {name}: unknown field; use one of {', '.join(FIELD_NAMES)}")
        values[name] = value
    return values


def drafter_for(services: Services) -> Drafter:
    """The drafter wired into the triage service (same templates and release advice as the GUI)."""
    step = services.triage.draft
    if isinstance(step, Drafter):
        return step
    with services.kb.lock:
        return Drafter(services.policy, templates_repo.read_templates(services.kb.db))


def _output_path(typed: str | None) -> Path | None:
    """-o as a Path; "DIR/" for a folder that does not exist is refused, never written as a file."""
    from triage_app.cli import UsageError

    if typed is None:
        return None
    path = Path(typed)
    if typed.endswith(("/", os.sep)) and not path.is_dir():
        raise UsageError(
            f"{typed}: no such folder; create it first (mkdir -p {typed}) or give a file name"
        )
    return path


def run(args: argparse.Namespace, ctx: CommandContext) -> int:
    from triage_app.cli import UsageError

    fields = parse_vars(args.var)
    output = _output_path(args.output)
    fmt = args.format
    if fmt is None and output is not None and not output.is_dir():
        suffix = output.suffix.lower().lstrip(".")
        fmt = suffix if suffix in export.FORMATS else None
    fmt = fmt or "txt"
    try:
        text = read_ticket(args.file)
    except TicketInputError as exc:
        raise UsageError(str(exc)) from None
    services = ctx.services()
    today = services.triage.today()
    result = services.triage.triage(text, today, with_draft=False)
    inputs = DraftInputs().with_fields(fields)
    draft = drafter_for(services).draft(result, today, inputs, keep_notes=False)
    kinds = None if args.no_redact else redaction.kinds_for(args.redact_personal)
    message = export.outgoing_message(
        draft, inputs.ticket_ref, text, kinds, allow=(services.policy.support_email,)
    )
    if message.items:
        print(
            f"triage-app: masked {len(message.items)} item(s): {', '.join(message.labels())}"
            " (--no-redact keeps them)",
            file=sys.stderr,
        )
    data = export.render(message.body, fmt, message.subject)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    try:
        if output.is_dir():
            path = export.export_rendered(output, data, fmt, message.ticket_ref, today).path
        else:
            path = output
            export.write_export(path, data)
    except export.ExportError as exc:
        raise UsageError(str(exc)) from None
    print(f"triage-app: draft written to {path}", file=sys.stderr)
    return 0
