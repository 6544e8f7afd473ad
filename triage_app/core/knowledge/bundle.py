"""Knowledge-base bundles: one versioned, checksummed JSON file to carry a team's KB between laptops.

Pure: the storage side collects sections from / applies them to the database. A section is a
list of flat rows with the fields that identify a row (its key), so diffs and merges need no
knowledge of what a section means.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from triage_app.core.knowledge import kb_rules

FORMAT = "triage-app-kb-bundle"
FORMAT_VERSION = 1

# Sections in the order they are shown and applied; the optional ones only when asked for.
SECTIONS = (
    "policy",
    "policy_facts",
    "vocabulary",
    "templates",
    "releases",
    "settings",
    "corrections",
    "history",
)
OPTIONAL_SECTIONS = ("corrections", "history")
SECTION_LABELS = {
    "policy": "Policy bullets",
    "policy_facts": "Policy facts",
    "vocabulary": "Vocabulary",
    "templates": "Templates",
    "releases": "Releases",
    "settings": "Settings",
    "corrections": "Corrections",
    "history": "History",
}
# Bookkeeping fields that differ between laptops without meaning a different knowledge base.
VOLATILE_FIELDS = frozenset({"updated_at", "imported_at"})

Scalar = str | int | float | bool | None


class BundleError(ValueError):
    """The bundle cannot be used; the message says why in one line. Nothing was changed."""


@dataclass(frozen=True)
class Section:
    """Rows of one area, each identified by the values of `key`."""

    key: tuple[str, ...]
    rows: tuple[dict[str, Scalar], ...]

    def keyed(self) -> dict[tuple[Scalar, ...], dict[str, Scalar]]:
        return {tuple(r.get(k) for k in self.key): r for r in self.rows}

    def to_json(self) -> dict[str, Any]:
        return {"key": list(self.key), "rows": [dict(r) for r in self.rows]}


@dataclass(frozen=True)
class Bundle:
    sections: dict[str, Section]
    migrations: tuple[str, ...] = ()  # the schema the bundle was written with
    created_at: str = ""
    app_version: str = ""
    format_version: int = FORMAT_VERSION


def canonical(content: Mapping[str, Any]) -> bytes:
    """The bytes the checksum covers: sorted keys, no whitespace, UTF-8."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _content(bundle: Bundle) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "format_version": bundle.format_version,
        "migrations": list(bundle.migrations),
        "sections": {name: s.to_json() for name, s in bundle.sections.items()},
    }


def checksum(bundle: Bundle) -> str:
    return "sha256:" + hashlib.sha256(canonical(_content(bundle))).hexdigest()


def dumps(bundle: Bundle) -> str:
    """The bundle file's text: readable JSON with the checksum over its canonical content."""
    obj = _content(bundle)
    obj["created_at"] = bundle.created_at
    obj["app_version"] = bundle.app_version
    obj["checksum"] = checksum(bundle)
    return json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def _fail(message: str) -> BundleError:
    return BundleError(message)


def _section(name: str, raw: object) -> Section:
    if not isinstance(raw, dict) or not isinstance(raw.get("rows"), list):
        raise _fail(f"section {name!r} is malformed (expected an object with 'key' and 'rows')")
    key = raw.get("key")
    if not isinstance(key, list) or not key or not all(isinstance(k, str) for k in key):
        raise _fail(f"section {name!r} has no valid 'key' (a list of field names)")
    rows: list[dict[str, Scalar]] = []
    seen: set[tuple[Scalar, ...]] = set()
    for n, row in enumerate(raw["rows"], start=1):
        if not isinstance(row, dict):
            raise _fail(f"section {name!r}, row {n}: not an object")
        for field_name, value in row.items():
            if not isinstance(value, str | int | float | bool) and value is not None:
                raise _fail(f"section {name!r}, row {n}: field {field_name!r} is not a plain value")
        missing = [k for k in key if row.get(k) is None]
        if missing:
            raise _fail(f"section {name!r}, row {n}: missing {', '.join(missing)}")
        ident = tuple(row[k] for k in key)
        if ident in seen:
            raise _fail(
                f"section {name!r}, row {n}: duplicate {dict(zip(key, ident, strict=True))}"
            )
        seen.add(ident)
        rows.append(row)
    return Section(tuple(key), tuple(rows))


