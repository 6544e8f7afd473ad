"""Native file dialogs on Linux desktops that Qt's bundled themes do not serve (KDE, LXQt, tiling WMs).

Qt picks the platform's own file dialog on Windows and macOS, and on GTK desktops through its
gtk3 theme. A pip-installed PySide6 cannot load the desktop's own Qt plugins (KDE's), so there Qt
falls back to its widget dialog; the XDG desktop portal gives those desktops their native one.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, MutableMapping
from pathlib import Path

# XDG_CURRENT_DESKTOP names for which Qt chooses its gtk3 theme (native GTK dialogs already).
GTK_DESKTOPS = frozenset(
    {
        "GNOME",
        "X-CINNAMON",
        "UNITY",
        "MATE",
        "XFCE",
        "PANTHEON",
        "LXDE",
        "BUDGIE",
        "GNOME-FLASHBACK",
    }
)
PORTAL_SERVICE = "dbus-1/services/org.freedesktop.portal.Desktop.service"


def portal_installed(environ: Mapping[str, str]) -> bool:
    """The desktop portal's D-Bus service is installed (a file look-up; no D-Bus call at start-up)."""
    dirs = environ.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share"
    return any((Path(d) / PORTAL_SERVICE).is_file() for d in dirs.split(":") if d)


def portal_theme_wanted(environ: Mapping[str, str], platform: str = sys.platform) -> bool:
    """True on a Linux desktop session whose native dialogs only the portal can give us."""
    if not platform.startswith("linux") or environ.get("QT_QPA_PLATFORMTHEME"):
        return False  # another OS, or the user chose a theme: theirs to decide
    desktops = {d.upper() for d in environ.get("XDG_CURRENT_DESKTOP", "").split(":") if d}
    if not desktops or desktops & GTK_DESKTOPS or not environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return False
    return portal_installed(environ)


def prefer_native_dialogs(environ: MutableMapping[str, str] = os.environ) -> None:
    """Call before the QApplication is created: Qt reads the theme name once, at start."""
    if portal_theme_wanted(environ):
        # Only dialogs go through the portal; the rest of the theme is Qt's usual one.
        environ["QT_QPA_PLATFORMTHEME"] = "xdgdesktopportal"
