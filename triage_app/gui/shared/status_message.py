"""The status bar's message area: every showMessage() is shown in a label nothing covers, and announced."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from triage_app.gui.shared.lazy_qt import Qt, show_plain


class MessageLabel(QLabel):
    """Shows the status bar's current message in full, or elided in the middle (full text as tooltip)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusMessage")
        self.setAccessibleName("Status message")
        show_plain(self)  # messages quote file names and clipboard text: never HTML
        font = self.font()
        font.setWeight(QFont.Weight.DemiBold)  # it is what just happened: it should catch the eye
        self.setFont(font)
        self.setMinimumWidth(1)  # the bar's layout may shrink it; resizeEvent elides
        self._message = ""

    def message(self) -> str:
        return self._message

    def set_message(self, message: str) -> None:
        self._message = message
        self.setAccessibleDescription(message)
        self._elide()
        if message:
            _announce(self, message)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        if not self._message:  # no message, no elision: the first paint builds no Qt enums
            super().setText("")
            self.setToolTip("")
            return
        room = max(0, self.contentsRect().width())
        shown = self.fontMetrics().elidedText(self._message, Qt.TextElideMode.ElideMiddle, room)
        super().setText(shown)
        self.setToolTip(self._message if shown != self._message else "")


def _announce(widget: QWidget, message: str) -> None:
    """Tell a screen reader about the new message (Qt >= 6.8), as a polite live region would."""
    from PySide6 import QtGui

    event_type = getattr(QtGui, "QAccessibleAnnouncementEvent", None)
    if event_type is None or not QtGui.QAccessible.isActive():
        return
    QtGui.QAccessible.updateAccessibility(event_type(widget, message))


class StatusMessages(QObject):
    """Routes the bar's temporary messages to a stretching MessageLabel; while one is shown the
    static labels step aside, so a long "Draft exported to …" keeps its room even at 1024 px."""

    def __init__(self, bar: QStatusBar, step_aside: list[QWidget]) -> None:
        super().__init__(bar)
        self.bar = bar
        self.label = MessageLabel()
        self._step_aside = step_aside
        # The first permanent widget: Qt's own message area (left of it) is then empty.
        bar.addPermanentWidget(self.label, 1)
        bar.messageChanged.connect(self._show)

    def _show(self, message: str) -> None:
        for widget in self._step_aside:
            widget.setVisible(not message)
        layout = self.bar.layout()
        if layout is not None:
            layout.activate()  # the label's new width now, not at the next event loop pass
        self.label.set_message(message)
