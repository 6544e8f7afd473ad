"""`triage-app kb export|import` through a subprocess: diff first, --yes applies, bad files change nothing."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import CliRunner
from triage_app.storage import policy_repo
from triage_app.storage.database import open_knowledge_base


def test_export_import_shows_the_diff_and_applies_only_with_yes(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    out = tmp_path / "team.json"
    # Changes on the exporting laptop: a setting, and a saved triage.
    kb = open_knowledge_base(other / "knowledge.db")
    with kb.transaction() as db:
        policy_repo.set_setting(db, "engineer_name", "Ada Lovelace")
    kb.close()
    run_cli("triage", input="Helm values for the prefect server ingress", data=other)
    exported = run_cli("kb", "export", "-o", str(out), "--with-history", data=other)
    assert exported.returncode == 0, exported.stderr
    assert json.loads(out.read_text("utf-8"))["sections"]["history"]["rows"]

    dry = run_cli("kb", "import", str(out))
    assert dry.returncode == 0, dry.stderr
    assert "Settings: 1 added" in dry.stdout and "History: 1 added" in dry.stdout
    assert "+ engineer_name" in dry.stdout and "Nothing changed" in dry.stdout
    assert json.loads(run_cli("history", "--json").stdout)["total"] == 0
    applied = run_cli("kb", "import", str(out), "--merge", "--yes")
    assert applied.returncode == 0, applied.stderr
    assert "Imported (merge)" in applied.stdout
    again = run_cli("kb", "import", str(out), "--replace")
    assert "already matches" in again.stdout
    assert json.loads(run_cli("history", "--json").stdout)["total"] == 1


def test_malformed_tampered_and_newer_bundles_are_refused(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    good = tmp_path / "good.json"
    assert run_cli("kb", "export", "-o", str(good)).returncode == 0
    obj = json.loads(good.read_text("utf-8"))
    tampered = tmp_path / "tampered.json"
    obj["sections"]["policy"]["rows"][0]["description"] = "Everything is in scope."
    tampered.write_text(json.dumps(obj), "utf-8")
    newer = tmp_path / "newer.json"
    obj["format_version"] = 99
    newer.write_text(json.dumps(obj), "utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "triage-app-kb-bundle", ', "utf-8")
    before = run_cli("policy", "show").stdout
    for path, message in (
        (tampered, "wrong checksum"),
        (newer, "newer triage-app"),
        (broken, "not valid JSON"),
        (tmp_path / "missing.json", "no such file"),
    ):
        proc = run_cli("kb", "import", str(path), "--replace", "--yes")
        assert proc.returncode == 2, (path, proc.stdout)
        assert message in proc.stderr and "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1
    assert run_cli("policy", "show").stdout == before
