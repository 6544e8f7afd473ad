"""Policy, vocabulary and settings in the knowledge base: read them back as core objects, write them whole."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import TYPE_CHECKING, Any

from triage_app.core.policy import Bullet, Policy, PolicyDiff, diff_policies
from triage_app.core.vocabulary import Vocabulary
from triage_app.storage.reader import Queryable

if TYPE_CHECKING:
    from sqlite_utils import Database


def write_policy(db: Database, policy: Policy, source: str) -> None:
    """Replace bullets and header facts (call inside a transaction)."""

    db.table("bullets").delete_where()
    db.table("bullets").insert_all(
        {"title": b.title, "side": b.side, "description": b.description, "position": b.position}
        for b in policy.bullets
    )
    facts = {
        "support_months": str(policy.support_months),
        "support_email": policy.support_email,
        "escalation": policy.escalation,
        "spans_note": policy.spans_note,
        "in_scope_intro": policy.in_scope_intro,
        "out_of_scope_intro": policy.out_of_scope_intro,
        "raw_text": policy.raw_text,
        "source": source,
        "imported_at": dt.datetime.now().isoformat(timespec="seconds"),
    }
    db.table("policy_facts").insert_all(
        ({"key": k, "value": v} for k, v in facts.items()), replace=True
    )


def read_policy(db: Queryable) -> Policy:
    facts = {r["key"]: r["value"] for r in db.query("select key, value from policy_facts")}
    bullets = tuple(
        Bullet(r["side"], r["title"], r["description"], r["position"])
        for r in db.query("select * from bullets order by side, position")
    )
    months_setting = get_setting(db, "support_months")
    months = months_setting or facts.get("support_months") or "6"
    return Policy(
        bullets=bullets,
        support_months=int(months),
        support_email=facts.get("support_email", ""),
        escalation=facts.get("escalation", ""),
        spans_note=facts.get("spans_note", ""),
        in_scope_intro=facts.get("in_scope_intro", ""),
        out_of_scope_intro=facts.get("out_of_scope_intro", ""),
        raw_text=facts.get("raw_text", ""),
    )


def policy_source(db: Queryable) -> str:
    rows = list(db.query("select value from policy_facts where key = 'source'"))
    return rows[0]["value"] if rows else ""


SHIPPED_VOCABULARY_KEY = "vocabulary_shipped_fingerprint"


def write_vocabulary(db: Database, vocabulary: Vocabulary, shipped: bool = False) -> None:
    """Replace the whole vocabulary (call inside a transaction).

    `shipped` marks it as the unedited shipped vocabulary, so a later release can update it.
    """
    rows = vocabulary.to_rows()
    db.table("vocabulary").delete_where()
    db.table("vocabulary").insert_all(rows)
    if shipped:
        db.table("meta").insert(
            {"key": SHIPPED_VOCABULARY_KEY, "value": _fingerprint(rows)}, replace=True
        )


def _fingerprint(rows: list[dict[str, Any]]) -> str:
    canonical = json.dumps(
        [[r["bullet"], r["grp"], r["term"], float(r["weight"])] for r in rows], ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def refresh_shipped_vocabulary(db: Database, shipped: Vocabulary) -> bool:
    """Bring an unedited shipped vocabulary up to the one this release ships; True if it changed.

    A vocabulary the team edited (its rows differ from what was seeded) is never touched.
    """
    rows = list(db.query("select bullet, grp, term, weight from vocabulary order by id"))
    seeded = db.execute("select value from meta where key = ?", [SHIPPED_VOCABULARY_KEY]).fetchone()
    if seeded is None or seeded[0] != _fingerprint(rows):
        return False
    new_rows = shipped.to_rows()
    if _fingerprint(new_rows) == seeded[0]:
        return False
    write_vocabulary(db, shipped, shipped=True)
    return True


# The digest of the shipped vocabulary file this knowledge base was last brought up to date with:
# while it is the same, start-up neither parses the file nor compares the stored rows.
SHIPPED_SOURCE_KEY = "vocabulary_shipped_source_sha256"


def source_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def shipped_source_checked(db: Queryable, digest: str) -> bool:
    """True when the shipped vocabulary file with this digest was already looked at here."""
    row = db.execute("select value from meta where key = ?", [SHIPPED_SOURCE_KEY]).fetchone()
    return row is not None and row[0] == digest


def mark_shipped_source(db: Database, digest: str) -> None:
    db.table("meta").insert({"key": SHIPPED_SOURCE_KEY, "value": digest}, replace=True)


def read_vocabulary(db: Queryable) -> Vocabulary:
    rows = db.query("select bullet, grp, term, weight from vocabulary order by id")
    return Vocabulary.from_rows(list(rows))


def import_policy(db: Database, new: Policy, source: str) -> PolicyDiff:
    """Replace the policy, keeping the vocabulary of bullets that still exist; return the diff."""
    old = read_policy(db)
    diff = diff_policies(old, new)
    write_policy(db, new, source)
    # Vocabulary of removed bullets goes; general signals (bullet "") and kept bullets stay.
    for b in diff.removed:
        db.table("vocabulary").delete_where("bullet = ?", [b.title])
    # A renamed bullet is still the same bullet: its terms move to the new title. History and
    # corrections keep the title they were written with (plain text, no foreign key).
    for old_b, new_b in diff.renamed:
        db.execute("update vocabulary set bullet = ? where bullet = ?", [new_b.title, old_b.title])
    return diff


def get_setting(db: Queryable, key: str, default: str | None = None) -> str | None:
    rows = list(db.query("select value from settings where key = ?", [key]))
    return rows[0]["value"] if rows else default


def set_setting(db: Database, key: str, value: str) -> None:
    db.table("settings").insert({"key": key, "value": value}, replace=True)
