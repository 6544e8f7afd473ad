"""Export a reply draft as plain text, Markdown or an unsent .eml message; safe file names, atomic writes.

Everything that leaves goes through outgoing_message() first: the body, the Subject (built from the
ticket's reference or first line) and the reference used in the file name are masked by the same
redaction engine with the same kinds, for the CLI `draft`, the GUI export and the clipboard alike.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import errno
import re
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from triage_app.core.files import write_new_atomic
from triage_app.core.replies import redaction
from triage_app.core.replies.templates import strip_agent_notes, tidy

FORMATS = ("txt", "md", "eml")
FORMAT_LABELS = {
    "txt": "Plain text (*.txt)",
    "md": "Markdown (*.md)",
    "eml": "E-mail draft (*.eml)",
}
DEFAULT_SUBJECT = "Your Prefect support request"
_MAX_TRIES = 1000
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_MD_SPECIAL = re.compile(r"([\\*_\[\]<>|])")
# "Subject:", "Re:", "Fwd:" (and their common spellings) at the start of a pasted first line: the
# reply adds its own "Re: ", so these would only pile up. Bounded repeats keep the pattern linear.
_SUBJECT_PREFIXES = re.compile(
    r"^(?:(?:subject|re|fwd?|aw|wg|sv|vs)[ \t]{0,4}(?:\[\d{1,4}\])?[ \t]{0,4}:[ \t]*){1,20}",
    re.IGNORECASE,
)
_MD_LINE_START = re.compile(r"^(\s*)(#|\d+[.)]\s|[+]\s|=+\s*$|-{3,}\s*$)")


class ExportError(Exception):
    """The draft could not be written; the message is for the user, and the draft is untouched."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


@dataclass(frozen=True)
class ExportedFile:
    path: Path
    fmt: str
    size: int


def plain_text(draft: str) -> str:
    """What leaves the app: agent notes removed, blank lines tidied."""
    return strip_agent_notes(draft)


def first_line(text: str, limit: int = 78) -> str:
    """The first non-blank line, blanks collapsed, without a leading 'Subject:' / 'Re:' / 'Fwd:'."""
    for line in text.splitlines():
        line = _strip_subject_prefixes(" ".join(line.split()))
        if line:
            return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
    return ""


def _strip_subject_prefixes(line: str) -> str:
    return _SUBJECT_PREFIXES.sub("", line, count=1).strip()


def subject_for(ticket_ref: str = "", ticket_text: str = "") -> str:
    """'Re: <ticket reference>', else 'Re: <the ticket's first line>', else a neutral subject."""
    ref = _strip_subject_prefixes(" ".join(ticket_ref.split()))
    if ref:
        return f"Re: {ref}"
    line = first_line(ticket_text)
    return f"Re: {line}" if line else DEFAULT_SUBJECT


@dataclass(frozen=True)
class OutgoingMessage:
    """What leaves the app: the body, its Subject and the ticket reference, all masked alike."""

    body: str
    subject: str
    ticket_ref: str
    items: tuple[redaction.Redaction, ...]  # what was masked in the body

    def labels(self) -> list[str]:
        return sorted({item.label for item in self.items})


def outgoing_message(
    body: str,
    ticket_ref: str = "",
    ticket_text: str = "",
    kinds: Iterable[str] | None = redaction.DEFAULT_KINDS,
    allow: Iterable[str] = (),
) -> OutgoingMessage:
    """Mask body, subject and reference with one engine; `kinds=None` sends them as they are.

    `allow` lists values the engineer chose to send (unchecked in the preview, the support
    address): they stay in the subject too, and everything else the engine finds is masked there.
    """
    if kinds is None:
        return OutgoingMessage(body, subject_for(ticket_ref, ticket_text), ticket_ref, ())
    kinds, allow = tuple(kinds), tuple(allow)
    masked = redaction.redact(body, kinds, allow)
    ref = redaction.redact(ticket_ref, kinds, allow).text if ticket_ref else ""
    # The whole first line is read before it is cut to a subject, so a secret is masked whole.
    first = first_line(redaction.redact(_first_text_line(ticket_text), kinds, allow).text)
    subject = redaction.redact(subject_for(ref, first), kinds, allow).text
    return OutgoingMessage(masked.text, subject, ref, masked.items)


def _first_text_line(text: str) -> str:
    """The first non-blank line of `text`, read line by line (a 10 MB paste is not split whole)."""
    start = 0
    while start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if text[start:end].strip():
            return text[start:end]
        start = end + 1
    return ""


