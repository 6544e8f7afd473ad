"""LearnedTriage: the lexical engine finds the evidence, the learned model decides and ranks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from triage_app.core.result import Evidence, Match, TriageResult
from triage_app.core.triage.engine import TriageEngine
from triage_app.core.triage.features import Features, extract
from triage_app.core.triage.model import (
    BULLET_PREFIX,
    INFRA_HEAD,
    Prediction,
    VerdictModel,
    verdict_weights,
)
from triage_app.core.triage.text import ASK, CODE, EXCEPTION, LOG, TITLE
from triage_app.core.verdicts import IN_SCOPE, OUT_OF_SCOPE, SPANS_BOTH, UNCLEAR, VERDICT_LABELS

# A bullet is offered when the model gives it at least this probability (the first three always).
MIN_BULLET_PROBABILITY = 0.2
# A ranking to choose from: the reply quotes the first, the engineer may pick another.
MIN_BULLETS = 3
# Bullets rank by the model's probability plus this share of the vocabulary's score for the same
# bullet: grouped cross-validation on the corpus, top-1 0.895 -> 0.916 and top-3 0.936 -> 0.956.
LEXICAL_SHARE = 0.5
MAX_BULLETS = 5
MAX_EVIDENCE = 6
MAX_EXPLANATION = 6
_MACHINE_ROLES = frozenset({LOG, EXCEPTION, CODE})
# Words that carry weight in the model but explain nothing to a reader.
_FILLER_TEXT = """about after again all also am any because been before being both can't could
    did doing don't each even few get got had having here how into just like more most much need
    now one only other out over same should some still such than them these they those through
    too two under until up very want what where who why would yes
    a an and are as at be but by can could do does for from has have i if in is it its my
    no not of on or our so that the their then there this to was we were when which while will
    with you your #num #ver"""
_FILLER = frozenset(_FILLER_TEXT.split())


class ModelSource(Protocol):
    """Where the model for the next ticket comes from (storage's TeamModels, or a fixed model)."""

    base: VerdictModel
    background: bool
    progress: Callable[[str], None]

    @property
    def corrections(self) -> int: ...

    def current(self) -> VerdictModel: ...


class FixedModel:
    """One model, no corrections: training, cross-validation and tests."""

    background = False

    def __init__(self, model: VerdictModel) -> None:
        self.base = model
        self.progress: Callable[[str], None] = lambda _m: None

    @property
    def corrections(self) -> int:
        return 0

    def current(self) -> VerdictModel:
        return self.base


