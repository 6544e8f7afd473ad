"""A knowledge base this user cannot write (a shared team file, a full disk) is still read."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from triage_app.services import build_services
from triage_app.storage import database, history_repo, policy_repo
from triage_app.storage.database import open_knowledge_base
from triage_app.storage.errors import DatabaseReadOnly

NOBODY = 65534
TICKET = "Helm chart values for the prefect server ingress"


def _team_kb(folder: Path) -> None:
    services = build_services(folder)
    with services.kb.transaction() as db:
        history_repo.save_triage(db, TICKET, services.triage.triage(TICKET), source="cli")
        policy_repo.set_setting(db, "engineer_name", "Team Lead")
    services.kb.close()


def test_a_kb_whose_shm_cannot_be_made_is_read_without_it(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What a full disk or a read-only folder does: every connection that needs the WAL's -shm
    # file fails with an I/O error; only an immutable read-only one (no -shm) can read.
    _team_kb(data_dir)
    real_connect, real_is_ours = database._connect, database._is_ours
    immutable_ids: set[int] = set()

    def connect(path: Path | None, read_only: bool = False, immutable: bool = False) -> object:
        conn = real_connect(path, read_only, immutable)
        if immutable:
            immutable_ids.add(id(conn))
        return conn

    def is_ours(db: object) -> bool:
        if id(db.conn) not in immutable_ids:  # type: ignore[attr-defined]
            raise sqlite3.OperationalError("disk I/O error")
        return real_is_ours(db)  # type: ignore[arg-type]

    monkeypatch.setattr(database, "_connect", connect)
    monkeypatch.setattr(database, "_is_ours", is_ours)
    before = (data_dir / "knowledge.db").read_bytes()
    services = build_services(data_dir)
    assert services.kb.read_only
    assert any("is the disk full" in n and "open read-only" in n for n in services.notices)
    assert "Helm" in history_repo.search(services.kb.db)[0].ticket
    assert services.triage.triage(TICKET).verdict == "in_scope"
    with pytest.raises(DatabaseReadOnly, match="read-only"), services.kb.transaction() as db:
        db.execute("delete from triages")
    services.kb.close()
    assert (data_dir / "knowledge.db").read_bytes() == before


# ---------------------------------------------------------------------- as an ordinary user


def _python_for_nobody() -> str | None:
    """An interpreter of this Python version that user nobody may run, or None."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    for candidate in (
        sys.executable,
        shutil.which(f"python{version}"),
        f"/usr/bin/python{version}",
    ):
        if not candidate or not os.path.exists(candidate):
            continue
        probe = _as_nobody([candidate, "-c", "import sys; print(sys.version_info[:2])"])
        if (
            probe is not None
            and probe.returncode == 0
            and version.replace(".", ", ") in probe.stdout
        ):
            return candidate
    return None


def _as_nobody(argv: list[str], stdin: str = "") -> subprocess.CompletedProcess[str] | None:
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    env = {"HOME": "/tmp", "PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"}
    try:
        return subprocess.run(
            [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *argv],
            input=stdin, capture_output=True, text=True, env=env, timeout=120,
        )  # fmt: skip
    except OSError:
        return None


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder user nobody can reach (pytest's tmp_path is private to root)."""
    top = Path(tempfile.mkdtemp(prefix="triage-ro-"))
    top.chmod(0o755)
    try:
        yield top
    finally:
        for p in top.rglob("*"):
            p.chmod(0o755 if p.is_dir() else 0o644)
        top.chmod(0o755)
        shutil.rmtree(top)


def test_a_team_kb_0444_in_a_0555_folder_works_for_an_ordinary_user(shared_folder: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to run the CLI as user nobody")
    python = _python_for_nobody()
    if python is None:
        pytest.skip("no interpreter user nobody may run, or no setpriv")
    team = shared_folder / "team"
    _team_kb(team)
    for p in team.iterdir():
        p.chmod(0o444)
    team.chmod(0o555)
    out = shared_folder / "out"
    out.mkdir()
    out.chmod(0o777)
    before = (team / "knowledge.db").read_bytes()
    launcher = shared_folder / "launch.py"
    launcher.write_text(
        "import site, sys\n"
        f"site.addsitedir({sysconfig.get_paths()['purelib']!r})\n"
        f"sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})\n"
        "from triage_app.cli import main\n"
        "raise SystemExit(main(sys.argv[1:]))\n",
        "utf-8",
    )
    launcher.chmod(0o644)

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        proc = _as_nobody([python, str(launcher), "--data-dir", str(team), *args], TICKET)
        assert proc is not None
        if "No module named" in proc.stderr:
            pytest.skip("user nobody cannot import this checkout")
        assert proc.returncode == 0 and "Traceback" not in proc.stderr, (args, proc.stderr)
        return proc

    triage = cli("triage", "--no-save", "--json")
    assert json.loads(triage.stdout)["verdict"] == "in_scope"
    assert "Helm chart values" in cli("history").stdout
    cli("kb", "export", "-o", str(out / "team.json"))
    assert json.loads((out / "team.json").read_text("utf-8"))["sections"]["settings"]
    assert "release(s)" in cli("releases").stdout
    saved = cli("triage")  # saving is refused in one line; the verdict is still printed
    assert "Verdict:" in saved.stdout and "not saved to history" in saved.stderr
    assert (team / "knowledge.db").read_bytes() == before
    assert sorted(p.name for p in team.iterdir()) == ["knowledge.db"]


def test_opening_read_only_never_moves_a_file_aside(data_dir: Path) -> None:
    (data_dir / "knowledge.db").write_bytes(b"not a database, but someone's file" * 100)
    with pytest.raises(Exception, match="damaged"):
        open_knowledge_base(data_dir / "knowledge.db", read_only=True)
    assert sorted(p.name for p in data_dir.iterdir()) == ["knowledge.db"]
