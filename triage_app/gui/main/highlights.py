"""Evidence and version spans of a result, merged per span, each with the tooltip naming its bullets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from triage_app.core.verdicts import VERDICT_LABELS
from triage_app.gui.shared.theme import SIDE_LABELS, STATUS_LABELS, VERSION_SIDE

if TYPE_CHECKING:
    from triage_app.core.result import TriageResult

_MAX_HIGHLIGHTS = 400  # more would only paint noise; the strongest evidence comes first


@dataclass(frozen=True)
class Highlight:
    start: int
    end: int
    side: str  # in_scope / out_of_scope / version
    tooltip: str


def highlights_for(result: TriageResult, text_length: int) -> list[Highlight]:
    """Evidence and version spans of a result, each with the tooltip that names its bullet."""
    out: list[Highlight] = []
    for match in result.matches:
        side = SIDE_LABELS.get(match.side, match.side)
        for ev in match.evidence:
            if 0 <= ev.start < ev.end <= text_length:
                out.append(
                    Highlight(
                        ev.start, ev.end, match.side, f"{side}: {match.title}\n(term “{ev.term}”)"
                    )
                )
    # The words that moved the verdict most: painted like evidence of the side they pulled to.
    for item in result.extras.get("explanation", ()):
        side = item.get("side", "in_scope")
        for span in item.get("spans", ()):
            start, end = int(span[0]), int(span[1])
            if 0 <= start < end <= text_length:
                towards = VERDICT_LABELS.get(result.verdict, result.verdict).lower()
                out.append(Highlight(start, end, side, f"Moved the verdict towards {towards}"))
    for v in result.versions:
        if 0 <= v.start < v.end <= text_length:
            status = STATUS_LABELS.get(v.status, v.status)
            release = f"release {v.release}" if v.release else "not in the schedule"
            if v.substitute and v.release:
                release = f"not in the schedule, nearest release {v.release}"
            tip = f"Version {v.version} ({v.product or 'unknown product'}): {release}, {status}"
            if v.product and v.reason:
                tip += f"\nRead as {v.product}, decided by “{v.reason}”"
            out.append(Highlight(v.start, v.end, VERSION_SIDE, tip))
    # One span can be evidence for several bullets: paint it once, name every bullet in the tooltip.
    merged: dict[tuple[int, int], Highlight] = {}
    for h in out:
        seen = merged.get((h.start, h.end))
        if seen is None:
            merged[(h.start, h.end)] = h
        elif h.tooltip not in seen.tooltip:
            merged[(h.start, h.end)] = Highlight(
                h.start, h.end, seen.side, f"{seen.tooltip}\n{h.tooltip}"
            )
    return list(merged.values())[:_MAX_HIGHLIGHTS]
