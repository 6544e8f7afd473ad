"""Learning from corrections: a close later ticket takes the correction, an unrelated one does not."""

from __future__ import annotations

from triage_app.core.learning import Correction, LearnedEvidence, content_words
from triage_app.core.result import Evidence, Match, TriageResult

SIDES = {
    "Helm chart configuration": "in_scope",
    "Database administration": "out_of_scope",
    "Prefect server and API": "in_scope",
}

CORRECTED = (
    "Our prefect-server pods restart every few minutes. The logs show asyncpg TooManyConnections "
    "errors from the managed Aurora instance and the API returns 500 while that happens."
)
SIMILAR_LATER = (
    "Hi team, prefect-server pods keep restarting; logs are full of asyncpg TooManyConnections "
    "from our Aurora instance, and the API returns 500 errors meanwhile. Any idea?"
)
UNRELATED = (
    "The worker cannot pull the flow image from our private registry: ImagePullBackOff with "
    "unauthorized errors on the kubernetes job pods."
)


def engine_result(verdict: str = "in_scope") -> TriageResult:
    return TriageResult(
        verdict,
        0.7,
        (
            Match("Prefect server and API", "in_scope", 0.7, (Evidence("API", 0, 3),)),
            Match("Helm chart configuration", "in_scope", 0.3),
        ),
    )


def evidence(*corrections: Correction) -> LearnedEvidence:
    return LearnedEvidence(corrections, SIDES.get)


def correction(text: str = CORRECTED, verdict: str = "spans_both", **kw: object) -> Correction:
    return Correction(
        id=int(kw.get("id", 1)),  # type: ignore[call-overload]
        text=text,
        verdict=verdict,
        bullet=kw.get("bullet", "Database administration"),  # type: ignore[arg-type]
        date=str(kw.get("date", "2026-11-03")),
    )


def test_similar_later_ticket_takes_the_correction_and_says_why() -> None:
    learned = evidence(correction())
    adjusted = learned.adjust(SIMILAR_LATER, engine_result())
    assert adjusted.verdict == "spans_both"
    assert adjusted.matches[0].title == "Database administration"
    assert adjusted.matches[0].side == "out_of_scope"
    assert [m.title for m in adjusted.matches[1:]] == [
        "Prefect server and API",
        "Helm chart configuration",
    ]
    assert any(
        "similar to a ticket you marked spans both" in n and "2026-11-03" in n
        for n in adjusted.notes
    )
    assert adjusted.extras["learned"]["engine_verdict"] == "in_scope"


def test_unrelated_ticket_is_untouched() -> None:
    learned = evidence(correction())
    original = engine_result()
    assert learned.adjust(UNRELATED, original) is original


def test_correction_that_agrees_changes_nothing() -> None:
    learned = evidence(correction(verdict="in_scope", bullet="Prefect server and API"))
    original = engine_result()
    assert learned.adjust(SIMILAR_LATER, original) is original


def test_out_of_scope_marking_is_named_in_the_note() -> None:
    learned = evidence(correction(verdict="out_of_scope", bullet=None))
    adjusted = learned.adjust(SIMILAR_LATER, engine_result())
    assert adjusted.verdict == "out_of_scope"
    assert adjusted.matches[0].title == "Prefect server and API"  # no bullet: ranking kept
    assert "marked out of scope on 2026-11-03" in adjusted.notes[-1]


def test_closest_correction_wins_then_the_newest() -> None:
    older = correction(verdict="out_of_scope", id=1, date="2026-10-01")
    newer = correction(verdict="spans_both", id=2, date="2026-11-01")
    assert evidence(older, newer).adjust(SIMILAR_LATER, engine_result()).verdict == "spans_both"
    far = correction(text=CORRECTED + " " + UNRELATED, verdict="unclear", id=3, date="2026-12-01")
    assert evidence(older, far).adjust(SIMILAR_LATER, engine_result()).verdict == "out_of_scope"


def test_bullet_removed_from_policy_is_not_invented() -> None:
    learned = evidence(correction(bullet="A bullet that no longer exists"))
    adjusted = learned.adjust(SIMILAR_LATER, engine_result())
    assert adjusted.verdict == "spans_both"
    assert adjusted.matches[0].title == "Prefect server and API"


def test_similarity_is_deterministic_and_ignores_stop_words() -> None:
    assert "the" not in content_words("The worker and the pod")
    learned = evidence(correction())
    first = learned.similar(SIMILAR_LATER)
    assert first == learned.similar(SIMILAR_LATER)
    assert first[0].similarity > 0.5
    assert learned.similar(UNRELATED) == [] or learned.similar(UNRELATED)[0].similarity < 0.2
    assert evidence().adjust(SIMILAR_LATER, engine_result()).verdict == "in_scope"


def test_thousands_of_corrections_find_the_right_one() -> None:
    # Each correction has its own distinctive words; the inverted index must still find the one.
    many = [
        Correction(
            i,
            f"uniqueword{i} anotherword{i} shared helm chart values",
            "out_of_scope",
            None,
            "2026-01-01",
        )
        for i in range(3000)
    ]
    learned = evidence(*many)
    best = learned.similar("uniqueword1234 anotherword1234 with helm")[0]
    assert best.correction.id == 1234
    assert learned.adjust("nothing in common here", engine_result()).verdict == "in_scope"
