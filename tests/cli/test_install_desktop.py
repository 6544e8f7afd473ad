"""`triage-app install-desktop`: a launcher for a pip install, in the user's XDG folders, and its undo."""

from __future__ import annotations

import configparser
import shlex
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from triage_app import cli
from triage_app.commands.desktop import APP_ID, ICON_SIZES, _exec_quote, desktop_entry

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG desktops")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "share"
    monkeypatch.setenv("XDG_DATA_HOME", str(folder))
    return folder


def _entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def test_install_puts_entry_metainfo_and_icons_in_the_xdg_folders(
    home: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--data-dir", str(data_dir), "install-desktop"]) == 0
    desktop = home / "applications" / f"{APP_ID}.desktop"
    entry = _entry(desktop)
    program = shlex.split(entry["Exec"])[0]
    assert Path(program).is_absolute() and Path(program).is_file()  # not left to PATH
    assert entry["Icon"] == "triage-app" and entry["Name"] == "Triage App"
    assert (home / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    assert (home / "icons/hicolor/scalable/apps/triage-app.svg").is_file()
    for size in ICON_SIZES:
        png = (home / f"icons/hicolor/{size}x{size}/apps/triage-app.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", png[16:24]) == (size, size)  # the right size in each folder
    assert "application menu" in capsys.readouterr().out


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="no desktop-file-utils")
def test_the_installed_entry_is_valid(home: Path, data_dir: Path) -> None:
    cli.main(["--data-dir", str(data_dir), "install-desktop"])
    proc = subprocess.run(
        ["desktop-file-validate", str(home / "applications" / f"{APP_ID}.desktop")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0 and not proc.stdout.strip(), proc.stdout


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="no appstreamcli")
def test_the_installed_metainfo_is_valid(home: Path, data_dir: Path) -> None:
    cli.main(["--data-dir", str(data_dir), "install-desktop"])
    proc = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(home / "metainfo" / f"{APP_ID}.metainfo.xml")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_uninstall_removes_only_what_install_wrote(
    home: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = home / "applications" / "someone-else.desktop"
    other.parent.mkdir(parents=True)
    other.write_text("[Desktop Entry]\n", encoding="utf-8")
    cli.main(["--data-dir", str(data_dir), "install-desktop"])
    assert cli.main(["--data-dir", str(data_dir), "install-desktop", "--uninstall"]) == 0
    left = sorted(p for p in home.rglob("*") if p.is_file() and not p.name.endswith(".cache"))
    assert left == [other]
    assert cli.main(["--data-dir", str(data_dir), "install-desktop", "--uninstall"]) == 0
    assert "Nothing to remove" in capsys.readouterr().out


def test_exec_paths_with_spaces_are_quoted_per_the_spec() -> None:
    assert _exec_quote("/opt/triage/bin/triage-app") == "/opt/triage/bin/triage-app"
    assert _exec_quote("/home/a b/$x/triage-app") == '"/home/a b/\\$x/triage-app"'
    entry = desktop_entry("[Desktop Entry]\nExec=triage-app\nName=X", '"/a 100%/t"')
    assert 'Exec="/a 100%%/t"' in entry and "Name=X" in entry
