"""Shared output helpers for subcommands: readable triage text, input reading, atomic file writes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from triage_app.core.files import write_atomic  # noqa: F401  (re-exported for subcommands)
from triage_app.core.releases.schedule import describe_days_left
from triage_app.core.result import VERDICT_LABELS, TriageResult
from triage_app.core.triage.ticket_input import decode_ticket

if TYPE_CHECKING:
    from triage_app.core.knowledge.policy import Policy


PASTE_HINT = (
    "Paste the ticket, then press Ctrl+D on an empty line to triage it "
    "(Ctrl+Z then Enter on Windows). Or give a FILE, or use --clipboard."
)


def read_ticket(source: str | None, clipboard: bool = False) -> str:
    """FILE, '-' or None (stdin), or the clipboard -> validated ticket text; raises TicketInputError."""
    if clipboard:
        return decode_ticket(read_clipboard().encode("utf-8"), "clipboard")
    if source in (None, "-"):
        if sys.stdin.isatty():  # a person at a terminal, not a pipe: say what to do, not wait
            print(PASTE_HINT, file=sys.stderr)
        return decode_ticket(sys.stdin.buffer.read(), "stdin")
    return decode_ticket(read_input_file(Path(source)), source)


def read_clipboard() -> str:
    """The desktop clipboard's text, through Qt (a dependency already; core never imports it)."""
    from triage_app.cli import UsageError

    try:
        from PySide6.QtGui import QGuiApplication
    except ImportError:
        raise UsageError("--clipboard needs PySide6; paste into the terminal instead") from None
    app = QGuiApplication.instance()
    if app is None:
        try:
            app = QGuiApplication(["triage-app"])
        except RuntimeError as exc:  # pragma: no cover - Qt aborts rather than raise, mostly
            raise UsageError(
                f"no clipboard here ({exc}); paste into the terminal instead"
            ) from None
    text = QGuiApplication.clipboard().text()
    if not text.strip():
        raise UsageError("the clipboard holds no text to triage")
    return text


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


def write_output_file(path: Path, text: str | bytes) -> None:
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


def render_result(result: TriageResult, policy: Policy | None = None) -> str:
    """The human-readable form of a triage result: every matched bullet, quoted from `policy`
    (as the GUI shows them), with its evidence."""
    lines = [
        f"Verdict: {VERDICT_LABELS.get(result.verdict, result.verdict)} "
        f"(confidence {result.confidence:.0%})"
    ]
    for match in result.matches:
        side = "in scope" if match.side == "in_scope" else "out of scope"
        terms = ", ".join(dict.fromkeys(e.term for e in match.evidence)) or "-"
        bullet = policy.bullet(match.title) if policy is not None else None
        lines.append(f"  [{side}] {match.title}  score {match.score:.2f}")
        if bullet is not None:
            lines.append(f"      “{bullet.text}”")
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
