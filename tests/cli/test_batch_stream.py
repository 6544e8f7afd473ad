"""`triage-app batch` streams: each result is written before the next ticket is triaged, the
input is read line by line, history gets every ticket in one transaction, a failure replaces nothing."""

from __future__ import annotations

import io
import json
import os
import stat
from pathlib import Path

import pytest

from triage_app import cli
from triage_app.core.service import TriageService
from triage_app.storage import history_repo
from triage_app.storage.database import open_knowledge_base

TICKETS = [
    "Our Prefect worker pods crash after the Helm upgrade to 3.1.2",
    "Who is our account manager? We need to update the billing contact.",
    "The prefect-server chart ignores our values.yaml ingress annotations",
]


def write_jsonl(path: Path, texts: list[str]) -> Path:
    path.write_text(
        "".join(json.dumps({"id": f"T{i}", "text": t}) + "\n" for i, t in enumerate(texts)),
        encoding="utf-8",
    )
    return path


def test_each_result_is_written_before_the_next_ticket_is_triaged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", TICKETS * 4)
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    seen: list[int] = []
    real = TriageService.triage

    def triage(self: TriageService, text: str):  # type: ignore[no-untyped-def]
        seen.append(out.getvalue().count("\n"))  # results already written when this one starts
        return real(self, text)

    monkeypatch.setattr(TriageService, "triage", triage)
    data = tmp_path / "data"
    assert cli.main(["--data-dir", str(data), "batch", str(src)]) == 0
    assert seen == list(range(len(TICKETS) * 4))
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["id"] for r in rows] == [f"T{i}" for i in range(len(TICKETS) * 4)]
    kb = open_knowledge_base(data / "knowledge.db")
    assert history_repo.count(kb.db) == len(TICKETS) * 4  # saved as well, as before
    kb.close()


def test_an_output_file_appears_whole_keeps_its_mode_and_a_failure_leaves_it(
    tmp_path: Path, run_cli
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "results.jsonl"
    out.write_text("previous results\n", encoding="utf-8")
    os.chmod(out, 0o640)
    src = write_jsonl(tmp_path / "in.jsonl", TICKETS)
    proc = run_cli("batch", str(src), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == len(TICKETS)
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    # A bad byte in the middle of the input: one line, and the earlier results file stays.
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(src.read_bytes() + b'{"id": "x", "text": "caf\xe9"}\n')
    before = out.read_bytes()
    proc = run_cli("batch", str(bad), "-o", str(out))
    assert proc.returncode == 2
    assert f"{bad}: not UTF-8 text (byte {len(src.read_bytes()) + 24})" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert out.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_results_still_come_when_history_cannot_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", TICKETS)

    def refuse(*_args: object, **_kwargs: object) -> int:
        from triage_app.storage.errors import StorageError

        raise StorageError("The disk is full: the change was not saved.")

    monkeypatch.setattr(history_repo, "save_triage", refuse)
    # Exit 4: every result written, but not saved to history (the summary line says so too).
    assert cli.main(["--data-dir", str(tmp_path / "data"), "batch", str(src)]) == 4
    captured = capsys.readouterr()
    assert [json.loads(line)["id"] for line in captured.out.splitlines()] == ["T0", "T1", "T2"]
    assert "not saved to history: The disk is full" in captured.err
    assert "3 tickets triaged, 0 skipped, history not saved" in captured.err
