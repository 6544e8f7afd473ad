"""Qt enums for modules that load before the first paint, without building PySide's Qt namespace early.

PySide creates every Python enum of the `Qt` namespace (93 of them, about 15 ms) the first time
any one is used, or when C++ hands one to Python. The main window's first frame needs none, so
the modules it imports read `Qt` through this proxy, which imports it on first attribute access
(after the first paint), and set enum-typed properties at construction by their C++ key name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtCore import QObject


class _LazyQt:
    """Forwards attribute access to PySide6.QtCore.Qt, imported on first use and then cached."""

    def __getattr__(self, name: str) -> Any:
        from PySide6.QtCore import Qt as qt_namespace

        value = getattr(qt_namespace, name)
        setattr(self, name, value)  # later lookups skip __getattr__
        return value


Qt: Any = _LazyQt()


def set_enum(obj: QObject, prop: str, key: str) -> None:
    """Set the enum or flag property `prop` by its C++ key ("PlainText", "AlignCenter|AlignTop").

    Qt's meta-object converts the key itself, so no Python enum is created. A wrong key raises.
    """
    if not obj.setProperty(prop, key):
        raise ValueError(f"{type(obj).__name__}.{prop} cannot be set to {key!r}")


def show_plain(*labels: QObject) -> None:
    """Show each label's text verbatim, never as rich text (tickets, paths, policy titles)."""
    for label in labels:
        set_enum(label, "textFormat", "PlainText")
