"""`triage-app eval LABELLED.jsonl [--json] [--split all|a|b]`: measure triage against labels."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from triage_app.commands.output import read_input_file
from triage_app.core.evaluation import (
    SPLITS,
    LabelledFileError,
    evaluate,
    parse_labelled,
    render_report,
    select_split,
)
from triage_app.storage import corrections_repo

if TYPE_CHECKING:
    from triage_app.cli import CommandContext


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "eval",
        parents=[common],
        help="measure verdict accuracy, macro-F1 and bullet ranking on labelled tickets",
        description="Triage every ticket of a labelled JSONL file (fields id, text, label, "
        "bullets, version) and print accuracy, macro-F1, the confusion matrix, bullet top-1/top-3, "
        "accuracy by confidence band and the misses with their evidence.",
    )
    p.add_argument(
        "file", metavar="LABELLED.jsonl", help="labelled tickets, one JSON object a line"
    )
    p.add_argument("--json", action="store_true", help="print the report as one JSON object")
    p.add_argument(
        "--split",
        choices=SPLITS,
        default="all",
        help="evaluate one half (a or b, by a stable hash of the id) or all tickets",
    )
    p.set_defaults(func=run)


def read_labelled(path: str) -> str:
    """The file's text; problems become one-line errors naming the file."""
    from triage_app.cli import UsageError

    data = read_input_file(Path(path))
    if b"\x00" in data:
        raise UsageError(f"{path}: binary file, expected JSON lines")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UsageError(f"{path}:{line}: not UTF-8 text") from None


def run(args: argparse.Namespace, ctx: CommandContext) -> int:
    from triage_app.cli import UsageError

    text = read_labelled(args.file)
    try:
        tickets = parse_labelled(text, args.file)
    except LabelledFileError as exc:
        raise UsageError(str(exc)) from None
    if not tickets:
        raise UsageError(f"{args.file}: no labelled tickets in the file")
    chosen = select_split(tickets, args.split)
    services = ctx.services()
    # The engine plus any learned adjustments, without versions or drafts (not measured here).
    report = evaluate(chosen, services.triage.verdict_only, args.split)
    # The same tickets through the engine alone, so a team sees what its corrections add.
    with services.kb.lock:
        n_learned = len(corrections_repo.list_corrections(services.kb.db))
    baseline = evaluate(chosen, services.engine.triage, args.split)
    learned = {
        "corrections": n_learned,
        "with": {k: round(getattr(report, k), 4) for k in _HEADLINE},
        "without": {k: round(getattr(baseline, k), 4) for k in _HEADLINE},
    }
    if args.json:
        print(json.dumps({**report.to_dict(), "learned": learned}, ensure_ascii=False))
    else:
        print(render_report(report))
        print(f"\nLearned evidence ({n_learned} corrections):")
        for k in _HEADLINE:
            print(f"  {k:9s} with {learned['with'][k]:.3f}   without {learned['without'][k]:.3f}")
    return 0


_HEADLINE = ("accuracy", "macro_f1", "top1", "top3")
