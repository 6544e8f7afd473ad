"""The support policy: parse a text shaped like support_scope.txt into bullets and header facts."""

from __future__ import annotations

import binascii
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from rapidfuzz import fuzz

from triage_app.core.knowledge import kb_rules

IN_SCOPE = "in_scope"
OUT_OF_SCOPE = "out_of_scope"
SIDES = (IN_SCOPE, OUT_OF_SCOPE)

_IN_HEADING = re.compile(r"^\s*what'?s\s+in\s+scope\s*$", re.IGNORECASE)
_OUT_HEADING = re.compile(r"^\s*what'?s\s+out\s+of\s+scope\s*$", re.IGNORECASE)
_NOTE_HEADING = re.compile(r"^\s*note\s*$", re.IGNORECASE)
# A bullet is a marker, then "Title: description". The title is everything up to the first colon,
# found with str.partition, not a regex: the old one-regex form was cubic on a line of spaces.
_BULLET_MARKER = re.compile(r"\s*+(?:[•*\-–·]|\d++[.)])")
_MAX_TITLE = 120
# The sign is read too, so "supported for -6 months" is refused, not read as the default.
_MONTHS = re.compile(r"supported\s+for\s+(?P<n>[-+]?\w+)\s+months?", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}


class PolicyParseError(ValueError):
    """The text does not look like a support policy (no scope sections or no bullets)."""


class Bullet(NamedTuple):
    """One policy bullet, verbatim: its side, the words before the colon, and the rest."""

    side: str
    title: str
    description: str
    position: int = 0

    @property
    def text(self) -> str:
        return f"{self.title}: {self.description}"


@dataclass(frozen=True)
class Policy:
    """The whole policy: bullets plus the facts in its header and note."""

    bullets: tuple[Bullet, ...]
    support_months: int = 6
    support_email: str = "support@prefect.io"
    escalation: str = ""
    spans_note: str = ""
    in_scope_intro: str = ""
    out_of_scope_intro: str = ""
    raw_text: str = field(default="", repr=False, compare=False)

    @property
    def version(self) -> str:
        """A short content hash, shown in the status bar so a team can tell policies apart. A CRC-32
        (eight hex digits, as before): a SHA-256 cut to eight digits told them apart no better, and
        its OpenSSL import was 2.5 ms of every start."""
        return f"{binascii.crc32(chr(10).join(b.text for b in self.bullets).encode()):08x}"

    def bullet(self, title: str) -> Bullet | None:
        for b in self.bullets:
            if b.title == title:
                return b
        return None

    def side_of(self, title: str) -> str | None:
        b = self.bullet(title)
        return b.side if b else None

    def by_side(self, side: str) -> list[Bullet]:
        return [b for b in self.bullets if b.side == side]


def _bullet_parts(line: str) -> tuple[str, str] | None:
    """(title, description) of a bullet line, or None when the line is not one."""
    marker = _BULLET_MARKER.match(line)
    if not marker:
        return None
    before, colon, after = line[marker.end() :].partition(":")
    title = before.strip()
    # As the regex read it: at least two characters before the colon (spaces count), one after.
    if not colon or len(before) < 2 or not 1 <= len(title) <= _MAX_TITLE or not after:
        return None
    return title, after.strip()


def parse_policy(text: str) -> Policy:
    """Parse policy text; raise PolicyParseError when sections or bullets are missing."""
    if "\x00" in text:
        raise PolicyParseError("the file is binary, not a policy text")
    lines = text.splitlines()
    section: str | None = None
    header: list[str] = []
    note: list[str] = []
    intros: dict[str, list[str]] = {IN_SCOPE: [], OUT_OF_SCOPE: []}
    bullets: list[Bullet] = []
    seen_sections: set[str] = set()
    for line in lines:
        if _IN_HEADING.match(line):
            section = IN_SCOPE
            seen_sections.add(section)
            continue
        if _OUT_HEADING.match(line):
            section = OUT_OF_SCOPE
            seen_sections.add(section)
            continue
        if _NOTE_HEADING.match(line):
            section = "note"
            continue
        stripped = line.strip()
        if not stripped:
            continue
        if section is None:
            header.append(stripped)
        elif section == "note":
            note.append(stripped)
        else:
            parts = _bullet_parts(line)
            if parts:
                bullets.append(Bullet(section, *parts, len(bullets)))
            else:
                intros[section].append(stripped)
    missing = {IN_SCOPE, OUT_OF_SCOPE} - seen_sections
    if missing:
        names = " and ".join(
            '"What\'s in Scope"' if s == IN_SCOPE else '"What\'s out of Scope"'
            for s in sorted(missing)
        )
        raise PolicyParseError(f"no {names} section found")
    for side in SIDES:
        if not any(b.side == side for b in bullets):
            raise PolicyParseError(f"no bullets ('Title: description') under the {side} section")
    titles = [b.title for b in bullets]
    dupes = sorted({t for t in titles if titles.count(t) > 1})
    if dupes:
        raise PolicyParseError(f"duplicate bullet title(s): {', '.join(dupes)}")

    header_text = " ".join(header)
    months = 6
    m = _MONTHS.search(header_text)
    if m:
        word = m.group("n").lower()
        try:
            months = kb_rules.support_months(_NUMBER_WORDS.get(word, word))
        except kb_rules.KbValueError as exc:
            raise PolicyParseError(f"{exc} (the policy says {m.group(0)[:60]!r})") from None
    email_match = _EMAIL.search(header_text)
    escalation = next((h for h in header if "escalation" in h.lower() or "@" in h), "")
    return Policy(
        bullets=tuple(bullets),
        support_months=months,
        support_email=email_match.group(0) if email_match else "",
        escalation=escalation,
        spans_note=" ".join(note),
        in_scope_intro=" ".join(intros[IN_SCOPE]),
        out_of_scope_intro=" ".join(intros[OUT_OF_SCOPE]),
        raw_text=text,
    )


