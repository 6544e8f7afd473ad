"""Learning from corrections: a later ticket close to one an engineer corrected takes that correction.

Pure and deterministic: TF-IDF cosine over content words, with an inverted index so a query only
touches corrections that share a word with it (fast for thousands of corrections). Nothing here
changes the policy: a correction only adjusts the verdict / top bullet of one result and says why.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from triage_app.core.result import VERDICT_LABELS, Match, TriageResult

# Close enough to reuse a correction: paraphrases and follow-ups of the same problem reach 0.5+,
# tickets that merely share the product vocabulary ("prefect", "worker", "helm") stay well below.
DEFAULT_THRESHOLD = 0.5
MAX_TEXT_CHARS = 20_000  # the customer's question is at the top; long log tails add only noise

_TOKEN = re.compile(r"[a-z][a-z0-9_]+")
_STOPWORD_TEXT = """
    a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself just
    me more most my myself no nor not now of off on once only or other our ours ourselves out over own
    same she should so some such than that the their theirs them themselves then there these they
    this those through to too under until up very was we were what when where which while who whom
    why will with would you your yours yourself yourselves hi hello thanks thank regards please team
    get got getting see seeing seems like still any one two using use used trying tried want need
    know let us would could might may also issue problem help question
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


_SUFFIXES = ("ing", "ed", "es", "s")


def _stem(word: str) -> str:
    """A light, deterministic suffix strip so "restarting"/"restarts"/"restart" count as one word."""
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix) and not word.endswith("ss"):
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> list[str]:
    """Lower-case, lightly stemmed words of 3+ characters that carry meaning (no stop words)."""
    return [
        _stem(w)
        for w in _TOKEN.findall(text[:MAX_TEXT_CHARS].lower())
        if w not in _STOPWORDS and len(w) > 2
    ]


@dataclass(frozen=True)
class Correction:
    """An engineer's verdict (and bullet) for one ticket, with the day it was made."""

    id: int
    text: str
    verdict: str
    bullet: str | None
    date: str  # YYYY-MM-DD
    original_verdict: str | None = None
    original_bullet: str | None = None


@dataclass(frozen=True)
class SimilarCorrection:
    correction: Correction
    similarity: float


class LearnedEvidence:
    """An index over corrections; `adjust` applies the closest one to a new result."""

    def __init__(
        self,
        corrections: Iterable[Correction],
        side_of: Callable[[str], str | None] = lambda title: None,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> None:
        self.corrections: list[Correction] = list(corrections)
        self.side_of = side_of
        self.threshold = threshold
        counts = [Counter(content_words(c.text)) for c in self.corrections]
        df: Counter[str] = Counter()
        for c in counts:
            df.update(c.keys())
        n = len(self.corrections)
        # Smoothed idf, as in scikit-learn: a word in every correction still weighs 1.
        self._idf = {w: math.log((1 + n) / (1 + d)) + 1.0 for w, d in df.items()}
        self._unseen_idf = math.log(1 + n) + 1.0
        self._postings: dict[str, list[tuple[int, float]]] = {}
        for i, c in enumerate(counts):
            vec = self._weights(c)
            for w, x in vec.items():
                self._postings.setdefault(w, []).append((i, x))

    def __len__(self) -> int:
        return len(self.corrections)

    def _weights(self, counts: Counter[str]) -> dict[str, float]:
        vec = {
            w: (1.0 + math.log(k)) * self._idf.get(w, self._unseen_idf) for w, k in counts.items()
        }
        norm = math.sqrt(sum(x * x for x in vec.values())) or 1.0
        return {w: x / norm for w, x in vec.items()}

    def similar(self, text: str, limit: int = 3) -> list[SimilarCorrection]:
        """Corrections most similar to `text`, best first (ties: the newest correction first)."""
        if not self.corrections:
            return []
        query = self._weights(Counter(content_words(text)))
        scores: dict[int, float] = {}
        for w, x in query.items():
            for i, y in self._postings.get(w, ()):
                scores[i] = scores.get(i, 0.0) + x * y
        # Newest first among equals: sort by (date, id) descending, then stably by score.
        ranked = sorted(
            scores.items(),
            key=lambda kv: (self.corrections[kv[0]].date, self.corrections[kv[0]].id),
            reverse=True,
        )
        ranked.sort(key=lambda kv: -round(kv[1], 9))
        return [SimilarCorrection(self.corrections[i], min(1.0, s)) for i, s in ranked[:limit]]

    def adjust(self, text: str, result: TriageResult) -> TriageResult:
        """The result with the closest correction applied, or `result` itself when none is close."""
        best = next(iter(self.similar(text, limit=1)), None)
        if best is None or best.similarity < self.threshold:
            return result
        c = best.correction
        top = result.top_match
        same_verdict = c.verdict == result.verdict
        same_bullet = not c.bullet or (top is not None and top.title == c.bullet)
        if same_verdict and same_bullet:
            return result
        matches = _promote(result.matches, c.bullet, self.side_of, best.similarity)
        label = VERDICT_LABELS.get(c.verdict, c.verdict).lower()
        what = f"marked {label}" + (f" ({c.bullet})" if c.bullet else "")
        note = (
            f"Learned: similar to a ticket you {what} on {c.date} "
            f"(similarity {best.similarity:.0%}); the engine alone said "
            f"{VERDICT_LABELS.get(result.verdict, result.verdict).lower()}."
        )
        extras = dict(result.extras)
        extras["learned"] = {
            "correction_id": c.id,
            "similarity": round(best.similarity, 4),
            "date": c.date,
            "engine_verdict": result.verdict,
            "engine_bullet": top.title if top else None,
        }
        return dataclasses.replace(
            result,
            verdict=c.verdict,
            confidence=max(best.similarity, result.confidence if same_verdict else 0.0),
            matches=matches,
            notes=(*result.notes, note),
            extras=extras,
        )


def _promote(
    matches: Sequence[Match],
    bullet: str | None,
    side_of: Callable[[str], str | None],
    similarity: float,
) -> tuple[Match, ...]:
    """Move the corrected bullet to the top; add it (without evidence) if the engine missed it."""
    if not bullet:
        return tuple(matches)
    rest = tuple(m for m in matches if m.title != bullet)
    existing = next((m for m in matches if m.title == bullet), None)
    if existing is None:
        side = side_of(bullet)
        if side is None:
            return tuple(matches)  # a bullet the current policy no longer has: leave the ranking
        existing = Match(bullet, side, similarity, ())
    top_score = max([existing.score, *(m.score for m in rest)])
    return (dataclasses.replace(existing, score=top_score), *rest)
