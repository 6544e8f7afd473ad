"""Reply templates in the knowledge base: read the set, save with validation, reset to the shipped default."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from triage_app.core.replies import templates as tpl
from triage_app.storage.errors import ValidationError
from triage_app.storage.reader import Queryable

if TYPE_CHECKING:
    from sqlite_utils import Database


TABLE = "templates"


def create_table(db: Database) -> None:
    db.table(TABLE).create(
        {"name": str, "body": str, "customized": int, "updated_at": str}, pk="name"
    )


def seed_defaults(db: Database) -> None:
    """Insert the shipped default of every template not stored yet (call inside a transaction)."""
    now = dt.datetime.now().isoformat(timespec="seconds")
    stored = {r["name"] for r in db.query(f"select name from {TABLE}")}
    db.table(TABLE).insert_all(
        {"name": name, "body": body, "customized": 0, "updated_at": now}
        for name, body in tpl.shipped_templates().items()
        if name not in stored
    )


def read_templates(db: Queryable) -> dict[str, str]:
    """The template set: the team's edits, else the shipped default of this version of the app.

    Templates nobody edited follow the shipped defaults, so an app update that improves a default
    reaches existing knowledge bases; a missing row also falls back to the default.
    """
    stored = {
        r["name"]: r["body"]
        for r in db.query(f"select name, body from {TABLE} where customized = 1")
    }
    shipped = tpl.shipped_templates()
    return {name: stored.get(name, shipped[name]) for name in tpl.TEMPLATE_NAMES}


def customized(db: Queryable) -> set[str]:
    """Names of the templates the team changed (the editor offers 'reset to default' for them)."""
    return {r["name"] for r in db.query(f"select name from {TABLE} where customized = 1")}


def save_templates(db: Database, changes: Mapping[str, str]) -> None:
    """Validate the whole set with `changes` applied, then write them; nothing is written on error.

    Call inside one transaction (kb.transaction()), so a batch of edits lands together or not at all.
    """
    unknown = sorted(set(changes) - set(tpl.TEMPLATE_NAMES))
    if unknown:
        raise ValidationError(f"no such template: {', '.join(unknown)}")
    merged = {**read_templates(db), **changes}
    try:
        tpl.validate_set(merged)
    except tpl.TemplateError as exc:
        where = f"{exc.template}:{exc.line}" if exc.line else exc.template
        raise ValidationError(exc.detail, where=where) from exc
    shipped = tpl.shipped_templates()
    now = dt.datetime.now().isoformat(timespec="seconds")
    db.table(TABLE).insert_all(
        (
            {
                "name": name,
                "body": body,
                "customized": int(body != shipped[name]),
                "updated_at": now,
            }
            for name, body in changes.items()
        ),
        replace=True,
    )


def save_template(db: Database, name: str, body: str) -> None:
    save_templates(db, {name: body})


def reset_template(db: Database, name: str) -> str:
    """Put the shipped default back for `name`; return it."""
    if name not in tpl.TEMPLATE_NAMES:
        raise ValidationError(f"no such template: {name}")
    body = tpl.shipped_templates()[name]
    save_templates(db, {name: body})
    return body
