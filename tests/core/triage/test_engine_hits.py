"""The engine's hit finding gives exactly what the plain per-token scan gives, on every sample ticket."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from triage_app.core.knowledge.defaults import default_policy
from triage_app.core.triage import engine as engine_module
from triage_app.core.triage.engine import TriageEngine, _Hit, _Token
from triage_app.core.triage.text import PreparedText, prepare
from triage_app.core.triage.vocabulary import Term, Vocabulary, default_vocabulary

SAMPLE_TICKETS = Path(__file__).resolve().parents[2] / "data" / "sample_tickets.jsonl"


def reference_hits(
    engine: TriageEngine, prepared: PreparedText, tokens: list[_Token]
) -> list[_Hit]:
    """The straightforward scan (what `_hits` did before it was tuned): every index term that
    starts at each token, then every prefix term, tried one by one."""
    folded, text = prepared.folded, prepared.text
    version_token = engine_module._VERSION_TOKEN
    hits: list[_Hit] = []
    n = len(tokens)
    version_entries = engine._index.get(version_token, [])
    for i, tok in enumerate(tokens):
        starting = engine._index.get(tok.canon, [])
        if tok.is_version and version_entries:
            starting = starting + version_entries
        for e in starting:
            length = len(e.tokens)
            if i + length > n:
                continue
            ok = True
            for k in range(1, length):
                prev, cur = tokens[i + k - 1], tokens[i + k]
                want = e.tokens[k]
                if cur.canon != want and not (want == version_token and cur.is_version):
                    ok = False
                    break
                gap = folded[prev.end : cur.start]
                sep = e.seps[k - 1]
                if (sep and gap != sep) or len(gap) > engine_module._MAX_GAP or "\n" in gap:
                    ok = False
                    break
            if not ok:
                continue
            start = tok.start
            if e.leading:
                lead = len(e.leading)
                if folded[max(0, start - lead) : start] != e.leading:
                    continue
                start -= lead
            hits.append(_Hit(e, i, i + length, start, tokens[i + length - 1].end))
        for e in engine._prefix:
            stem = e.tokens[0]
            if len(tok.text) > len(stem) and tok.text.startswith(stem):
                if e.upper_only and not text[tok.start : tok.end].isupper():
                    continue
                hits.append(_Hit(e, i, i + 1, tok.start, tok.end))
    return hits


def tokens_of(engine: TriageEngine, prepared: PreparedText) -> list[_Token]:
    return [
        _Token(t, engine._canon(t), engine_module._VERSION_WORD.fullmatch(t) is not None, s, e)
        for t, s, e in engine_module._tokenize(prepared.folded)
    ]


def sample_texts() -> list[str]:
    lines = SAMPLE_TICKETS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["text"] for line in lines if line.strip()]


@pytest.fixture(scope="module")
def shipped() -> TriageEngine:
    return TriageEngine(default_policy(), default_vocabulary())


def test_hits_equal_the_plain_scan_on_every_sample_ticket(shipped: TriageEngine) -> None:
    texts = sample_texts()
    assert len(texts) >= 80
    total = 0
    for text in texts:
        prepared = prepare(text, shipped._log_markers)
        tokens = tokens_of(shipped, prepared)
        expected = reference_hits(shipped, prepared, tokens)
        assert shipped._hits(prepared, tokens) == expected, text[:80]
        total += len(expected)
    assert total > 1000  # the sample tickets exercise the matcher, not an empty loop


def test_prefix_terms_phrases_and_versions_match_as_before() -> None:
    """A vocabulary with prefix terms of several heads (one capitals-only), punctuated phrases,
    leading punctuation and the version placeholder: the tuned scan finds the same hits."""
    shipped = default_vocabulary()
    policy = default_policy()
    title = policy.bullets[0].title
    extra = (
        Term("kube*", 1.0),
        Term("postg*", 1.0),
        Term("OOM*", 1.0),
        Term("/metrics", 1.0),
        Term("values.yaml", 1.0),
        Term("upgrade from #version to #version", 1.0),
        Term("worker pod", 1.0),
    )
    bullets = {t: dict(g) for t, g in shipped.bullets.items()}
    bullets[title] = {
        **bullets.get(title, {}),
        "terms": (*bullets.get(title, {}).get("terms", ()), *extra),
    }
    engine = TriageEngine(policy, Vocabulary(bullets, shipped.signals))
    text = (
        "Kubernetes kubectl kube OOMKilled OOMKILLED postgresql Postgres: scrape /metrics and "
        "edit values.yaml or values yaml. We upgrade from 2.19.3 to 3.1.0; the worker  pod and "
        "worker\npod restart. Version v3.2 and 3.x lines."
    )
    prepared = prepare(text, engine._log_markers)
    tokens = tokens_of(engine, prepared)
    expected = reference_hits(engine, prepared, tokens)
    found = engine._hits(prepared, tokens)
    assert found == expected
    matched = {
        text[h.start : h.end].lower() for h in found if h.entry.text in {t.text for t in extra}
    }
    assert {
        "kubernetes",
        "kubectl",
        "oomkilled",
        "postgresql",
        "/metrics",
        "values.yaml",
    } <= matched
    assert "upgrade from 2.19.3 to 3.1.0" in matched
    assert "worker  pod" in matched and "worker\npod" not in matched
