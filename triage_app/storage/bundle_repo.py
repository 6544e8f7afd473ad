"""Collect a knowledge-base bundle from the database, and apply one (merge or replace) in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from triage_app import __version__
from triage_app.core.knowledge import kb_rules
from triage_app.core.knowledge.bundle import (
    OPTIONAL_SECTIONS,
    SECTIONS,
    Bundle,
    BundleDiff,
    BundleError,
    Scalar,
    Section,
    diff,
)
from triage_app.core.knowledge.policy import SIDES
from triage_app.storage import history_repo, templates_repo
from triage_app.storage.errors import ValidationError

if TYPE_CHECKING:
    from sqlite_utils import Database

# Settings that describe one laptop (folders, paths), not the team's knowledge: never carried.
LOCAL_SETTING_SUFFIXES = ("_dir", "_folder", "_path", "_geometry")


@dataclass(frozen=True)
class SectionSpec:
    table: str
    key: tuple[str, ...]
    drop: tuple[str, ...] = ()  # local row ids and links that mean nothing on another laptop
    surrogate: bool = False  # the table's primary key is a row id, not `key`


SPECS: dict[str, SectionSpec] = {
    "policy": SectionSpec("bullets", ("title",)),
    "policy_facts": SectionSpec("policy_facts", ("key",)),
    "vocabulary": SectionSpec("vocabulary", ("bullet", "grp", "term"), ("id",), True),
    "templates": SectionSpec("templates", ("name",)),
    "releases": SectionSpec("releases", ("product", "version")),
    "settings": SectionSpec("settings", ("key",)),
    "corrections": SectionSpec("corrections", ("created_at", "ticket"), ("id", "triage_id"), True),
    "history": SectionSpec(
        history_repo.TRIAGES,
        ("created_at", "source", "ticket", "variables_json"),
        ("id",),
        True,
    ),
}


def _is_local_setting(key: object) -> bool:
    return isinstance(key, str) and key.endswith(LOCAL_SETTING_SUFFIXES)


def _rows(db: Database, name: str) -> list[dict[str, Scalar]]:
    spec = SPECS[name]
    if spec.table not in db.table_names():
        return []
    rows: dict[tuple[Any, ...], dict[str, Scalar]] = {}
    # Oldest first, so of two indistinguishable rows the newest one is kept.
    order = "id" if spec.surrogate else ", ".join(spec.key)
    for r in db.query(f"select * from [{spec.table}] order by {order}"):
        row = {k: v for k, v in r.items() if k not in spec.drop}
        if name == "history":
            row = history_repo.bundle_row(row)
        if name == "settings" and _is_local_setting(row.get("key")):
            continue
        rows[tuple(row.get(k) for k in spec.key)] = row
    if spec.surrogate:
        # Row order is meaning here (the engine reads vocabulary in id order): keep it.
        return list(rows.values())
    return [rows[k] for k in sorted(rows, key=lambda k: tuple(str(v) for v in k))]


def current_sections(db: Database, names: Iterable[str] = SECTIONS) -> dict[str, Section]:
    return {name: Section(SPECS[name].key, tuple(_rows(db, name))) for name in names}


def collect(db: Database, with_corrections: bool = False, with_history: bool = False) -> Bundle:
    """The bundle of this knowledge base; corrections and history only when asked for."""
    names = [
        n
        for n in SECTIONS
        if n not in OPTIONAL_SECTIONS
        or (n == "corrections" and with_corrections)
        or (n == "history" and with_history)
    ]
    migrations = tuple(r["name"] for r in db.query("select name from migrations order by id"))
    return Bundle(
        current_sections(db, names),
        migrations,
        dt.datetime.now().isoformat(timespec="seconds"),
        __version__,
    )


def known_migrations(db: Database) -> list[str]:
    from triage_app.storage.migrations import MIGRATIONS

    return [name for name, _ in MIGRATIONS]


def preview(db: Database, bundle: Bundle, mode: str) -> BundleDiff:
    return diff(current_sections(db, bundle.sections), bundle, mode)


def _check_columns(db: Database, name: str, section: Section) -> None:
    spec = SPECS[name]
    if section.key != spec.key:
        raise BundleError(
            f"section {name!r} is keyed by {', '.join(section.key)}; expected {', '.join(spec.key)}"
        )
    columns = set(db.table(spec.table).columns_dict)
    for n, row in enumerate(section.rows, start=1):
        unknown = sorted(set(row) - columns)
        if unknown:
            raise BundleError(
                f"section {name!r}, row {n}: field(s) {', '.join(unknown)} unknown to this "
                "knowledge base"
            )


def _validate(name: str, section: Section) -> None:
    """Domain checks before anything is written: the knowledge base's rules, and no local setting."""
    try:
        kb_rules.check_rows(name, section.rows)
    except kb_rules.KbValueError as exc:
        raise BundleError(str(exc)) from None
    if name == "settings":
        for n, row in enumerate(section.rows, start=1):
            if _is_local_setting(row.get("key")):
                raise BundleError(
                    f"section 'settings', row {n}: {row.get('key')!r} is a setting of one laptop"
                )


def _apply_section(db: Database, name: str, section: Section, mode: str) -> None:
    spec = SPECS[name]
    table = db.table(spec.table)
    rows = [dict(r) for r in section.rows]
    if name == "history":
        rows = [history_repo.packed_row(r) for r in rows]
    if name == "templates":
        # Through the drafting area's own save, so its placeholder check refuses bad templates.
        if mode == "replace":
            table.delete_where()
        try:
            templates_repo.save_templates(
                db, {str(r["name"]): str(r.get("body") or "") for r in rows}
            )
        except ValidationError as exc:
            raise BundleError(f"section 'templates': {exc}") from None
        return
    if mode == "replace":
        if name == "history":
            history_repo.delete_all(db)
        elif name == "settings":
            # Local settings stay: they were never in the bundle.
            for key in [r["key"] for r in db.query("select key from settings")]:
                if not _is_local_setting(key):
                    table.delete(key)
        else:
            table.delete_where()
        if rows:
            table.insert_all(rows)
        return
    if not spec.surrogate:
        if rows:
            table.upsert_all(rows, pk=spec.key)
        return
    where = " and ".join(f"[{k}] = ?" for k in spec.key)
    for row in rows:
        found = list(
            db.query(f"select id from [{spec.table}] where {where}", [row[k] for k in spec.key])
        )
        if found:
            table.update(found[0]["id"], row)
        else:
            table.insert(row)


def apply(db: Database, bundle: Bundle, mode: str) -> BundleDiff:
    """Merge or replace every section of `bundle` (call inside ONE transaction); return the diff.

    Replace makes each section in the bundle exactly the bundle's; sections not in the bundle
    (history, unless it was exported) are left alone. Any problem raises before the transaction
    commits, so the knowledge base is unchanged.
    """
    if mode not in ("merge", "replace"):
        raise ValueError(f"unknown import mode {mode!r}")
    changes = preview(db, bundle, mode)
    for name, section in bundle.sections.items():
        _check_columns(db, name, section)
        _validate(name, section)
    for name, section in bundle.sections.items():
        _apply_section(db, name, section, mode)
    sides = {r["side"] for r in db.query("select distinct side from bullets")}
    if not set(SIDES) <= sides:
        raise BundleError(
            "the result would have no in-scope or no out-of-scope bullets; nothing was imported"
        )
    return changes
