"""What the status bar says about the knowledge base; read on the loading thread (Qt-free)."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from triage_app.services import Services


class KbInfo(NamedTuple):
    """What the status bar says about the knowledge base."""

    location: str
    policy: str
    releases: str
    releases_tip: str


def describe_kb(services: Services) -> KbInfo:
    """Read the status-bar facts (called on the loading thread, so the GUI thread does no SQL)."""
    from triage_app.storage import releases_repo

    kb = services.kb
    location = str(kb.path) if kb.path else "in memory (nothing is saved)"
    if kb.read_only:
        location += " (read-only: history, Knowledge Base edits and export records are not saved)"
    bullets = len(services.policy.bullets)
    policy = f"Policy {services.policy.version} · {bullets} bullets · {services.policy.support_months}-month support"
    try:
        with kb.lock:
            count = kb.reader.execute(f"select count(*) from {releases_repo.TABLE}").fetchone()[0]
            source = releases_repo.release_source(kb.reader)
    except Exception:  # noqa: BLE001 - a status line must never stop the window
        count, source = 0, ""
    short = source.split(":", 1)[0].split(" (", 1)[0] if source else "no schedule"
    if ";" in source:
        short += " + imports"
    return KbInfo(
        location, policy, f"{count} releases · {short}", source or "No release schedule loaded"
    )
