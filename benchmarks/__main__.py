"""Every benchmark with one command: `python -m benchmarks` (see benchmarks/README.md for the figures).

Each figure is printed next to a reference measured in the same run on the same machine, so the
ratios stay comparable between machines: start-up against a bare PySide6 window, triage latency
against a plain tokenisation of the same text, a large knowledge base against the shipped one,
release status against parsing the same version strings, and history search (bench_history) against
a primary-key lookup and a count(*).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV_TICKETS = ROOT / "tests" / "data" / "sample_tickets.jsonl"
TODAY = dt.date(2026, 1, 15)
_WORD = re.compile(r"\w+")


def machine() -> str:
    uname = " ".join(platform.uname())
    return f"{uname} | {os.cpu_count()} CPUs | Python {platform.python_version()}"


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def pct(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def per_text(fn: Callable[[str], object], texts: Sequence[str], passes: int) -> list[float]:
    """Seconds per text, over `passes` passes (after one warm-up pass)."""
    for t in texts:
        fn(t)
    return [timed(lambda t=t: fn(t)) for _ in range(passes) for t in texts]


def tokenise(text: str) -> int:
    """The reference: the least any matcher must do, fold case and find the words."""
    return len(_WORD.findall(text.lower()))


def row(name: str, value: str, ref: str = "") -> str:
    return f"{name:44s} {value:>22s}   {ref}"


def dev_texts() -> list[str]:
    lines = DEV_TICKETS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["text"] for line in lines if line.strip()]


def synthetic_kb(bullets: int = 1000, terms: int = 20, seed: int = 3):  # type: ignore[no-untyped-def]
    """A policy of `bullets` bullets with `terms` curated terms each (words, phrases, error strings)."""
    from triage_app.core.knowledge import defaults
    from triage_app.core.knowledge.policy import Bullet, Policy
    from triage_app.core.triage.vocabulary import Term, Vocabulary, default_vocabulary

    rng = random.Random(seed)
    syllables = [
        "ka",
        "lo",
        "mi",
        "nu",
        "re",
        "sa",
        "to",
        "vi",
        "ze",
        "pra",
        "dex",
        "lon",
        "gar",
        "fen",
        "tul",
        "bry",
        "osk",
        "mer",
        "quin",
        "hal",
    ]

    def word() -> str:
        return "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))

    shipped = default_vocabulary()
    real_terms = [
        t for b in defaults.default_policy().bullets for _g, t in shipped.terms_for(b.title)
    ]
    policy_bullets = []
    vocab: dict[str, dict[str, tuple[Term, ...]]] = {}
    for i in range(bullets):
        side = "in_scope" if i % 2 == 0 else "out_of_scope"
        title = f"{word().capitalize()} {word()} {i}"
        policy_bullets.append(Bullet(side, title, f"{word()} {word()} and {word()}.", i))
        chosen = []
        for k in range(terms):
            kind = k % 4
            if kind == 0:
                chosen.append(Term(rng.choice(real_terms).text, 0.8))  # shared with the real policy
            elif kind == 1:
                chosen.append(Term(f"{word()} {word()}", 1.0))
            elif kind == 2:
                chosen.append(Term(f"{word()}Error", 1.0))
            else:
                chosen.append(Term(word(), 0.6))
        vocab[title] = {"terms": tuple(chosen)}
    return Policy(tuple(policy_bullets)), Vocabulary(vocab, shipped.signals)


def bench_triage(passes: int) -> list[str]:
    from triage_app.core.knowledge import defaults
    from triage_app.core.triage.engine import TriageEngine
    from triage_app.core.triage.vocabulary import default_vocabulary
    from triage_app.services import build_services

    out = ["", "Triage latency (full service: engine + versions + draft unless noted)"]
    texts = dev_texts()
    with tempfile.TemporaryDirectory() as tmp:
        services = build_services(Path(tmp) / "kb", TODAY)
        full = per_text(services.triage.triage, texts, passes)
        ref = per_text(tokenise, texts, passes)
        out.append(
            row(
                f"dev tickets ({len(texts)}), median / p99",
                f"{statistics.median(full) * 1000:.2f} / {pct(full, 99) * 1000:.2f} ms",
                f"ref tokenise: {statistics.median(ref) * 1000:.3f} / {pct(ref, 99) * 1000:.3f} ms"
                f" ({statistics.median(full) / statistics.median(ref):.0f}x median)",
            )
        )

        # The learned verdict beside the v1 rules it reads its signals from (issue 12's bar:
        # median <= 2 ms, p99 <= 16 ms), and what loading the model costs.
        learned = per_text(services.engine.triage, texts, passes)
        rules = per_text(services.engine.lexical.triage, texts, passes)
        out.append(
            row(
                "learned verdict only, median / p99",
                f"{statistics.median(learned) * 1000:.2f} / {pct(learned, 99) * 1000:.2f} ms",
                f"ref v1 rules: {statistics.median(rules) * 1000:.2f} / "
                f"{pct(rules, 99) * 1000:.2f} ms ({statistics.median(learned) / statistics.median(rules):.1f}x median)",
            )
        )
        import tracemalloc

        from triage_app.storage.team_model import shipped_model

        # Timed without tracemalloc (it makes every allocation several times slower), then
        # loaded once more under it for the memory held.
        t0 = time.perf_counter()
        model = shipped_model()
        load_s = time.perf_counter() - t0
        del model
        tracemalloc.start()
        model = shipped_model()
        held = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        out.append(
            row(
                "  loading the model (after first paint)",
                f"{load_s * 1000:.0f} ms, {held / 2**20:.1f} MiB held",
                f"{len(model.head_names)} heads",
            )
        )

        t0 = time.perf_counter()
        policy, vocab = synthetic_kb()
        big = TriageEngine(policy, vocab)
        build_s = time.perf_counter() - t0
        shipped = TriageEngine(defaults.default_policy(), default_vocabulary())
        big_t = per_text(big.triage, texts, passes)
        ship_t = per_text(shipped.triage, texts, passes)
        out.append(
            row(
                "engine, 1,000 bullets x 20 terms, med / p99",
                f"{statistics.median(big_t) * 1000:.2f} / {pct(big_t, 99) * 1000:.2f} ms",
                f"ref shipped 18 bullets: {statistics.median(ship_t) * 1000:.2f} / "
                f"{pct(ship_t, 99) * 1000:.2f} ms ({statistics.median(big_t) / statistics.median(ship_t):.1f}x median)",
            )
        )
        out.append(row("  building that engine", f"{build_s * 1000:.0f} ms"))

        unit = "\n\n".join(texts)
        paste = (unit * (10 * 1024 * 1024 // len(unit) + 1))[: 10 * 1024 * 1024]
        big_paste = [timed(lambda: services.triage.triage(paste)) for _ in range(5)]
        ref_paste = [timed(lambda: tokenise(paste)) for _ in range(5)]
        out.append(
            row(
                "10 MB paste, median / max of 5",
                f"{statistics.median(big_paste) * 1000:.0f} / {max(big_paste) * 1000:.0f} ms",
                f"ref tokenise 10 MB: {statistics.median(ref_paste) * 1000:.0f} ms "
                f"({statistics.median(big_paste) / statistics.median(ref_paste):.2f}x)",
            )
        )
        services.kb.close()
    return out


def trie_pattern(words: Sequence[str]) -> str:
    """One regex that finds any of `words` as a whole word: alternatives share their prefixes."""
    trie: dict[str, dict] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        ends = "" in node
        alts = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if ends else body

    return r"\b" + emit(trie) + r"\b"


def bench_hits(passes: int) -> list[str]:
    """The engine's hit finding against the lexical limit: one trie regex over the same text."""
    from triage_app.core.knowledge import defaults
    from triage_app.core.triage import engine as engine_module
    from triage_app.core.triage.engine import TriageEngine
    from triage_app.core.triage.text import prepare
    from triage_app.core.triage.vocabulary import default_vocabulary

    engine = TriageEngine(defaults.default_policy(), default_vocabulary())
    words = sorted({w for w in engine._index if w and not w.startswith("\x00")})
    words += [e.tokens[0] for e in engine._prefix]
    trie = re.compile(trie_pattern(words))
    prepared = [prepare(t, engine._log_markers) for t in dev_texts()]
    tokens = [
        [
            engine_module._Token(
                t, engine._canon(t), engine_module._VERSION_WORD.fullmatch(t) is not None, s, e
            )
            for t, s, e in engine_module._tokenize(p.folded)
        ]
        for p in prepared
    ]
    pairs = list(zip(prepared, tokens, strict=True))

    def ms(fn: Callable[[], object]) -> float:
        fn()
        return statistics.median(timed(fn) for _ in range(passes * 5)) * 1000

    hits = ms(lambda: [engine._hits(p, toks) for p, toks in pairs])
    ref = ms(lambda: [trie.findall(p.folded) for p in prepared])
    return [
        "",
        "Hit finding (engine._hits) on the sample tickets, already tokenised",
        row(
            f"{len(pairs)} tickets, total",
            f"{hits:.2f} ms",
            f"ref one trie regex of the vocabulary: {ref:.2f} ms ({hits / ref:.1f}x)",
        ),
    ]


