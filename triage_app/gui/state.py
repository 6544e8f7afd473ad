"""The window's current triage: ticket text, engine result and the engineer's override (Qt-free)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # core.policy (hashlib, regexes) loads with the services, after first paint
    from triage_app.core.policy import Policy
    from triage_app.core.result import TriageResult


@dataclass
class CurrentTriage:
    """One ticket being worked on. The override is kept with it until the engineer clears the ticket.

    `history_id` is for the history store: while a ticket is typed, one saved triage is updated.
    """

    text: str = ""
    result: TriageResult | None = None
    override_verdict: str = ""  # "" = as triaged
    override_bullet: str = ""  # "" = as triaged; else a policy bullet title
    draft: str = ""
    history_id: int | None = None
    variables: dict[str, str] = field(
        default_factory=dict
    )  # prompted fields (customer, ticket ref)

    @property
    def overridden(self) -> bool:
        return bool(self.override_verdict or self.override_bullet)

    @property
    def effective_verdict(self) -> str:
        if self.override_verdict:
            return self.override_verdict
        return self.result.verdict if self.result else ""

    @property
    def effective_bullet(self) -> str:
        if self.override_bullet:
            return self.override_bullet
        top = self.result.top_match if self.result else None
        return top.title if top else ""

    def effective_result(self, policy: Policy | None) -> TriageResult | None:
        """The result as the engineer corrected it: overridden verdict, chosen bullet first."""
        return effective_result(self.result, policy, self.override_verdict, self.override_bullet)


def effective_result(
    result: TriageResult | None, policy: Policy | None, verdict: str, bullet: str
) -> TriageResult | None:
    if result is None:
        return None
    if not verdict and not bullet:
        return result
    matches = list(result.matches)
    if bullet:
        chosen = next((m for m in matches if m.title == bullet), None)
        if chosen is None:
            side = (policy.side_of(bullet) if policy else None) or "in_scope"
            from triage_app.core.result import Match  # loaded with the services by now

            chosen = Match(bullet, side, 1.0, ())
        else:
            matches.remove(chosen)
        matches.insert(0, chosen)
    return dataclasses.replace(result, verdict=verdict or result.verdict, matches=tuple(matches))
