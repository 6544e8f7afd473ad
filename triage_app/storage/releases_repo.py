"""The release schedule in the knowledge base: table, seed, import (merge or replace), export, schedule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from triage_app.core.knowledge import defaults, kb_rules
from triage_app.core.knowledge.policy import Policy
from triage_app.core.releases.schedule import (
    DEFAULT_ENDING_SOON_DAYS,
    Release,
    Schedule,
    version_key,
)
from triage_app.storage import policy_repo
from triage_app.storage.errors import ValidationError
from triage_app.storage.reader import Queryable

if TYPE_CHECKING:
    from sqlite_utils import Database


TABLE = "releases"
SHIPPED_SOURCE = "prefect_releases.csv (real release dates of Prefect and prefect-helm)"
ENDING_SOON_SETTING = "ending_soon_days"


class ImportSummary(NamedTuple):
    """What an import changed, for the message shown to the user."""

    added: int
    updated: int
    removed: int
    products: tuple[str, ...]

    def describe(self) -> str:
        parts = [f"{self.added} added", f"{self.updated} updated"]
        if self.removed:
            parts.append(f"{self.removed} removed")
        return f"{', '.join(parts)} ({', '.join(self.products)})"


def create_table(db: Database) -> None:
    db.table(TABLE).create(
        {
            "product": str,
            "version": str,
            "name": str,
            "release_date": str,
            "app_version": str,
            "prerelease": int,
            "support_months": int,
            "source": str,
            "imported_at": str,
        },
        pk=("product", "version"),
        not_null={"product", "version", "release_date"},
    )


def seed_defaults(db: Database) -> None:
    """Write the shipped schedule (call inside a transaction)."""
    from triage_app.core.releases.release_csv import parse_release_csv  # first run only

    data = defaults.resource(defaults.RELEASES_FILE).read_bytes()
    releases = parse_release_csv(data, defaults.RELEASES_FILE)
    _insert(db, releases, SHIPPED_SOURCE)


def _row(r: Release, source: str, stamp: str) -> dict[str, Any]:
    return {
        "product": r.product,
        "version": r.version,
        "name": r.name,
        "release_date": r.release_date.isoformat(),
        "app_version": r.app_version,
        "prerelease": int(r.prerelease),
        "support_months": r.support_months,
        "source": source,
        "imported_at": stamp,
    }


def _insert(db: Database, releases: Sequence[Release], source: str) -> None:
    stamp = dt.datetime.now().isoformat(timespec="seconds")
    db.table(TABLE).insert_all((_row(r, source, stamp) for r in releases), replace=True)


def read_releases(db: Queryable) -> list[Release]:
    rows = db.query(
        "select product, version, name, release_date, app_version, prerelease, support_months "
        f"from {TABLE}"
    )
    out = [
        Release(
            product=r["product"],
            version=r["version"],
            release_date=dt.date.fromisoformat(r["release_date"]),
            name=r["name"] or "",
            app_version=r["app_version"] or "",
            prerelease=bool(r["prerelease"]),
            support_months=r["support_months"],
        )
        for r in rows
        if _readable(r)
    ]
    out.sort(key=lambda r: (r.product, version_key(r.version)))
    return out


def _readable(row: dict[str, Any]) -> bool:
    """False for a stored row the rules refuse (written by hand or before they existed): it is
    left out of the schedule rather than stopping every command."""
    try:
        kb_rules.release(row)
    except kb_rules.KbValueError:
        return False
    return True


def ending_soon_days(db: Queryable) -> int:
    """The 'ending soon' threshold in days, from the settings table (default 30)."""
    raw = policy_repo.get_setting(db, ENDING_SOON_SETTING)
    if raw is None:
        return DEFAULT_ENDING_SOON_DAYS
    try:
        return int(kb_rules.setting(ENDING_SOON_SETTING, raw))
    except kb_rules.KbValueError:
        return DEFAULT_ENDING_SOON_DAYS  # a hand-edited bad value must not stop the app


def set_ending_soon_days(db: Database, days: int) -> None:
    try:
        policy_repo.set_setting(db, ENDING_SOON_SETTING, str(days))
    except kb_rules.KbValueError as exc:
        raise ValidationError(str(exc), ENDING_SOON_SETTING) from None


def read_schedule(db: Queryable, policy: Policy | None = None) -> Schedule:
    """The schedule as a core object, with the policy's support duration and the ending-soon setting."""
    policy = policy or policy_repo.read_policy(db)
    return Schedule(
        tuple(read_releases(db)),
        default_months=policy.support_months,
        ending_soon_days=ending_soon_days(db),
        source=release_source(db),
    )


def release_source(db: Queryable) -> str:
    """Where the schedule came from, per source: 'prefect_releases.csv (...): 449 releases; ...'."""
    if TABLE not in db.table_names():
        return ""
    rows = db.query(
        f"select source, count(*) as n, group_concat(distinct product) as products, "
        f"max(imported_at) as at from {TABLE} group by source order by min(imported_at), source"
    )
    parts = []
    for r in rows:
        products = ", ".join(sorted((r["products"] or "").split(",")))
        parts.append(f"{r['source']}: {r['n']} releases of {products}, imported {r['at']}")
    return "; ".join(parts)


def import_releases(
    db: Database, releases: Sequence[Release], source: str, replace: bool = False
) -> ImportSummary:
    """Merge, or with `replace` substitute the schedule of the products in the file; ONE transaction.

    Replacing is per product so that a team importing its own Customer-Managed schedule keeps the
    shipped Prefect and prefect-helm dates.

    Rows are validated before this is called (core.release_csv), so this only writes. A release
    matches an existing one when product and version are equal as versions (2023.02.16 == 2023.2.16).
    """
    existing = read_releases(db)
    old_by_key = {(r.product, r.key): r for r in existing}
    new_keys = {(r.product, r.key) for r in releases}
    updated = sum(1 for k in new_keys if k in old_by_key)
    added = len(new_keys) - updated
    removed = 0
    table = db.table(TABLE)
    if replace:
        products = sorted({r.product for r in releases})
        removed = sum(1 for k in old_by_key if k[0] in products and k not in new_keys)
        marks = ", ".join("?" for _ in products)
        table.delete_where(f"product in ({marks})", products)
    else:
        # Drop the old spelling of a version the file spells differently (2023.2.16 vs 2023.02.16).
        for key in new_keys & old_by_key.keys():
            old = old_by_key[key]
            table.delete_where("product = ? and version = ?", [old.product, old.version])
    _insert(db, releases, source)
    return ImportSummary(added, updated, removed, tuple(sorted({r.product for r in releases})))


def export_releases(db: Queryable) -> list[Release]:
    return read_releases(db)
