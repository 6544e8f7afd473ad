"""`triage-app install-desktop [--uninstall]`: the launcher entry, AppStream metainfo and icons for this user."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from triage_app.cli import CommandContext

APP_ID = "io.prefect.TriageApp"
ICON_NAME = "triage-app"  # the desktop entry's Icon=
ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "install-desktop",
        parents=[common],
        help="add triage-app to your desktop's application menu (this user only)",
    )
    p.add_argument("--uninstall", action="store_true", help="remove what install-desktop installed")
    p.set_defaults(func=run)


def data_home(environ: dict[str, str] | os._Environ[str] = os.environ) -> Path:
    """$XDG_DATA_HOME, or ~/.local/share (the XDG base directory default)."""
    value = environ.get("XDG_DATA_HOME", "")
    return Path(value) if os.path.isabs(value) else Path.home() / ".local" / "share"


def targets(home: Path) -> dict[str, Path]:
    """Where each installed file goes, by the name of the shipped file it comes from."""
    icons = home / "icons" / "hicolor"
    paths = {
        f"{APP_ID}.desktop": home / "applications" / f"{APP_ID}.desktop",
        f"{APP_ID}.metainfo.xml": home / "metainfo" / f"{APP_ID}.metainfo.xml",
        f"{ICON_NAME}.svg": icons / "scalable" / "apps" / f"{ICON_NAME}.svg",
    }
    for size in ICON_SIZES:
        paths[f"{ICON_NAME}-{size}.png"] = icons / f"{size}x{size}" / "apps" / f"{ICON_NAME}.png"
    return paths


def launch_command() -> str:
    """The Exec= command: this install's own triage-app, by absolute path, since a pip install
    into a virtual environment is not on the desktop session's PATH."""
    beside = Path(sys.executable).with_name("triage-app")
    found = beside if beside.is_file() else shutil.which("triage-app")
    if getattr(sys, "frozen", False):
        found = sys.executable  # the PyInstaller build is its own program
    if found:
        return _exec_quote(str(found))
    return f"{_exec_quote(sys.executable)} -m triage_app"


def _exec_quote(arg: str) -> str:
    """Quote one Exec= argument as the Desktop Entry Specification asks."""
    if not any(c in arg for c in " \t\n\"'\\><~|&;$*?#()`"):
        return arg
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in arg)
    return f'"{escaped}"'


def desktop_entry(shipped: str, command: str) -> str:
    """The shipped entry with Exec= pointing at `command`; % must be doubled in Exec values."""
    exec_value = command.replace("%", "%%")
    lines = [
        f"Exec={exec_value}" if line.startswith("Exec=") else line for line in shipped.splitlines()
    ]
    return "\n".join(lines) + "\n"


def install(home: Path) -> list[Path]:
    """Copy the shipped files into `home` (XDG data home); returns what was written."""
    desktop = resources.files("triage_app.desktop")
    icons = resources.files("triage_app.resources").joinpath("icons")
    written = []
    for name, target in targets(home).items():
        source = icons.joinpath(name) if name.startswith(ICON_NAME) else desktop.joinpath(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        if name.endswith(".desktop"):
            target.write_text(
                desktop_entry(source.read_text(encoding="utf-8"), launch_command()),
                encoding="utf-8",
            )
        else:
            target.write_bytes(source.read_bytes())
        written.append(target)
    return written


def uninstall(home: Path) -> list[Path]:
    """Remove the files install() writes (and nothing else); returns what was removed."""
    removed = []
    for target in targets(home).values():
        if target.is_file():
            target.unlink()
            removed.append(target)
    return removed


def _refresh_caches(home: Path) -> None:
    """Tell the menu and icon caches, where those tools exist; the files work without them."""
    for tool, folder in (
        ("update-desktop-database", home / "applications"),
        ("gtk-update-icon-cache", home / "icons" / "hicolor"),
    ):
        if shutil.which(tool) and folder.is_dir():
            extra = ["-q", "-t"] if tool == "gtk-update-icon-cache" else ["-q"]
            subprocess.run([tool, *extra, str(folder)], capture_output=True, check=False)


def run(args: argparse.Namespace, _ctx: CommandContext) -> int:
    from triage_app.cli import UsageError

    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        raise UsageError("install-desktop is for Linux and BSD desktops (XDG application menus)")
    home = data_home()
    try:
        done = uninstall(home) if args.uninstall else install(home)
    except OSError as exc:
        raise UsageError(f"{exc.filename or home}: {exc.strerror or exc}") from None
    _refresh_caches(home)
    verb = "removed" if args.uninstall else "installed"
    for path in done:
        print(f"{verb} {path}")
    if args.uninstall and not done:
        print("Nothing to remove: install-desktop had not been run for this user.")
    elif not args.uninstall:
        print(f"triage-app is in your application menu (Exec: {launch_command()}).")
    return 0
