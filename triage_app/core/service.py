"""TriageService: the engine's verdict plus version status and a reply draft, as one result."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from typing import Protocol

from triage_app.core.result import TriageResult, VersionMention

# Pluggable steps, so each area (releases, drafting, learning) owns its own code.
VersionResolver = Callable[[str, dt.date], Sequence[VersionMention]]
Drafter = Callable[[str, TriageResult, dt.date], str]
ResultAdjuster = Callable[[str, TriageResult], TriageResult]


class Triager(Protocol):
    """What decides a verdict: the learned triage, or the lexical engine alone."""

    def triage(self, text: str) -> TriageResult: ...


class TriageService:
    """Runs one ticket through the engine and the optional steps; pure, thread-safe if the steps are."""

    def __init__(
        self,
        engine: Triager,
        resolve_versions: VersionResolver | None = None,
        draft: Drafter | None = None,
        adjusters: Sequence[ResultAdjuster] = (),
        today: dt.date | None = None,
    ) -> None:
        self.engine = engine
        self.resolve_versions = resolve_versions
        self.draft = draft
        self.adjusters = list(adjusters)
        self.pinned_today = today

    def today(self) -> dt.date:
        return self.pinned_today or dt.date.today()

    def verdict_only(self, text: str) -> TriageResult:
        """The verdict and bullets, without versions or draft (used by eval)."""
        result = self.engine.triage(text)
        for adjust in self.adjusters:
            result = adjust(text, result)
        return result

    def triage(
        self, text: str, today: dt.date | None = None, with_draft: bool = True
    ) -> TriageResult:
        day = today or self.today()
        result = self.verdict_only(text)
        if self.resolve_versions is not None:
            result = dataclasses.replace(result, versions=tuple(self.resolve_versions(text, day)))
        if with_draft and self.draft is not None:
            result = dataclasses.replace(result, draft=self.draft(text, result, day))
        return result
