"""`triage-app draft` signs with the engineer name and signature saved in the Knowledge Base settings."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import CliRunner
from triage_app.storage import policy_repo
from triage_app.storage.database import open_knowledge_base

TICKET = (
    "After changing values.yaml overrides in the Prefect Helm chart the prefect-server API pods "
    "crash on start.\n"
)


def _save_settings(data_dir: Path, name: str, signature: str) -> None:
    kb = open_knowledge_base(data_dir / "knowledge.db")
    with kb.transaction() as db:
        policy_repo.set_setting(db, "engineer_name", name)
        policy_repo.set_setting(db, "signature", signature)
    kb.close()


def test_draft_uses_the_stored_name_and_signature(run_cli: CliRunner, data_dir: Path) -> None:
    _save_settings(data_dir, "Ana Lima", "Cheers,\nAna Lima\nPlatform Support")
    proc = run_cli("draft", "-", input=TICKET)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.rstrip().endswith("Cheers,\nAna Lima\nPlatform Support")
    typed = run_cli("draft", "-", "--var", "engineer_name=Bo Chen", input=TICKET)
    assert typed.returncode == 0, typed.stderr
    assert "Bo Chen" in typed.stdout and "Ana Lima" not in typed.stdout
