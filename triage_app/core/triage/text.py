"""Ticket preprocessing: case folding with stable offsets, a size cap, and line roles with weights."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

# Matching looks at the first 200 KB; the rest of a paste is almost always more of the same log.
MAX_MATCH_CHARS = 200_000

# Line roles and how much a term found on such a line counts. The customer's own words weigh
# most; pasted logs, quoted replies and code count less, so a dump cannot drown the ask;
# signatures and legal footers do not count at all.
TITLE = "title"
ASK = "ask"
LOG = "log"
EXCEPTION = "exception"
CODE = "code"
QUOTE = "quote"
SIGNATURE = "signature"
ROLE_WEIGHTS = {
    TITLE: 1.25,
    ASK: 1.0,
    EXCEPTION: 0.8,
    CODE: 0.6,
    LOG: 0.4,
    QUOTE: 0.35,
    SIGNATURE: 0.0,
}

_TIMESTAMP = re.compile(
    r"^\s*[\[(]?(?:\d{4}-\d{2}-\d{2}[ t]\d{1,2}:\d{2}|\d{1,2}:\d{2}:\d{2}|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w* +\d{1,2} +\d{1,2}:\d{2})"
)
_FRAME = re.compile(r'^\s*(?:file ".*", line \d+|at [\w$.<>]+\(.*\)\s*$|\.\.\.\s*$|\^+\s*$)')
_EXCEPTION = re.compile(
    r"^\s*(?:[a-z_][\w.]*\.)?[a-z_]\w*(?:error|exception|exit|warning)\b\s*[:(]"
)
_ON_WROTE = re.compile(r"^\s*on .{3,200}wrote:\s*$")
_ORIGINAL = re.compile(r"^\s*-{2,}\s*(?:original message|forwarded message)\s*-{2,}\s*$")
_OUTLOOK_FROM = re.compile(r"^\s*from:\s.+$")
_OUTLOOK_SENT = re.compile(r"^\s*(?:sent|date):\s.+$")
_SIG_DASHES = re.compile(r"^--\s?$")
_SIGNOFF = re.compile(
    r"^\s*(?:(?:best|kind|warm|many)\s+)?(?:regards|thanks|thank you|cheers|sincerely|best|"
    r"br|thx|ty)\s*[,.!]?\s*$"
)
_SENT_FROM = re.compile(r"^\s*sent from my ")
_FOOTER = re.compile(
    r"confidential|intended recipient|privileged|disclaimer|unsubscribe|"
    r"this e-?mail and any attachments|legally protected|please notify the sender"
)
_GREETING = re.compile(
    r"^\s*(?:hi|hello|hey|dear|good (?:morning|afternoon))\b[^.?!]{0,40}[,!]?\s*$"
)
_FENCE = re.compile(r"^\s*(?:```|~~~)")
_YAMLISH = re.compile(
    r"^\s{2,}[\w.\-\"']+:\s|^\s*-\s+name:\s|^\s*\$ |^\s*(?:export|kubectl|helm) |"
    r"^\s*[a-z][a-z0-9_]*=\S"  # KEY=value lines of an .env file
)


class Line(NamedTuple):
    """One line of the (capped) ticket: character span in the original text, role and weight.
    A NamedTuple: made for every line of every ticket, and cheaper to build than a dataclass."""

    start: int
    end: int
    role: str
    weight: float


class PreparedText(NamedTuple):
    """The ticket ready for matching. `folded` has exactly the length of `text`, so every
    offset found in `folded` is an offset into the original input."""

    text: str
    folded: str
    lines: tuple[Line, ...]
    truncated: bool
    original_length: int

    def weight_at(self, offset: int) -> float:
        line = self.line_at(offset)
        return line.weight if line else 1.0

    def line_at(self, offset: int) -> Line | None:
        lo, hi = 0, len(self.lines) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            line = self.lines[mid]
            if offset < line.start:
                hi = mid - 1
            elif offset > line.end:
                lo = mid + 1
            else:
                return line
        return None


def fold(text: str) -> str:
    """Lower-case character by character, keeping the length (and so every offset) unchanged.

    str.lower() may change the length ("İ" becomes two characters); such characters are kept
    as they are. NUL and other control characters become spaces so they never join words."""
    out: list[str] = []
    for ch in text:
        low = ch.lower()
        if len(low) != 1:
            low = ch
        if low < " " and low not in "\n\t":
            low = " "
        out.append(low)
    return "".join(out)


_CONTROL = {c: " " for c in range(32) if chr(c) not in "\n\t"}


def _fast_fold(text: str) -> str:
    # str.lower() is fast; fall back to the per-character fold only when a length changes.
    low = text.lower()
    if len(low) != len(text):
        return fold(text)
    return low.translate(_CONTROL)


def prepare(text: str, log_markers: Iterable[str] = ()) -> PreparedText:
    """Cap the text for matching, fold case and give every line a role."""
    original_length = len(text)
    truncated = original_length > MAX_MATCH_CHARS
    capped = text[:MAX_MATCH_CHARS] if truncated else text
    folded = _fast_fold(capped)
    markers = tuple(m.lower() for m in log_markers if m.strip())
    return PreparedText(
        capped, folded, tuple(_classify(folded, markers)), truncated, original_length
    )


def _split_lines(folded: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    pos = 0
    n = len(folded)
    while pos <= n:
        nl = folded.find("\n", pos)
        if nl == -1:
            spans.append((pos, n))
            break
        spans.append((pos, nl))
        pos = nl + 1
    return spans


# Command output laid out in columns (kubectl get / describe events, helm list, docker ps,
# scanner tables): three or more cells separated by runs of spaces or box-drawing bars.
_TABLE_ROW = re.compile(
    r"^\s*\S+(?:\s\S+)*(?:(?:\s{2,}|\t|\s*[|\u2502]\s*)\S+(?:\s\S+)*){2,}\s*[|\u2502]?\s*$"
)


def _is_table_row(line: str) -> bool:
    return len(line) < 400 and _TABLE_ROW.match(line) is not None


_LEVEL_START = re.compile(
    r"^\s*\[?(?:info|warning|warn|error|debug|critical|fatal|trace)\b\]?\s*[:|\-\]]"
)


def _is_log(line: str, markers: tuple[str, ...]) -> bool:
    if _TIMESTAMP.match(line) or _FRAME.match(line) or _LEVEL_START.match(line):
        return True
    return any(m in line for m in markers)


def _classify(folded: str, markers: tuple[str, ...]) -> list[Line]:
    spans = _split_lines(folded)
    texts = [folded[s:e] for s, e in spans]
    roles: list[str] = [ASK] * len(spans)

    # Quoted replies: "> " lines, and everything below "On ... wrote:" or an Outlook header.
    quote_from: int | None = None
    for i, t in enumerate(texts):
        if (
            _ON_WROTE.match(t)
            or _ORIGINAL.match(t)
            or (_OUTLOOK_FROM.match(t) and i + 1 < len(texts) and _OUTLOOK_SENT.match(texts[i + 1]))
        ):
            quote_from = i
            break
    for i, t in enumerate(texts):
        if t.lstrip().startswith(">") or (quote_from is not None and i >= quote_from):
            roles[i] = QUOTE

    # Signatures: below "-- ", or a short block after a sign-off; legal footers anywhere.
    n = len(texts)
    for i, t in enumerate(texts):
        if roles[i] == QUOTE:
            continue
        if _SIG_DASHES.match(t):
            for j in range(i, quote_from if quote_from is not None else n):
                roles[j] = SIGNATURE
            break
        if _SIGNOFF.match(t) or _SENT_FROM.match(t):
            end = quote_from if quote_from is not None else n
            rest = [x for x in texts[i + 1 : end] if x.strip()]
            if len(rest) <= 8 and all(len(x) < 90 or _FOOTER.search(x) for x in rest):
                for j in range(i, end):
                    roles[j] = SIGNATURE
                break
            roles[i] = SIGNATURE
    for i, t in enumerate(texts):
        if roles[i] != QUOTE and _FOOTER.search(t) and len(t) > 40:
            roles[i] = SIGNATURE

    # Logs, tracebacks and code blocks.
    in_fence = False
    in_traceback = False
    for i, t in enumerate(texts):
        if _FENCE.match(t):
            in_fence = not in_fence
            roles[i] = CODE if roles[i] == ASK else roles[i]
            continue
        if roles[i] != ASK:
            continue
        if "traceback (most recent call last)" in t:
            in_traceback = True
            roles[i] = LOG
            continue
        if _EXCEPTION.match(t):
            roles[i] = EXCEPTION
            in_traceback = False
            continue
        if in_traceback and (t.startswith((" ", "\t")) or not t.strip()):
            roles[i] = LOG
            continue
        in_traceback = False
        if _is_log(t, markers) or (
            _is_table_row(t)
            and (
                (i > 0 and _is_table_row(texts[i - 1]))
                or (i + 1 < len(texts) and _is_table_row(texts[i + 1]))
            )
        ):
            roles[i] = LOG
        elif in_fence or _YAMLISH.match(t):
            roles[i] = CODE

    # The first line of the customer's own text is usually the subject: it weighs a bit more.
    for i, t in enumerate(texts):
        if not t.strip() or (roles[i] == ASK and _GREETING.match(t)):
            continue
        if roles[i] == ASK and len(t.strip()) <= 160:
            roles[i] = TITLE
        break

    return [Line(s, e, roles[i], ROLE_WEIGHTS[roles[i]]) for i, (s, e) in enumerate(spans)]
