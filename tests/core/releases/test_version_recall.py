"""Version recall on the labelled corpus: found where the label names one, nothing where it names none."""

from __future__ import annotations

import json
import re
from pathlib import Path

from triage_app.core.knowledge import defaults
from triage_app.core.releases.release_csv import parse_release_csv
from triage_app.core.releases.schedule import Schedule
from triage_app.core.releases.versions import Detected, detect_versions

CORPUS = Path(__file__).parents[2] / "data" / "corpus_versions.jsonl"
# A label can name two versions ("client 3.4.0; server 3.2"): finding either counts.
_LABEL_VERSION = re.compile(r"\d[\w.+-]*")


def labelled_hit(label: str, found: list[Detected]) -> bool:
    wanted = [v.lower() for v in _LABEL_VERSION.findall(label)] or [label.lower()]
    return any(w == d.version.lower() or w in d.text.lower() for d in found for w in wanted)


def test_recall_and_clean_rate_on_the_labelled_corpus() -> None:
    schedule = Schedule(
        tuple(parse_release_csv(defaults.resource(defaults.RELEASES_FILE).read_bytes()))
    )
    tickets = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    with_version = [t for t in tickets if t["version"] is not None]
    without = [t for t in tickets if t["version"] is None]
    missed = [
        t["id"]
        for t in with_version
        if not labelled_hit(t["version"], detect_versions(t["text"], schedule))
    ]
    spurious = [t["id"] for t in without if detect_versions(t["text"], schedule)]
    recall = 1 - len(missed) / len(with_version)
    clean = 1 - len(spurious) / len(without)
    assert len(with_version) == 304 and len(without) == 616  # the file is the one measured
    assert recall >= 0.95, f"recall {recall:.3f}; missed {missed}"
    assert clean >= 0.95, f"versions found on {len(spurious)} unlabelled tickets: {spurious}"


def test_the_measure_itself_counts_a_miss_and_a_spurious_find() -> None:
    assert not labelled_hit("3.4.7", [])  # nothing found: a miss
    assert labelled_hit("client 3.4.7; server 3.2", [Detected("3.4.7", 15, 20, "prefect", "3.4.7")])
    assert not labelled_hit("3.4.7", [Detected("3.4.1", 15, 20, "prefect", "3.4.1")])
