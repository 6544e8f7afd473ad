"""GUI preferences (geometry, splitters, theme, export folder) in an INI file inside the data dir."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

SETTINGS_NAME = "gui-settings.ini"


class GuiSettings:
    """A QSettings file beside the knowledge base, so a tmp data dir keeps tests isolated."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / SETTINGS_NAME
        self._qs = QSettings(str(self.path), QSettings.Format.IniFormat)

    def bytes(self, key: str) -> QByteArray | None:
        value = self._qs.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def text(self, key: str, default: str = "") -> str:
        value = self._qs.value(key, default)
        return value if isinstance(value, str) else default

    def set(self, key: str, value: object) -> None:
        self._qs.setValue(key, value)

    def sync(self) -> bool:
        """Write to disk; False when the data folder cannot be written (settings are a convenience)."""
        self._qs.sync()
        return self._qs.status() == QSettings.Status.NoError
