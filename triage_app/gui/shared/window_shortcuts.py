"""Window-wide shortcuts win over a text field's own key bindings (Ctrl+E is End-of-line in a QLineEdit)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractScrollArea, QLineEdit, QWidget


class WindowShortcuts(QObject):
    """Watches the window's text inputs; a key that is one of the window's action shortcuts is
    handed to the action instead of the field (the field's other keys are left alone)."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.watched: list[QWidget] = []

    def watch(self, *inputs: QLineEdit | QAbstractScrollArea) -> None:
        """Watch these line edits and text areas: the window names its inputs rather than having
        them searched for (the first findChildren over the whole window wraps every one of its
        objects for Python, 2 ms of start-up)."""
        for widget in inputs:
            widget.installEventFilter(self)
            self.watched.append(widget)

    def _window_keys(self) -> set[str]:
        return {
            key.toString()
            for action in self.window.actions()
            if action.isEnabled()
            for key in action.shortcuts()
        }

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            pressed = QKeySequence(event.keyCombination()).toString()
            if pressed in self._window_keys():
                event.ignore()  # not overridden: the shortcut map runs the window's action
                return True
        return False
