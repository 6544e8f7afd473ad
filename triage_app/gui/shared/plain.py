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
    import html  # on use: this module is imported before the first paint

    return "<qt>" + html.escape(text, quote=False).replace("\n", "<br>") + "</qt>"


def plain_message(text: str) -> str:
    """The same escaping for QMessageBox's static functions, whose text format cannot be set."""
    return plain_tooltip(text)
