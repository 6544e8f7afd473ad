"""History at scale: 100,000 saved triages; time the newest page, searches and start-up against references.

Run: .venv/bin/python -m benchmarks.bench_history [--rows N]
Prints milliseconds and ratios against references measured in the same run (a primary-key lookup and
a full `select count(*)`), so figures stay comparable between machines. The bar is < 100 ms each.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from triage_app.core.result import VERDICTS, Match, TriageResult
from triage_app.storage import history_repo
from triage_app.storage.database import open_knowledge_base
from triage_app.storage.history_repo import HistoryFilter

ROOT = Path(__file__).resolve().parents[1]
TICKETS = ROOT / "tests" / "data" / "sample_tickets.jsonl"
BULLETS = [
    "Helm chart configuration",
    "Prefect server and API",
    "Database connectivity",
    "Kubernetes cluster administration",
    "Networking and ingress",
]


def _texts() -> list[str]:
    texts = [json.loads(line)["text"] for line in TICKETS.read_text(encoding="utf-8").splitlines()]
    return [t[:1500] for t in texts if t.strip()]


def fill(kb_path: Path, rows: int, seed: int = 7) -> float:
    """Insert `rows` triages shaped like real ones (FTS triggers on); return the seconds taken."""
    rng = random.Random(seed)
    texts = _texts()
    start_day = dt.datetime(2024, 1, 1)
    kb = open_knowledge_base(kb_path)
    t0 = time.perf_counter()
    batch: list[dict[str, Any]] = []
    with kb.transaction() as db:
        table = db.table(history_repo.TRIAGES)
        for i in range(rows):
            text = rng.choice(texts) + f"\n\nticket {i} ref CASE-{rng.randrange(10**6)}"
            verdict = rng.choice(VERDICTS)
            bullet = rng.choice(BULLETS)
            result = TriageResult(verdict, rng.random(), (Match(bullet, "in_scope", 0.7),))
            stamp = (start_day + dt.timedelta(minutes=10 * i)).isoformat(timespec="seconds")
            batch.append(
                {
                    "created_at": stamp,
                    "updated_at": stamp,
                    "source": "bench",
                    "ticket": text,
                    "result_json": json.dumps(result.to_dict()),
                    "verdict": verdict,
                    "bullet": bullet,
                    "confidence": result.confidence,
                    "final_verdict": verdict,
                    "final_bullet": bullet,
                    "draft": f"Hi there, thanks for reaching out about {bullet.lower()}.",
                    "variables_json": "{}",
                }
            )
            if len(batch) == 5000:
                table.insert_all(batch)
                batch.clear()
        if batch:
            table.insert_all(batch)
    seconds = time.perf_counter() - t0
    kb.close()
    return seconds


def best_ms(fn: Callable[[], object], repeat: int = 7) -> float:
    """Median of `repeat` runs, in milliseconds (after one warm-up run)."""
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        empty_path = Path(tmp) / "empty" / "knowledge.db"
        full_path = Path(tmp) / "full" / "knowledge.db"
        open_knowledge_base(empty_path).close()
        seconds = fill(full_path, args.rows)
        size_mb = full_path.stat().st_size / 1e6
        print(f"filled {args.rows:,} triages in {seconds:.1f} s ({size_mb:.0f} MB)")

        def startup(path: Path) -> Callable[[], object]:
            def run() -> None:
                kb = open_knowledge_base(path)
                with kb.transaction() as db:
                    history_repo.apply_retention(db)
                kb.close()

            return run

        kb = open_knowledge_base(full_path)
        db = kb.db
        mid = args.rows // 2
        refs = {
            "ref: primary-key lookup": lambda: history_repo.get_triage(db, mid),
            "ref: select count(*)": lambda: list(db.query("select count(*) from triages")),
            "ref: pragma quick_check (open)": lambda: list(db.query("pragma quick_check")),
        }
        cases = {
            "newest page (50)": lambda: history_repo.search(db),
            "page 20 (offset 950)": lambda: history_repo.search(db, offset=950),
            "filter verdict": lambda: history_repo.search(db, HistoryFilter(verdict="spans_both")),
            "filter bullet + since": lambda: history_repo.search(
                db, HistoryFilter(bullet=BULLETS[2], since=dt.date(2025, 6, 1))
            ),
            "filter since (all match)": lambda: history_repo.search(
                db, HistoryFilter(since=dt.date(2020, 1, 1))
            ),
            "filter until (old rows)": lambda: history_repo.search(
                db, HistoryFilter(until=dt.date(2024, 3, 1))
            ),
            "search common word 'prefect'": lambda: history_repo.search(
                db, HistoryFilter(search="prefect")
            ),
            "search phrase-ish 'worker pod'": lambda: history_repo.search(
                db, HistoryFilter(search="worker pod")
            ),
            "search rare 'CASE-12345'": lambda: history_repo.search(
                db, HistoryFilter(search="CASE-12345")
            ),
            "search + verdict filter": lambda: history_repo.search(
                db, HistoryFilter(search="helm", verdict="out_of_scope")
            ),
            "count matches 'helm'": lambda: history_repo.count(db, HistoryFilter(search="helm")),
            "term hit count 'postgres'": lambda: history_repo.term_hit_count(db, "postgres"),
        }
        ref_ms = {name: best_ms(fn) for name, fn in refs.items()}
        base = ref_ms["ref: select count(*)"]
        for name, ms in ref_ms.items():
            print(f"{name:34s} {ms:8.2f} ms")
        worst = 0.0
        for name, fn in cases.items():
            ms = best_ms(fn)
            worst = max(worst, ms) if not name.startswith("count") else worst
            print(f"{name:34s} {ms:8.2f} ms   {ms / base:6.2f}x count(*)")
        kb.close()
        empty_ms = best_ms(startup(empty_path))
        full_ms = best_ms(startup(full_path))
        print(f"{'start-up, empty history':34s} {empty_ms:8.2f} ms")
        print(
            f"{'start-up, full history':34s} {full_ms:8.2f} ms   {full_ms / empty_ms:6.2f}x empty"
        )
        print(f"worst page/search: {worst:.2f} ms (bar: 100 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
