"""Grouped cross-validation of the learned verdict beside its baselines, in one run."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from triage_app.core.result import TriageResult
from triage_app.core.triage.corpus import FOLDS, Example
from triage_app.core.triage.engine import TriageEngine
from triage_app.core.triage.evaluation import EvaluationReport, LabelledTicket, evaluate_results
from triage_app.core.triage.learned import LearnedTriage
from triage_app.core.triage.logistic import SparseRows, fit_binary
from triage_app.core.triage.model import VerdictModel
from triage_app.core.triage.training import Progress, featurize, fit_model
from triage_app.core.verdicts import IN_SCOPE, VERDICTS

BASELINES = ("majority", "tfidf_logreg", "v1_rules", "learned")


@dataclass
class CrossValidation:
    """Out-of-fold results of every system on the same tickets."""

    tickets: list[LabelledTicket]
    kinds: list[str]
    results: dict[str, list[TriageResult]]

    def report(self, system: str, kind: str | None = None) -> EvaluationReport:
        """One system's report on all tickets or on one kind (github, community, infra, written)."""
        chosen = [i for i, k in enumerate(self.kinds) if kind is None or k == kind]
        return evaluate_results(
            [self.tickets[i] for i in chosen], [self.results[system][i] for i in chosen]
        )


def as_labelled(examples: Sequence[Example]) -> tuple[list[LabelledTicket], list[str], list[int]]:
    """The tickets that are measured: full-weight readings (contested ones only train)."""
    tickets, kinds, rows = [], [], []
    for i, e in enumerate(examples):
        if e.weight == 1.0:
            tickets.append(LabelledTicket(f"{e.id}#{i}", e.text, e.label, e.bullets))
            kinds.append(e.kind)
            rows.append(i)
    return tickets, kinds, rows


def cross_validate(
    examples: Sequence[Example],
    engine: TriageEngine,
    progress: Progress = lambda _m: None,
) -> CrossValidation:
    """Fixed folds grouped by source thread; every system is trained on the same four folds."""
    titles = [b.title for b in engine.policy.bullets]
    progress(f"reading {len(examples)} tickets")
    values = featurize([e.text for e in examples], engine)
    tickets, kinds, rows = as_labelled(examples)
    folds = np.array([e.fold for e in examples])
    results: dict[str, list[TriageResult | None]] = {s: [None] * len(rows) for s in BASELINES}
    position = {r: j for j, r in enumerate(rows)}
    for k in range(FOLDS):
        train = [i for i in range(len(examples)) if folds[i] != k]
        test = [i for i in range(len(examples)) if folds[i] == k and i in position]
        if not test:
            continue
        progress(f"fold {k + 1}/{FOLDS}: training on {len(train)} readings")
        model = VerdictModel(
            fit_model(
                [examples[i] for i in train], engine, titles, values=[values[i] for i in train]
            )
        )
        learned = LearnedTriage(engine, model)
        majority = majority_label([examples[i] for i in train])
        tfidf = TfidfBaseline([examples[i] for i in train], [values[i] for i in train])
        for i in test:
            j = position[i]
            text = examples[i].text
            results["learned"][j] = learned.triage(text)
            results["v1_rules"][j] = engine.triage(text)
            results["majority"][j] = TriageResult(majority, 1.0)
            results["tfidf_logreg"][j] = tfidf.triage(values[i])
    done: dict[str, list[TriageResult]] = {
        s: [r for r in rs if r is not None] for s, rs in results.items()
    }
    return CrossValidation(tickets, kinds, done)


def majority_label(examples: Sequence[Example]) -> str:
    counts: dict[str, float] = {}
    for e in examples:
        counts[e.label] = counts.get(e.label, 0.0) + e.weight
    return max(counts, key=lambda k: counts[k]) if counts else IN_SCOPE


class TfidfBaseline:
    """TF-IDF over words and bigrams (no engine signals) and one-vs-rest logistic regression."""

    def __init__(self, examples: Sequence[Example], values: Sequence[dict[str, float]]) -> None:
        words = [{k: v for k, v in vals.items() if k.startswith(("w:", "b:"))} for vals in values]
        df: Counter[str] = Counter()
        for w in words:
            df.update(w.keys())
        n = len(words)
        self.idf = {t: math.log((1 + n) / (1 + d)) + 1.0 for t, d in df.items() if d >= 2}
        self.index = {t: i for i, t in enumerate(sorted(self.idf))}
        rows = SparseRows.build([self._row(w) for w in words], len(self.index))
        labels = np.array([e.label for e in examples])
        weights = np.array([e.weight for e in examples])
        self.classes = [v for v in VERDICTS if (labels == v).any()]
        self.heads = [fit_binary(rows, labels == v, weights, 1.0) for v in self.classes]

    def _row(self, words: dict[str, float]) -> dict[int, float]:
        row = {self.index[t]: x * self.idf[t] for t, x in words.items() if t in self.idf}
        norm = math.sqrt(sum(x * x for x in row.values())) or 1.0
        return {i: x / norm for i, x in row.items()}

    def triage(self, values: dict[str, float]) -> TriageResult:
        words = {k: v for k, v in values.items() if k.startswith(("w:", "b:"))}
        row = self._row(words)
        scores = []
        for head in self.heads:
            z = head.intercept + sum(x * head.coef[i] for i, x in row.items())
            scores.append(1.0 / (1.0 + math.exp(-z)))
        best = int(np.argmax(scores))
        total = sum(scores) or 1.0
        return TriageResult(self.classes[best], scores[best] / total)
