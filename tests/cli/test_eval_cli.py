"""`triage-app eval` through a real subprocess."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import CliRunner

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample_tickets.jsonl"


def test_eval_on_a_test_file_puts_every_baseline_beside_the_model(run_cli: CliRunner) -> None:
    proc = run_cli("eval", str(SAMPLE), "--no-cv", "--json", "--split", "a")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)["tests"][str(SAMPLE)]
    assert set(report) >= {"majority", "tfidf_logreg", "v1_rules", "learned"}
    learned = report["learned"]
    assert learned["split"] == "a" and 0 < learned["n"] < 90
    assert set(learned) >= {"accuracy", "macro_f1", "per_verdict", "confusion", "top1", "top3"}
    assert set(learned) >= {"ece", "reliability", "confident_half"}
    # the majority class names no bullet, so its top-1 is only right on bullet-less tickets
    assert report["majority"]["top1"] < learned["top1"]


def test_eval_cross_validates_by_kind_in_one_run(run_cli: CliRunner, tmp_path: Path) -> None:
    proc = run_cli("eval", "--corpus", str(SAMPLE))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Cross-validation on 90 corpus tickets" in out
    for system in ("majority", "tfidf_logreg", "v1_rules", "learned"):
        assert f"\n{system} " in out
    assert "accuracy per kind" in out and "written" in out and "github" in out
    assert "reliability" in out and "fold 5/5" in proc.stderr


def test_eval_bad_line_names_file_and_line(run_cli: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "1", "text": "x", "label": "in_scope"}\n{not json\n', encoding="utf-8")
    proc = run_cli("eval", str(bad))
    assert proc.returncode == 2
    assert f"{bad}:2: invalid JSON" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_eval_missing_and_binary_files(run_cli: CliRunner, tmp_path: Path) -> None:
    proc = run_cli("eval", str(tmp_path / "nope.jsonl"))
    assert proc.returncode == 2 and "no such file" in proc.stderr
    binary = tmp_path / "b.jsonl"
    binary.write_bytes(b"\x00\x01\x02")
    proc = run_cli("eval", str(binary))
    assert proc.returncode == 2 and "binary" in proc.stderr and "Traceback" not in proc.stderr
