"""`triage-app kb export|import|reset-vocabulary`: carry the knowledge base as one JSON bundle, repair it."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from triage_app.commands.output import read_input_file, write_output_file
from triage_app.core.knowledge import bundle
from triage_app.core.knowledge.bundle import BundleError
from triage_app.storage import bundle_repo, policy_repo

if TYPE_CHECKING:
    from triage_app.cli import CommandContext


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "kb",
        parents=[common],
        help="export or import the knowledge base as a bundle",
        description="A bundle holds policy, vocabulary, templates, releases and settings; "
        "corrections and history only when asked for.",
    )
    actions = p.add_subparsers(dest="kb_action", metavar="ACTION", required=True)
    exp = actions.add_parser("export", parents=[common], help="write a bundle")
    exp.add_argument(
        "-o", "--output", type=Path, help="bundle file (default: triage-kb-DATE.json here)"
    )
    exp.add_argument("--with-corrections", action="store_true", help="include learned corrections")
    exp.add_argument("--with-history", action="store_true", help="include saved triages")
    exp.set_defaults(func=export_kb)
    imp = actions.add_parser(
        "import", parents=[common], help="show what a bundle changes; apply it with --yes"
    )
    imp.add_argument("file", type=Path, metavar="FILE")
    mode = imp.add_mutually_exclusive_group()
    mode.add_argument(
        "--merge", dest="mode", action="store_const", const="merge", help="add and update (default)"
    )
    mode.add_argument(
        "--replace",
        dest="mode",
        action="store_const",
        const="replace",
        help="make each section in the bundle exactly the bundle's",
    )
    imp.add_argument("--yes", action="store_true", help="apply the changes")
    imp.set_defaults(func=import_kb, mode="merge")
    reset = actions.add_parser(
        "reset-vocabulary",
        parents=[common],
        help="replace the vocabulary with the shipped one; apply it with --yes",
        description="Repairs a vocabulary that is damaged or was edited into a bad state. "
        "Policy, templates, releases, settings and history are not touched.",
    )
    reset.add_argument("--yes", action="store_true", help="apply the change")
    reset.set_defaults(func=reset_vocabulary)


def export_kb(args: argparse.Namespace, ctx: CommandContext) -> int:

    services = ctx.services()
    with services.kb.lock:
        data = bundle.dumps(
            bundle_repo.collect(services.kb.db, args.with_corrections, args.with_history)
        )
    out = args.output or Path(f"triage-kb-{dt.date.today().isoformat()}.json")
    write_output_file(out, data)
    extras = [
        w
        for w, on in (("corrections", args.with_corrections), ("history", args.with_history))
        if on
    ]
    print(
        f"Exported the knowledge base{' with ' + ' and '.join(extras) if extras else ''} to {out}"
    )
    return 0


def import_kb(args: argparse.Namespace, ctx: CommandContext) -> int:
    from triage_app.cli import UsageError

    path: Path = args.file
    raw = read_input_file(path)
    services = ctx.services()
    try:
        with services.kb.lock:
            incoming = bundle.loads(raw, bundle_repo.known_migrations(services.kb.db))
            changes = bundle_repo.preview(services.kb.db, incoming, args.mode)
    except BundleError as exc:
        raise UsageError(f"{path}: {exc}; nothing was changed") from None
    print(changes.describe())
    if changes.is_empty:
        return 0
    if not args.yes:
        print("\nNothing changed. Run again with --yes to apply.")
        return 0
    try:
        with services.kb.transaction() as db:
            bundle_repo.apply(db, incoming, args.mode)
    except BundleError as exc:
        raise UsageError(f"{path}: {exc}; nothing was changed") from None
    services.reload()
    print(f"\nImported ({args.mode}). Policy version is now {services.policy.version}.")
    return 0


def reset_vocabulary(args: argparse.Namespace, ctx: CommandContext) -> int:
    from triage_app.core.triage.vocabulary import default_vocabulary

    services = ctx.services()
    shipped = default_vocabulary()
    with services.kb.lock:
        stored = services.kb.db.table("vocabulary").count
        refused = policy_repo.invalid_vocabulary_rows(services.kb.db)
    print(
        f"The vocabulary has {stored} row(s), {len(refused)} of them refused by the rules; "
        f"the shipped one has {len(shipped.to_rows())}."
    )
    if not args.yes:
        print("Nothing changed. Run again with --yes to replace it with the shipped vocabulary.")
        return 0
    with services.kb.transaction() as db:
        policy_repo.reset_vocabulary(db, shipped)
    services.reload()
    print(
        f"Replaced the vocabulary with the shipped one. Policy version is {services.policy.version}."
    )
    return 0
