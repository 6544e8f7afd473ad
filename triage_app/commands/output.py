"""Shared output helpers for subcommands: readable triage text, input reading, atomic file writes."""

from __future__ import annotations

import sys
from pathlib import Path

from triage_app.core.files import write_atomic  # noqa: F401  (re-exported for subcommands)
from triage_app.core.releases import describe_days_left
from triage_app.core.result import VERDICT_LABELS, TriageResult
from triage_app.core.ticket_input import decode_ticket


def read_ticket(source: str | None) -> str:
    """FILE, '-' or None (stdin) -> validated ticket text; raises TicketInputError."""
    if source in (None, "-"):
        return decode_ticket(sys.stdin.buffer.read(), "stdin")
    return decode_ticket(read_input_file(Path(source)), source)


def read_input_file(path: Path) -> bytes:
    """A file's bytes; a missing, folder or unreadable path becomes a one-line UsageError."""
    from triage_app.cli import UsageError

    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror or exc})") from None


def write_output_file(path: Path, text: str) -> None:
    """Write `text` to `path` atomically; a failure becomes a one-line UsageError."""
    from triage_app.cli import UsageError

    try:
        write_atomic(path, text)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write ({exc.strerror or exc})") from None


def write_output(output: Path | None, text: str) -> bool:
    """`text` to stdout when there is no --output (False), else to that file (True)."""
    if output is None:
        sys.stdout.write(text)
        return False
    write_output_file(output, text)
    return True


def render_result(result: TriageResult, top: int = 3) -> str:
    """The human-readable form of a triage result."""
    lines = [
        f"Verdict: {VERDICT_LABELS.get(result.verdict, result.verdict)} "
        f"(confidence {result.confidence:.0%})"
    ]
    for match in result.matches[:top]:
        side = "in scope" if match.side == "in_scope" else "out of scope"
        terms = ", ".join(dict.fromkeys(e.term for e in match.evidence)) or "-"
        lines.append(f"  [{side}] {match.title}  score {match.score:.2f}")
        lines.append(f"      evidence: {terms}")
    if result.versions:
        lines.append("Versions:")
        for v in result.versions:
            release = v.release or "not in schedule"
            until = f", supported until {v.supported_until}" if v.supported_until else ""
            days = f" ({describe_days_left(v.days_left)})" if v.days_left is not None else ""
            product = v.product or "unknown product"
            if v.substitute:  # the stand-in's dates are not the customer's: say what is proven
                release = f"{v.version} (nearest release {v.release})" if v.release else v.version
                until = f": {v.basis}"
            why = f"  [read as {v.product}: {v.reason}]" if v.product and v.reason else ""
            lines.append(f"  {v.text!r}: {product} {release} -> {v.status}{until}{days}{why}")
    for note in result.notes:
        lines.append(f"Note: {note}")
    return "\n".join(lines)
