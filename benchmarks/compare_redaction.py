"""Our redaction against detect-secrets' detectors on the same suite: secrets leaked, look-alikes masked.

Run: .venv/bin/python -m benchmarks.compare_redaction [--show]
The suite is tests/data/redaction_suite.jsonl: real-shaped secrets with synthetic values, look-alikes
(versions, SHAs, UUIDs, pod names, digests, placeholders) and personal data. A secret counts as leaked
when its value, or any 8 characters in a row of it, is still in the masked text. detect-secrets
(Yelp, offline) is optional: `pip install detect-secrets` into the venv for the comparison only. It
reports values per line, not spans, so its mask replaces each reported value wherever it occurs.
Prints how long each engine took over the suite next to one plain `\\w+` pass (the reference).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from triage_app.core.replies import redaction as r

SUITE = Path(__file__).resolve().parents[1] / "tests" / "data" / "redaction_suite.jsonl"
Spans = list[tuple[int, int]]


def load_suite(path: Path = SUITE) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def leaked(masked: str, secret: str, window: int = 8) -> bool:
    """The value, or any `window` characters of it in a row, survived the masking."""
    if secret in masked:
        return True
    return any(secret[i : i + window] in masked for i in range(len(secret) - window + 1))


def ours(kinds: Iterable[str]) -> Callable[[str], Spans]:
    kinds = tuple(kinds)
    return lambda text: [(i.start, i.end) for i in r.find_redactions(text, kinds)]


def detect_secrets_spans(without: tuple[str, ...] = ()) -> Callable[[str], Spans] | None:
    """detect-secrets' ad-hoc line scan (`detect-secrets scan --string`), all plugins but `without`."""
    try:
        from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
        from detect_secrets.core.scan import scan_line
        from detect_secrets.settings import transient_settings
    except ImportError:
        return None
    names = sorted(c.__name__ for c in get_mapping_from_secret_type_to_class().values())
    config = {"plugins_used": [{"name": n} for n in names if n not in without]}

    def spans(text: str) -> Spans:
        found: Spans = []
        offset = 0
        with transient_settings(config):
            for line in text.split("\n"):
                for secret in scan_line(line):
                    value = secret.secret_value or ""
                    start = line.find(value) if value else -1
                    while value and start >= 0:
                        found.append((offset + start, offset + start + len(value)))
                        start = line.find(value, start + 1)
                offset += len(line) + 1
        return found

    return spans


def union(*finders: Callable[[str], Spans]) -> Callable[[str], Spans]:
    return lambda text: [span for f in finders for span in f(text)]


def apply(text: str, spans: Spans) -> str:
    """Mask the union of `spans` (overlaps merged)."""
    out, pos = [], 0
    for start, end in sorted(spans):
        if end <= pos:
            continue
        start = max(start, pos)
        out += [text[pos:start], "[redacted]"]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def score(finder: Callable[[str], Spans], entries: list[dict]) -> tuple[list[str], list[str]]:
    """(ids of secret entries that leaked, ids of look-alikes with anything masked)."""
    missed, masked = [], []
    for e in entries:
        spans = finder(e["text"])
        if e["kind"] == "lookalike":
            if spans:
                masked.append(e["id"])
        elif any(leaked(apply(e["text"], spans), s) for s in e["secrets"]):
            missed.append(e["id"])
    return missed, masked


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="list the ids missed and masked")
    args = parser.parse_args(argv)
    suite = load_suite()
    secrets = [e for e in suite if e["kind"] == "secret"]
    looks = [e for e in suite if e["kind"] == "lookalike"]
    personal = [e for e in suite if e["kind"] == "personal"]
    print(
        f"suite: {len(secrets)} secrets, {len(looks)} look-alikes, {len(personal)} personal items"
    )
    ds = detect_secrets_spans()
    entropy = ("Base64HighEntropyString", "HexHighEntropyString")
    ds_named = detect_secrets_spans(entropy)
    ds_strict = detect_secrets_spans((*entropy, "KeywordDetector", "IPPublicDetector"))
    engines: list[tuple[str, Callable[[str], Spans], list[dict]]] = [
        ("ours (default kinds)", ours(r.DEFAULT_KINDS), secrets + looks),
        ("ours --personal", ours(r.ALL_KINDS), secrets + looks + personal),
    ]
    if ds is None or ds_named is None or ds_strict is None:
        print("detect-secrets is not installed: only our figures (pip install detect-secrets)")
    else:
        engines += [
            ("detect-secrets, all plugins", ds, secrets + looks),
            ("detect-secrets, no entropy", ds_named, secrets + looks),
            ("detect-secrets, vendor only", ds_strict, secrets + looks),
            ("ours + ds all plugins", union(ours(r.DEFAULT_KINDS), ds), secrets + looks),
            ("ours + ds no entropy", union(ours(r.DEFAULT_KINDS), ds_named), secrets + looks),
            ("ours + ds vendor only", union(ours(r.DEFAULT_KINDS), ds_strict), secrets + looks),
        ]
    text = "\n".join(e["text"] for e in suite)
    t0 = time.perf_counter()
    sum(1 for _ in re.finditer(r"\w+", text))
    ref = time.perf_counter() - t0
    print(
        f"{'engine':30s} {'secrets leaked':>15s} {'look-alikes masked':>19s} {'time':>9s} {'vs ref':>8s}"
    )
    only_ds: set[str] = set()
    only_ours: set[str] = set()
    for name, finder, entries in engines:
        t0 = time.perf_counter()
        missed, masked = score(finder, entries)
        took = time.perf_counter() - t0
        n_secret = sum(e["kind"] != "lookalike" for e in entries)
        print(
            f"{name:30s} {len(missed):6d} of {n_secret:<5d} {len(masked):8d} of {len(looks):<6d}"
            f" {took * 1000:7.1f}ms {took / max(ref, 1e-9):7.0f}x"
        )
        if args.show:
            print(f"    missed: {', '.join(missed) or '-'}\n    masked: {', '.join(masked) or '-'}")
        if name.startswith("ours (default"):
            only_ds = set(missed)
        if name == "detect-secrets, all plugins":
            only_ours = set(missed) - only_ds
            only_ds -= set(missed)
    if ds is not None:
        print(
            f"caught by detect-secrets only: {len(only_ds)} {sorted(only_ds) if args.show else ''}"
        )
        print(f"caught by ours only: {len(only_ours)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
