"""`triage-app train` through a real subprocess: deterministic, and the shipped model is its output."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import CliRunner

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample_tickets.jsonl"


def test_training_twice_gives_the_same_bytes_and_the_app_uses_it(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    first, second = tmp_path / "a.bin", tmp_path / "b.bin"
    proc = run_cli("train", str(SAMPLE), "-o", str(first))
    assert proc.returncode == 0, proc.stderr
    assert "cross-validation fold 5/5" in proc.stderr  # progress goes to stderr
    assert run_cli("train", str(SAMPLE), "-o", str(second)).returncode == 0
    assert first.read_bytes() == second.read_bytes()

    # Without -o the model lands in the data folder, where the app picks it up.
    assert run_cli("train", str(SAMPLE)).returncode == 0
    assert (tmp_path / "kb" / "verdict_model.bin").read_bytes() == first.read_bytes()
    listed = run_cli("triage", "--json", "--no-save", input="Prefect worker crashes after upgrade")
    assert listed.returncode == 0, listed.stderr


def test_train_refuses_bad_corpora_in_one_line(run_cli: CliRunner, tmp_path: Path) -> None:
    missing = run_cli("train", str(tmp_path / "nope.jsonl"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "label": "maybe"}\n', encoding="utf-8")
    proc = run_cli("train", str(bad))
    assert proc.returncode == 2 and f"{bad}:1: label 'maybe'" in proc.stderr
    assert "Traceback" not in proc.stderr
