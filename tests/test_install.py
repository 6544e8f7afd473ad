"""The package installs and runs outside the source tree: a wheel, and `pip install .` from a clean clone.

Each install goes into a fresh virtual environment. Nothing is downloaded: the environment sees the
test interpreter's site-packages for the dependencies, pip runs with --no-deps --no-index, and the
build backend comes from the test environment (--no-build-isolation).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

TICKET = """Subject: prefect-server crashes after Helm chart upgrade

After upgrading our Prefect Helm chart release the prefect-server pod goes into CrashLoopBackOff
while it runs the database migrations:

  alembic.util.exc.CommandError: Can't locate revision identified by '2fe8ef6a6514'

How do we finish the upgrade between supported releases?
"""

# Copied for the wheel build: the working tree minus environments, caches and build output.
_NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis"
)

pytestmark = pytest.mark.slow


def _bin(venv: Path, name: str) -> Path:
    folder = venv / ("Scripts" if os.name == "nt" else "bin")
    return folder / (f"{name}.exe" if os.name == "nt" else name)


def _run(
    cmd: list[str | Path], cwd: Path, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    proc = subprocess.run(
        [str(c) for c in cmd],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, f"{cmd} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return proc


def fresh_venv(target: Path) -> Path:
    """A new venv that can import the test environment's dependencies but not its triage_app."""
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(target)],
        check=True,
    )
    python = _bin(target, "python")
    # --system-site-packages reaches only the base interpreter; when the tests run from a venv (as in
    # CI) the dependencies live in that venv, so a .pth line adds its site-packages too. Such a line
    # goes *after* the new venv's own site-packages and does not run that folder's .pth files, so the
    # test environment's editable triage_app stays invisible and the installed copy is the one used.
    own = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    test_sites = dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib"))
    Path(own, "_test_environment.pth").write_text("\n".join(test_sites) + "\n", encoding="utf-8")
    return python


def pip_install(python: Path, target: str | Path, cwd: Path) -> None:
    # --ignore-installed: pip must neither skip the install because the test environment already has
    # triage-app 0.1.0 on its path, nor try to uninstall that one.
    _run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps",
         "--no-index", "--no-build-isolation", "--ignore-installed", target],
        cwd=cwd,
    )  # fmt: skip


def assert_installed_copy_is_used(python: Path, venv: Path, cwd: Path) -> None:
    out = _run(
        [python, "-c",
         "import importlib.resources as r, triage_app; "
         "print(triage_app.__file__); print(r.files('triage_app.resources').joinpath('support_scope.txt'))"],
        cwd=cwd,
    ).stdout.split()  # fmt: skip
    for path in out:
        assert Path(path).resolve().is_relative_to(venv.resolve()), out
    assert ROOT.resolve() not in Path(out[0]).resolve().parents


def assert_triage_verdict(proc: subprocess.CompletedProcess[str], data_dir: Path) -> None:
    result = json.loads(proc.stdout)
    assert result["verdict"] == "in_scope", result
    assert any(m["title"] == "Upgrades and migrations" for m in result["matches"]), result
    # The knowledge base was created and seeded from the shipped resources.
    assert (data_dir / "knowledge.db").is_file()


def test_wheel_installs_into_fresh_venv_and_triages_outside_the_source_tree(tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=_NOT_SOURCE)
    wheels = tmp_path / "wheels"
    _run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-index",
         "--no-build-isolation", "--wheel-dir", wheels, source],
        cwd=tmp_path,
    )  # fmt: skip
    (wheel,) = wheels.glob("triage_app-*.whl")
    venv = tmp_path / "venv"
    python = fresh_venv(venv)
    pip_install(python, wheel, cwd=tmp_path)
    shutil.rmtree(source)  # nothing may still point into the build tree

    work = tmp_path / "elsewhere"
    work.mkdir()
    (work / "ticket.txt").write_text(TICKET, encoding="utf-8")
    assert_installed_copy_is_used(python, venv, work)
    data = work / "kb"
    proc = _run(
        [_bin(venv, "triage-app"), "triage", "--json", "--data-dir", data, "ticket.txt"], cwd=work
    )
    assert_triage_verdict(proc, data)
    icons = _run(
        [python, "-c",
         "import importlib.resources as r; "
         "print(sorted(p.name for p in r.files('triage_app.resources').joinpath('icons').iterdir()))"],
        cwd=work,
    ).stdout  # fmt: skip
    assert "triage-app.svg" in icons and "triage-app-256.png" in icons


@pytest.mark.skipif(
    not (ROOT / ".git").exists() or shutil.which("git") is None,
    reason="needs a git checkout and git to make a clean clone",
)
def test_pip_install_from_clean_clone_installs_and_starts(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    _run(["git", "clone", "--quiet", ROOT, clone], cwd=tmp_path)
    venv = tmp_path / "venv"
    python = fresh_venv(venv)
    pip_install(python, ".", cwd=clone)

    work = tmp_path / "elsewhere"
    work.mkdir()
    assert_installed_copy_is_used(python, venv, work)
    help_text = _run([_bin(venv, "triage-app"), "--help"], cwd=work).stdout
    assert "triage" in help_text and "usage: triage-app" in help_text
    data = work / "kb"
    proc = _run(
        [python, "-m", "triage_app", "triage", "--json", "--data-dir", data], cwd=work, stdin=TICKET
    )
    assert_triage_verdict(proc, data)
