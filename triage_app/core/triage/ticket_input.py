"""Ticket input: decode bytes, reject binary and empty text with a clear reason, clean pastes for display."""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_TICKET_BYTES = 50 * 1024 * 1024  # refuse outright above this; the engine cuts long text itself


class TicketInputError(ValueError):
    """The input cannot be triaged; the message says why in one line."""


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first 8 KB mean this is not a pasted ticket."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    if not head:
        return False
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls / len(head) > 0.10


def decode_ticket(data: bytes, source: str = "input") -> str:
    """Bytes from a file or stdin -> text; raises TicketInputError naming `source`."""
    if len(data) > MAX_TICKET_BYTES:
        raise TicketInputError(
            f"{source}: too large ({len(data) // (1024 * 1024)} MB); the limit is 50 MB"
        )
    if looks_binary(data):
        raise TicketInputError(f"{source}: binary data, not a text ticket")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Mail clients still produce Windows-1252; fall back rather than refuse a real ticket.
        text = data.decode("cp1252", errors="replace")
    return check_ticket_text(text, source)


def check_ticket_text(text: str, source: str = "input") -> str:
    """Text from a paste or a JSON field; raises TicketInputError when empty or binary-looking."""
    if not text.strip():
        raise TicketInputError(f"{source}: the ticket is empty")
    if "\x00" in text[:8192]:
        raise TicketInputError(f"{source}: binary data, not a text ticket")
    return text


# Qt lays out a paragraph as one unit: a single 1 MB line without spaces freezes word wrapping for
# a minute. Lines longer than this are split for display (a visible note says so).
LONG_LINE = 4000
# C0 controls other than tab/newline/CR/form feed are what makes a paste "binary".
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class CleanedText:
    text: str
    replaced_controls: int = 0
    split_lines: int = 0


def clean_pasted_text(text: str) -> CleanedText:
    """Make pasted text safe to show: control characters become U+FFFD, giant lines are split."""
    replaced = 0
    if _CONTROLS.search(text):
        text, replaced = _CONTROLS.subn("\ufffd", text)
    split = 0
    if len(text) > LONG_LINE and any(len(line) > LONG_LINE for line in text.split("\n")):
        out: list[str] = []
        for line in text.split("\n"):
            while len(line) > LONG_LINE:
                cut = line.rfind(" ", LONG_LINE - 400, LONG_LINE)
                cut = cut + 1 if cut > 0 else LONG_LINE
                out.append(line[:cut])
                line = line[cut:]
                split += 1
            out.append(line)
        text = "\n".join(out)
    return CleanedText(text, replaced, split)
