"""Curated vocabulary: per-bullet terms and general signal groups, loaded from TOML or storage rows."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

BULLET_GROUPS = ("terms", "phrases", "products", "errors")
# Signal groups the engine understands; unknown signal groups are kept (a team may prepare
# data ahead of code) but ignored by the engine.
SIGNAL_GROUPS = (
    "prefect_anchor",
    "prefect_symptom",
    "infra_cause",
    "both_sides",
    "in_scope_hint",
    "non_support",
    "negation_before",
    "negation_skip",
    "negation_after",
    "log_markers",
)
MAX_WEIGHT = 5.0
MAX_TERM_LENGTH = 200
VOCABULARY_FILE = "vocabulary.toml"
# A term as it is stored after the checks (lower-case words of letters and digits, single
# spaces, at most MAX_TERM_LENGTH): nothing in _make_term would change or refuse it.
_PLAIN_TERM = re.compile(r"[a-z0-9]+(?: [a-z0-9]+)*")


class VocabularyError(ValueError):
    """The vocabulary data is malformed; the message names the bullet, group and term."""


class Term(NamedTuple):
    """One vocabulary entry: the text as written and its weight (a NamedTuple: thousands are
    read at every start)."""

    text: str
    weight: float = 1.0

    @property
    def is_prefix(self) -> bool:
        # The one pattern-like syntax: a single word ending in "*" matches words starting with it.
        return self.text.endswith("*")


@dataclass(frozen=True)
class Vocabulary:
    """Terms per bullet title (grouped) and general signal groups."""

    bullets: Mapping[str, Mapping[str, tuple[Term, ...]]] = field(default_factory=dict)
    signals: Mapping[str, tuple[Term, ...]] = field(default_factory=dict)

    def terms_for(self, title: str) -> list[tuple[str, Term]]:
        """All (group, term) pairs of one bullet, in file order."""
        groups = self.bullets.get(title, {})
        return [(g, t) for g, terms in groups.items() for t in terms]

    def signal(self, name: str) -> tuple[Term, ...]:
        return self.signals.get(name, ())

    def to_rows(self) -> list[dict[str, Any]]:
        """Flat rows for storage: bullet ("" for a signal), grp, term, weight."""
        rows: list[dict[str, Any]] = []
        for title, groups in self.bullets.items():
            for grp, terms in groups.items():
                for t in terms:
                    rows.append({"bullet": title, "grp": grp, "term": t.text, "weight": t.weight})
        for grp, terms in self.signals.items():
            for t in terms:
                rows.append({"bullet": "", "grp": grp, "term": t.text, "weight": t.weight})
        return rows

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> Vocabulary:
        """Rebuild from storage rows (the inverse of to_rows); validates every row."""
        bullets: dict[str, dict[str, list[Term]]] = {}
        signals: dict[str, list[Term]] = {}
        for n, row in enumerate(rows, start=1):
            if "bullet" not in row or "grp" not in row or "term" not in row:
                missing = {"bullet", "grp", "term"} - set(row)
                raise VocabularyError(f"row {n}: missing {', '.join(sorted(missing))}")
            bullet = row["bullet"] or ""
            grp = row["grp"]
            if not isinstance(bullet, str) or not isinstance(grp, str) or not grp.strip():
                raise VocabularyError(f"row {n}: bullet and grp must be text")
            term = _make_term(row["term"], row.get("weight", 1.0), bullet or "signals", grp)
            if bullet:
                bullets.setdefault(bullet, {}).setdefault(grp, []).append(term)
            else:
                signals.setdefault(grp, []).append(term)
        return cls(
            bullets={b: {g: tuple(ts) for g, ts in gs.items()} for b, gs in bullets.items()},
            signals={g: tuple(ts) for g, ts in signals.items()},
        )


def _make_term(raw: Any, weight: Any, where: str, group: str = "") -> Term:
    """One checked term; `where` (and `group`) name its place in the messages (the storage rows
    pass them apart, so the message is only put together for a term that is refused)."""
    # Already in its stored form (what every check below would let through unchanged): most rows
    # of a knowledge base, read at every start.
    if (
        isinstance(raw, str)
        and isinstance(weight, float)
        and 0 < weight <= MAX_WEIGHT
        and len(raw) <= MAX_TERM_LENGTH
        and _PLAIN_TERM.fullmatch(raw)
    ):
        return Term(raw, weight)
    if group:
        where = f"{where}/{group}"
    if not isinstance(raw, str):
        raise VocabularyError(f"{where}: term {raw!r} is not text")
    text = " ".join(raw.split())
    # Prefix entries keep their case: capitals mean "only words written in capitals".
    if not text.endswith("*"):
        text = text.lower()
    if not text:
        raise VocabularyError(f"{where}: empty term")
    if len(text) > MAX_TERM_LENGTH:
        raise VocabularyError(f"{where}: term {text[:40]!r}... is longer than {MAX_TERM_LENGTH}")
    if not any(ch.isalnum() for ch in text):
        raise VocabularyError(f"{where}: term {text!r} has no letters or digits")
    if text.endswith("*") and (" " in text or len(text.rstrip("*")) < 3 or text.count("*") > 1):
        raise VocabularyError(
            f"{where}: term {text!r}: '*' is only allowed at the end of one word of 3+ characters"
        )
    if "*" in text[:-1]:
        raise VocabularyError(f"{where}: term {text!r}: '*' is only allowed at the end")
    if isinstance(weight, bool) or not isinstance(weight, int | float):
        raise VocabularyError(f"{where}: term {text!r}: weight {weight!r} is not a number")
    w = float(weight)
    if not math.isfinite(w) or w <= 0 or w > MAX_WEIGHT:
        raise VocabularyError(f"{where}: term {text!r}: weight {w} must be > 0 and <= {MAX_WEIGHT}")
    return Term(text, w)


def _parse_entries(entries: Any, where: str) -> tuple[Term, ...]:
    if not isinstance(entries, list):
        raise VocabularyError(f"{where}: expected a list of terms")
    terms: list[Term] = []
    seen: set[str] = set()
    for entry in entries:
        if isinstance(entry, str):
            term = _make_term(entry, 1.0, where)
        elif isinstance(entry, dict):
            unknown = set(entry) - {"term", "weight"}
            if unknown or "term" not in entry:
                raise VocabularyError(
                    f'{where}: entry {entry!r} must look like {{ term = "...", weight = 1.0 }}'
                )
            term = _make_term(entry["term"], entry.get("weight", 1.0), where)
        else:
            raise VocabularyError(f"{where}: entry {entry!r} is neither text nor {{term, weight}}")
        if term.text in seen:
            raise VocabularyError(f"{where}: term {term.text!r} is listed twice")
        seen.add(term.text)
        terms.append(term)
    return tuple(terms)


def load_vocabulary(toml_text: str) -> Vocabulary:
    """Parse the TOML vocabulary; raise VocabularyError naming the bullet/group/term at fault."""
    import tomllib  # only when a vocabulary file is read: start-up checks the shipped one's digest

    try:
        data = tomllib.loads(toml_text)
    except tomllib.TOMLDecodeError as exc:
        raise VocabularyError(f"vocabulary is not valid TOML: {exc}") from exc
    unknown = set(data) - {"bullets", "signals"}
    if unknown:
        raise VocabularyError(f"unknown top-level section(s): {', '.join(sorted(unknown))}")
    raw_bullets = data.get("bullets", {})
    raw_signals = data.get("signals", {})
    if not isinstance(raw_bullets, dict) or not isinstance(raw_signals, dict):
        raise VocabularyError("[bullets] and [signals] must be tables")
    bullets: dict[str, dict[str, tuple[Term, ...]]] = {}
    for title, groups in raw_bullets.items():
        if not isinstance(groups, dict):
            raise VocabularyError(f"bullet {title!r}: expected groups such as terms = [...]")
        bullets[title] = {g: _parse_entries(v, f"{title}/{g}") for g, v in groups.items()}
    signals = {g: _parse_entries(v, f"signals/{g}") for g, v in raw_signals.items()}
    return Vocabulary(bullets=bullets, signals=signals)


def shipped_vocabulary_text() -> str:
    """The shipped vocabulary file as text (resources/vocabulary.toml), not parsed."""
    from triage_app.resources import shipped_file

    return shipped_file(VOCABULARY_FILE).read_text("utf-8")


_parsed: dict[str, Vocabulary] = {}


def default_vocabulary(text: str | None = None) -> Vocabulary:
    """The shipped vocabulary (resources/vocabulary.toml, or its `text` already read), parsed once
    per process: parsing and checking its 2,800 terms takes 20-30 ms."""
    if text is None:
        text = shipped_vocabulary_text()
    vocabulary = _parsed.get(text)
    if vocabulary is None:
        vocabulary = _parsed.setdefault(text, load_vocabulary(text))
    return vocabulary
