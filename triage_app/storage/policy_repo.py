"""Policy, vocabulary and settings in the knowledge base: read them back as core objects, write them whole."""

from __future__ import annotations

import binascii
import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from triage_app.core.knowledge import kb_rules
from triage_app.core.knowledge.policy import Bullet, Policy, PolicyDiff, diff_policies
from triage_app.core.releases.schedule import DEFAULT_SUPPORT_MONTHS
from triage_app.core.triage.vocabulary import Vocabulary, VocabularyError
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
    return Policy(
        bullets=bullets,
        support_months=_stored_months(get_setting(db, "support_months"), facts),
        support_email=facts.get("support_email", ""),
        escalation=facts.get("escalation", ""),
        spans_note=facts.get("spans_note", ""),
        in_scope_intro=facts.get("in_scope_intro", ""),
        out_of_scope_intro=facts.get("out_of_scope_intro", ""),
        raw_text=facts.get("raw_text", ""),
    )


def _stored_months(setting: str | None, facts: dict[str, Any]) -> int:
    """The setting, else the policy's own duration; a stored value out of range is passed over."""
    for raw in (setting, facts.get("support_months")):
        if raw:
            try:
                return kb_rules.support_months(raw)
            except kb_rules.KbValueError:
                continue
    return DEFAULT_SUPPORT_MONTHS


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
        [[r["bullet"], r["grp"], r["term"], _number(r["weight"])] for r in rows], ensure_ascii=False
    )
    import hashlib  # only when the vocabulary is seeded or compared, never on a plain start

    return hashlib.sha256(canonical.encode()).hexdigest()


def _number(weight: Any) -> Any:
    # A weight that is not a number (a damaged row) cannot match a seeded fingerprint anyway.
    return float(weight) if isinstance(weight, int | float) else repr(weight)


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
SHIPPED_SOURCE_KEY = "vocabulary_shipped_source"


def source_digest(text: str) -> str:
    """The shipped file's length and CRC-32: it only has to notice that a new release ships another
    file (our own, never crafted), at every start, without importing hashlib (2.5 ms). A file
    looked at under the earlier SHA-256 key is looked at once more, then recorded this way."""
    data = text.encode("utf-8")
    return f"crc32:{len(data)}:{binascii.crc32(data):08x}"


def shipped_source_checked(db: Queryable, digest: str) -> bool:
    """True when the shipped vocabulary file with this digest was already looked at here."""
    row = db.execute("select value from meta where key = ?", [SHIPPED_SOURCE_KEY]).fetchone()
    return row is not None and row[0] == digest


def mark_shipped_source(db: Database, digest: str) -> None:
    db.table("meta").insert({"key": SHIPPED_SOURCE_KEY, "value": digest}, replace=True)


def read_vocabulary(db: Queryable, skipped: list[str] | None = None) -> Vocabulary:
    """The stored vocabulary. A row the rules refuse (a file written before they existed, or by
    hand) is left out, and said in `skipped`, so triage, `kb import` and `kb reset-vocabulary`
    still work."""
    rows = list(db.query("select bullet, grp, term, weight from vocabulary order by id"))
    try:
        return Vocabulary.from_rows(rows)
    except VocabularyError:
        good, bad = _vocabulary_rows(db)
        if skipped is not None:
            skipped.append(
                f"{len(bad)} vocabulary row(s) break the rules and are left out ({bad[0]}). "
                "Repair with `triage-app kb reset-vocabulary` or by importing a good bundle."
            )
        return Vocabulary.from_rows(good)


def invalid_vocabulary_rows(db: Queryable) -> list[str]:
    """One line per stored vocabulary row the rules refuse (what read_vocabulary leaves out)."""
    return _vocabulary_rows(db)[1]


def _vocabulary_rows(db: Queryable) -> tuple[list[dict[str, Any]], list[str]]:
    good: list[dict[str, Any]] = []
    bad: list[str] = []
    for row in db.query("select id, bullet, grp, term, weight from vocabulary order by id"):
        try:
            kb_rules.vocabulary_term(row)
        except kb_rules.KbValueError as exc:
            bad.append(f"vocabulary row {row['id']}: {exc}")
        else:
            good.append(row)
    return good, bad


def reset_vocabulary(db: Database, shipped: Vocabulary) -> int:
    """Replace the whole vocabulary with the shipped one (call inside a transaction); return the
    number of stored rows it replaced."""
    replaced = db.table("vocabulary").count
    write_vocabulary(db, shipped, shipped=True)
    return replaced


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
    """Store one setting (call inside a transaction); kb_rules.KbValueError if not allowed."""
    db.table("settings").insert({"key": key, "value": kb_rules.setting(key, value)}, replace=True)
