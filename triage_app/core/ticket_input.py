"""Validate ticket input before triage: decode bytes, reject binary and empty text with a clear reason."""

from __future__ import annotations

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
