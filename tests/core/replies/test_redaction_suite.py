"""The redaction suite (tests/data/redaction_suite.jsonl): every secret masked, no look-alike touched,
and nothing of the suite in any exported message (subject, body, file name), in every format."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from pathlib import Path

import pytest

from benchmarks.compare_redaction import leaked, load_suite
from triage_app.core.replies import export
from triage_app.core.replies import redaction as r

SUITE = load_suite()
SECRETS = [e for e in SUITE if e["kind"] == "secret"]
LOOK_ALIKES = [e for e in SUITE if e["kind"] == "lookalike"]
PERSONAL = [e for e in SUITE if e["kind"] == "personal"]
DRAFT = "Hi,\n\nthanks for the details.\n\nBest regards,\nBo\n"
WHEN = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)


def test_the_suite_has_the_size_the_issue_asks_for() -> None:
    assert len(SECRETS) >= 100 and len(LOOK_ALIKES) >= 50 and PERSONAL
    assert len({e["id"] for e in SUITE}) == len(SUITE)


@pytest.mark.parametrize("entry", SECRETS, ids=lambda e: e["id"])
def test_every_secret_of_the_suite_is_masked(entry: dict) -> None:
    masked = r.redact(entry["text"]).text
    assert not [s for s in entry["secrets"] if leaked(masked, s)], masked


@pytest.mark.parametrize("entry", LOOK_ALIKES, ids=lambda e: e["id"])
def test_no_look_alike_is_masked_even_with_personal_data_on(entry: dict) -> None:
    assert r.find_redactions(entry["text"], r.ALL_KINDS) == []


@pytest.mark.parametrize("entry", PERSONAL, ids=lambda e: e["id"])
def test_personal_items_are_masked_only_when_asked(entry: dict) -> None:
    assert r.redact(entry["text"]).text == entry["text"]
    masked = r.redact(entry["text"], r.ALL_KINDS).text
    assert not [s for s in entry["secrets"] if leaked(masked, s)], masked


def _parsed(data: bytes) -> tuple[str, str]:
    msg = email.message_from_bytes(data, policy=email.policy.default)
    return str(msg["Subject"]), msg.get_content()


@pytest.mark.parametrize("entry", SECRETS + PERSONAL, ids=lambda e: e["id"])
def test_no_secret_reaches_an_exported_message(entry: dict, tmp_path: Path) -> None:
    # The ticket starts with the secret (the Subject is built from its first line), its
    # reference repeats it (the file name is built from that), and the draft quotes it.
    ticket = entry["text"] + "\nWorker crashes after the upgrade."
    ref = entry["text"].splitlines()[0]
    message = export.outgoing_message(
        DRAFT + "\n    " + ticket, ref, ticket, r.kinds_for(entry["kind"] == "personal")
    )
    for fmt in export.FORMATS:
        data = export.render(message.body, fmt, message.subject, WHEN)
        written = export.export_rendered(tmp_path, data, fmt, message.ticket_ref, WHEN.date())
        texts = [data.decode("utf-8", "replace"), written.path.name, message.subject]
        if fmt == "eml":
            texts += _parsed(data)
        for secret in entry["secrets"]:
            assert not [t for t in texts if leaked(t, secret)], (fmt, texts)


def test_a_subject_keeps_what_the_engineer_chose_to_send() -> None:
    ticket = "PREFECT_API_KEY=pnu_" + "a1B2c3D4e5" * 4 + " and password: Tr0ub4dor&3"
    sent = export.outgoing_message(DRAFT, "", ticket, r.DEFAULT_KINDS, allow=("Tr0ub4dor&3",))
    assert "pnu_" not in sent.subject and "Tr0ub4dor&3" in sent.subject
    plain = export.outgoing_message(DRAFT, "", ticket, None)
    assert "pnu_" in plain.subject  # --no-redact: sent as it is, as asked


def test_a_secret_cut_by_the_subject_length_is_still_masked_whole() -> None:
    key = "ghp_" + "Zx9" * 12
    ticket = "Our worker on the cluster fails to clone the flow repo with the token " + key
    subject = export.outgoing_message(DRAFT, "", ticket).subject
    assert len(subject) < 90 and "ghp_" not in subject and "Zx9Zx9" not in subject
