"""Which mentioned versions need action, worst first, and their support in words (draft and panel)."""

from __future__ import annotations

from collections.abc import Sequence

from triage_app.core.result import VersionMention

# The most urgent status first.
STATUS_RANK = {"unsupported": 0, "ending_soon": 1, "supported": 2, "prerelease": 3, "unknown": 4}
NEEDS_ACTION = ("unsupported", "ending_soon")


def urgency(v: VersionMention) -> tuple[int, int, int]:
    """Unsupported first, the longest-ended first; then ending soon, the nearest end first."""
    days = v.days_left if v.days_left is not None else -100_000  # bounded only: ended long ago
    return (STATUS_RANK.get(v.status, 5), days, v.start)


def needing_action(
    versions: Sequence[VersionMention], skip: VersionMention | None = None
) -> list[VersionMention]:
    """Unsupported and ending-soon mentions, worst first, each version once."""
    seen = {(skip.product, skip.version)} if skip is not None else set()
    chosen = []
    for v in sorted(versions, key=urgency):
        key = (v.product, v.version)
        if v.status in NEEDS_ACTION and key not in seen:
            seen.add(key)
            chosen.append(v)
    return chosen


def support_words(v: VersionMention) -> str:
    """'its support ended on 2025-12-26', or what a stand-in release's neighbours prove."""
    if v.substitute:
        return v.basis
    if v.status == "unsupported":
        return f"its support ended on {v.supported_until}"
    return f"its support ends on {v.supported_until}, in {v.days_left} days"


def join_words(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
