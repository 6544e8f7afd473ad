"""`triage-app eval [TEST.jsonl ...]`: cross-validation on the corpus and test sets, beside baselines."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from triage_app.commands.output import read_input_file
from triage_app.core.triage.evaluation import (
    SPLITS,
    EvaluationReport,
    LabelledFileError,
    LabelledTicket,
    evaluate,
    parse_labelled,
    render_report,
    select_split,
)

if TYPE_CHECKING:
    from triage_app.cli import CommandContext

_SHORT = {"in_scope": "in", "out_of_scope": "out", "spans_both": "both", "unclear": "unclr"}


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "eval",
        parents=[common],
        help="cross-validate the verdict model and measure it on labelled tickets, beside baselines",
        description="One run: grouped 5-fold cross-validation on the corpus (folds fixed by the "
        "source thread) and every TEST file as a separate test set, each with the majority class, "
        "TF-IDF + logistic regression, the v1 rules and the learned model side by side: accuracy, "
        "macro-F1, per-verdict F1, confusion, bullet top-1/top-3, accuracy per kind, calibration "
        "(ECE, reliability table) and the accuracy of the confident half. A TEST file is JSON "
        "lines with id, text, label, bullets (the dev set: ../shared/data/dev_tickets.jsonl).",
    )
    p.add_argument("files", nargs="*", metavar="TEST.jsonl", help="labelled test tickets")
    p.add_argument(
        "--corpus",
        action="append",
        metavar="PATH",
        help="training corpus file or folder (repeatable; default: the shipped corpus)",
    )
    p.add_argument("--no-cv", action="store_true", help="skip the cross-validation")
    p.add_argument("--json", action="store_true", help="print the report as one JSON object")
    p.add_argument(
        "--split",
        choices=SPLITS,
        default="all",
        help="measure one half of each TEST file (a or b, by a stable hash of the id) or all",
    )
    p.add_argument("--misses", type=int, default=20, metavar="N", help="misses to list per test")
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


def _tests(args: argparse.Namespace) -> list[tuple[str, list[LabelledTicket]]]:
    from triage_app.cli import UsageError

    out = []
    for name in args.files:
        try:
            tickets = parse_labelled(read_labelled(name), name)
        except LabelledFileError as exc:
            raise UsageError(str(exc)) from None
        if not tickets:
            raise UsageError(f"{name}: no labelled tickets in the file")
        out.append((name, select_split(tickets, args.split)))
    return out


def run(args: argparse.Namespace, ctx: CommandContext) -> int:
    from triage_app.cli import UsageError
    from triage_app.core.triage.corpus import CorpusError, read_examples, shipped_corpus_dir

    tests = _tests(args)  # bad test files fail before any training starts
    corpus_paths = [Path(p) for p in args.corpus or []] or [shipped_corpus_dir()]
    try:
        examples = read_examples(corpus_paths)
    except CorpusError as exc:
        raise UsageError(str(exc)) from None
    services = ctx.services()
    started = time.monotonic()

    def progress(message: str) -> None:
        print(f"[{time.monotonic() - started:5.1f}s] {message}", file=sys.stderr, flush=True)

    out: dict[str, Any] = {"corpus": [str(p) for p in corpus_paths]}
    text: list[str] = []
    if not args.no_cv:
        from triage_app.core.triage.crossval import BASELINES, cross_validate

        progress("cross-validation, 5 folds grouped by source thread")
        cv = cross_validate(examples, services.engine.lexical, progress)
        kinds = sorted(set(cv.kinds))
        reports = {s: cv.report(s) for s in BASELINES}
        per_kind = {s: {k: cv.report(s, k) for k in kinds} for s in BASELINES}
        out["cross_validation"] = _section(reports, per_kind)
        text += _table(f"Cross-validation on {len(cv.tickets)} corpus tickets", reports, per_kind)
        text += _details(reports["learned"])
    if tests:
        from triage_app.core.result import TriageResult
        from triage_app.core.triage.crossval import TfidfBaseline, majority_label
        from triage_app.core.triage.training import featurize

        lexical = services.engine.lexical
        progress("baselines for the test sets, trained on the corpus")
        majority = majority_label(examples)
        tfidf = TfidfBaseline(examples, featurize([e.text for e in examples], lexical))
        with_team = services.engine
        corrections = with_team.models.corrections if hasattr(with_team, "models") else 0
        systems: dict[str, Any] = {
            "majority": lambda _t: TriageResult(majority, 1.0),
            "tfidf_logreg": lambda t: tfidf.triage(featurize([t], lexical)[0]),
            "v1_rules": lexical.triage,
            "learned": with_team.base_only().triage,
        }
        if corrections:
            systems["learned+corrections"] = with_team.triage
        out["tests"] = {}
        for name, tickets in tests:
            reports = {s: evaluate(tickets, f, args.split) for s, f in systems.items()}
            out["tests"][name] = _section(reports, {}) | {
                "misses": [m.to_dict() for m in reports["learned"].misses]
            }
            text += _table(f"{name}: {len(tickets)} tickets", reports, {})
            text += [render_report(reports[list(systems)[-1]], max_misses=args.misses), ""]
        out["corrections"] = corrections
        text.append(
            f"Team corrections: {corrections}"
            + (" (learned+corrections includes them; learned is without)" if corrections else "")
        )
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
    else:
        print("\n".join(text).rstrip())
    return 0


def _section(
    reports: dict[str, EvaluationReport], per_kind: dict[str, dict[str, EvaluationReport]]
) -> dict[str, Any]:
    section: dict[str, Any] = {}
    for system, r in reports.items():
        entry = {k: v for k, v in r.to_dict().items() if k != "misses"}
        if per_kind:
            entry["per_kind"] = {
                k: {"n": kr.n, "accuracy": round(kr.accuracy, 4), "macro_f1": round(kr.macro_f1, 4)}
                for k, kr in per_kind[system].items()
            }
        section[system] = entry
    return section


def _table(
    title: str,
    reports: dict[str, EvaluationReport],
    per_kind: dict[str, dict[str, EvaluationReport]],
) -> list[str]:
    verdicts = list(_SHORT)
    head = (
        f"{'system':20s} {'acc':>6} {'mF1':>6} "
        + " ".join(f"{'F1 ' + _SHORT[v]:>8}" for v in verdicts)
        + f" {'top1':>6} {'top3':>6} {'ECE':>6} {'conf½':>6}"
    )
    lines = [title, "=" * len(title), head]
    for system, r in reports.items():
        lines.append(
            f"{system:20s} {r.accuracy:6.3f} {r.macro_f1:6.3f} "
            + " ".join(f"{r.per_verdict[v]['f1']:8.2f}" for v in verdicts)
            + f" {r.top1:6.3f} {r.top3:6.3f} {r.ece:6.3f} {r.confident_half:6.3f}"
        )
    if per_kind:
        kinds = list(next(iter(per_kind.values())))
        lines.append("")
        lines.append(
            "accuracy per kind   "
            + " ".join(f"{k + ' (' + str(per_kind['learned'][k].n) + ')':>16}" for k in kinds)
        )
        for system, by_kind in per_kind.items():
            lines.append(f"{system:20s}" + " ".join(f"{by_kind[k].accuracy:16.3f}" for k in kinds))
    lines.append("")
    return lines


def _details(report: EvaluationReport) -> list[str]:
    lines = ["learned model, cross-validated:", "confusion (rows = label, columns = verdict):"]
    lines.append("        " + "".join(f"{_SHORT[v]:>7}" for v in _SHORT))
    for a in _SHORT:
        lines.append(f"{_SHORT[a]:>7} " + "".join(f"{report.confusion[a][p]:>7}" for p in _SHORT))
    lines.append("reliability (confidence bin: n, mean confidence, accuracy):")
    for row in report.reliability:
        lines.append(
            f"  {row['bin']}: n={row['n']:4d}  confidence {row['confidence']:.2f}  "
            f"accuracy {row['accuracy']:.2f}"
        )
    lines.append("")
    return lines
