"""`triage-app draft` and the draft in `triage --json`, through a real subprocess."""

from __future__ import annotations

import email
import email.policy
import json
import subprocess
import sys
from pathlib import Path

import pytest

TICKET = (
    "Subject: Helm upgrade fails\n\n"
    "After changing values.yaml overrides in the Prefect Helm chart the prefect-server API pods "
    "crash on start. We run prefect-cloud-0.7.0.tgz.\n"
)
KEY = "pnu_" + "Q7w8E9r0T1" * 3 + "abcdef"


def run(data_dir: Path, *args: str, stdin: str = TICKET) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "triage_app", "--data-dir", str(data_dir), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def ticket(tmp_path: Path) -> Path:
    path = tmp_path / "ticket.txt"
    path.write_text(TICKET, encoding="utf-8")
    return path


def test_draft_to_stdout_with_fields(data_dir: Path, ticket: Path) -> None:
    proc = run(
        data_dir,
        "draft",
        str(ticket),
        "--var",
        "customer_name=Ana",
        "--var",
        "ticket_ref=CS-77",
        "--today",
        "2026-03-01",
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.startswith("Hi Ana,\n")
    assert "CS-77" in out
    assert "support@prefect.io" in out
    assert "//" not in out and "{" not in out


def test_draft_masks_secrets_unless_told_not_to(data_dir: Path, ticket: Path) -> None:
    masked = run(data_dir, "draft", str(ticket), "--var", f"engineer_name={KEY}")
    assert masked.returncode == 0, masked.stderr
    assert KEY not in masked.stdout and "[redacted Prefect API key]" in masked.stdout
    assert "masked 1 item(s): Prefect API key" in masked.stderr
    kept = run(data_dir, "draft", str(ticket), "--var", f"engineer_name={KEY}", "--no-redact")
    assert KEY in kept.stdout


def test_draft_eml_into_a_folder_never_overwrites(
    data_dir: Path, ticket: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    for _ in range(2):
        proc = run(
            data_dir,
            "draft",
            str(ticket),
            "-o",
            str(out),
            "--format",
            "eml",
            "--var",
            "ticket_ref=CS-77",
            "--today",
            "2026-03-01",
        )
        assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == ["reply-CS-77-2026-03-01-2.eml", "reply-CS-77-2026-03-01.eml"]
    msg = email.message_from_bytes((out / names[1]).read_bytes(), policy=email.policy.default)
    assert msg["Subject"] == "Re: CS-77" and msg["X-Unsent"] == "1" and msg["To"] == ""
    assert msg.get_content().startswith("Hi there,")


def test_draft_to_an_existing_file_is_refused(data_dir: Path, ticket: Path, tmp_path: Path) -> None:
    target = tmp_path / "reply.md"
    target.write_text("mine", encoding="utf-8")
    proc = run(data_dir, "draft", str(ticket), "-o", str(target))
    assert proc.returncode == 2
    assert "already exists" in proc.stderr and "Traceback" not in proc.stderr
    assert target.read_text(encoding="utf-8") == "mine"
    fresh = tmp_path / "fresh.md"
    proc = run(data_dir, "draft", str(ticket), "-o", str(fresh))
    assert proc.returncode == 0, proc.stderr
    assert fresh.read_text(encoding="utf-8").startswith("Hi there,")


def test_draft_into_a_missing_folder_is_a_clear_error(
    data_dir: Path, ticket: Path, tmp_path: Path
) -> None:
    proc = run(data_dir, "draft", str(ticket), "-o", str(tmp_path / "no" / "such" / "reply.txt"))
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "does not exist" in proc.stderr


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--var", "colour=blue"], TICKET, "unknown field"),
        (["--var", "customer_name"], TICKET, "expected NAME=VALUE"),
        ([], "   \n", "empty"),
    ],
)
def test_draft_bad_input(data_dir: Path, args: list[str], stdin: str, message: str) -> None:
    proc = run(data_dir, "draft", "-", *args, stdin=stdin)
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr


def test_triage_json_fills_the_plain_draft(data_dir: Path) -> None:
    proc = run(data_dir, "triage", "--json")
    assert proc.returncode == 0, proc.stderr
    draft = json.loads(proc.stdout)["draft"]
    assert draft.startswith("Hi there,\n")
    assert "//" not in draft
    assert "Prefect Customer-Managed Support" in draft
