"""Features of one ticket for the learned verdict: role-weighted words, the v1 engine's signals, causes."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import NamedTuple

from triage_app.core.result import TriageResult
from triage_app.core.triage.text import CODE, EXCEPTION, LOG, PreparedText, prepare
from triage_app.core.verdicts import OUT_OF_SCOPE

# The customer's question and the first screens of a log carry the verdict; the model reads this
# much of a ticket (the lexical engine, which finds the evidence, reads more).
MODEL_CHARS = 20_000

# A word ("max_connections", "ingress-nginx", "values.yaml") or a number ("502", "3.1.15").
# Linear: each repetition needs a separator, so there is one way to match a run.
_WORD = re.compile(r"[a-z][a-z0-9_]*(?:[.\-][a-z0-9_]+)*|\d+(?:\.\d+)*")

# An error on the same line as an infrastructure term makes the infrastructure a plausible
# *cause* ("connection refused to 10.43.0.12:5432"); without one it is *context* ("we run on EKS").
_ERROR_CUE = re.compile(
    r"refused|timed? ?out|timeout|denied|forbidden|unauthori[sz]ed|not running|"
    r"(?:cannot|can't|could not|unable to|failed to) connect|connection reset|\b50[234]\b|"
    r"bad gateway|oomkill|evict|x509|certificate verify|handshake|unreachable|no route|"
    r"name resolution|resolve|not found|crashloop|imagepull|backoff|permission|too many|"
    r"exhausted|no space|disk full|killed"
)

# Features naming Prefect itself. The "infrastructure is a plausible cause" head never sees them,
# so it judges the infrastructure side on its own words instead of on Prefect being absent.
PREFECT_MARKERS = (
    "prefect",
    "flow",
    "worker",
    "deploy",
    "orion",
    "work pool",
    "task",
    "v1v:",
)


class Features(NamedTuple):
    """The feature values of one ticket and where each word feature was seen (for highlighting)."""

    values: dict[str, float]
    prepared: PreparedText
    # (word, start, end, line number) of every token read, in order; and where each word occurs.
    tokens: list[tuple[str, int, int, int]]
    positions: dict[str, list[int]]

    def spans_of(self, feature: str, limit: int = 3) -> list[tuple[int, int]]:
        """Character spans of a word or bigram feature in the ticket, first occurrences first."""
        if not feature.startswith(("w:", "b:")):
            return []
        words = feature[2:].split(" ")
        spans: list[tuple[int, int]] = []
        toks = self.tokens
        for i in self.positions.get(words[0], ()):
            if len(words) == 2:
                if i + 1 >= len(toks) or toks[i + 1][3] != toks[i][3] or toks[i + 1][0] != words[1]:
                    continue
                spans.append((toks[i][1], toks[i + 1][2]))
            else:
                spans.append((toks[i][1], toks[i][2]))
            if len(spans) >= limit:
                break
        return spans


def _normalise(word: str) -> str:
    # Versions and long numbers are one word each; three digits stay (502, 403, 137 are facts).
    if word[0].isdigit():
        if "." in word:
            return "#ver"
        return word if len(word) == 3 else "#num"
    return word


def _tokens(folded: str, start: int, end: int) -> Iterator[tuple[str, int, int]]:
    for m in _WORD.finditer(folded, start, end):
        yield _normalise(m.group(0)), m.start(), m.end()


def extract(text: str, v1: TriageResult) -> Features:
    """Features of `text`, given the lexical engine's result on the same text."""
    prepared = prepare(text[:MODEL_CHARS])
    counts: dict[str, float] = {}
    folded = prepared.folded
    tokens: list[tuple[str, int, int, int]] = []
    positions: dict[str, list[int]] = {}
    for number, line in enumerate(prepared.lines):
        weight = line.weight
        if weight <= 0:
            continue  # signatures and legal footers say nothing about the problem
        previous = None
        for word, start, end in _tokens(folded, line.start, line.end):
            positions.setdefault(word, []).append(len(tokens))
            tokens.append((word, start, end, number))
            key = "w:" + word
            counts[key] = counts.get(key, 0.0) + weight
            if previous is not None:
                key = "b:" + previous + " " + word
                counts[key] = counts.get(key, 0.0) + weight
            previous = word
    # Sublinear: a log repeating a line 500 times states one fact.
    values = {k: math.log1p(v) for k, v in counts.items()}
    values.update(_engine_features(v1, prepared))
    return Features(values, prepared, tokens, positions)


def _engine_features(v1: TriageResult, prepared: PreparedText) -> dict[str, float]:
    """The v1 engine's side strengths, signals, verdict and bullet scores, and cause vs context."""
    out: dict[str, float] = {}
    extras = v1.extras
    out["v1:in"] = math.log1p(max(0.0, float(extras.get("in_strength", 0.0))))
    out["v1:out"] = math.log1p(max(0.0, float(extras.get("out_strength", 0.0))))
    for name, value in extras.get("signals", {}).items():
        out["sig:" + name] = math.log1p(max(0.0, float(value)))
    out["v1v:" + v1.verdict] = 1.0
    for match in v1.matches:
        out["vb:" + match.title] = match.score
        if match.side != OUT_OF_SCOPE:
            continue
        caused = False
        for ev in match.evidence:
            line = prepared.line_at(ev.start)
            if line is not None and _ERROR_CUE.search(prepared.folded, line.start, line.end):
                caused = True
                break
        if caused:
            out["cause:" + match.title] = 1.0
            out["cause:any"] = 1.0
        else:
            out["ctx:" + match.title] = 1.0
    # Error lines whose role is a log or exception count as a Prefect-side symptom only together
    # with the engine's anchor; the model weighs that itself from these two.
    out["roles:log"] = float(any(line.role in (LOG, EXCEPTION, CODE) for line in prepared.lines))
    return out


def is_prefect_feature(name: str) -> bool:
    """True for features that name Prefect itself (kept away from the infrastructure head)."""
    return any(marker in name for marker in PREFECT_MARKERS)
