"""The learned verdict on tickets: probabilities, bullets by side, explanations, ask-first evidence."""

from __future__ import annotations

import pytest

from triage_app.core.knowledge.defaults import default_policy
from triage_app.core.triage.engine import TriageEngine
from triage_app.core.triage.learned import LearnedTriage
from triage_app.core.triage.vocabulary import default_vocabulary
from triage_app.storage.team_model import shipped_model


@pytest.fixture(scope="module")
def learned() -> LearnedTriage:
    return LearnedTriage(TriageEngine(default_policy(), default_vocabulary()), shipped_model())


CAUSE = (
    "Prefect server CrashLoopBackOff after the node drain: alembic migration fails with "
    "ConnectionRefusedError: [Errno 111] Connect call failed ('10.43.12.7', 5432) on our CNPG "
    "Postgres cluster. Is this Prefect or our database?"
)
CONTEXT = (
    "We run Prefect 3.1.15 on EKS with RDS. Which Helm chart values set the number of "
    "prefect-server replicas and the API's resource requests?"
)


def test_probabilities_are_four_and_sum_to_one(learned):
    probs = learned.triage(CONTEXT).extras["probabilities"]
    assert set(probs) == {"in_scope", "out_of_scope", "spans_both", "unclear"}
    assert sum(probs.values()) == pytest.approx(1.0, abs=1e-3)


def test_infrastructure_as_cause_spans_both_as_context_stays_in_scope(learned):
    assert learned.triage(CAUSE).verdict == "spans_both"
    context = learned.triage(CONTEXT)
    assert context.verdict == "in_scope"
    assert context.matches[0].title == "Helm chart configuration"


def test_spans_both_names_a_bullet_of_each_side_first(learned):
    sides = [m.side for m in learned.triage(CAUSE).matches[:2]]
    assert sorted(sides) == ["in_scope", "out_of_scope"]


def test_explanation_points_at_words_in_the_ticket(learned):
    result = learned.triage(CAUSE)
    explanation = result.extras["explanation"]
    assert explanation
    for item in explanation:
        for start, end in item["spans"]:
            assert CAUSE[start:end].lower() == item["term"].lower()


def test_a_number_in_a_log_line_is_not_evidence_of_an_http_status(learned):
    ticket = (
        "Worker logs look odd since yesterday, flow runs are late\n"
        "2026-11-30 10:00:01 INFO worker heartbeat 502 sent\n"
        "2026-11-30 10:00:31 INFO worker heartbeat 503 sent\n"
    )
    for match in learned.triage(ticket).matches:
        assert all(not e.term.isdigit() for e in match.evidence), match


def test_low_confidence_says_check_this_one(learned):
    result = learned.triage("help")
    assert result.extras["check"] is (result.confidence < result.extras["confident_threshold"])
    if result.extras["check"]:
        assert any(n.startswith("check this one") for n in result.notes)


def test_empty_and_non_text_input_never_raise(learned):
    assert learned.triage("").verdict == "unclear"
    assert learned.triage("\x00\x00").verdict == "unclear"
