"""The engine's tokenizer: the same tokens as the old regex, in time linear in the input."""

from __future__ import annotations

import gc
import json
import re
import time
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.watchdog import watchdog
from triage_app.core.knowledge.defaults import default_policy
from triage_app.core.triage import engine
from triage_app.core.triage.text import prepare
from triage_app.core.triage.vocabulary import default_vocabulary

# The tokenizer before it was made linear: right on every input, but cubic on a long dotted
# number followed by a letter. Kept as the reference for what the tokens must be.
OLD_TOKEN = re.compile(
    r"v?\d+(?:\.\d+)*\.x\b|v?\d+(?:\.\d+)+(?![\w.]*[^\W\d_])|[^\W_]+(?:_+[^\W_]+)*"
)
ROOT = Path(__file__).resolve().parents[3]
# Every labelled ticket we have: the training corpus and the test sets.
TICKET_FILES = sorted((ROOT / "resources" / "corpus").glob("*.jsonl")) + [
    ROOT / "tests" / "data" / "sample_tickets.jsonl",
    ROOT / "tests" / "data" / "generalization_tickets.jsonl",
]
DOTTED = "prefect worker crash after upgrade " + "1." * 1500 + "1a"


def old_tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(0), m.start(), m.end()) for m in OLD_TOKEN.finditer(text)]


def test_tokens_on_every_labelled_ticket_are_unchanged() -> None:
    tickets = [
        json.loads(line)["text"]
        for path in TICKET_FILES
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    assert len(tickets) > 500
    for text in tickets:
        folded = prepare(text, ()).folded
        assert engine._tokenize(folded) == old_tokens(folded)


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet="1234.vxa_b -/é²٣\n", max_size=40))
def test_tokens_match_the_old_tokenizer_on_tricky_text(text: str) -> None:
    assert engine._tokenize(text) == old_tokens(text)


def test_known_shapes() -> None:
    def words(text: str) -> list[str]:
        return [t for t, _, _ in engine._tokenize(text)]

    assert words("upgrade 3.1.2 to v2.19.x now") == ["upgrade", "3.1.2", "to", "v2.19.x", "now"]
    assert words("prefect_api_url 1.2.3abc 3.1.2rc1") == [
        "prefect_api_url", "1", "2", "3abc", "3", "1", "2rc1",
    ]  # fmt: skip
    assert words("1.1.1a") == ["1", "1", "1a"]


def _seconds(text: str) -> float:
    # Without the cyclic collector: its passes scale with the whole test process's heap (a full
    # suite run holds far more than this file), not with the tokenizer's input, and one landing
    # in the larger run made the ratio look quadratic.
    best = float("inf")
    gc.disable()
    try:
        for _ in range(5):
            started = time.perf_counter()
            engine._tokenize(text)
            best = min(best, time.perf_counter() - started)
    finally:
        gc.enable()
    return best


def test_doubling_the_input_at_most_about_doubles_the_time() -> None:
    # Ratios of best-of-five runs measured in the same test, so a slow machine does not matter;
    # quadratic work would give about 4, the old tokenizer about 8. The watchdog stops a hang.
    shapes = {
        "dotted run then a letter": lambda n: "1." * n + "1a",
        "versions joined by underscores": lambda n: "1.1_" * n + "a",
        "underscores": lambda n: "a" + "_" * n + "!",
        "words": lambda n: "prefect worker 3.1.2 crash " * (n // 20),
    }
    with watchdog(30.0, "tokenizing doubling inputs"):
        for name, make in shapes.items():
            small, large = _seconds(make(20_000)), _seconds(make(40_000))
            assert large < 3.0 * small + 0.002, f"{name}: {small:.4f} s -> {large:.4f} s"


def test_the_dotted_reproducer_triages_quickly() -> None:
    triage = engine.TriageEngine(default_policy(), default_vocabulary())
    with watchdog(2.0, "triaging a 3 KB dotted line"):
        result = triage.triage(DOTTED)
    assert result.verdict
