"""The application icon, built from the PNGs shipped in triage_app.resources/icons."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon, QPixmap

ICON_NAME = "triage-app"
ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)


def app_icon() -> QIcon:
    """A QIcon holding every shipped size, so Qt picks a sharp one for the title bar, taskbar and HiDPI.

    PNGs rather than the SVG: they need no SVG icon-engine plugin, which a frozen build may not carry.
    Found through importlib.resources, so this works from a wheel or a PyInstaller folder alike.
    """
    icon = QIcon()
    folder = resources.files("triage_app.resources").joinpath("icons")
    for size in ICON_SIZES:
        png = folder.joinpath(f"{ICON_NAME}-{size}.png")
        if isinstance(png, Path):
            # On disk (editable, wheel, PyInstaller): Qt decodes each size only when it is drawn,
            # which keeps start-up free of PNG decoding.
            icon.addFile(str(png), QSize(size, size))
        else:
            # Inside a zip: there is no path to hand to Qt, so decode the bytes now.
            pixmap = QPixmap()
            if pixmap.loadFromData(png.read_bytes(), "PNG"):
                icon.addPixmap(pixmap)
    return icon
