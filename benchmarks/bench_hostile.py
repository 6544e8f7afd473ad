"""Hostile input: the tokenizer at N and 2N characters, the dotted-line triage, a search over a 1 MB log.

Run: .venv/bin/python -m benchmarks.bench_hostile
Each figure is printed with a reference measured in the same run: one plain `re.finditer(r"\\w+")`
pass over the same text for the tokenizer (a linear tokenizer doubles with the input: ratio near 2,
a quadratic one near 4), the triage of a 3 KB ordinary ticket for the dotted line, and a 4-word
search that finds that ticket for the history search. The tests only guard these with watchdogs.
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from triage_app.core.triage import engine

_WORD = re.compile(r"\w+")
SHAPES: list[tuple[str, Callable[[int], str]]] = [
    ("dotted run then a letter", lambda n: "1." * (n // 2) + "1a"),
    ("versions joined by _", lambda n: "1.1_" * (n // 4) + "a"),
    ("underscores", lambda n: "a" + "_" * n + "!"),
    ("ordinary words", lambda n: "prefect worker 3.1.2 crash " * (n // 27)),
]
DOTTED = "Prefect worker crash after upgrade " + "1." * 1500 + "1a"
LOG_LINE = "2026-11-30 12:00:01 ERROR prefect.worker flow run crashed with exit code 1 in pod\n"
QUERY = "prefect worker flow run crashed exit pod"


def _best(fn: Callable[[], object], runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def tokenizer(size: int = 100_000) -> list[str]:
    out = [f"Tokenizer, best of 5, at {size:,} and {2 * size:,} characters"]
    for name, make in SHAPES:
        small, large = make(size), make(2 * size)
        t1 = _best(lambda s=small: engine._tokenize(s))
        t2 = _best(lambda s=large: engine._tokenize(s))
        ref = _best(lambda s=large: sum(1 for _ in _WORD.finditer(s)))
        out.append(
            f"{name:<28} {t1 * 1000:7.1f} -> {t2 * 1000:7.1f} ms (x{t2 / t1:.2f}),"
            f" ref \\w+ {ref * 1000:.1f} ms ({t2 / ref:.1f}x)"
        )
    return out


def reproducers() -> list[str]:
    from triage_app.core.result import TriageResult
    from triage_app.services import build_services
    from triage_app.storage import history_repo

    services = build_services(Path(tempfile.mkdtemp(prefix="bench-hostile-")))
    ordinary = ("Prefect worker crash after upgrade, helm chart values attached. " * 50)[:3000]
    dotted = _best(lambda: services.triage.triage(DOTTED), 3)
    ref = _best(lambda: services.triage.triage(ordinary), 3)
    log = "Prefect worker crash after upgrade\n" + LOG_LINE * (1_000_000 // len(LOG_LINE))
    with services.kb.transaction() as db:
        history_repo.save_triage(db, log, TriageResult("unclear", 0.0), source="cli")
        history_repo.save_triage(db, ordinary, TriageResult("unclear", 0.0), source="cli")
    flt = history_repo.HistoryFilter(search=QUERY)
    search = _best(lambda: history_repo.search(services.kb.db, flt), 3)
    small = history_repo.HistoryFilter(search="helm chart values attached")
    match = _best(lambda: history_repo.search(services.kb.db, small), 3)
    services.kb.close()
    return [
        "Reproducers of issue 15",
        f"triage of the 3 KB dotted line     {dotted * 1000:8.1f} ms,"
        f" ref 3 KB ordinary ticket {ref * 1000:.1f} ms ({dotted / ref:.1f}x)",
        f"7-word search over a 1 MB log      {search * 1000:8.1f} ms,"
        f" ref the same over a 3 KB ticket {match * 1000:.1f} ms ({search / match:.1f}x)",
    ]


def main() -> int:
    print("\n".join(tokenizer()))
    print("\n".join(reproducers()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