def to_markdown(draft: str) -> str:
    """Markdown that shows the draft as written: specials escaped, indented quotes as blockquotes."""
    lines = plain_text(draft).split("\n")
    out: list[str] = []
    for i, line in enumerate(lines):
        if not line.strip():
            out.append("")
            continue
        quoted = line.startswith("    ")
        body = _MD_SPECIAL.sub(r"\\\1", line.strip() if quoted else line)
        body = _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), body)
        if quoted:
            body = "> " + body
        following = lines[i + 1] if i + 1 < len(lines) else ""
        # A line break inside a paragraph stays a line break (CommonMark hard break), except in lists.
        if following.strip() and not following.lstrip().startswith("- ") and not quoted:
            body += "\\"
        out.append(body)
    return tidy("\n".join(out))


def to_eml(draft: str, subject: str, when: dt.datetime | None = None) -> bytes:
    """An RFC 5322 message that mail clients open as an unsent draft (empty To, X-Unsent: 1)."""
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["To"] = ""
    msg["Subject"] = subject
    msg["Date"] = format_datetime((when or dt.datetime.now()).astimezone())
    msg["X-Unsent"] = "1"  # Outlook and Apple Mail open the file as a draft to edit and send
    msg.set_content(plain_text(draft), charset="utf-8")
    return msg.as_bytes()


def render(draft: str, fmt: str, subject: str, when: dt.datetime | None = None) -> bytes:
    if fmt == "txt":
        return plain_text(draft).encode("utf-8")
    if fmt == "md":
        return to_markdown(draft).encode("utf-8")
    if fmt == "eml":
        return to_eml(draft, subject, when)
    raise ValueError(f"unknown export format {fmt!r} (use one of {', '.join(FORMATS)})")


def file_stem(ticket_ref: str, day: dt.date) -> str:
    """'reply-<ticket reference>-<date>', with only characters every file system accepts."""
    ref = _UNSAFE.sub("-", ticket_ref).strip("-.")[:60]
    return f"reply-{ref}-{day.isoformat()}" if ref else f"reply-{day.isoformat()}"


def candidate_paths(folder: Path, stem: str, fmt: str) -> list[Path]:
    return [folder / f"{stem}.{fmt}"] + [folder / f"{stem}-{n}.{fmt}" for n in range(2, _MAX_TRIES)]


def describe_os_error(exc: OSError, folder: Path) -> str:
    """A sentence for the user: what went wrong, and that the draft is safe."""
    keep = "The draft is still in the app."
    code = exc.errno
    if code in (errno.EACCES, errno.EPERM):
        return f"Cannot write to {folder}: permission denied. Choose another folder. {keep}"
    if code == errno.EROFS:
        return f"Cannot write to {folder}: the folder is read-only. {keep}"
    if code in (errno.ENOSPC, errno.EDQUOT):
        return f"The disk holding {folder} is full: nothing was written. Free some space. {keep}"
    if code in (errno.ENOENT, errno.ENOTDIR):
        return f"The folder {folder} does not exist. Choose another folder. {keep}"
    return f"Cannot write to {folder}: {exc.strerror or exc}. {keep}"


def write_export(path: Path, data: bytes) -> None:
    """Write atomically to exactly `path`, refusing to replace an existing file."""
    try:
        write_new_atomic(path, data)
    except FileExistsError:
        raise ExportError(f"{path} already exists; it was not replaced.", path) from None
    except OSError as exc:
        raise ExportError(describe_os_error(exc, path.parent), path) from exc


def export_draft(
    folder: Path,
    draft: str,
    fmt: str,
    ticket_ref: str = "",
    ticket_text: str = "",
    day: dt.date | None = None,
    when: dt.datetime | None = None,
) -> ExportedFile:
    """Write the draft into `folder` under a new name (name.txt, name-2.txt, ...); never overwrites.

    The draft is written as given: callers pass outgoing_message()'s body, subject and reference.
    """
    data = render(draft, fmt, subject_for(ticket_ref, ticket_text), when)
    return export_rendered(folder, data, fmt, ticket_ref, day)


def export_rendered(
    folder: Path, data: bytes, fmt: str, ticket_ref: str = "", day: dt.date | None = None
) -> ExportedFile:
    """Write rendered bytes into `folder` under a new name from reference and date."""
    day = day or dt.date.today()
    if not folder.is_dir():
        raise ExportError(
            f"The folder {folder} does not exist. Choose another folder. The draft is still in the app.",
            folder,
        )
    for path in candidate_paths(folder, file_stem(ticket_ref, day), fmt):
        if path.exists():
            continue
        try:
            write_new_atomic(path, data)
        except FileExistsError:
            continue  # taken between the check and the write: try the next name
        except OSError as exc:
            raise ExportError(describe_os_error(exc, folder), folder) from exc
        return ExportedFile(path, fmt, len(data))
    raise ExportError(
        f"Too many exports named like {file_stem(ticket_ref, day)} in {folder}.", folder
    )
