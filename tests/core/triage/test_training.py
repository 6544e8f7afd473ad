"""Training: the shipped model is what training produces, the trainer converges, corrections weigh."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from triage_app.core.knowledge.defaults import default_policy
from triage_app.core.triage.corpus import (
    CorpusError,
    Example,
    correction_examples,
    parse_examples,
    read_examples,
    shipped_corpus_dir,
)
from triage_app.core.triage.engine import TriageEngine
from triage_app.core.triage.learned import LearnedTriage
from triage_app.core.triage.logistic import SparseRows, fit_binary
from triage_app.core.triage.model import VerdictModel
from triage_app.core.triage.training import dump_model, fit_model
from triage_app.core.triage.vocabulary import default_vocabulary
from triage_app.storage.team_model import shipped_model

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample_tickets.jsonl"


@pytest.fixture(scope="module")
def lexical() -> TriageEngine:
    return TriageEngine(default_policy(), default_vocabulary())


@pytest.fixture(scope="module")
def sample() -> list[dict]:
    return [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]


def test_the_shipped_model_is_what_training_on_the_shipped_corpus_gives(lexical, sample):
    examples = read_examples([shipped_corpus_dir()])
    titles = [b.title for b in lexical.policy.bullets]
    retrained = VerdictModel(fit_model(examples, lexical, titles))
    shipped = shipped_model()
    assert retrained.meta["corpus_sha256"] == shipped.meta["corpus_sha256"]
    a, b = LearnedTriage(lexical, retrained), LearnedTriage(lexical, shipped)
    for ticket in sample:
        ra, rb = a.triage(ticket["text"]), b.triage(ticket["text"])
        assert ra.verdict == rb.verdict, ticket["id"]
        assert [m.title for m in ra.matches] == [m.title for m in rb.matches], ticket["id"]
        assert ra.confidence == pytest.approx(rb.confidence, abs=2e-3), ticket["id"]


def test_training_is_deterministic_byte_for_byte(lexical):
    examples = parse_examples(SAMPLE.read_text(encoding="utf-8"), "sample")
    titles = [b.title for b in lexical.policy.bullets]
    assert dump_model(fit_model(examples, lexical, titles)) == dump_model(
        fit_model(examples, lexical, titles)
    )


def test_the_trainer_reaches_the_optimum():
    """At the minimum of the regularised loss the gradient is zero: check it numerically."""
    rng = np.random.default_rng(7)
    x = rng.normal(size=(60, 5))
    y = (x[:, 0] - 0.5 * x[:, 1] + rng.normal(scale=0.5, size=60)) > 0
    w = np.ones(60)
    rows = SparseRows.build([{j: float(v) for j, v in enumerate(row)} for row in x], 5)
    model = fit_binary(rows, y, w, c=1.0)
    p = 1.0 / (1.0 + np.exp(-(x @ model.coef + model.intercept)))
    grad = x.T @ (p - y) + model.coef
    assert np.abs(grad).max() < 1e-3
    assert abs(float(np.sum(p - y))) < 1e-3  # the unpenalised intercept balances the residuals
    assert model.coef[0] > 0 > model.coef[1]


def test_sparse_rows_handle_empty_rows_and_column_masks():
    rows = SparseRows.build([{0: 1.0, 2: 2.0}, {}, {1: 3.0}, {}], 3)
    assert rows.dot(np.array([1.0, 10.0, 100.0])).tolist() == [201.0, 0.0, 30.0, 0.0]
    assert rows.tdot(np.array([1.0, 5.0, 2.0, 7.0])).tolist() == [1.0, 6.0, 2.0]
    masked = rows.subset(np.array([True, False, True]))
    assert masked.dot(np.array([1.0, 10.0, 100.0])).tolist() == [201.0, 0.0, 0.0, 0.0]
    assert rows.take(np.array([2, 0])).dot(np.ones(3)).tolist() == [3.0, 3.0]


def test_a_correction_moves_its_ticket_but_never_to_certainty(lexical):
    corpus = read_examples([shipped_corpus_dir()])  # what the app refits on
    titles = [b.title for b in lexical.policy.bullets]
    ticket = (
        "Our prefect-server pods keep restarting; the logs show asyncpg TooManyConnections from "
        "our Aurora cluster and the API returns 500 while it happens."
    )
    base = LearnedTriage(lexical, shipped_model())
    before = base.triage(ticket).extras["probabilities"]["out_of_scope"]
    corrected = corpus + correction_examples([(1, ticket, "out_of_scope", None)])
    after_model = LearnedTriage(lexical, VerdictModel(fit_model(corrected, lexical, titles)))
    after = after_model.triage(ticket)
    assert after.extras["probabilities"]["out_of_scope"] > before
    assert after.confidence < 0.99


def test_corpus_lines_are_validated_with_file_and_line():
    good = '{"id": "a", "source": "s", "text": "t", "label": "in_scope", "bullets": []}'
    with pytest.raises(CorpusError, match=r"f:2: label 'nope'"):
        parse_examples(good + '\n{"text": "t", "label": "nope"}\n', "f")
    with pytest.raises(CorpusError, match="f:1: invalid JSON"):
        parse_examples("{", "f")
    contested = (
        '{"id": "c", "text": "t", "labels": ["in_scope", "spans_both"], "bullets": [[], []]}'
    )
    readings = parse_examples(contested, "f")
    assert [(e.label, e.weight) for e in readings] == [("in_scope", 0.5), ("spans_both", 0.5)]


def test_folds_follow_the_source_thread():
    a = Example("1", "x", "in_scope", (), 1.0, "https://example.com/t/1", "github")
    b = Example("2", "y", "spans_both", (), 1.0, "https://example.com/t/1", "github")
    assert a.fold == b.fold