def bench_releases(passes: int) -> list[str]:
    from triage_app.core.knowledge import defaults
    from triage_app.core.releases.release_csv import parse_release_text
    from triage_app.core.releases.schedule import Release, Schedule, parse_version

    out = ["", "Release status for 1,000 versions"]
    shipped = Schedule(tuple(parse_release_text(defaults.read_text(defaults.RELEASES_FILE))))
    rng = random.Random(11)
    known = [(p, r.version) for p in shipped.products() for r in shipped.of(p)]
    asks = [
        rng.choice(known)
        if i % 2 == 0
        else ("prefect", f"3.{rng.randrange(8)}.{rng.randrange(40)}")
        for i in range(1000)
    ]
    day0 = dt.date(2023, 1, 1)
    synthetic = Schedule(
        tuple(
            Release("prefect", f"3.{i // 100}.{i % 100}", day0 + dt.timedelta(days=i))
            for i in range(1000)
        )
    )
    synth_asks = [("prefect", f"3.{rng.randrange(12)}.{rng.randrange(100)}") for _ in range(1000)]

    def all_status(schedule: Schedule, items: list[tuple[str, str]]) -> Callable[[], object]:
        return lambda: [schedule.status(p, v, TODAY) for p, v in items]

    def ms(fn: Callable[[], object]) -> float:
        fn()
        return statistics.median(timed(fn) for _ in range(passes)) * 1000

    # The reference parses without parse_version's cache, so it stays the cost of real parsing.
    parse = getattr(parse_version, "__wrapped__", parse_version)
    ref = ms(lambda: [parse(v) for _p, v in asks])
    for name, sched, items in (
        (f"shipped schedule ({len(shipped.releases)} releases)", shipped, asks),
        ("schedule of 1,000 releases", synthetic, synth_asks),
    ):
        value = ms(all_status(sched, items))
        out.append(
            row(
                f"{name}, total",
                f"{value:.1f} ms",
                f"ref parse 1,000 versions: {ref:.2f} ms ({value / ref:.0f}x)",
            )
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--startup-runs", type=int, default=None, help="start-up pairs (default 15)"
    )
    parser.add_argument("--passes", type=int, default=3, help="passes over the dev tickets")
    parser.add_argument("--history-rows", type=int, default=100_000)
    parser.add_argument(
        "--only",
        choices=["startup", "triage", "paste", "footprint", "releases", "history", "hostile"],
        action="append",
    )
    args = parser.parse_args(argv)
    only = set(
        args.only or ["startup", "triage", "paste", "footprint", "releases", "history", "hostile"]
    )

    print(f"machine: {machine()}")
    if "startup" in only:
        from benchmarks import bench_startup

        print("\nStart-up to the first painted main window (fresh processes, offscreen, median)")
        print(
            "\n".join(
                bench_startup.report(bench_startup.measure(args.startup_runs or bench_startup.RUNS))
            )
        )
        runs = args.startup_runs or bench_startup.RUNS
        print("\n".join(bench_startup.search_report(*bench_startup.cli_search(runs))))
    if "triage" in only:
        print("\n".join(bench_triage(args.passes)))
        print("\n".join(bench_hits(args.passes)))
    if "paste" in only:
        from benchmarks import bench_paste

        print("\nA 10 MB paste (fresh processes, offscreen, median of 3 interleaved pairs)")
        print("\n".join(bench_paste.measure()))
    if "footprint" in only:
        from benchmarks import bench_footprint

        print("\nFootprint (benchmarks/bench_footprint.py)")
        print("\n".join(bench_footprint.report(2000, 20_000)))
    if "releases" in only:
        print("\n".join(bench_releases(max(args.passes, 5))))
    if "history" in only:
        from benchmarks import bench_history

        print(f"\nHistory with {args.history_rows:,} triages (benchmarks/bench_history.py)")
        sys.stdout.flush()
        bench_history.main(["--rows", str(args.history_rows)])
    if "hostile" in only:
        from benchmarks import bench_hostile

        print("\nHostile input (benchmarks/bench_hostile.py)")
        bench_hostile.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
