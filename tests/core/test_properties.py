"""Property-based tests: on any text, the engine, version detection and redaction never raise and
every span they return lies within the input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triage_app.core.knowledge import defaults
from triage_app.core.releases.release_csv import parse_release_text
from triage_app.core.releases.schedule import Schedule
from triage_app.core.releases.versions import detect_versions, resolve_versions
from triage_app.core.replies.redaction import ALL_KINDS, apply_redactions, find_redactions, redact
from triage_app.core.result import IN_SCOPE, OUT_OF_SCOPE, VERDICTS
from triage_app.core.triage.engine import TriageEngine
from triage_app.core.triage.vocabulary import default_vocabulary
from triage_app.services import Services, build_services

TODAY = dt.date(2026, 1, 15)

# The autouse fixture that points the data folders at tmp dirs is function-scoped; these tests
# touch no files, so re-running it per example would change nothing.
PROPERTY = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@cache
def engine() -> TriageEngine:
    return TriageEngine(defaults.default_policy(), default_vocabulary())


@cache
def schedule() -> Schedule:
    return Schedule(tuple(parse_release_text(defaults.read_text(defaults.RELEASES_FILE))))


@cache
def vocabulary_terms() -> list[str]:
    policy, vocab = defaults.default_policy(), default_vocabulary()
    terms = [t.text for b in policy.bullets for _g, t in vocab.terms_for(b.title)]
    return sorted(set(terms))[:400]


# Fragments that reach the interesting paths: versions, secrets, log lines, quoting, odd Unicode.
SNIPPETS = [
    "Prefect 3.1.2", "prefect==2.19.0", "chart 2024.11.14", "v3.", "3.x", "January 2026", "2.0b11",
    "version: 3.4.7rc1", "pnu_abcdefghijklmnop1234", "Bearer abcdefghijklmnopqrstuv",
    "AKIAABCDEFGHIJKLMNOP", "postgresql://user:s3cret@db:5432/x", "-----BEGIN RSA PRIVATE KEY-----",
    "-----END RSA PRIVATE KEY-----", "eyJhbGciOi.eyJzdWIiOi.sig", "a@b.io", "+1 (555) 123-4567",
    "10.0.0.1", "password=hunter22", "> On Mon, Jan 1, Sam wrote:", "-- ", "Traceback (most recent",
    "ERROR:", "İ", "ﬁ", "ß", "\x00", "\r\n", "\u202e", "مرحبا بالعالم", "שלום", "🙂👍🏽", "\ufeff", "\t",
]  # fmt: skip

fragments = st.one_of(
    st.text(max_size=40),
    st.sampled_from(SNIPPETS),
    st.builds(lambda: None).flatmap(lambda _: st.sampled_from(vocabulary_terms())),
)
separators = st.sampled_from([" ", "\n", "", ". ", "_", "-", "/", ": ", "\n> ", "\n\n"])
ticket_texts = st.one_of(
    st.text(max_size=400),
    st.lists(st.tuples(fragments, separators), max_size=30).map(
        lambda parts: "".join(f + s for f, s in parts)
    ),
)


def assert_span(text: str, start: int, end: int) -> None:
    assert 0 <= start <= end <= len(text), (start, end, len(text))


@PROPERTY
@given(ticket_texts)
def test_engine_never_raises_and_evidence_lies_within_the_input(text: str) -> None:
    result = engine().triage(text)
    assert result.verdict in VERDICTS
    assert 0.0 <= result.confidence <= 1.0
    # Best first, except that the lead bullet agrees with an in/out verdict (the engine's rule).
    rest = [m.score for m in result.matches[1:]]
    assert rest == sorted(rest, reverse=True)
    if result.verdict in (IN_SCOPE, OUT_OF_SCOPE) and any(
        m.side == result.verdict for m in result.matches
    ):
        assert result.matches[0].side == result.verdict
    for match in result.matches:
        assert match.side in (IN_SCOPE, OUT_OF_SCOPE)
        assert 0.0 <= match.score <= 1.0
        for ev in match.evidence:
            assert_span(text, ev.start, ev.end)
            assert ev.end > ev.start
    result.to_dict()  # serialisable for --json and history


@PROPERTY
@given(ticket_texts)
def test_version_detection_never_raises_and_spans_lie_within_the_input(text: str) -> None:
    for found in detect_versions(text, schedule()):
        assert_span(text, found.start, found.end)
        assert text[found.start : found.end] == found.text
    for mention in resolve_versions(text, schedule(), TODAY):
        assert_span(text, mention.start, mention.end)
        assert text[mention.start : mention.end] == mention.text


@PROPERTY
@given(ticket_texts)
def test_redaction_never_raises_and_items_are_disjoint_input_spans(text: str) -> None:
    items = find_redactions(text, ALL_KINDS)
    previous_end = 0
    for item in items:
        assert_span(text, item.start, item.end)
        assert item.start >= previous_end  # ordered, never overlapping
        assert text[item.start : item.end] == item.original
        previous_end = item.end
    result = redact(text, ALL_KINDS)
    assert apply_redactions(text, list(result.items)) == result.text
    assert apply_redactions(text, []) == text


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    built = build_services(tmp_path_factory.mktemp("kb"), TODAY)
    yield built
    built.kb.close()


@settings(PROPERTY, max_examples=60)
@given(ticket_texts)
def test_full_triage_with_versions_and_draft_never_raises(services: Services, text: str) -> None:
    result = services.triage.triage(text)
    assert result.verdict in VERDICTS
    assert isinstance(result.draft, str)
    for mention in result.versions:
        assert_span(text, mention.start, mention.end)
