"""Window sizes that fit the screen: the wanted size, or the screen's free area on a small laptop."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QWidget


def fitting_size(widget: QWidget, wanted: QSize) -> QSize:
    """`wanted`, bounded by the free area of the screen `widget` is on (or will open on)."""
    parent = widget.parentWidget()
    screen = (parent or widget).screen()
    if screen is None:
        return wanted
    return wanted.boundedTo(screen.availableGeometry().size())


def resize_to_fit(widget: QWidget, width: int, height: int) -> None:
    widget.resize(fitting_size(widget, QSize(width, height)))
