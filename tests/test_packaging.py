"""Packaging: the PyInstaller build runs headless and gives the right verdict; Linux desktop files are valid."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
APP_ID = "io.prefect.TriageApp"
DESKTOP = PACKAGING / "linux" / f"{APP_ID}.desktop"
METAINFO = PACKAGING / "linux" / f"{APP_ID}.metainfo.xml"


def _script_name() -> str:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    (name,) = project["scripts"]
    return str(name)


@pytest.mark.slow
@pytest.mark.skipif(os.name == "nt", reason="build.sh and smoke_test.sh are bash scripts")
def test_pyinstaller_build_passes_the_smoke_test(tmp_path: Path) -> None:
    """Build the one-folder app (about 20 s) into tmp_path and run the smoke test on it."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(
        PYTHON=sys.executable, DIST_DIR=str(tmp_path / "dist"), WORK_DIR=str(tmp_path / "work")
    )
    build = subprocess.run(
        ["bash", str(PACKAGING / "build.sh")], env=env, capture_output=True, text=True, timeout=600
    )
    assert build.returncode == 0, build.stdout + build.stderr
    app_dir = tmp_path / "dist" / "triage-app"
    assert (app_dir / "triage-app").is_file()

    smoke = subprocess.run(
        ["bash", str(PACKAGING / "smoke_test.sh"), str(app_dir)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert smoke.returncode == 0, smoke.stdout + smoke.stderr
    assert "smoke: ok   in_scope.txt: in_scope" in smoke.stdout
    assert "smoke: ok   out_of_scope.txt: out_of_scope" in smoke.stdout


def test_desktop_entry_launches_the_installed_command_with_the_shipped_icon() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    entry.read(DESKTOP, encoding="utf-8")
    group = entry["Desktop Entry"]
    assert group["Type"] == "Application"
    assert group["Exec"].split()[0] == _script_name()
    assert group["Terminal"] == "false"
    assert (ROOT / "resources" / "icons" / f"{group['Icon']}.svg").is_file()
    assert group["Categories"].endswith(";")


@pytest.mark.skipif(
    shutil.which("desktop-file-validate") is None, reason="desktop-file-utils not installed"
)
def test_desktop_entry_passes_desktop_file_validate() -> None:
    proc = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True)
    assert proc.returncode == 0 and not proc.stdout.strip(), proc.stdout + proc.stderr


def test_metainfo_names_the_desktop_entry_and_the_binary() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable[@type='desktop-id']") == DESKTOP.name
    assert root.findtext("provides/binary") == _script_name()
    assert root.findtext("summary") and root.find("description/p") is not None
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert root.find("releases/release").get("version") == project["version"]  # type: ignore[union-attr]


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstreamcli not installed")
def test_metainfo_passes_appstreamcli_validate() -> None:
    proc = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(METAINFO)], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
