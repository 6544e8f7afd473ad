"""The triage result: verdict, confidence, matched bullets with evidence spans, version mentions.

The parts are NamedTuples (immutable values made per triage, cheaper to define and build than
dataclasses); the result itself is a dataclass, for its extras that never take part in equality.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

# The verdict names live in core.verdicts (the GUI's first frame needs them, not these classes);
# re-exported here, where most code looks for them.
from triage_app.core.verdicts import IN_SCOPE as IN_SCOPE
from triage_app.core.verdicts import OUT_OF_SCOPE as OUT_OF_SCOPE
from triage_app.core.verdicts import SPANS_BOTH as SPANS_BOTH
from triage_app.core.verdicts import UNCLEAR as UNCLEAR
from triage_app.core.verdicts import VERDICT_LABELS as VERDICT_LABELS
from triage_app.core.verdicts import VERDICTS as VERDICTS


class Evidence(NamedTuple):
    """One term found in the ticket; start/end are character offsets into the ticket text."""

    term: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"term": self.term, "start": self.start, "end": self.end}


class Match(NamedTuple):
    """A policy bullet the ticket matched, with its score (0..1) and evidence."""

    title: str
    side: str
    score: float
    evidence: tuple[Evidence, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "side": self.side,
            "score": round(self.score, 4),
            "evidence": [e.to_dict() for e in self.evidence],
        }


class VersionMention(NamedTuple):
    """A version the ticket mentions, resolved against the release schedule."""

    text: str
    start: int
    end: int
    product: str | None
    version: str
    release: str | None = None
    release_date: str | None = None
    supported_until: str | None = None
    status: str = "unknown"
    days_left: int | None = None
    note: str = ""  # e.g. "nearest release of the same line"
    upgrade_target: str | None = None
    reason: str = ""  # the words that made it this product's version: "upgraded to", "Prefect"
    substitute: bool = False  # `release` stands in for a version the schedule does not hold
    basis: str = ""  # for a substitute: what its neighbours prove about its support, in words

    def to_dict(self) -> dict[str, Any]:
        return self._asdict()


@dataclass(frozen=True)
class TriageResult:
    """Everything the engine concluded about one ticket."""

    verdict: str
    confidence: float
    matches: tuple[Match, ...] = ()
    versions: tuple[VersionMention, ...] = ()
    draft: str = ""
    notes: tuple[
        str, ...
    ] = ()  # human-readable remarks: input truncated, learned evidence used, ...
    extras: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def top_match(self) -> Match | None:
        return self.matches[0] if self.matches else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "confidence": round(self.confidence, 4),
            "matches": [m.to_dict() for m in self.matches],
            "versions": [v.to_dict() for v in self.versions],
            "draft": self.draft,
            "notes": list(self.notes),
        }
