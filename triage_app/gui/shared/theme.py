"""Colours and light/dark theme: badge colours readable on both, highlight tints derived from the palette."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QWidget

from triage_app.core.verdicts import IN_SCOPE, OUT_OF_SCOPE, SPANS_BOTH, UNCLEAR
from triage_app.gui.shared.lazy_qt import Qt

THEMES = ("system", "light", "dark")

# Saturated mid-tones: white text on them passes WCAG AA, and they stand out on light and dark windows.
VERDICT_COLOURS = {
    IN_SCOPE: "#1e7b34",
    OUT_OF_SCOPE: "#b3261e",
    SPANS_BOTH: "#a15c07",
    UNCLEAR: "#55636e",
}
STATUS_COLOURS = {
    "supported": "#1e7b34",
    "ending_soon": "#a15c07",
    "unsupported": "#b3261e",
    "prerelease": "#6a3d9a",
    "unknown": "#55636e",
}
STATUS_LABELS = {
    "supported": "Supported",
    "ending_soon": "Ending soon",
    "unsupported": "Unsupported",
    "prerelease": "Pre-release",
    "unknown": "Unknown",
}
SIDE_LABELS = {IN_SCOPE: "In scope", OUT_OF_SCOPE: "Out of scope"}
VERSION_SIDE = "version"
_HIGHLIGHT_BASE = {IN_SCOPE: "#2e9e4a", OUT_OF_SCOPE: "#d9412f", VERSION_SIDE: "#2f6fd0"}


def verdict_colour(verdict: str) -> QColor:
    return QColor(VERDICT_COLOURS.get(verdict, VERDICT_COLOURS[UNCLEAR]))


def status_colour(status: str) -> QColor:
    return QColor(STATUS_COLOURS.get(status, STATUS_COLOURS["unknown"]))


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def highlight_colour(side: str, palette: QPalette) -> QColor:
    """A translucent tint behind highlighted text: the text keeps the palette's colour in both themes."""
    colour = QColor(_HIGHLIGHT_BASE.get(side, _HIGHLIGHT_BASE[VERSION_SIDE]))
    colour.setAlpha(110 if is_dark(palette) else 70)
    return colour


def underline_colour(side: str) -> QColor:
    return QColor(_HIGHLIGHT_BASE.get(side, _HIGHLIGHT_BASE[VERSION_SIDE]))


def _dark_palette() -> QPalette:
    p = QPalette()
    window, base, text = QColor("#202124"), QColor("#17181a"), QColor("#e8eaed")
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: QColor("#26282b"),
        QPalette.ColorRole.ToolTipBase: QColor("#2d2f33"),
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: QColor("#9aa0a6"),
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: QColor("#2d2f33"),
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.BrightText: QColor("#ff8a80"),
        QPalette.ColorRole.Highlight: QColor("#4c8bf5"),
        QPalette.ColorRole.HighlightedText: QColor("#ffffff"),
        QPalette.ColorRole.Link: QColor("#8ab4f8"),
        QPalette.ColorRole.Mid: QColor("#3c4043"),
        QPalette.ColorRole.Dark: QColor("#111214"),
        QPalette.ColorRole.Light: QColor("#3c4043"),
    }
    for role, colour in roles.items():
        p.setColor(role, colour)
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.WindowText,
    ):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7f8388"))
    return p


def relative_luminance(colour: QColor) -> float:
    """WCAG 2.x relative luminance of an opaque colour."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio (1 to 21); AA asks 4.5 for body text."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


NOTE_ACCENT = "#a15c07"  # the spans-both amber: a note asks for attention, not alarm
NOTE_TINT = 0.16  # share of the accent mixed into the window colour behind a note


def note_colours(palette: QPalette) -> tuple[QColor, QColor]:
    """(background, text) for a note: an amber tint of the theme's window colour behind the theme's
    own text colour, falling back to the plain window colour if the tint ever costs AA contrast."""
    window = palette.color(QPalette.ColorRole.Window)
    text = palette.color(QPalette.ColorRole.WindowText)
    accent = QColor(NOTE_ACCENT)
    tint = QColor.fromRgbF(
        window.redF() + (accent.redF() - window.redF()) * NOTE_TINT,
        window.greenF() + (accent.greenF() - window.greenF()) * NOTE_TINT,
        window.blueF() + (accent.blueF() - window.blueF()) * NOTE_TINT,
    )
    return (tint if contrast_ratio(tint, text) >= 4.5 else window), text


class NoteLabel(QLabel):
    """A word-wrapped note in the theme's colours, repainted when the theme changes at run time
    (a style sheet would freeze the colours it was polished with)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setAutoFillBackground(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMargin(4)
        self._recolouring = False
        self.recolour()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self.recolour()  # the application's palette changed (a theme switch)

    def recolour(self) -> None:
        """Take the colours from the application's palette now (also done on every change)."""
        if self._recolouring:
            return  # our own setPalette below sends a PaletteChange too
        self._recolouring = True
        try:
            background, text = note_colours(QApplication.palette())
            palette = self.palette()
            palette.setColor(QPalette.ColorRole.Window, background)
            palette.setColor(QPalette.ColorRole.WindowText, text)
            self.setPalette(palette)
        finally:
            self._recolouring = False


def section_title(text: str) -> QLabel:
    """A pane's heading: the window's font, semi-bold. Set as a font, not a window-wide style
    sheet, which would restyle every widget of the window (5 ms of start-up)."""
    label = QLabel(text)
    label.setObjectName("sectionTitle")
    font = label.font()
    font.setWeight(QFont.Weight.DemiBold)  # only the weight: size and family still follow the app
    label.setFont(font)
    return label


def apply_theme(app: QApplication, theme: str, system_style: str | None = None) -> None:
    """'system' follows the desktop's light or dark scheme; 'light'/'dark' force one (Fusion)."""
    hints = QGuiApplication.styleHints()
    if theme == "system":
        if hasattr(hints, "unsetColorScheme"):
            hints.unsetColorScheme()
        if system_style:
            app.setStyle(system_style)
        app.setPalette(app.style().standardPalette())
        return
    if hasattr(hints, "setColorScheme"):
        hints.setColorScheme(Qt.ColorScheme.Dark if theme == "dark" else Qt.ColorScheme.Light)
    app.setStyle("Fusion")
    app.setPalette(_dark_palette() if theme == "dark" else app.style().standardPalette())
