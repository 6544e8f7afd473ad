"""Opening a knowledge base loads only what the first triage needs: no sqlite-utils on the read
path, the shipped vocabulary parsed only when its file changed, no engine for read-only commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from triage_app import cli, services
from triage_app.core.result import TriageResult
from triage_app.storage import history_repo, policy_repo
from triage_app.storage.database import open_knowledge_base

PROBE = """
import sys
from pathlib import Path
from triage_app.services import build_gui_services
from triage_app.gui.knowledge.kb_status import describe_kb

services = build_gui_services(Path(sys.argv[1]))
describe_kb(services)
result = services.triage.triage("Our prefect-server Helm chart 3.1.2 ignores values.yaml")
print(result.verdict, "sqlite_utils" in sys.modules, "tomllib" in sys.modules)
"""


def probe(data: Path) -> list[str]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(data)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


def test_a_second_start_triages_without_sqlite_utils_or_the_vocabulary_file(
    tmp_path: Path,
) -> None:
    first = probe(tmp_path)  # creates, migrates and seeds: sqlite-utils writes that
    assert first[0] == "in_scope"
    again = probe(tmp_path)
    assert again == ["in_scope", "False", "False"]


def test_the_vocabulary_file_is_parsed_only_when_its_digest_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services.build_services(tmp_path).kb.close()  # records the shipped file's digest
    kb = open_knowledge_base(tmp_path / "knowledge.db")
    digest = kb.meta(policy_repo.SHIPPED_SOURCE_KEY)
    kb.close()
    assert digest is not None and digest.startswith("crc32:")

    calls: list[object] = []
    real = policy_repo.refresh_shipped_vocabulary
    monkeypatch.setattr(
        policy_repo, "refresh_shipped_vocabulary", lambda *a: calls.append(a) or real(*a)
    )
    services.build_services(tmp_path).kb.close()
    assert calls == []  # same file as last time: neither parsed nor compared

    kb = open_knowledge_base(tmp_path / "knowledge.db")
    with kb.transaction() as db:  # as if an older release had looked at its own file
        policy_repo.mark_shipped_source(db, "0" * 64)
    kb.close()
    built = services.build_services(tmp_path)
    assert len(calls) == 1
    assert built.kb.meta(policy_repo.SHIPPED_SOURCE_KEY) == digest
    built.kb.close()


def test_history_search_reads_the_knowledge_base_without_building_the_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    kb = open_knowledge_base(tmp_path / "knowledge.db")
    with kb.transaction() as db:
        history_repo.save_triage(
            db, "The Helm chart ignores our ingress values", TriageResult("in_scope", 0.7)
        )
    kb.close()

    def no_engine(*_args: object) -> None:
        raise AssertionError("history --search built the triage services")

    monkeypatch.setattr(services, "build_triage", no_engine)
    assert cli.main(["--data-dir", str(tmp_path), "history", "--search", "ingress"]) == 0
    out = capsys.readouterr().out
    assert "The Helm chart ignores our [ingress] values" in out and "1-1 of 1" in out


WRITER = """
import sys
from pathlib import Path
from triage_app.services import build_services
from triage_app.storage import history_repo

services = build_services(Path(sys.argv[1]))
result = services.triage.triage("Prefect worker pods crash after the upgrade")
with services.kb.transaction() as db:  # the first write imports sqlite-utils
    history_repo.save_triage(db, "Prefect worker pods crash", result, source="cli")
print("numpy" in sys.modules, "sqlite_utils" in sys.modules)
import numpy  # training still gets it
print(numpy.zeros(2).sum())
"""


def test_writing_imports_sqlite_utils_without_numpy(tmp_path: Path) -> None:
    """sqlite-utils imports numpy when it is installed (15 MB, 50 ms); a session that only triages
    and saves must not pay for what the model's training needs."""
    proc = subprocess.run(
        [sys.executable, "-c", WRITER, str(tmp_path)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["False", "True", "0.0"]
