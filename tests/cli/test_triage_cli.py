"""`triage-app triage`, `batch` and `policy` through a real subprocess."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.cli.conftest import CliRunner

SPANS = (
    "Since the platform team tightened the egress firewall, our Prefect workers fail with "
    "httpx.ConnectTimeout when calling the Prefect API and flow runs end up Crashed."
)
BILLING = "Hi, who is our account manager now? We need to update the billing contact and the invoice address."


def test_triage_json_from_stdin(run_cli: CliRunner) -> None:
    proc = run_cli("triage", "--json", input=SPANS)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert set(result) >= {"verdict", "confidence", "matches", "versions", "draft"}
    assert result["verdict"] == "spans_both"
    assert 0.0 <= result["confidence"] <= 1.0
    sides = {m["side"] for m in result["matches"]}
    assert sides == {"in_scope", "out_of_scope"}
    for match in result["matches"]:
        assert set(match) >= {"title", "side", "score", "evidence"}
        for ev in match["evidence"]:
            assert SPANS[ev["start"] : ev["end"]].lower() != ""
            assert 0 <= ev["start"] < ev["end"] <= len(SPANS)


def test_triage_readable_output_from_file(run_cli: CliRunner, tmp_path: Path) -> None:
    ticket = tmp_path / "ticket.txt"
    ticket.write_text(BILLING, encoding="utf-8")
    proc = run_cli("triage", str(ticket))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Verdict: Unclear")


def test_triage_errors_are_one_line_without_traceback(run_cli: CliRunner, tmp_path: Path) -> None:
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    cases = {
        "missing": (["triage", str(tmp_path / "nope.txt")], None, "no such file"),
        "binary": (["triage", str(binary)], None, "binary"),
        "empty": (["triage", "-"], "   \n\n", "empty"),
        "folder": (["triage", str(tmp_path)], None, "folder"),
    }
    for name, (args, stdin, message) in cases.items():
        proc = run_cli(*args, input=stdin)
        assert proc.returncode == 2, name
        assert message in proc.stderr, (name, proc.stderr)
        assert "Traceback" not in proc.stderr, name
        assert len(proc.stderr.strip().splitlines()) == 1, (name, proc.stderr)


def test_batch_jsonl_skips_bad_lines_and_triages_the_rest(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    src = tmp_path / "tickets.jsonl"
    src.write_text(
        "\n".join(
            [
                json.dumps({"id": "a", "text": SPANS, "label": "ignored"}),
                "{not json",
                json.dumps({"id": "b", "text": "   "}),
                json.dumps({"id": "c", "text": BILLING}),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    proc = run_cli("batch", str(src), "-o", str(out))
    assert proc.returncode == 1
    assert f"{src}:2: invalid JSON" in proc.stderr
    assert f"{src}:3:" in proc.stderr and "empty" in proc.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a", "c"]
    assert rows[0]["verdict"] == "spans_both"
    assert rows[1]["verdict"] == "unclear"


def test_batch_csv_in_and_out_with_text_column(run_cli: CliRunner, tmp_path: Path) -> None:
    src = tmp_path / "tickets.csv"
    with src.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "body"])
        writer.writerow(["1", SPANS])
        writer.writerow(["2", 'Multi\nline, "quoted" ticket about billing and the invoice'])
    proc = run_cli("batch", str(src), "--text-column", "body", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert [r["id"] for r in rows] == ["1", "2"]
    assert rows[0]["verdict"] == "spans_both"
    missing = run_cli("batch", str(src))
    assert missing.returncode == 2
    assert "missing column(s) text" in missing.stderr


def test_batch_of_the_sample_tickets(run_cli: CliRunner, sample_tickets_path: Path) -> None:
    proc = run_cli("batch", str(sample_tickets_path))
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(rows) == sum(1 for _ in sample_tickets_path.open(encoding="utf-8"))
    assert {r["verdict"] for r in rows} == {"in_scope", "out_of_scope", "spans_both", "unclear"}


def test_policy_show_prints_every_bullet(run_cli: CliRunner) -> None:
    proc = run_cli("policy", "show")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("  • ") == 18
    assert "Support duration: 6 months" in proc.stdout
    assert "support@prefect.io" in proc.stdout


def test_policy_import_shows_diff_and_applies_only_with_yes(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    shipped = run_cli("policy", "show").stdout
    assert "Hardening" not in shipped
    new_policy = tmp_path / "policy.txt"
    original = (Path(__file__).parents[2] / "resources" / "support_scope.txt").read_text("utf-8")
    new_policy.write_text(original.replace("  • Security patching:", "  • Hardening:"), "utf-8")
    dry = run_cli("policy", "import", str(new_policy))
    assert dry.returncode == 0, dry.stderr
    # same description under a new title: one bullet renamed, not one removed and one added
    assert "~ renamed  Security patching -> Hardening" in dry.stdout
    assert "+ added" not in dry.stdout and "- removed" not in dry.stdout
    assert "Hardening" not in run_cli("policy", "show").stdout
    applied = run_cli("policy", "import", str(new_policy), "--yes")
    assert applied.returncode == 0, applied.stderr
    assert "Hardening" in run_cli("policy", "show").stdout


def test_policy_import_refuses_a_malformed_file(run_cli: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("just notes, no sections", encoding="utf-8")
    proc = run_cli("policy", "import", str(bad), "--yes")
    assert proc.returncode == 2
    assert "no " in proc.stderr and "section" in proc.stderr
    assert run_cli("policy", "show").stdout.count("  • ") == 18


def test_data_dir_from_environment_and_help_without_command(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    proc = run_cli("--help", data=None)
    assert proc.returncode == 0
    assert "triage" in proc.stdout and "batch" in proc.stdout


def test_an_unopenable_knowledge_base_is_one_line_without_traceback(
    run_cli: CliRunner, data_dir: Path
) -> None:
    (data_dir / "knowledge.db").mkdir()  # a folder where the file should be
    proc = run_cli("triage", input="Helm chart values for the prefect server")
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1 and "knowledge.db" in proc.stderr


def test_batch_says_in_its_exit_status_when_history_was_not_saved(
    run_cli: CliRunner, tmp_path: Path, data_dir: Path
) -> None:
    src = tmp_path / "tickets.jsonl"
    src.write_text(
        "\n".join(json.dumps({"id": i, "text": t}) for i, t in (("a", SPANS), ("b", BILLING))),
        encoding="utf-8",
    )
    ok = run_cli("batch", str(src))
    assert ok.returncode == 0
    assert ok.stderr.strip().splitlines()[-1] == (
        "triage-app: 2 tickets triaged, 0 skipped, history saved"
    )
    # Reads still work but every write fails: SQLite cannot make its -shm file here.
    (data_dir / "knowledge.db-shm").mkdir()
    lost = run_cli("batch", str(src))
    assert lost.returncode == 4, lost.stderr
    assert [json.loads(line)["id"] for line in lost.stdout.splitlines()] == ["a", "b"]
    assert "not saved to history" in lost.stderr and "Traceback" not in lost.stderr
    assert lost.stderr.strip().splitlines()[-1] == (
        "triage-app: 2 tickets triaged, 0 skipped, history not saved (see above)"
    )
