"""Preprocessing: stable offsets, the size cap, and line roles (ask, log, quote, signature)."""

from __future__ import annotations

from triage_app.core.triage.text import (
    ASK,
    CODE,
    EXCEPTION,
    LOG,
    MAX_MATCH_CHARS,
    QUOTE,
    SIGNATURE,
    TITLE,
    fold,
    prepare,
)


def roles(text: str) -> list[str]:
    p = prepare(text, ["| info |"])
    return [line.role for line in p.lines]


def test_fold_keeps_length_and_offsets():
    for text in ["İstanbul ẞ ﬁ Straße", "a\x00b\x07c", "ΣΑΣ", "שלום 👋"]:
        folded = fold(text)
        assert len(folded) == len(text)
    assert fold("a\x00B") == "a b"
    p = prepare("İİ Helm")
    assert len(p.folded) == len(p.text)
    assert p.folded[p.folded.index("helm") :][:4] == "helm"


def test_cap():
    p = prepare("x" * (MAX_MATCH_CHARS + 10))
    assert p.truncated and len(p.text) == MAX_MATCH_CHARS
    assert p.original_length == MAX_MATCH_CHARS + 10
    assert not prepare("short").truncated


def test_roles_of_a_mail():
    text = (
        "Worker cannot reach the API\n"
        "We see this since Monday.\n"
        "Traceback (most recent call last):\n"
        '  File "/x/y.py", line 3, in f\n'
        "    g()\n"
        "httpx.ConnectError: All connection attempts failed\n"
        "12:00:01.123 | INFO | prefect.worker - polling\n"
        "```\n"
        "server:\n"
        "```\n"
        "PREFECT_API_URL=http://x\n"
        "Best regards,\n"
        "Jane\n"
        "On Tue, 4 Jun 2024, Support wrote:\n"
        "> earlier answer\n"
    )
    assert roles(text) == [
        TITLE,
        ASK,
        LOG,
        LOG,
        LOG,
        EXCEPTION,
        LOG,
        CODE,
        CODE,
        CODE,
        CODE,
        SIGNATURE,
        SIGNATURE,
        QUOTE,
        QUOTE,
        QUOTE,
    ]


def test_greeting_is_not_the_title_and_quotes_are_marked():
    r = roles("Hi team,\nthe UI is broken\n> old text\n")
    assert r[:3] == [ASK, TITLE, QUOTE]


def test_signoff_in_the_middle_of_a_long_text_only_drops_that_line():
    long_rest = "\n".join(
        f"line {i} with a long sentence about the Helm chart values and more words"
        for i in range(20)
    )
    r = roles("Question first\nThanks,\n" + long_rest)
    assert r[1] == SIGNATURE
    assert r[2] == ASK


def test_legal_footer_line():
    r = roles("ask\nThis e-mail and any attachments are confidential and may be privileged.")
    assert r[1] == SIGNATURE


def test_weight_at_offsets():
    p = prepare("title line\n> quoted\n")
    assert p.weight_at(0) > p.weight_at(12)
