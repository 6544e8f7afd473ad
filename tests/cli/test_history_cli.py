"""`triage-app history` and `corrections` through a subprocess: saving, search, export, learning."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.cli.conftest import CliRunner

DB_TICKET = (
    "Our prefect-server pods keep restarting; the logs show asyncpg TooManyConnections from "
    "our Aurora cluster and the API returns 500 while it happens."
)
DB_TICKET_LATER = (
    "Hello, prefect-server pods restarting again. Logs: asyncpg TooManyConnections from the "
    "Aurora cluster, and the API returns 500 errors meanwhile."
)
UNRELATED = (
    "The Prefect UI shows a blank dashboard after the upgrade and the flow run graph "
    "no longer renders in the browser."
)


def test_triage_and_batch_save_to_history_unless_no_save(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    assert run_cli("triage", input=DB_TICKET).returncode == 0
    assert run_cli("triage", "--no-save", input=UNRELATED).returncode == 0
    tickets = tmp_path / "t.jsonl"
    tickets.write_text(
        json.dumps({"id": "CASE-7", "text": UNRELATED})
        + "\n"
        + json.dumps({"id": "CASE-8", "text": "Helm ingress values for the prefect server"})
        + "\n",
        encoding="utf-8",
    )
    assert run_cli("batch", str(tickets), "-o", str(tmp_path / "out.jsonl")).returncode == 0
    assert run_cli("batch", str(tickets), "--no-save").returncode == 0

    listed = json.loads(run_cli("history", "--json").stdout)
    assert listed["total"] == 3
    assert [i["ticket_ref"] for i in listed["items"]] == ["CASE-8", "CASE-7", ""]
    assert [i["source"] for i in listed["items"]] == ["batch", "batch", "cli"]

    found = json.loads(run_cli("history", "--search", "aurora", "--json").stdout)
    assert [i["ticket"] for i in found["items"]] == [DB_TICKET]
    text, hits = found["items"][0]["snippet"], found["items"][0]["hits"]
    assert [text[a:b].lower() for a, b in hits] == ["aurora"]

    readable = run_cli("history", "--search", "dashboard", "--since", "2000-01-01")
    assert readable.returncode == 0
    assert "[dashboard]" in readable.stdout and "1-1 of 1" in readable.stdout
    assert "CASE-7" in readable.stdout

    verdict = listed["items"][-1]["final_verdict"]
    by_verdict = json.loads(run_cli("history", "--verdict", verdict, "--json").stdout)
    assert all(i["final_verdict"] == verdict for i in by_verdict["items"])
    assert DB_TICKET in [i["ticket"] for i in by_verdict["items"]]


def test_history_export_csv_and_jsonl(run_cli: CliRunner, tmp_path: Path) -> None:
    run_cli("triage", input=DB_TICKET)
    out = tmp_path / "history.csv"
    assert run_cli("history", "export", "-o", str(out)).returncode == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["ticket"] for r in rows] == [DB_TICKET]
    jsonl = run_cli("history", "export", "--format", "jsonl", "--search", "aurora")
    assert json.loads(jsonl.stdout.splitlines()[0])["result"]["matches"]
    bad = run_cli("history", "export", "-o", str(tmp_path / "missing" / "x.csv"))
    assert bad.returncode == 2 and "cannot write" in bad.stderr and "Traceback" not in bad.stderr


def test_correction_is_learned_by_a_refit_and_undone(run_cli: CliRunner) -> None:
    """A correction trains the model (weighted, refitted before the next command's triage): the
    similar later ticket follows it, never at 100 %, an unrelated one does not move, and undo
    brings the shipped model back."""
    before = json.loads(run_cli("triage", "--json", "--no-save", input=DB_TICKET_LATER).stdout)
    unrelated_before = json.loads(run_cli("triage", "--json", "--no-save", input=UNRELATED).stdout)
    saved = json.loads(run_cli("triage", "--json", input=DB_TICKET).stdout)
    # A verdict neither ticket has: the correction then teaches something new for both.
    target = next(
        v
        for v in ("in_scope", "out_of_scope", "spans_both")
        if v not in (before["verdict"], saved["verdict"])
    )
    added = run_cli("corrections", "add", "1", "--verdict", target)
    assert added.returncode == 0, added.stderr

    refit = run_cli("triage", "--json", "--no-save", input=DB_TICKET_LATER)
    assert "learning from 1 correction" in refit.stderr
    after = json.loads(refit.stdout)
    assert after["verdict"] == target
    assert after["confidence"] < 0.99
    assert any("Learned from the team's 1 correction" in n for n in after["notes"])
    unrelated = json.loads(run_cli("triage", "--json", "--no-save", input=UNRELATED).stdout)
    assert unrelated["verdict"] == unrelated_before["verdict"]
    assert unrelated["notes"] == unrelated_before["notes"]

    listed = json.loads(run_cli("corrections", "list", "--json").stdout)
    assert [c["verdict"] for c in listed] == [target]
    assert run_cli("corrections", "undo", str(listed[0]["id"])).returncode == 0
    undone = json.loads(run_cli("triage", "--json", "--no-save", input=DB_TICKET_LATER).stdout)
    assert undone["verdict"] == before["verdict"]
    assert run_cli("corrections", "undo", "99").returncode == 2


def test_delete_needs_confirmation_and_bad_input_is_one_line(run_cli: CliRunner) -> None:
    run_cli("triage", input=DB_TICKET)
    refused = run_cli("history", "delete", "--all")
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert json.loads(run_cli("history", "--json").stdout)["total"] == 1
    assert run_cli("history", "delete", "--all", "--yes").returncode == 0
    assert json.loads(run_cli("history", "--json").stdout)["total"] == 0
    bad = run_cli("history", "--since", "yesterday")
    assert bad.returncode == 2 and "not a date" in bad.stderr
    assert run_cli("history", "show", "5").returncode == 2


def test_pinned_today_never_drives_retention(run_cli: CliRunner) -> None:
    """--today pins the support-status date only; created_at is the real clock, so retention must
    use the real date too (a pin two years ahead once deleted every saved triage)."""
    for text in (DB_TICKET, DB_TICKET_LATER, UNRELATED):
        assert run_cli("triage", input=text).returncode == 0
    set_days = run_cli("history", "retention", "365", "--today", "2028-06-01")
    assert set_days.returncode == 0, set_days.stderr
    assert "0 older ones deleted" in set_days.stdout
    assert run_cli("triage", "--today", "2028-06-01", input=DB_TICKET).returncode == 0
    assert json.loads(run_cli("history", "--json").stdout)["total"] == 4
