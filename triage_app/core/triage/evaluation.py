"""Evaluation of a triage function on labelled tickets: accuracy, macro-F1, bullets, bands, misses."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from triage_app.core.result import VERDICTS, TriageResult

# Confidence bands eval reports accuracy for: [low, high).
BANDS: tuple[tuple[str, float, float], ...] = (
    ("low", 0.0, 0.5),
    ("medium", 0.5, 0.7),
    ("high", 0.7, 1.01),
)
SPLITS = ("all", "a", "b")
CALIBRATION_BINS = 10


class LabelledFileError(ValueError):
    """A labelled file cannot be read; the message names file and line."""


@dataclass(frozen=True)
class LabelledTicket:
    """One labelled ticket: the verdict and the bullets (primary first) a person chose."""

    id: str
    text: str
    label: str
    bullets: tuple[str, ...] = ()
    version: str | None = None

    @property
    def half(self) -> str:
        """Stable split of a labelled set into halves "a" and "b" by a hash of the id."""
        return "a" if hashlib.sha256(self.id.encode("utf-8")).digest()[0] % 2 == 0 else "b"


def parse_labelled(text: str, source: str = "<input>") -> list[LabelledTicket]:
    """Parse labelled JSONL; raise LabelledFileError("source:line: problem") on the first bad line."""
    tickets: list[LabelledTicket] = []
    seen: set[str] = set()
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{source}:{n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LabelledFileError(f"{where}: invalid JSON ({exc.msg})") from exc
        if not isinstance(obj, dict):
            raise LabelledFileError(f"{where}: expected a JSON object")
        for key in ("id", "text", "label"):
            if key not in obj:
                raise LabelledFileError(f"{where}: missing field '{key}'")
        tid, body, label = obj["id"], obj["text"], obj["label"]
        if not isinstance(tid, str | int) or not isinstance(body, str):
            raise LabelledFileError(f"{where}: 'id' must be text or a number, 'text' text")
        if label not in VERDICTS:
            raise LabelledFileError(f"{where}: label {label!r} is not one of {', '.join(VERDICTS)}")
        bullets = obj.get("bullets") or []
        if not isinstance(bullets, list) or not all(isinstance(b, str) for b in bullets):
            raise LabelledFileError(f"{where}: 'bullets' must be a list of bullet titles")
        tid = str(tid)
        if tid in seen:
            raise LabelledFileError(f"{where}: duplicate id {tid!r}")
        seen.add(tid)
        version = obj.get("version")
        tickets.append(
            LabelledTicket(
                tid, body, label, tuple(bullets), None if version is None else str(version)
            )
        )
    return tickets


def select_split(tickets: Iterable[LabelledTicket], split: str) -> list[LabelledTicket]:
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}")
    return [t for t in tickets if split == "all" or t.half == split]


@dataclass(frozen=True)
class Miss:
    """A ticket the engine got wrong (verdict or bullets), with what it saw."""

    id: str
    label: str
    verdict: str
    confidence: float
    bullets: tuple[str, ...]
    top: tuple[str, ...]
    evidence: tuple[str, ...]
    verdict_wrong: bool
    excerpt: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "verdict": self.verdict,
            "confidence": round(self.confidence, 4),
            "bullets": list(self.bullets),
            "top": list(self.top),
            "evidence": list(self.evidence),
            "verdict_wrong": self.verdict_wrong,
            "excerpt": self.excerpt,
        }


@dataclass
class EvaluationReport:
    """All figures of one evaluation run."""

    n: int = 0
    accuracy: float = 0.0
    macro_f1: float = 0.0
    per_verdict: dict[str, dict[str, float]] = field(default_factory=dict)
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)
    top1: float = 0.0
    top3: float = 0.0
    bands: dict[str, dict[str, float]] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)
    split: str = "all"
    ece: float = 0.0
    reliability: list[dict[str, Any]] = field(default_factory=list)
    confident_half: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "split": self.split,
            "n": self.n,
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "top1": round(self.top1, 4),
            "top3": round(self.top3, 4),
            "per_verdict": self.per_verdict,
            "confusion": self.confusion,
            "bands": self.bands,
            "ece": round(self.ece, 4),
            "reliability": self.reliability,
            "confident_half": round(self.confident_half, 4),
            "misses": [m.to_dict() for m in self.misses],
        }


def _top1_ok(ticket: LabelledTicket, result: TriageResult) -> bool:
    # The top match must be one of the labelled bullets. A ticket labelled without bullets
    # (unclear) counts as right when the engine offers no bullet either.
    if not ticket.bullets:
        return not result.matches
    return bool(result.matches) and result.matches[0].title in ticket.bullets


def _top3_ok(ticket: LabelledTicket, result: TriageResult) -> bool:
    # The primary (first labelled) bullet must be among the first three matches; without
    # labelled bullets, as for top-1, no matches is right.
    if not ticket.bullets:
        return not result.matches
    return ticket.bullets[0] in [m.title for m in result.matches[:3]]


def evaluate(
    tickets: Sequence[LabelledTicket],
    triage: Callable[[str], TriageResult],
    split: str = "all",
) -> EvaluationReport:
    """Run `triage` on every ticket and compute the report."""
    return evaluate_results(tickets, [triage(t.text) for t in tickets], split)


def evaluate_results(
    tickets: Sequence[LabelledTicket],
    results: Sequence[TriageResult],
    split: str = "all",
) -> EvaluationReport:
    """The report for results already computed (cross-validation computes them fold by fold)."""
    report = EvaluationReport(split=split)
    confusion = {a: {p: 0 for p in VERDICTS} for a in VERDICTS}
    band_counts = {name: [0, 0] for name, _, _ in BANDS}
    right = top1 = top3 = 0
    for t, result in zip(tickets, results, strict=True):
        confusion[t.label][result.verdict] = confusion[t.label].get(result.verdict, 0) + 1
        ok = result.verdict == t.label
        right += ok
        ok1, ok3 = _top1_ok(t, result), _top3_ok(t, result)
        top1 += ok1
        top3 += ok3
        for name, lo, hi in BANDS:
            if lo <= result.confidence < hi:
                band_counts[name][0] += 1
                band_counts[name][1] += ok
                break
        if not (ok and ok1 and ok3):
            report.misses.append(
                Miss(
                    t.id,
                    t.label,
                    result.verdict,
                    result.confidence,
                    t.bullets,
                    tuple(m.title for m in result.matches[:3]),
                    tuple(
                        f"{m.title}: " + ", ".join(e.term for e in m.evidence)
                        for m in result.matches[:4]
                    ),
                    not ok,
                    " ".join(t.text.split())[:160],
                )
            )
    n = len(tickets)
    report.n = n
    report.confusion = confusion
    if n:
        report.accuracy = right / n
        report.top1 = top1 / n
        report.top3 = top3 / n
    f1s = []
    for v in VERDICTS:
        tp = confusion[v][v]
        fp = sum(confusion[a][v] for a in VERDICTS if a != v)
        fn = sum(confusion[v][p] for p in VERDICTS if p != v)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        support = tp + fn
        report.per_verdict[v] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": support,
        }
        # Macro-F1 averages over the verdicts present in the labels (absent ones carry no
        # information and would drag every small file towards 0).
        if support:
            f1s.append(f1)
    report.macro_f1 = sum(f1s) / len(f1s) if f1s else 0.0
    report.bands = {
        name: {"n": c[0], "accuracy": round(c[1] / c[0], 4) if c[0] else 0.0}
        for name, c in band_counts.items()
    }
    _calibration(
        report,
        [(r.confidence, r.verdict == t.label) for t, r in zip(tickets, results, strict=True)],
    )
    return report


def _calibration(report: EvaluationReport, scored: list[tuple[float, bool]]) -> None:
    """Expected calibration error over ten equal-width bins, the table, and the confident half."""
    bins: list[list[tuple[float, bool]]] = [[] for _ in range(CALIBRATION_BINS)]
    for conf, ok in scored:
        bins[min(CALIBRATION_BINS - 1, max(0, int(conf * CALIBRATION_BINS)))].append((conf, ok))
    n = len(scored)
    ece = 0.0
    table = []
    for i, b in enumerate(bins):
        if not b:
            continue
        mean_conf = sum(c for c, _ in b) / len(b)
        acc = sum(ok for _, ok in b) / len(b)
        ece += len(b) / n * abs(mean_conf - acc)
        table.append(
            {
                "bin": f"{i / CALIBRATION_BINS:.1f}-{(i + 1) / CALIBRATION_BINS:.1f}",
                "n": len(b),
                "confidence": round(mean_conf, 4),
                "accuracy": round(acc, 4),
            }
        )
    report.ece = ece
    report.reliability = table
    ranked = sorted(scored, key=lambda s: -s[0])
    half = ranked[: max(1, n // 2)] if n else []
    report.confident_half = sum(ok for _, ok in half) / len(half) if half else 0.0


def render_report(report: EvaluationReport, max_misses: int = 50) -> str:
    """A plain-text rendering: figures, confusion matrix, bands, misses with evidence."""
    short = {"in_scope": "in", "out_of_scope": "out", "spans_both": "both", "unclear": "unclr"}
    lines = [
        f"tickets: {report.n}   split: {report.split}",
        f"verdict accuracy: {report.accuracy:.3f}",
        f"macro-F1:         {report.macro_f1:.3f}",
        f"bullet top-1:     {report.top1:.3f}",
        f"bullet top-3:     {report.top3:.3f}",
        "",
        "confusion (rows = label, columns = verdict):",
        "        " + "".join(f"{short[v]:>7}" for v in VERDICTS),
    ]
    for a in VERDICTS:
        lines.append(f"{short[a]:>7} " + "".join(f"{report.confusion[a][p]:>7}" for p in VERDICTS))
    lines.append("")
    lines.append(
        "per verdict: "
        + "  ".join(
            f"{short[v]} P={m['precision']:.2f} R={m['recall']:.2f} F1={m['f1']:.2f}"
            for v, m in report.per_verdict.items()
        )
    )
    lines.append(
        f"calibration: ECE {report.ece:.3f}, accuracy of the confident half "
        f"{report.confident_half:.3f}"
    )
    lines.append(
        "accuracy by confidence: "
        + "  ".join(f"{name} {b['accuracy']:.2f} (n={b['n']})" for name, b in report.bands.items())
    )
    if report.misses:
        lines.append("")
        lines.append(f"misses ({len(report.misses)}):")
        for m in report.misses[:max_misses]:
            kind = "VERDICT" if m.verdict_wrong else "bullets"
            lines.append(
                f"- [{kind}] {m.id}: label {m.label} -> {m.verdict} (confidence {m.confidence:.2f})"
            )
            lines.append(f"    labelled: {', '.join(m.bullets) or '-'}")
            lines.append(f"    top:      {', '.join(m.top) or '-'}")
            for ev in m.evidence:
                lines.append(f"      {ev}")
            lines.append(f"    text: {m.excerpt}")
        if len(report.misses) > max_misses:
            lines.append(f"... {len(report.misses) - max_misses} more (use --json for all)")
    return "\n".join(lines)
