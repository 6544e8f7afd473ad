"""`triage-app policy show|import FILE [--yes]`: print the policy, or replace it after showing the diff."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from triage_app.commands.output import read_input_file
from triage_app.core.knowledge.policy import Policy, PolicyParseError, diff_policies, parse_policy
from triage_app.storage import policy_repo

if TYPE_CHECKING:
    from triage_app.cli import CommandContext


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("policy", parents=[common], help="show or import the support policy")
    actions = p.add_subparsers(dest="policy_action", metavar="ACTION", required=True)
    show = actions.add_parser("show", parents=[common], help="print the policy")
    show.set_defaults(func=show_policy)
    imp = actions.add_parser(
        "import",
        parents=[common],
        help="import a policy text; shows the changes, applies them with --yes",
    )
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--yes", action="store_true", help="apply the changes")
    imp.set_defaults(func=import_policy)


def format_policy(policy: Policy, source: str = "") -> str:
    lines = [f"Support policy (version {policy.version}{', ' + source if source else ''})", ""]
    lines.append(f"Support duration: {policy.support_months} months from the release date")
    if policy.escalation:
        lines.append(f"Escalation: {policy.escalation}")
    for side, heading in (("in_scope", "In scope"), ("out_of_scope", "Out of scope")):
        lines += ["", f"{heading}:"]
        for b in policy.by_side(side):
            lines.append(f"  • {b.title}: {b.description}")
    if policy.spans_note:
        lines += ["", f"Note: {policy.spans_note}"]
    return "\n".join(lines)


def show_policy(args: argparse.Namespace, ctx: CommandContext) -> int:
    services = ctx.services()
    with services.kb.lock:
        source = policy_repo.policy_source(services.kb.db)
    print(format_policy(services.policy, source))
    return 0


def import_policy(args: argparse.Namespace, ctx: CommandContext) -> int:
    from triage_app.cli import UsageError

    path: Path = args.file
    raw = read_input_file(path)
    try:
        text = raw.decode("utf-8-sig")
        new = parse_policy(text)
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except PolicyParseError as exc:
        raise UsageError(f"{path}: {exc}") from None
    services = ctx.services()
    diff = diff_policies(services.policy, new)
    print(f"Changes from {path}:")
    print(diff.describe())
    if diff.is_empty:
        return 0
    if not args.yes:
        print("\nNothing changed. Run again with --yes to apply.")
        return 0
    with services.kb.transaction() as db:
        policy_repo.import_policy(db, new, source=str(path))
    services.reload()
    print(f"\nApplied. Policy version is now {services.policy.version}.")
    return 0
