"""Vocabulary: TOML loading, validation messages, storage row round trip, shipped data coverage."""

from __future__ import annotations

import pytest

from triage_app.core.knowledge.defaults import default_policy
from triage_app.core.triage.vocabulary import (
    SIGNAL_GROUPS,
    Term,
    Vocabulary,
    VocabularyError,
    default_vocabulary,
    load_vocabulary,
)

SAMPLE = """
[bullets."Redis administration"]
terms = ["redis", { term = "Sentinel", weight = 2.5 }]
phrases = ["redis cluster"]

[signals]
non_support = ["invoice"]
prefect_anchor = ["PREFECT_*"]
"""


def test_load_sample():
    vocab = load_vocabulary(SAMPLE)
    assert vocab.terms_for("Redis administration") == [
        ("terms", Term("redis", 1.0)),
        ("terms", Term("sentinel", 2.5)),
        ("phrases", Term("redis cluster", 1.0)),
    ]
    assert vocab.signal("non_support") == (Term("invoice", 1.0),)
    # prefix entries keep their capitals (they mean "only words in capitals")
    assert vocab.signal("prefect_anchor")[0].text == "PREFECT_*"
    assert vocab.signal("prefect_anchor")[0].is_prefix


def test_rows_round_trip_with_exact_keys():
    vocab = load_vocabulary(SAMPLE)
    rows = vocab.to_rows()
    assert all(set(r) == {"bullet", "grp", "term", "weight"} for r in rows)
    assert {"bullet": "", "grp": "non_support", "term": "invoice", "weight": 1.0} in rows
    assert {
        "bullet": "Redis administration",
        "grp": "terms",
        "term": "sentinel",
        "weight": 2.5,
    } in rows
    assert Vocabulary.from_rows(rows) == vocab


def test_shipped_vocabulary_round_trips_and_covers_every_bullet():
    vocab = default_vocabulary()
    assert Vocabulary.from_rows(vocab.to_rows()) == vocab
    titles = {b.title for b in default_policy().bullets}
    assert set(vocab.bullets) == titles
    for title in titles:
        assert len(vocab.terms_for(title)) >= 10, title
    for group in SIGNAL_GROUPS:
        assert vocab.signal(group), group


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        (
            '[bullets."Redis administration"]\nterms = [{ term = "redis", weight = 0 }]',
            "Redis administration/terms: term 'redis': weight",
        ),
        (
            '[bullets."Redis administration"]\nterms = [{ term = "redis", weight = "high" }]',
            "Redis administration/terms: term 'redis'",
        ),
        (
            '[bullets."Redis administration"]\nterms = ["redis", "Redis"]',
            "Redis administration/terms: term 'redis' is listed twice",
        ),
        (
            '[bullets."Istio and service mesh configuration"]\nterms = ["is*tio"]',
            "Istio and service mesh configuration/terms",
        ),
        ('[bullets."X"]\nterms = ["a* b"]', "X/terms"),
        ('[signals]\nnegation_before = [""]', "signals/negation_before: empty term"),
        ("[signals]\nnon_support = [42]", "signals/non_support"),
        ('[signals]\nnon_support = "invoice"', "signals/non_support: expected a list"),
        ("[bullets.X\nterms = [", "not valid TOML"),
        ("[other]\nx = 1", "unknown top-level section"),
    ],
)
def test_validation_names_bullet_group_and_term(text, needle):
    with pytest.raises(VocabularyError) as info:
        load_vocabulary(text)
    assert needle in str(info.value)


def test_from_rows_validates():
    with pytest.raises(VocabularyError, match="Redis administration/terms: term 'redis'"):
        Vocabulary.from_rows(
            [{"bullet": "Redis administration", "grp": "terms", "term": "redis", "weight": -1}]
        )
    with pytest.raises(VocabularyError, match="row 1: missing term"):
        Vocabulary.from_rows([{"bullet": "", "grp": "non_support"}])


def test_regex_metacharacters_are_plain_text():
    vocab = load_vocabulary('[bullets."X"]\nterms = ["(a+)+$", "c++"]')
    assert [t.text for _, t in vocab.terms_for("X")] == ["(a+)+$", "c++"]


def test_stored_form_rows_read_as_the_full_checks_would():
    from triage_app.core.triage.vocabulary import MAX_TERM_LENGTH, VocabularyError, _make_term

    for raw, weight in [("helm chart", 1.0), ("x509", 2.5), ("kube*", 1.0), ("Values.yaml", 1.0)]:
        assert _make_term(raw, weight, "b", "g") == _make_term(f" {raw} ", weight, "b/g")
    for raw, weight in [("a" * (MAX_TERM_LENGTH + 1), 1.0), ("helm", float("nan")), ("helm", 9.0)]:
        with pytest.raises(VocabularyError, match="b/g"):
            _make_term(raw, weight, "b", "g")
