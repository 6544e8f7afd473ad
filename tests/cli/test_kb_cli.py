"""`triage-app kb export|import` through a subprocess: diff first, --yes applies, bad files change nothing."""

from __future__ import annotations

import hashlib
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


def _signed(obj: dict) -> str:  # type: ignore[type-arg]
    from triage_app.core.knowledge.bundle import canonical

    content = {k: obj[k] for k in ("format", "format_version", "migrations", "sections")}
    return json.dumps(
        obj | {"checksum": "sha256:" + hashlib.sha256(canonical(content)).hexdigest()}
    )


def _kb_bytes(data_dir: Path) -> dict[str, bytes]:
    return {
        p.name: p.read_bytes()
        for p in sorted(data_dir.glob("knowledge.db*"))
        if "shm" not in p.name
    }


def test_bad_values_in_a_re_signed_bundle_are_refused_and_the_kb_is_byte_identical(
    run_cli: CliRunner, tmp_path: Path, data_dir: Path
) -> None:
    good = tmp_path / "good.json"
    assert run_cli("kb", "export", "-o", str(good)).returncode == 0
    cases = {
        "weight -5": ("vocabulary", "weight", -5),
        "weight heavy": ("vocabulary", "weight", "heavy"),
        "months -6": ("releases", "support_months", -6),
        "months 100000": ("releases", "support_months", 100000),
        "bad version": ("releases", "version", "not-a-version"),
    }
    for name, (section, field, value) in cases.items():
        obj = json.loads(good.read_text("utf-8"))
        obj["sections"][section]["rows"][0][field] = value
        bad = tmp_path / f"{name}.json"
        bad.write_text(_signed(obj), "utf-8")
        before = _kb_bytes(data_dir)
        proc = run_cli("kb", "import", str(bad), "--replace", "--yes")
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, (name, proc.stderr)
        assert f"section '{section}', row 1" in proc.stderr and "nothing was changed" in proc.stderr
        assert _kb_bytes(data_dir) == before, name
        triage = run_cli("triage", "--no-save", input="Helm chart values for the prefect server")
        assert triage.returncode == 0 and "Verdict:" in triage.stdout, name


def test_a_kb_holding_bad_values_still_works_and_is_repaired_from_the_app(
    run_cli: CliRunner, tmp_path: Path, data_dir: Path
) -> None:
    good = tmp_path / "good.json"
    assert run_cli("kb", "export", "-o", str(good)).returncode == 0
    run_cli("triage", input="Helm values for the prefect server ingress")
    # Values written before the rules existed (or by hand): every command used to crash on them.
    kb = open_knowledge_base(data_dir / "knowledge.db")
    with kb.transaction() as db:
        db.execute("update vocabulary set weight = 'heavy' where id = 1")
        db.execute("update vocabulary set weight = -5 where id = 2")
        db.execute("update policy_facts set value = '100000' where key = 'support_months'")
        db.execute("insert or replace into settings values ('ending_soon_days', '-5')")
    kb.close()
    stderr = {}
    for args in (("triage", "--no-save"), ("releases",), ("history", "--json")):
        proc = run_cli(*args, input="Helm chart values")
        assert proc.returncode == 0 and "Traceback" not in proc.stderr, (args, proc.stderr)
        stderr[args[0]] = proc.stderr
    # Commands that read the vocabulary say what they left out (history does not read it).
    assert "2 vocabulary row(s) break the rules" in stderr["triage"]
    exported = run_cli("history", "export", "-o", str(tmp_path / "h.csv"))
    assert exported.returncode == 0 and (tmp_path / "h.csv").read_text("utf-8").count("\n") >= 2

    dry = run_cli("kb", "reset-vocabulary")
    assert "2 of them refused" in dry.stdout and "Nothing changed" in dry.stdout
    assert run_cli("kb", "reset-vocabulary", "--yes").returncode == 0
    fixed = run_cli("triage", "--no-save", input="Helm chart values")
    assert "break the rules" not in fixed.stderr

    kb = open_knowledge_base(data_dir / "knowledge.db")
    with kb.transaction() as db:
        db.execute("update vocabulary set weight = 'heavy' where id = 1")
    kb.close()
    imported = run_cli("kb", "import", str(good), "--replace", "--yes")
    assert imported.returncode == 0 and "Imported (replace)" in imported.stdout, imported.stderr
    assert "break the rules" not in run_cli("policy", "show").stderr


def test_a_policy_of_100000_months_is_refused_and_the_kb_is_byte_identical(
    run_cli: CliRunner, tmp_path: Path, data_dir: Path
) -> None:
    from triage_app.core.knowledge.defaults import read_text

    run_cli("policy", "show")
    policy = tmp_path / "policy.txt"
    for months in ("100000", "0", "-6"):
        policy.write_text(
            read_text("support_scope.txt").replace("six months", f"{months} months"), "utf-8"
        )
        before = _kb_bytes(data_dir)
        proc = run_cli("policy", "import", str(policy), "--yes")
        assert proc.returncode == 2 and "from 1 to 120" in proc.stderr, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1
        assert _kb_bytes(data_dir) == before
        assert "Verdict:" in run_cli("triage", "--no-save", input="helm chart").stdout
        assert run_cli("releases").returncode == 0
