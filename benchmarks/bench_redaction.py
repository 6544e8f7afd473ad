"""Redaction on adversarial pastes: seconds per case at N and 2N characters, and their ratio.

Run: .venv/bin/python -m benchmarks.bench_redaction
Linear patterns give a doubling ratio near 2 (a quadratic one near 4); the reference is one plain
`re.finditer(r"\\w+")` pass over the same text, so figures compare between machines. The tests only
guard these inputs with a generous watchdog (tests/core/replies/test_redaction.py); the timings live here.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

from triage_app.core.replies import redaction as r

DEV_TICKETS = Path(__file__).resolve().parents[1] / "tests" / "data" / "sample_tickets.jsonl"

# The same shapes as test_adversarial_input_stays_linear: (name, unit repeated, times at size N).
CASES = [
    ("eyJ- runs", "eyJ-", 50_000),
    ("pnu_ runs", "pnu_", 100_000),
    ("a_ runs", "a_", 100_000),
    ("a:bbbb", "b", 200_000),
    ("x://uuu:ppp", "u", 100_000),
    ("BEGIN PRIVATE KEY lines", "-----BEGIN PRIVATE KEY-----\n", 20_000),
    ("1. runs", "1.", 200_000),
    ("+1 runs", "+1 ", 100_000),
    ("aws_secret_access_key=", "aws_secret_access_key=", 20_000),
    ("Bearer runs", "Bearer ", 50_000),
    ("a@ runs", "a@", 100_000),
    ('password: " runs', 'password: "', 50_000),
    ("k8s env pairs", "- name: DB_PASSWORD\n", 20_000),
    ("curl -u runs", "curl -u ", 50_000),
    ("docker login -p args", "-p ", 100_000),
    ("htpasswd args", "a ", 100_000),
    ("--password runs", "--password ", 50_000),
    ("ghp_ + long run", "a", 400_000),
    ("version-like IPs", "prefect==1.2.3.4 from ", 30_000),
]


def _seconds(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _text(name: str, unit: str, times: int) -> str:
    if name == "a:bbbb":
        return "a:" + unit * times
    if name == "x://uuu:ppp":
        return "x://" + unit * times + ":" + "p" * times
    if name == "a_ runs":
        return unit * times + "password"
    if name == "docker login -p args":
        return "docker login " + unit * times
    if name == "htpasswd args":
        return "htpasswd -b " + unit * times
    if name == "ghp_ + long run":
        return "ghp_" + unit * times
    return unit * times


def main() -> int:
    print(
        f"{'case':26s} {'N chars':>9s} {'at N':>8s} {'at 2N':>8s} {'2N/N':>6s} {'vs word pass':>12s}"
    )
    for name, unit, times in CASES:
        small, big = _text(name, unit, times), _text(name, unit, 2 * times)
        at_n = _seconds(lambda t=small: r.redact(t, r.ALL_KINDS))
        at_2n = _seconds(lambda t=big: r.redact(t, r.ALL_KINDS))
        ref = _seconds(lambda t=big: sum(1 for _ in re.finditer(r"\w+", t)))
        print(
            f"{name:26s} {len(small):9,d} {at_n:7.3f}s {at_2n:7.3f}s {at_2n / max(at_n, 1e-9):6.2f}"
            f" {at_2n / max(ref, 1e-9):11.1f}x"
        )
    tickets = [json.loads(line)["text"] for line in DEV_TICKETS.read_text("utf-8").splitlines()]
    unit = "\n\n".join(tickets)
    paste = (unit * (10 * 1024 * 1024 // len(unit) + 1))[: 10 * 1024 * 1024]
    full = _seconds(lambda: r.redact(paste, r.ALL_KINDS))
    ref = _seconds(lambda: sum(1 for _ in re.finditer(r"\w+", paste)))
    print(
        f"10 MB of sample tickets, all kinds: {full:.2f}s ({full / max(ref, 1e-9):.1f}x a word pass)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
