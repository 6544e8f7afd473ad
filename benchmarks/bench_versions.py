"""Version detection on 10 MB pastes: seconds per case, and the ratio to one plain regex pass over the same text.

Run: .venv/bin/python -m benchmarks.bench_versions
The reference is `re.finditer(r"\\d\\.\\d")` over the same 10 MB, so figures compare between machines.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

from triage_app.core.knowledge import defaults
from triage_app.core.releases.release_csv import parse_release_csv
from triage_app.core.releases.schedule import Schedule
from triage_app.core.releases.versions import MAX_SCAN_CHARS, detect_versions

ROOT = Path(__file__).resolve().parents[1]
SIZE = 10_000_000


def _fill(chunk: str) -> str:
    return (chunk * (SIZE // len(chunk) + 1))[:SIZE]


def _seconds(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> int:
    schedule = Schedule(
        tuple(parse_release_csv(defaults.resource(defaults.RELEASES_FILE).read_bytes()))
    )
    tickets = (ROOT / "tests" / "data" / "sample_tickets.jsonl").read_text(encoding="utf-8")
    cases = {
        "real tickets, repeated": _fill(
            "\n".join(json.loads(x)["text"] for x in tickets.splitlines())
        ),
        "log lines with times and IPs": _fill(
            "2024-05-01 12:00:00.123 INFO | prefect.flow_runs - state Completed() "
            "10.0.0.1:4200 took 0.123s v1.2.3\n"
        ),
        "dense decimals": _fill("took 0.123 s; 1.5 GB used 3.4.7.1 x 2.0.1 \n"),
        "'release' over and over": _fill("release "),
        "1.1.1.1... one long run": _fill("1."),
    }
    print(f"scan cap: first {MAX_SCAN_CHARS:,} characters of each {SIZE:,}-character paste")
    for name, text in cases.items():
        ref = _seconds(lambda t=text: sum(1 for _ in re.finditer(r"\d\.\d", t)))
        took = _seconds(lambda t=text: detect_versions(t, schedule))
        print(f"{name:32s} {took:7.3f} s   {took / ref:6.2f}x one regex pass ({ref:.3f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
