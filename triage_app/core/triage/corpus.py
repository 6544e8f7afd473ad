"""Labelled training tickets: the shipped corpus, contested readings, the team's corrections."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from triage_app.core.verdicts import VERDICTS

CORPUS_FILES = ("tickets.jsonl", "contested.jsonl", "grown.jsonl", "written.jsonl")
# A correction counts as much as this many corpus tickets: the team's own queue is the best
# evidence there is of what its tickets look like, but one of them must not outvote the corpus.
CORRECTION_WEIGHT = 4.0
FOLDS = 5


class CorpusError(ValueError):
    """A corpus file that cannot be read; the message names file and line."""


@dataclass(frozen=True)
class Example:
    """One labelled reading of a ticket, with how much it counts and the group it belongs to."""

    id: str
    text: str
    label: str
    bullets: tuple[str, ...]
    weight: float
    group: str  # tickets of one public thread stay in one fold
    kind: str  # github | community | infra | written | dev | correction

    @property
    def fold(self) -> int:
        """The fixed cross-validation fold of this ticket's group."""
        return hashlib.sha256(self.group.encode("utf-8")).digest()[0] % FOLDS


def _group(obj: dict, tid: str) -> str:
    source = str(obj.get("source") or "")
    # Written tickets share one "source" line; each is its own group.
    if not source or source.startswith("written"):
        return "id:" + tid
    return source.strip().lower().rstrip("/")


def parse_examples(text: str, name: str, kind: str | None = None) -> list[Example]:
    """Examples of one JSONL file: corpus lines (label, bullets, bullets_alt) or contested lines
    (labels and bullets of both readers, each reading counting half)."""
    out: list[Example] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{name}:{n}"
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise CorpusError(f"{where}: invalid JSON ({exc})") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            raise CorpusError(f"{where}: expected an object with a 'text'")
        tid = str(obj.get("id", f"{name}:{n}"))
        group = _group(obj, tid)
        this_kind = kind or str(obj.get("kind") or "github")
        if "labels" in obj:
            labels = obj["labels"]
            readings = obj.get("bullets") or [[] for _ in labels]
            if not isinstance(labels, list) or not labels or len(readings) != len(labels):
                raise CorpusError(f"{where}: 'labels' and 'bullets' must be lists of one length")
            for label, bullets in zip(labels, readings, strict=True):
                _check(where, label, bullets)
                out.append(
                    Example(
                        tid, obj["text"], label, tuple(bullets), 1.0 / len(labels), group, this_kind
                    )
                )
            continue
        label = obj.get("label")
        bullets = list(obj.get("bullets") or []) + [
            b for b in obj.get("bullets_alt") or [] if b not in (obj.get("bullets") or [])
        ]
        _check(where, label, bullets)
        out.append(Example(tid, obj["text"], str(label), tuple(bullets), 1.0, group, this_kind))
    return out


def _check(where: str, label: object, bullets: object) -> None:
    if label not in VERDICTS:
        raise CorpusError(f"{where}: label {label!r} is not one of {', '.join(VERDICTS)}")
    if not isinstance(bullets, list) or not all(isinstance(b, str) for b in bullets):
        raise CorpusError(f"{where}: 'bullets' must be a list of bullet titles")


def read_examples(paths: Iterable[Path]) -> list[Example]:
    """Examples of every file (a folder means its corpus files)."""
    out: list[Example] = []
    for path in paths:
        files = (
            [path / f for f in CORPUS_FILES if (path / f).is_file()] if path.is_dir() else [path]
        )
        for f in files:
            try:
                text = f.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as exc:
                raise CorpusError(f"{f}: cannot read ({exc})") from None
            out.extend(parse_examples(text, str(f)))
    return out


def shipped_corpus_dir() -> Path:
    """The corpus that ships with the app (resources/corpus)."""
    from importlib.resources import files

    return Path(str(files("triage_app.resources") / "corpus"))


def correction_examples(corrections: Iterable[tuple[int, str, str, str | None]]) -> list[Example]:
    """The team's corrections (id, ticket text, verdict, bullet) as weighted training examples."""
    return [
        Example(
            f"correction:{cid}",
            text,
            verdict,
            (bullet,) if bullet else (),
            CORRECTION_WEIGHT,
            f"correction:{cid}",
            "correction",
        )
        for cid, text, verdict, bullet in corrections
        if verdict in VERDICTS
    ]
