"""What every front end (CLI or GUI) shares: paths -> knowledge base -> services, and how they are
rebuilt after the knowledge base changes. Below the composition root (app.py, which adds the
window), so widgets and commands use it without importing the root that builds them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from triage_app import paths
from triage_app.core.knowledge.policy import Policy
from triage_app.core.releases.versions import make_resolver
from triage_app.core.replies.drafting import DraftDefaults, Drafter, schedule_advisor
from triage_app.core.service import TriageService
from triage_app.core.triage.engine import TriageEngine
from triage_app.core.triage.learned import LearnedTriage, ModelSource
from triage_app.storage import policy_repo, releases_repo, team_model, templates_repo
from triage_app.storage.database import KnowledgeBase, open_knowledge_base
from triage_app.storage.errors import StorageError


@dataclass
class Services:
    """Everything a front end (CLI or GUI) needs, built once and passed explicitly."""

    data_dir: Path
    kb: KnowledgeBase
    policy: Policy
    engine: LearnedTriage
    triage: TriageService
    today: dt.date | None = None
    notices: list[str] = field(default_factory=list)

    def reload(self) -> None:
        """Rebuild policy and engine after the knowledge base changed (policy import, vocabulary edit)."""
        self.swap(self.rebuild())

    def rebuild(self) -> tuple[Policy, LearnedTriage, TriageService]:
        """Build a fresh policy, engine and service from the knowledge base (safe on a worker)."""
        models = self.engine.models
        return build_triage(self.kb, self.today, models.background, models.progress, None, models)

    def swap(self, fresh: tuple[Policy, LearnedTriage, TriageService]) -> None:
        """Put a rebuilt policy, engine and service in place (on the thread that uses them)."""
        self.policy, self.engine, self.triage = fresh


def build_triage(
    kb: KnowledgeBase,
    today: dt.date | None,
    background: bool = True,
    progress: team_model.Progress = lambda _m: None,
    problems: list[str] | None = None,
    models: ModelSource | None = None,
) -> tuple[Policy, LearnedTriage, TriageService]:
    """Policy, engine and triage service read from `kb`; `models` (a KB edit's rebuild) keeps the
    team's refitted model instead of loading and refitting another."""
    with kb.lock:
        db = kb.reader  # reads only: no sqlite-utils import on the way to the first triage
        policy = policy_repo.read_policy(db)
        vocabulary = policy_repo.read_vocabulary(db, problems)
        schedule = releases_repo.read_schedule(db, policy)
        # The engineer's name and signature from the Knowledge Base settings; typed values still win.
        defaults = DraftDefaults(
            engineer_name=policy_repo.get_setting(db, "engineer_name", "") or "",
            signature=policy_repo.get_setting(db, "signature", "") or "",
        )
        drafter = Drafter(
            policy, templates_repo.read_templates(db), schedule_advisor(schedule), defaults
        )
    # The vocabulary finds the evidence; the learned model, refitted with the team's corrections,
    # decides the verdict and ranks the bullets. Neither changes the policy.
    lexical = TriageEngine(policy, vocabulary)
    if isinstance(models, team_model.TeamModels):
        models = models.adopt(lexical)  # a KB edit keeps the refitted model and any refit running
    else:
        base, _source = team_model.base_model(kb.path.parent if kb.path else None)
        models = team_model.TeamModels(kb, lexical, base, background, progress)
    engine = LearnedTriage(lexical, models)
    service = TriageService(
        engine, resolve_versions=make_resolver(schedule), draft=drafter, today=today
    )
    return policy, engine, service


def _follow_shipped_vocabulary(kb: KnowledgeBase) -> None:
    """A vocabulary nobody edited follows the shipped one, so accuracy fixes reach old files.
    Checked by the shipped file's digest first: only a new release's file is parsed."""
    from triage_app.core.triage.vocabulary import default_vocabulary, shipped_vocabulary_text

    text = shipped_vocabulary_text()
    digest = policy_repo.source_digest(text)
    with kb.lock:
        if policy_repo.shipped_source_checked(kb.reader, digest):
            return
    try:
        with kb.transaction() as db:
            policy_repo.refresh_shipped_vocabulary(db, default_vocabulary(text))
            policy_repo.mark_shipped_source(db, digest)
    except StorageError:
        pass  # a read-only or busy file keeps its vocabulary; triage still works


def build_services(
    data_dir: Path | None = None,
    today: dt.date | None = None,
    background: bool = False,
    progress: team_model.Progress = lambda _m: None,
) -> Services:
    """Open the knowledge base in `data_dir` (default: the user data dir) and wire the services.

    `background` refits the model with new corrections on a thread (the window) instead of
    before the next triage (commands)."""
    folder = paths.data_dir(data_dir)
    # A KB this user cannot write (a shared team file, a full disk) is opened read-only instead.
    kb = open_knowledge_base(paths.database_path(folder), or_read_only=True)
    if not kb.read_only:
        _follow_shipped_vocabulary(kb)
    problems: list[str] = []
    policy, engine, service = build_triage(kb, today, background, progress, problems)
    notices = [str(n) for n in kb.notices] + problems
    return Services(folder, kb, policy, engine, service, today, notices)


def build_gui_services(data_dir: Path | None = None, today: dt.date | None = None) -> Services:
    """Services for the window. A knowledge base that cannot be written (read-only, locked) is
    opened read-only, so the team's policy, vocabulary, releases and history stay in use; one that
    cannot be opened at all (or too new) falls back to a temporary in-memory one. Either way the
    app still opens and says what happened and what is not saved."""
    from triage_app.storage.errors import DatabaseLocked, DatabaseReadOnly, StorageError

    try:
        return build_services(data_dir, today, background=True)
    except StorageError as exc:
        folder = paths.data_dir(data_dir)
        if isinstance(exc, (DatabaseReadOnly, DatabaseLocked)):
            import sqlite3

            try:
                kb = open_knowledge_base(paths.database_path(folder), read_only=True)
            except StorageError:
                kb = None  # not readable either: the in-memory one below
            if kb is not None:
                try:
                    policy, engine, service = build_triage(kb, today, True)
                except (StorageError, sqlite3.DatabaseError):
                    kb.close()  # e.g. an older schema that needs migrating: in memory below
                else:
                    notice = (
                        f"{exc}\nIt is open read-only: triage uses your team's policy, "
                        "vocabulary and releases, but new history, Knowledge Base edits and "
                        "export records are not saved this session."
                    )
                    return Services(folder, kb, policy, engine, service, today, [notice])
        kb = open_knowledge_base(None)
        policy, engine, service = build_triage(kb, today, True)
        notice = (
            f"{exc}\nA temporary knowledge base in memory is used instead: triage works, "
            "but nothing is saved this session. Your file was not changed."
        )
        return Services(paths.data_dir(data_dir), kb, policy, engine, service, today, [notice])
