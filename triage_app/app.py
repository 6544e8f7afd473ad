"""Composition root: paths -> knowledge base -> services -> (GUI) window. The one place things are wired."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from triage_app import paths
from triage_app.core.drafting import Drafter
from triage_app.core.engine import TriageEngine
from triage_app.core.policy import Policy
from triage_app.core.service import TriageService
from triage_app.core.versions import make_resolver
from triage_app.storage import corrections_repo, policy_repo, releases_repo, templates_repo
from triage_app.storage.database import KnowledgeBase, open_knowledge_base


@dataclass
class Services:
    """Everything a front end (CLI or GUI) needs, built once and passed explicitly."""

    data_dir: Path
    kb: KnowledgeBase
    policy: Policy
    engine: TriageEngine
    triage: TriageService
    today: dt.date | None = None
    notices: list[str] = field(default_factory=list)

    def reload(self) -> None:
        """Rebuild policy and engine after the knowledge base changed (policy import, vocabulary edit)."""
        fresh = _build_triage(self.kb, self.today)
        self.policy, self.engine, self.triage = fresh


def _build_triage(
    kb: KnowledgeBase, today: dt.date | None
) -> tuple[Policy, TriageEngine, TriageService]:
    with kb.lock:
        policy = policy_repo.read_policy(kb.db)
        vocabulary = policy_repo.read_vocabulary(kb.db)
        drafter = Drafter(policy, templates_repo.read_templates(kb.db))
        schedule = releases_repo.read_schedule(kb.db, policy)
    engine = TriageEngine(policy, vocabulary)
    # Learned evidence from corrections adjusts the engine's result; it never changes the policy.
    learned = corrections_repo.LearnedAdjuster(kb, policy)
    service = TriageService(
        engine,
        resolve_versions=make_resolver(schedule),
        draft=drafter,
        adjusters=[learned],
        today=today,
    )
    return policy, engine, service


def build_services(data_dir: Path | None = None, today: dt.date | None = None) -> Services:
    """Open the knowledge base in `data_dir` (default: the user data dir) and wire the services."""
    folder = paths.data_dir(data_dir)
    kb = open_knowledge_base(paths.database_path(folder))
    policy, engine, service = _build_triage(kb, today)
    return Services(folder, kb, policy, engine, service, today, [str(n) for n in kb.notices])
