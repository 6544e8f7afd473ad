"""`triage-app train [CORPUS ...] [-o MODEL]`: fit the verdict model on labelled tickets."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from triage_app.cli import CommandContext


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "train",
        parents=[common],
        help="train the verdict model on a labelled corpus (default: the shipped one)",
        description="Fit the learned verdict (two heads, a calibrator chosen on grouped "
        "cross-validation, one head per bullet) on corpus files or folders (JSON lines with "
        "text, label, bullets; contested lines with labels). Deterministic: the same corpus gives "
        "the same model, byte for byte. Without -o the model goes into the data folder, where "
        "the app uses it instead of the shipped one.",
    )
    p.add_argument("corpus", nargs="*", metavar="CORPUS", help="corpus files or folders")
    p.add_argument("-o", "--output", metavar="MODEL", help="where to write the model (.bin)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: CommandContext) -> int:
    from triage_app.cli import UsageError
    from triage_app.commands.output import write_output_file
    from triage_app.core.triage.corpus import CorpusError, read_examples, shipped_corpus_dir
    from triage_app.core.triage.training import dump_model, fit_model
    from triage_app.storage.team_model import TRAINED_MODEL_FILE

    paths = [Path(p) for p in args.corpus] or [shipped_corpus_dir()]
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or folder")
    try:
        examples = read_examples(paths)
    except CorpusError as exc:
        raise UsageError(str(exc)) from None
    if not examples:
        raise UsageError("no labelled tickets in " + ", ".join(map(str, paths)))
    services = ctx.services()
    started = time.monotonic()

    def progress(message: str) -> None:
        print(f"[{time.monotonic() - started:5.1f}s] {message}", file=sys.stderr, flush=True)

    titles = [b.title for b in services.policy.bullets]
    data = fit_model(examples, services.engine.lexical, titles, progress)
    output = Path(args.output) if args.output else services.data_dir / TRAINED_MODEL_FILE
    write_output_file(output, dump_model(data))
    print(
        f"Trained on {len(examples)} readings ({len(data['features'])} features); "
        f"confident from {data['confident_threshold']:.0%}. Model written to {output}"
    )
    return 0
