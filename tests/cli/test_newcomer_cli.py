"""The command line for a newcomer: what to do at a bare prompt, what a CSV holds, where -o DIR/ goes."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import CliRunner
from tests.gui.conftest import SPANS_BOTH_TICKET
from triage_app import cli


def test_triage_at_a_terminal_says_how_to_paste(data_dir: Path) -> None:
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "triage_app", "--data-dir", str(data_dir), "triage", "--no-save"],
        stdin=slave,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    os.close(slave)
    try:
        hint = proc.stderr.readline().decode("utf-8")  # said before it waits for the text
        assert "Ctrl+D" in hint and "--clipboard" in hint
        os.write(master, SPANS_BOTH_TICKET.encode("utf-8") + b"\n\x04")
        out, _err = proc.communicate(timeout=120)
    finally:
        os.close(master)
    assert proc.returncode == 0
    assert out.decode("utf-8").startswith("Verdict: Spans both")


def test_piped_stdin_gets_no_hint(run_cli: CliRunner) -> None:
    proc = run_cli("triage", "--no-save", input=SPANS_BOTH_TICKET)
    assert proc.returncode == 0 and "Ctrl+D" not in proc.stderr


def test_triage_reads_the_clipboard(
    qapp: object, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from PySide6.QtGui import QGuiApplication

    QGuiApplication.clipboard().setText(SPANS_BOTH_TICKET)
    try:
        assert cli.main(["--data-dir", str(data_dir), "triage", "--clipboard", "--no-save"]) == 0
        assert capsys.readouterr().out.startswith("Verdict: Spans both")
        QGuiApplication.clipboard().setText("  ")
        assert cli.main(["--data-dir", str(data_dir), "triage", "--clipboard"]) == 2
        assert "clipboard holds no text" in capsys.readouterr().err
    finally:
        QGuiApplication.clipboard().clear()


def test_text_output_quotes_every_bullet_like_the_gui(run_cli: CliRunner) -> None:
    proc = run_cli("triage", "--no-save", input=SPANS_BOTH_TICKET)
    json_proc = run_cli("triage", "--no-save", "--json", input=SPANS_BOTH_TICKET)
    import json

    matches = json.loads(json_proc.stdout)["matches"]
    assert len(matches) >= 3
    for match in matches:
        assert f"] {match['title']}  score" in proc.stdout
    assert proc.stdout.count("      “") == len(matches)  # each one quoted
    assert "“Ingress and load balancer setup:" in proc.stdout or "“Istio" in proc.stdout


def test_text_rendering_has_no_bullet_limit() -> None:
    """More bullets than the old limit of three are all listed and quoted."""
    from triage_app.commands.output import render_result
    from triage_app.core.knowledge.defaults import default_policy
    from triage_app.core.result import Match, TriageResult

    policy = default_policy()
    titles = [b.title for b in policy.bullets][:5]
    result = TriageResult("in_scope", 0.9, tuple(Match(t, "in_scope", 0.5) for t in titles))
    text = render_result(result, policy)
    for title in titles:
        assert f"] {title}  score" in text
    assert text.count("      “") == 5


def test_batch_without_the_text_column_names_the_columns_and_the_option(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    tickets = tmp_path / "tickets.csv"
    tickets.write_text("id,body\n1,helm chart values\n", encoding="utf-8")
    proc = run_cli("batch", str(tickets), "--no-save")
    assert proc.returncode == 2
    assert "missing column(s) text" in proc.stderr
    assert "columns found: id, body" in proc.stderr and "--text-column" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    ok = run_cli("batch", str(tickets), "--no-save", "--text-column", "body")
    assert ok.returncode == 0, ok.stderr


def test_draft_into_a_missing_folder_is_refused_not_written_as_a_file(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    missing = tmp_path / "replies"
    proc = run_cli("draft", "-o", f"{missing}/", input=SPANS_BOTH_TICKET)
    assert proc.returncode == 2
    assert "no such folder" in proc.stderr and "Traceback" not in proc.stderr
    assert not missing.exists() and list(tmp_path.iterdir()) == [tmp_path / "kb"]
    missing.mkdir()
    written = run_cli("draft", "-o", f"{missing}/", input=SPANS_BOTH_TICKET)
    assert written.returncode == 0, written.stderr
    (reply,) = missing.iterdir()
    assert reply.name.startswith("reply-") and reply.suffix == ".txt"
