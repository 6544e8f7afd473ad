"""`triage-app eval` through a real subprocess."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import CliRunner

DEV = Path(__file__).resolve().parents[1] / "data" / "dev_tickets.jsonl"


def test_eval_json_on_one_half(run_cli: CliRunner) -> None:
    proc = run_cli("eval", str(DEV), "--json", "--split", "a")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["split"] == "a" and 0 < report["n"] < 81
    assert set(report) >= {"accuracy", "macro_f1", "top1", "top3", "confusion", "bands", "misses"}


def test_eval_text_report(run_cli: CliRunner) -> None:
    proc = run_cli("eval", str(DEV))
    assert proc.returncode == 0, proc.stderr
    assert "verdict accuracy:" in proc.stdout and "confusion" in proc.stdout


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