def loads(text: str | bytes, known_migrations: Iterable[str] | None = None) -> Bundle:
    """Parse and verify a bundle; raise BundleError (malformed, newer, wrong checksum)."""
    if isinstance(text, bytes):
        if b"\x00" in text[:8192]:
            raise _fail("this is a binary file, not a triage-app bundle")
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise _fail(f"not UTF-8 text (byte {exc.start})") from None
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _fail(f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise _fail("not a triage-app bundle: the JSON is nested too deeply") from None
    except ValueError:  # an integer of more than 4,300 digits
        raise _fail("not a triage-app bundle: it holds a number too long to read") from None
    if not isinstance(obj, dict) or obj.get("format") != FORMAT:
        raise _fail("not a triage-app knowledge-base bundle (no 'format' marker)")
    version = obj.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _fail("the bundle has no valid format_version")
    if version > FORMAT_VERSION:
        raise _fail(
            f"the bundle was written by a newer triage-app (format {kb_rules.shown(version)}; "
            "this one reads up "
            f"to {FORMAT_VERSION}). Update triage-app to import it."
        )
    migrations = obj.get("migrations", [])
    if not isinstance(migrations, list) or not all(isinstance(m, str) for m in migrations):
        raise _fail("the bundle's 'migrations' list is malformed")
    if known_migrations is not None:
        unknown = sorted(set(migrations) - set(known_migrations))
        if unknown:
            raise _fail(
                "the bundle comes from a knowledge base with a newer schema "
                f"({', '.join(unknown)}). Update triage-app to import it."
            )
    raw_sections = obj.get("sections")
    if not isinstance(raw_sections, dict):
        raise _fail("the bundle has no 'sections' object")
    strange = sorted(set(raw_sections) - set(SECTIONS))
    if strange:
        raise _fail(f"unknown section(s) {', '.join(strange)}")
    sections = {
        name: _section(name, raw_sections[name]) for name in SECTIONS if name in raw_sections
    }
    bundle = Bundle(
        sections,
        tuple(migrations),
        str(obj.get("created_at", "")),
        str(obj.get("app_version", "")),
        version,
    )
    stated = obj.get("checksum")
    if not isinstance(stated, str):
        raise _fail("the bundle has no checksum")
    # The checksum is over the sections exactly as parsed, so editing any value breaks it.
    expected = (
        "sha256:"
        + hashlib.sha256(
            canonical(
                {
                    "format": FORMAT,
                    "format_version": version,
                    "migrations": migrations,
                    "sections": raw_sections,
                }
            )
        ).hexdigest()
    )
    if stated != expected:
        raise _fail("wrong checksum: the bundle was changed or damaged after it was exported")
    # The values themselves, with the same rules as every other way into the knowledge base.
    for name, section in sections.items():
        try:
            kb_rules.check_rows(name, section.rows)
        except kb_rules.KbValueError as exc:
            raise _fail(str(exc)) from None
    return bundle


@dataclass(frozen=True)
class SectionDiff:
    added: tuple[tuple[Scalar, ...], ...] = ()
    changed: tuple[tuple[Scalar, ...], ...] = ()
    removed: tuple[tuple[Scalar, ...], ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.changed or self.removed)


@dataclass(frozen=True)
class BundleDiff:
    """Per section: rows the import adds, changes and (only when replacing) removes."""

    mode: str
    sections: dict[str, SectionDiff] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return all(d.is_empty for d in self.sections.values())

    def describe(self, examples: int = 5) -> str:
        lines = [f"Import ({self.mode}) would change:"]
        for name, d in self.sections.items():
            label = SECTION_LABELS.get(name, name)
            counts = f"{len(d.added)} added, {len(d.changed)} changed, {len(d.removed)} removed"
            lines.append(f"  {label}: {counts}" if not d.is_empty else f"  {label}: no changes")
            for sign, keys in (("+", d.added), ("~", d.changed), ("-", d.removed)):
                for k in keys[:examples]:
                    lines.append(f"      {sign} {_show_key(k)}")
                if len(keys) > examples:
                    lines.append(f"      {sign} ... and {len(keys) - examples} more")
        if self.is_empty:
            lines.append("  nothing: the knowledge base already matches the bundle")
        return "\n".join(lines)


def _show_key(key: tuple[Scalar, ...]) -> str:
    text = " / ".join(" ".join(str(v).split()) for v in key)
    return text if len(text) <= 90 else text[:87] + "..."


def _meaningful(row: Mapping[str, Scalar]) -> dict[str, Scalar]:
    return {k: v for k, v in row.items() if k not in VOLATILE_FIELDS}


def diff(current: Mapping[str, Section], bundle: Bundle, mode: str = "merge") -> BundleDiff:
    """What importing `bundle` into a KB whose sections are `current` would change."""
    if mode not in ("merge", "replace"):
        raise ValueError(f"unknown import mode {mode!r}")
    out: dict[str, SectionDiff] = {}
    for name in SECTIONS:
        incoming = bundle.sections.get(name)
        if incoming is None:
            continue
        here = current.get(name, Section(incoming.key, ())).keyed()
        there = incoming.keyed()
        added = tuple(k for k in there if k not in here)
        changed = tuple(
            k for k in there if k in here and _meaningful(here[k]) != _meaningful(there[k])
        )
        removed = tuple(k for k in here if k not in there) if mode == "replace" else ()
        out[name] = SectionDiff(added, changed, removed)
    return BundleDiff(mode, out)
