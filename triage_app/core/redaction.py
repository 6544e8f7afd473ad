"""Mask secrets and (optionally) personal data in text before it leaves the app, with per-item undo.

Why our own patterns rather than detect-secrets or scrubadub: detect-secrets scans repositories line by
line and reports (line, hashed secret), not character spans to mask in prose, and its entropy plugins
flag the hex digests and revision ids that tickets are full of; scrubadub targets PII in prose (names,
addresses, URLs) and has no detectors for Prefect keys, AWS keys, JWTs, private keys or passwords in
connection strings. A short list of anchored patterns masks exactly what we want, keeps spans for the
preview, and adds no dependency to audit.

Every pattern is linear: a match may only start where the previous character cannot belong to the
token (a negative lookbehind on the token's own class), so each run of characters is scanned once.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

PREFECT_API_KEY = "prefect_api_key"
PRIVATE_KEY = "private_key"
JWT = "jwt"
AWS_ACCESS_KEY = "aws_access_key"
AWS_SECRET = "aws_secret"
URL_PASSWORD = "url_password"
BEARER = "bearer_token"
BASIC_AUTH = "basic_auth"
SECRET_VALUE = "secret_value"
EMAIL = "email"
PHONE = "phone"
IP_ADDRESS = "ip_address"

KIND_LABELS = {
    PREFECT_API_KEY: "Prefect API key",
    PRIVATE_KEY: "private key",
    JWT: "JWT",
    AWS_ACCESS_KEY: "AWS access key",
    AWS_SECRET: "AWS secret key",
    URL_PASSWORD: "password in connection string",
    BEARER: "bearer token",
    BASIC_AUTH: "basic-auth credentials",
    SECRET_VALUE: "password or token",
    EMAIL: "e-mail address",
    PHONE: "phone number",
    IP_ADDRESS: "IP address",
}
# Order is priority: when two patterns overlap, the earlier kind wins.
SECRET_KINDS = (
    PRIVATE_KEY,
    PREFECT_API_KEY,
    JWT,
    AWS_ACCESS_KEY,
    AWS_SECRET,
    URL_PASSWORD,
    BEARER,
    BASIC_AUTH,
    SECRET_VALUE,
)
PERSONAL_KINDS = (EMAIL, PHONE, IP_ADDRESS)
ALL_KINDS = SECRET_KINDS + PERSONAL_KINDS
DEFAULT_KINDS = SECRET_KINDS  # personal data is optional: the engineer opts in


@dataclass(frozen=True)
class Redaction:
    """One masked item: what kind, where in the original text, what it was and what replaces it."""

    kind: str
    start: int
    end: int
    original: str
    replacement: str

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    def preview(self, width: int = 12) -> str:
        """The original with its middle hidden, so a preview does not show the whole secret again."""
        text = self.original.replace("\n", " ")
        if len(text) <= 2 * width:
            return text[:4] + "…" if len(text) > 8 else text
        return text[:width] + "…" + text[-4:]


@dataclass(frozen=True)
class RedactionResult:
    original: str
    items: tuple[Redaction, ...]
    text: str

    def kinds(self) -> list[str]:
        return sorted({item.kind for item in self.items})


def mask(kind: str) -> str:
    return f"[redacted {KIND_LABELS.get(kind, kind)}]"


# --- patterns ---------------------------------------------------------------------------------
_PREFECT = re.compile(r"(?<![A-Za-z0-9_])pn[ub]_[A-Za-z0-9]{16,}")
_JWT = re.compile(r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{6,}\.eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]*")
_AWS_ACCESS = re.compile(
    r"(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z0-9]{16}(?![A-Za-z0-9])"
)
_AWS_SECRET = re.compile(
    r"(?i)(?<![A-Za-z0-9])aws_?secret_?(?:access_?)?key[\"']?[ \t]*[:=][ \t]*[\"']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])"
)
_URL_PASSWORD = re.compile(
    r"(?<![A-Za-z0-9+.\-])[A-Za-z][A-Za-z0-9+.\-]{0,30}://[^\s:/@]*:([^\s@/]+)@"
)
_BEARER = re.compile(r"(?i)(?<![A-Za-z0-9_])bearer[ \t]+([A-Za-z0-9\-._~+/]{12,}=*)")
_BASIC = re.compile(r"(?i)(?<![A-Za-z0-9_])basic[ \t]+([A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])")
_SECRET_VALUE = re.compile(
    r"(?i)(?<![A-Za-z0-9_-])(?:[A-Za-z0-9]+[_-])*"
    r"(?:password|passwd|api[_-]?key|secret[_-]?key|client[_-]?secret|access[_-]?token|"
    r"auth[_-]?token|refresh[_-]?token|secret|token)"
    r"[\"']?[ \t]*[:=][ \t]*[\"']?([^\s\"'`,;{}\[\]()]{4,})"
)
_PRIVATE_BEGIN = re.compile(r"-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----")
_PRIVATE_END = re.compile(r"-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----")
_PEM_BODY = re.compile(r"(?:[ \t]*\r?\n[ \t]*[A-Za-z0-9+/=]{8,})*")
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![A-Za-z0-9-])"
)
_PHONE_INTL = re.compile(r"(?<![\w+])\+\d{1,3}(?:[ -]?\(?\d{1,4}\)?){2,5}(?![\w.-])")
_PHONE_US = re.compile(r"(?<![\w.-])\(?\d{3}\)?[ -]\d{3}-\d{4}(?![\w-])")
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.]|\.\d)")

_PLACEHOLDER_VALUE = re.compile(
    r"[*x•.]+|\$\{.*\}|\$\(.*\)|\{\{.*\}\}|<.*>|%\(?.*|\[redacted.*", re.I
)

Finder = Callable[[str], Iterator[tuple[int, int]]]


def _group_spans(pattern: re.Pattern[str], keep: Callable[[str], bool] | None = None) -> Finder:
    """Spans of group 1 (or the whole match) for which `keep` says yes."""

    def find(text: str) -> Iterator[tuple[int, int]]:
        for m in pattern.finditer(text):
            group = 1 if m.re.groups else 0
            value = m.group(group)
            if keep is None or keep(value):
                yield m.start(group), m.end(group)

    return find


def _is_real_value(value: str) -> bool:
    """A credential value, not a placeholder or a plain word like 'required' or 'expired'."""
    if _PLACEHOLDER_VALUE.fullmatch(value):
        return False
    return not (value.isalpha() and value.islower())


def _has_digit(value: str) -> bool:
    return any(c.isdigit() for c in value)


def _is_basic_credential(value: str) -> bool:
    """Basic auth is base64 of 'user:password'; 'Basic authentication' decodes to noise without ':'."""
    padded = value + "=" * (-len(value) % 4)
    try:
        decoded = base64.b64decode(padded, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return False
    return ":" in decoded and decoded.isprintable()


def _private_keys(text: str) -> Iterator[tuple[int, int]]:
    pos = 0
    ends_exist = True  # once an END marker is missing, none follows: never search again (linear)
    while True:
        begin = _PRIVATE_BEGIN.search(text, pos)
        if begin is None:
            return
        end = _PRIVATE_END.search(text, begin.end()) if ends_exist else None
        if end is not None:
            stop = end.end()
        else:
            ends_exist = False
            # No END marker (cut off by a mail client): mask the base64 lines that follow.
            body = _PEM_BODY.match(text, begin.end())
            stop = body.end() if body else begin.end()
        yield begin.start(), stop
        pos = stop


def _ipv4(text: str) -> Iterator[tuple[int, int]]:
    for m in _IPV4.finditer(text):
        parts = [int(p) for p in m.group(0).split(".")]
        if all(p <= 255 for p in parts) and parts[0] not in (0, 127):
            yield m.start(), m.end()


def _phones(text: str) -> Iterator[tuple[int, int]]:
    for m in _PHONE_INTL.finditer(text):
        if sum(c.isdigit() for c in m.group(0)) >= 8:
            yield m.start(), m.end()
    for m in _PHONE_US.finditer(text):
        yield m.start(), m.end()


FINDERS: dict[str, Finder] = {
    PRIVATE_KEY: _private_keys,
    PREFECT_API_KEY: _group_spans(_PREFECT),
    JWT: _group_spans(_JWT),
    AWS_ACCESS_KEY: _group_spans(_AWS_ACCESS),
    AWS_SECRET: _group_spans(_AWS_SECRET),
    URL_PASSWORD: _group_spans(_URL_PASSWORD, _is_real_value),
    BEARER: _group_spans(_BEARER, _has_digit),
    BASIC_AUTH: _group_spans(_BASIC, _is_basic_credential),
    SECRET_VALUE: _group_spans(_SECRET_VALUE, _is_real_value),
    EMAIL: _group_spans(_EMAIL),
    PHONE: _phones,
    IP_ADDRESS: _ipv4,
}


def find_redactions(
    text: str, kinds: Iterable[str] = DEFAULT_KINDS, allow: Iterable[str] = ()
) -> list[Redaction]:
    """Every item to mask, in text order, never overlapping; `allow` lists values never masked."""
    allowed = {a.casefold() for a in allow if a}
    wanted = set(kinds)
    starts: list[int] = []
    kept: dict[int, Redaction] = {}
    for kind in ALL_KINDS:  # priority order
        if kind not in wanted:
            continue
        for start, end in FINDERS[kind](text):
            original = text[start:end]
            if not original or original.casefold() in allowed:
                continue
            i = bisect.bisect_left(starts, start)
            if i > 0 and kept[starts[i - 1]].end > start:
                continue  # overlaps an item of a stronger kind
            if i < len(starts) and starts[i] < end:
                continue
            starts.insert(i, start)
            kept[start] = Redaction(kind, start, end, original, mask(kind))
    return [kept[s] for s in starts]


def apply_redactions(text: str, items: Sequence[Redaction]) -> str:
    """The text with exactly `items` masked (a UI passes the subset the engineer kept)."""
    out: list[str] = []
    pos = 0
    for item in sorted(items, key=lambda r: r.start):
        if item.start < pos or text[item.start : item.end] != item.original:
            raise ValueError(f"redaction {item.kind} at {item.start} does not fit this text")
        out.append(text[pos : item.start])
        out.append(item.replacement)
        pos = item.end
    out.append(text[pos:])
    return "".join(out)


def redact(
    text: str, kinds: Iterable[str] = DEFAULT_KINDS, allow: Iterable[str] = ()
) -> RedactionResult:
    """Find and mask; the result keeps the original so single items can be restored."""
    items = find_redactions(text, kinds, allow)
    return RedactionResult(text, tuple(items), apply_redactions(text, items))
