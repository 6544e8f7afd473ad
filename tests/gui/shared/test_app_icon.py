"""The app icon: every shipped PNG size loads, and app_icon() offers them all to Qt."""

from __future__ import annotations

from importlib import resources

from PySide6.QtCore import QSize
from PySide6.QtGui import QImage
from PySide6.QtSvg import QSvgRenderer
from pytestqt.qtbot import QtBot

from triage_app.gui.shared.icons import ICON_NAME, ICON_SIZES, app_icon

ICONS = resources.files("triage_app.resources").joinpath("icons")


def test_shipped_pngs_have_the_size_their_name_says(qapp: object) -> None:
    for size in ICON_SIZES:
        image = QImage.fromData(ICONS.joinpath(f"{ICON_NAME}-{size}.png").read_bytes(), "PNG")
        assert image.size() == QSize(size, size), size
        # Rounded corners are transparent, the middle is the opaque blue square.
        assert image.pixelColor(0, 0).alpha() == 0
        assert image.pixelColor(size // 2, size // 8).alpha() == 255


def test_source_svg_is_valid() -> None:
    renderer = QSvgRenderer(ICONS.joinpath(f"{ICON_NAME}.svg").read_bytes())
    assert renderer.isValid()
    assert renderer.defaultSize() == QSize(512, 512)


def test_app_icon_offers_every_size(qtbot: QtBot) -> None:
    icon = app_icon()
    assert not icon.isNull()
    assert {s.width() for s in icon.availableSizes()} == set(ICON_SIZES)
    assert icon.pixmap(QSize(32, 32)).size() == QSize(32, 32)
