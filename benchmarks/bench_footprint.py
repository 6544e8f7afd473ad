"""Footprint: history bytes per saved triage, and batch peak memory for 20,000 tickets vs 2,000.

Run: .venv/bin/python -m benchmarks.bench_footprint [--rows N] [--batch N]
History: real triages of the sample tickets saved through history_repo.save_triage (as the GUI and the
CLI do), file size after a checkpoint divided by the rows; the reference is the tickets' own UTF-8
bytes. Bar: <= 3,000 bytes a triage. Batch: `triage-app batch` in a fresh process on N and N/10
tickets, peak RSS of each (the small run is the reference). Bar: <= 1.3x.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.bench_paste import PEAK_KB

ROOT = Path(__file__).resolve().parents[1]
TICKETS = ROOT / "tests" / "data" / "sample_tickets.jsonl"


def _texts() -> list[str]:
    lines = TICKETS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["text"] for line in lines if line.strip()]


def history_bytes(rows: int) -> tuple[float, float]:
    """(file bytes per triage, ticket bytes per triage) for `rows` real triages."""
    import datetime as dt

    from triage_app.services import build_services
    from triage_app.storage import history_repo

    texts = _texts()
    with tempfile.TemporaryDirectory() as tmp:
        services = build_services(Path(tmp) / "kb", dt.date(2026, 1, 15))
        kb = services.kb
        empty = _size(kb)
        ticket_bytes = 0
        with kb.transaction() as db:
            for i in range(rows):
                text = texts[i % len(texts)] + f"\n\nCASE-{i}"
                ticket_bytes += len(text.encode("utf-8"))
                result = services.triage.triage(text)
                history_repo.save_triage(db, text, result, source="bench")
        size = _size(kb) - empty
        kb.close()
    return size / rows, ticket_bytes / rows


def _size(kb) -> int:  # type: ignore[no-untyped-def]
    kb.db.execute("pragma wal_checkpoint(truncate)")
    path = kb.path
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


_BATCH_CHILD = """
import resource, sys
#PEAK_KB


from triage_app.cli import main
code = main(sys.argv[1:])
print("peak", peak_kb(), file=sys.stderr)
""".replace("#PEAK_KB", PEAK_KB.strip())


def batch_peak_kb(tickets: int, folder: Path) -> int:
    texts = _texts()
    src = folder / f"in-{tickets}.jsonl"
    with src.open("w", encoding="utf-8") as f:
        for i in range(tickets):
            f.write(json.dumps({"id": i, "text": texts[i % len(texts)]}) + "\n")
    out = folder / f"out-{tickets}.jsonl"
    env = dict(os.environ, TRIAGE_APP_DATA_DIR=str(folder / f"kb-{tickets}"))
    proc = subprocess.run(
        [sys.executable, "-c", _BATCH_CHILD, "batch", str(src), "-o", str(out)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    peaks = [line.split()[1] for line in proc.stderr.splitlines() if line.startswith("peak ")]
    if not peaks:
        raise RuntimeError(f"batch of {tickets} failed:\n{proc.stderr}")
    return int(peaks[-1])


def report(rows: int, batch: int) -> list[str]:
    per_triage, per_ticket = history_bytes(rows)
    ok = "ok" if per_triage <= 3000 else "ABOVE TARGET"
    out = [
        f"history, {rows:,} real triages: {per_triage:,.0f} bytes a triage ({ok}, bar 3,000)"
        f"   ref ticket text: {per_ticket:,.0f} bytes ({per_triage / per_ticket:.2f}x)",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        small = batch_peak_kb(batch // 10, folder)
        big = batch_peak_kb(batch, folder)
    ratio = big / small
    out.append(
        f"batch peak memory, {batch:,} tickets: {big / 1024:.0f} MB"
        f"   ref {batch // 10:,} tickets: {small / 1024:.0f} MB ({ratio:.2f}x, "
        + ("ok" if ratio <= 1.3 else "ABOVE TARGET")
        + ", bar 1.3x)"
    )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000, help="triages saved to history")
    parser.add_argument("--batch", type=int, default=20_000, help="tickets in the big batch")
    args = parser.parse_args(argv)
    print("\n".join(report(args.rows, args.batch)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
