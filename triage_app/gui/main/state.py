"""The window's current triage: ticket text, engine result and the engineer's override (Qt-free)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # core.policy (hashlib, regexes) loads with the services, after first paint
    from triage_app.core.knowledge.policy import Policy
    from triage_app.core.result import TriageResult


class CurrentTriage:
    """One ticket being worked on. The override is kept with it until the engineer clears the ticket.

    `history_id` is for the history store: while a ticket is typed, one saved triage is updated.
    A plain class, not a dataclass: the window builds one before its first paint, where importing
    and applying `dataclasses` costs ~3 ms.
    """

    __slots__ = (
        "text",
        "result",
        "override_verdict",
        "override_bullet",
        "draft",
        "history_id",
        "variables",
    )

    def __init__(
        self,
        text: str = "",
        result: TriageResult | None = None,
        override_verdict: str = "",  # "" = as triaged
        override_bullet: str = "",  # "" = as triaged; else a policy bullet title
        draft: str = "",
        history_id: int | None = None,
        variables: dict[str, str] | None = None,  # prompted fields (customer, ticket ref)
    ) -> None:
        self.text = text
        self.result = result
        self.override_verdict = override_verdict
        self.override_bullet = override_bullet
        self.draft = draft
        self.history_id = history_id
        self.variables: dict[str, str] = {} if variables is None else variables

    def copy(self) -> CurrentTriage:
        """An independent copy (its own variables), e.g. to save on a worker while editing goes on."""
        return CurrentTriage(
            self.text,
            self.result,
            self.override_verdict,
            self.override_bullet,
            self.draft,
            self.history_id,
            dict(self.variables),
        )

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"CurrentTriage({fields})"

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
    import dataclasses  # results exist only once the services (and dataclasses) are loaded

    return dataclasses.replace(result, verdict=verdict or result.verdict, matches=tuple(matches))