class LearnedTriage:
    """Same interface as TriageEngine (`triage(text) -> TriageResult`), decided by a VerdictModel.

    The model is asked for on every triage, so a refitted model (the team's corrections) applies to
    the next ticket without rebuilding this object; the base model is what the note compares with
    to say what a correction changed."""

    def __init__(self, lexical: TriageEngine, models: ModelSource | VerdictModel) -> None:
        self.lexical = lexical
        self.policy = lexical.policy
        self.models: ModelSource = (
            FixedModel(models) if isinstance(models, VerdictModel) else models
        )

    @property
    def model(self) -> VerdictModel:
        return self.models.current()

    def base_only(self) -> LearnedTriage:
        """The same triage with the base model alone (eval's "without corrections")."""
        return LearnedTriage(self.lexical, self.models.base)

    def triage(self, text: str) -> TriageResult:
        """Triage one ticket. Never raises on any str; empty input gives unclear, 0."""
        v1 = self.lexical.triage(text)
        if not isinstance(text, str) or "empty ticket" in v1.notes:
            return v1
        model = self.models.current()
        features = extract(text, v1)
        prediction = model.predict(features.values)
        verdict = prediction.verdict
        confidence = prediction.confidence
        notes = [n for n in v1.notes if n.startswith("only the first")]
        check = confidence < model.confident_threshold
        if check:
            notes.append(
                f"check this one: the model is {confidence:.0%} sure "
                f"(verdicts at {model.confident_threshold:.0%} or more were right 9 times in 10)"
            )
        base = self.models.base
        if model is not base:
            base_verdict = base.predict(features.values).verdict
            if base_verdict != verdict:
                notes.append(
                    f"Learned from the team's {self.models.corrections} correction(s): without "
                    f"them the model says {VERDICT_LABELS[base_verdict].lower()}."
                )
        matches = (
            () if verdict == UNCLEAR else self._matches(model, prediction, verdict, v1, features)
        )
        extras = dict(v1.extras)
        extras.update(
            {
                "engine": "learned",
                "probabilities": {k: round(v, 4) for k, v in prediction.probabilities.items()},
                "check": check,
                "confident_threshold": model.confident_threshold,
                "v1_verdict": v1.verdict,
                "explanation": self._explain(model, features, verdict),
            }
        )
        return TriageResult(
            verdict, round(confidence, 4), matches, notes=tuple(notes), extras=extras
        )

    # ------------------------------------------------------------------------------ bullets

    def _matches(
        self,
        model: VerdictModel,
        prediction: Prediction,
        verdict: str,
        v1: TriageResult,
        features: Features,
    ) -> tuple[Match, ...]:
        side_of = self.policy.side_of
        lexical = {m.title: m.score for m in v1.matches}
        rank = {t: p + LEXICAL_SHARE * lexical.get(t, 0.0) for t, p in prediction.bullets.items()}
        ranked = sorted(
            ((rank[t], t) for t in prediction.bullets if side_of(t) is not None),
            key=lambda pt: -pt[0],
        )
        if not ranked:
            return ()
        order: list[tuple[float, str]] = []
        if verdict in (IN_SCOPE, OUT_OF_SCOPE):
            lead = next((pt for pt in ranked if side_of(pt[1]) == verdict), None)
            if lead:
                order.append(lead)
        elif verdict == SPANS_BOTH:
            # One bullet of each side first: the reply names what we look at and what they do.
            for side in (IN_SCOPE, OUT_OF_SCOPE):
                best = next((pt for pt in ranked if side_of(pt[1]) == side), None)
                if best:
                    order.append(best)
            order.sort(key=lambda pt: -pt[0])
        for pt in ranked:
            if pt not in order and (
                prediction.bullets[pt[1]] >= MIN_BULLET_PROBABILITY or len(order) < MIN_BULLETS
            ):
                order.append(pt)
        evidence = {m.title: m.evidence for m in v1.matches}
        out = []
        for _rank, title in order[:MAX_BULLETS]:
            ev = _ask_first(evidence.get(title, ()), features)
            if not ev:
                ev = self._word_evidence(model, features, title)
            out.append(Match(title, side_of(title) or IN_SCOPE, prediction.bullets[title], ev))
        return tuple(out)

    @staticmethod
    def _word_evidence(model: VerdictModel, features: Features, title: str) -> tuple[Evidence, ...]:
        """When the vocabulary found nothing for a bullet, the words its head weighed most."""
        text = features.prepared.text
        spans: list[tuple[int, int]] = []
        for name, _c in model.contributions(features.values, {BULLET_PREFIX + title: 1.0})[:12]:
            if any(word in _FILLER or len(word) < 3 for word in name[2:].split(" ")):
                continue
            for s, e in features.spans_of(name, limit=1):
                if all(e <= a or s >= b for a, b in spans):
                    spans.append((s, e))
            if len(spans) >= 3:
                break
        return tuple(Evidence(text[s:e], s, e) for s, e in sorted(spans))

    # --------------------------------------------------------------------------- explanation

    @staticmethod
    def _explain(model: VerdictModel, features: Features, verdict: str) -> list[dict]:
        """The words that moved the verdict most, where they are, and which side they pulled to."""
        weights = verdict_weights(verdict)
        if not weights:
            return []
        infra = dict(model.contributions(features.values, {INFRA_HEAD: 1.0}))
        text = features.prepared.text
        out: list[dict] = []
        for name, contribution in model.contributions(features.values, weights):
            if contribution <= 0 or len(out) >= MAX_EXPLANATION:
                break
            spans = features.spans_of(name, limit=2)
            if not spans or all(w in _FILLER for w in name[2:].split(" ")):
                continue  # engine signals have no words to point at; the words themselves do
            out.append(
                {
                    "term": text[spans[0][0] : spans[0][1]],
                    "weight": round(contribution, 3),
                    "side": OUT_OF_SCOPE if infra.get(name, 0.0) > 0 else IN_SCOPE,
                    "spans": [[s, e] for s, e in spans],
                }
            )
        return out


def _ask_first(evidence: tuple[Evidence, ...], features: Features) -> tuple[Evidence, ...]:
    """Evidence from the customer's own words first; a bare number on a log line is not an HTTP
    status ("(heartbeat 502)" is a count, not an ALB)."""
    prepared = features.prepared
    kept: list[tuple[int, Evidence]] = []
    for ev in evidence:
        line = prepared.line_at(ev.start)
        role = line.role if line else ASK
        if role in _MACHINE_ROLES and ev.term.strip().isdigit():
            continue
        kept.append((0 if role in (ASK, TITLE) else 1, ev))
    kept.sort(key=lambda re: (re[0], re[1].start))
    return tuple(sorted((ev for _r, ev in kept[:MAX_EVIDENCE]), key=lambda e: e.start))
