"""Text from tickets, policies, CSVs, bundles and history shown literally where Qt would guess rich text."""

from __future__ import annotations


def plain_tooltip(text: str) -> str:
    """Rich text that shows `text` literally: for tooltips, item tooltips and static message boxes.

    Qt renders a tooltip or message box as HTML when the text merely looks like it
    (Qt.mightBeRichText), so ticket text such as "<b>urgent</b>" must be escaped, not trusted.
    An empty text stays empty (no tooltip at all).
    """
    if not text:
        return ""
    # html.escape(text, quote=False), without importing html (1.3 ms on the way to the first
    # triage: it loads the table of all HTML5 entities).
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "<qt>" + escaped.replace("\n", "<br>") + "</qt>"


def plain_message(text: str) -> str:
    """The same escaping for QMessageBox's static functions, whose text format cannot be set."""
    return plain_tooltip(text)
