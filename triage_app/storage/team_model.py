"""The verdict model in use: the shipped one, or one refitted with the team's corrections.

A correction is a training example with a higher weight. When the corrections change, the model is
refitted (on a background thread for the window, at once for a command) and swapped in; the last
refit is cached next to the knowledge base, keyed by the corrections it learned from.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path

from triage_app.core.triage.engine import TriageEngine
from triage_app.core.triage.model import LEGACY_MODEL_FILE, MODEL_FILE, ModelError, VerdictModel
from triage_app.storage import corrections_repo
from triage_app.storage.database import KnowledgeBase

TEAM_MODEL_FILE = "team-" + MODEL_FILE
TRAINED_MODEL_FILE = MODEL_FILE  # what `triage-app train` writes into the data folder
LEGACY_TEAM_MODEL_FILE = "team-" + LEGACY_MODEL_FILE
Progress = Callable[[str], None]
# One refit at a time in a process: each takes both cores for seconds, and a newer set of
# corrections makes a waiting one pointless (it checks before it starts).
_REFITS = threading.Lock()


def shipped_model() -> VerdictModel:
    """The model trained on the shipped corpus (resources/verdict_model.bin)."""
    from triage_app.resources import shipped_file

    return VerdictModel.load(shipped_file(MODEL_FILE))


def base_model(data_dir: Path | None) -> tuple[VerdictModel, str]:
    """The team's own trained model when `triage-app train` wrote one, else the shipped one."""
    if data_dir is not None:
        for name in (TRAINED_MODEL_FILE, LEGACY_MODEL_FILE):  # an earlier release's `train` too
            path = data_dir / name
            if path.is_file():
                try:
                    return VerdictModel.load(path), f"trained model {path}"
                except ModelError:
                    pass  # unreadable: the shipped model still triages
    return shipped_model(), "shipped model"


class TeamModels:
    """Gives the model to use for the next ticket; refits when the corrections changed."""

    def __init__(
        self,
        kb: KnowledgeBase,
        lexical: TriageEngine,
        base: VerdictModel,
        background: bool = True,
        progress: Progress = lambda _m: None,
    ) -> None:
        self.kb = kb
        self.lexical = lexical
        self.base = base
        self.background = background
        self.progress = progress
        self._guard = threading.Lock()
        self._model = base
        self._key = ""  # the corrections the current model learned ("" = none)
        self._count = 0
        self._fitting: str | None = None
        self._stamp: tuple[object, ...] | None = None

    def adopt(self, lexical: TriageEngine) -> TeamModels:
        """Keep this model (and any refit in flight) for services rebuilt after a KB edit."""
        self.lexical = lexical
        return self

    @property
    def corrections(self) -> int:
        return self._count

    def current(self) -> VerdictModel:
        # Every triage asks; the corrections' texts are read only when the cheap stamp (count,
        # newest id, last update) moved, not once per ticket.
        with self.kb.lock:
            stamp = corrections_repo.stamp(self.kb.reader)
        if stamp == self._stamp:
            return self._model
        rows = self._read_corrections()
        key = _key(rows)
        self._stamp = stamp
        with self._guard:
            if key == self._key or key == self._fitting:
                return self._model
            if not rows:
                self._model, self._key, self._count = self.base, "", 0
                return self._model
            cached = self._load_cache(key)
            if cached is not None:
                self._model, self._key, self._count = cached, key, len(rows)
                return self._model
            self._fitting = key
        if self.background:
            threading.Thread(
                target=self._refit, args=(rows, key), name="refit-verdict-model", daemon=True
            ).start()
            return self._model
        self._refit(rows, key)
        return self._model

    def _read_corrections(self) -> list[tuple[int, str, str, str | None]]:
        with self.kb.lock:
            return [
                (c.id, c.text, c.verdict, c.bullet)
                for c in corrections_repo.list_corrections(self.kb.reader)
            ]

    def _refit(self, rows: list[tuple[int, str, str, str | None]], key: str) -> None:
        with _REFITS:
            if self._fitting != key:
                return  # superseded while it waited
            self._refit_now(rows, key)

    def _refit_now(self, rows: list[tuple[int, str, str, str | None]], key: str) -> None:
        from triage_app.core.triage.corpus import (
            correction_examples,
            read_examples,
            shipped_corpus_dir,
        )
        from triage_app.storage.database import IMPORT_GUARD

        with IMPORT_GUARD:  # never while sqlite-utils is being imported with numpy hidden
            from triage_app.core.triage.training import fit_model

        try:
            self.progress(f"learning from {len(rows)} correction(s)…")
            examples = read_examples([shipped_corpus_dir()]) + correction_examples(rows)
            titles = [b.title for b in self.lexical.policy.bullets]
            data = fit_model(examples, self.lexical, titles, self.progress)
            model = VerdictModel(data)
            self._save_cache(key, data)
        except Exception as exc:  # noqa: BLE001 - a failed refit keeps the previous model
            with self._guard:
                self._fitting = None
            # The previous model keeps triaging; the next change of the corrections tries again.
            self.progress(f"could not learn from the corrections: {exc}")
            return
        with self._guard:
            if self._fitting == key:
                self._model, self._key, self._count = model, key, len(rows)
                self._fitting = None

    def _cache_path(self) -> Path | None:
        return None if self.kb.path is None else self.kb.path.parent / TEAM_MODEL_FILE

    def _load_cache(self, key: str) -> VerdictModel | None:
        path = self._cache_path()
        if path is None:
            return None
        # An earlier release's cache (gzip'd) still counts: upgrading costs no refit.
        for candidate in (path, path.with_name(LEGACY_TEAM_MODEL_FILE)):
            if not candidate.is_file():
                continue
            try:
                model = VerdictModel.load(candidate)
            except ModelError:
                continue
            if model.meta.get("corrections_key") == key:
                return model
        return None

    def _save_cache(self, key: str, data: dict) -> None:
        from triage_app.core.triage.training import dump_model

        path = self._cache_path()
        if path is None or self.kb.read_only:
            return
        data["meta"]["corrections_key"] = key
        try:
            from triage_app.core.files import write_atomic

            write_atomic(path, dump_model(data))
            path.with_name(LEGACY_TEAM_MODEL_FILE).unlink(missing_ok=True)
        except OSError:
            pass  # a cache that cannot be written costs a refit next time, nothing else


def _key(rows: list[tuple[int, str, str, str | None]]) -> str:
    if not rows:
        return ""
    import hashlib  # only with corrections to learn from

    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode("utf-8")).hexdigest()
