"""`triage-app redact` and the masked subject of `draft --format eml`, through a real subprocess."""

from __future__ import annotations

import email
import email.policy
import os
import stat
from pathlib import Path

from benchmarks.compare_redaction import load_suite
from tests.cli.conftest import CliRunner

SUITE = load_suite()
GH = "ghp_" + "k3Y9" * 9
LOG = (
    "2026-01-15 10:02:11 worker started, prefect 2.19.3.1 on 10.12.3.45\n"
    "curl -u admin:Hunt3r2!x https://prefect.acme.io/api/health\n"
    f"clone with {GH}\r\n"
    "contact jane.doe@acme-corp.com\n"
)


def test_redact_masks_a_log_from_stdin_and_keeps_everything_else(run_cli: CliRunner) -> None:
    proc = run_cli("redact", input=LOG.encode("utf-8"))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Hunt3r2!x" not in out and GH not in out
    assert "curl -u admin:[redacted password on a command line] https://prefect.acme.io" in out
    assert "jane.doe@acme-corp.com" in out and "10.12.3.45" in out  # personal data is opt-in
    assert "\r\n" in out  # line endings as they were
    assert "masked 2 item(s)" in proc.stderr and "Hunt3r2" not in proc.stderr


def test_redact_personal_masks_addresses_but_not_versions(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    log = tmp_path / "worker.log"
    log.write_text(LOG, encoding="utf-8")
    proc = run_cli("redact", str(log), "--personal", "--list")
    assert proc.returncode == 0, proc.stderr
    assert "prefect 2.19.3.1 on [redacted IP address]" in proc.stdout
    assert "jane.doe" not in proc.stdout
    assert "line 2, column 15: password on a command line" in proc.stderr
    assert "Hunt3r2" not in proc.stderr  # --list says where, never what


def test_redact_the_whole_suite_in_one_file(run_cli: CliRunner, tmp_path: Path) -> None:
    suite = tmp_path / "suite.txt"
    suite.write_text("\n\n".join(e["text"] for e in SUITE), encoding="utf-8")
    out = tmp_path / "masked.txt"
    out.write_text("")
    out.chmod(0o644)
    proc = run_cli("redact", str(suite), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    masked = out.read_text(encoding="utf-8")
    secrets = [s for e in SUITE if e["kind"] == "secret" for s in e["secrets"]]
    # Whole values: the 8-character windows of tests/core/replies/test_redaction_suite.py would find the
    # base64 of "-----BEGIN " shared by a masked key and a (public) certificate look-alike.
    assert [s for s in secrets if s in masked] == []
    for e in SUITE:
        if e["kind"] == "lookalike":
            assert e["text"] in masked, e["id"]
    if os.name == "posix":
        assert stat.S_IMODE(out.stat().st_mode) == 0o644


def test_redact_errors_are_one_line(run_cli: CliRunner, tmp_path: Path) -> None:
    binary = tmp_path / "core.bin"
    binary.write_bytes(b"\x7fELF\x00\x01\x02" * 100)
    for args, message in (
        ((str(tmp_path / "missing.log"),), "missing.log: no such file"),
        ((str(binary),), "core.bin: binary data, not text"),
        ((str(tmp_path),), "is a folder, not a file"),
    ):
        proc = run_cli("redact", *args)
        assert proc.returncode == 2
        assert message in proc.stderr and "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1
    empty = run_cli("redact", input=b"")
    assert empty.returncode == 0 and empty.stdout == ""


def test_draft_eml_subject_is_masked(run_cli: CliRunner, tmp_path: Path) -> None:
    key = "pnu_" + "Q7w8E9r0T1" * 3 + "abcdef"
    ticket = tmp_path / "t.txt"
    ticket.write_text(
        f"PREFECT_API_KEY={key} and {GH} fail after the helm upgrade\n"
        "the worker pod crashes on start after upgrading to 3.4.7\n",
        encoding="utf-8",
    )
    out = tmp_path / "reply.eml"
    proc = run_cli("draft", str(ticket), "-o", str(out), "--var", f"ticket_ref=CS-1 {GH}")
    assert proc.returncode == 0, proc.stderr
    data = out.read_bytes()
    msg = email.message_from_bytes(data, policy=email.policy.default)
    assert str(msg["Subject"]).startswith("Re: CS-1 [redacted API token]")
    for secret in (key, GH):
        assert secret.encode() not in data and secret not in msg.get_content()
    folder = tmp_path / "out"
    folder.mkdir()
    proc = run_cli(
        "draft", str(ticket), "-o", str(folder), "--format", "eml", "--var", f"ticket_ref={GH}"
    )
    assert proc.returncode == 0, proc.stderr
    (written,) = folder.iterdir()
    assert "ghp_" not in written.name and GH.encode() not in written.read_bytes()