class PolicyDiff(NamedTuple):
    """What importing a new policy would change, bullet by bullet."""

    added: tuple[Bullet, ...]
    removed: tuple[Bullet, ...]
    reworded: tuple[tuple[Bullet, Bullet], ...]  # (old, new) with the same title
    header_changed: bool
    # (old, new): a new title on the same side over the same (or nearly the same) description
    renamed: tuple[tuple[Bullet, Bullet], ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (
            self.added or self.removed or self.reworded or self.renamed or self.header_changed
        )

    def describe(self) -> str:
        lines: list[str] = []
        for b in self.added:
            lines.append(f"+ added   [{b.side}] {b.title}: {b.description}")
        for b in self.removed:
            lines.append(f"- removed [{b.side}] {b.title}")
        for old, new in self.reworded:
            if old.side != new.side:
                lines.append(f"~ moved   {new.title}: {old.side} -> {new.side}")
            if old.description != new.description:
                lines.append(
                    f"~ reworded {new.title}:\n    was: {old.description}\n    now: {new.description}"
                )
        for old, new in self.renamed:
            lines.append(f"~ renamed  {old.title} -> {new.title}")
            if old.description != new.description:
                lines.append(f"    was: {old.description}\n    now: {new.description}")
        if self.header_changed:
            lines.append("~ header facts changed (support duration, contacts or note)")
        return "\n".join(lines) if lines else "no changes"


def diff_policies(old: Policy, new: Policy) -> PolicyDiff:
    old_by = {b.title: b for b in old.bullets}
    new_by = {b.title: b for b in new.bullets}
    added = tuple(b for t, b in new_by.items() if t not in old_by)
    removed = tuple(b for t, b in old_by.items() if t not in new_by)
    renamed = _pair_renamed(removed, added)
    if renamed:
        added = tuple(b for b in added if all(b is not n for _, n in renamed))
        removed = tuple(b for b in removed if all(b is not o for o, _ in renamed))
    reworded = tuple(
        (old_by[t], b)
        for t, b in new_by.items()
        if t in old_by and (old_by[t].description != b.description or old_by[t].side != b.side)
    )
    header_changed = (old.support_months, old.support_email, old.spans_note, old.escalation) != (
        new.support_months,
        new.support_email,
        new.spans_note,
        new.escalation,
    )
    return PolicyDiff(added, removed, reworded, header_changed, renamed)


RENAME_MIN_SIMILARITY = 90.0  # rapidfuzz ratio of two descriptions that make one bullet


def _pair_renamed(
    removed: tuple[Bullet, ...], added: tuple[Bullet, ...]
) -> tuple[tuple[Bullet, Bullet], ...]:
    """Pairs (old, new) of a removed and an added bullet that are one bullet under a new title.

    Same side, descriptions identical or nearly so; the most similar pairs are taken first and
    each bullet is used once, so the result does not depend on the bullets' order.
    """
    candidates = sorted(
        (
            (fuzz.ratio(o.description, n.description), i, j)
            for i, o in enumerate(removed)
            for j, n in enumerate(added)
            if o.side == n.side
        ),
        key=lambda c: (-c[0], c[1], c[2]),
    )
    used_old: set[int] = set()
    used_new: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for score, i, j in candidates:
        if score < RENAME_MIN_SIMILARITY:
            break
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        pairs.append((i, j))
    return tuple((removed[i], added[j]) for i, j in sorted(pairs, key=lambda p: p[1]))
