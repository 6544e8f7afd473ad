"""Mask secrets and (optionally) personal data in text before it leaves the app, with per-item undo.

Why our own patterns rather than detect-secrets or scrubadub, measured on tests/data/redaction_suite.jsonl
(124 real-shaped secrets, 60 look-alikes; `python -m benchmarks.compare_redaction`): these patterns leak
0 secrets and mask 0 look-alikes; detect-secrets 1.5 leaks 4 but masks 58 of the 60 look-alikes (its
entropy plugins flag every version, SHA, UUID and pod name), and without those plugins it adds no
secret to ours. It also reports values per line rather than spans (a PEM body stays), and costs 15x
the time and two more dependencies. scrubadub targets PII in prose and has no detectors for keys.

Every pattern is linear: a match may only start where the previous character cannot belong to the
token (a negative lookbehind on the token's own class), possessive quantifiers never backtrack, and
the command-line reader reads each character once (tests/core/test_redaction.py has the watchdog).
"""

from __future__ import annotations

import binascii
import bisect
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple


class _OnFirstUse:
    """A pattern compiled when a candidate first needs it: these check what another pattern found
    (a PEM body after its BEGIN line, a value after a secret's name) or read personal data the
    engineer opts into, and most drafts never meet one. Compiling all of them on the way to the
    first triage cost 1 ms."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._args = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        compiled = re.compile(*self._args)
        for method in ("search", "match", "fullmatch", "finditer"):
            setattr(self, method, getattr(compiled, method))  # later calls go straight to it
        return getattr(compiled, name)


PREFECT_API_KEY = "prefect_api_key"
PRIVATE_KEY = "private_key"
JWT = "jwt"
AWS_ACCESS_KEY = "aws_access_key"
AWS_SECRET = "aws_secret"
URL_PASSWORD = "url_password"
BEARER = "bearer_token"
BASIC_AUTH = "basic_auth"
SECRET_VALUE = "secret_value"
API_TOKEN = "api_token"
WEBHOOK = "webhook_url"
CLI_PASSWORD = "cli_password"
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
    API_TOKEN: "API token",
    WEBHOOK: "webhook URL",
    CLI_PASSWORD: "password on a command line",
    EMAIL: "e-mail address",
    PHONE: "phone number",
    IP_ADDRESS: "IP address",
}
# Order is priority: when two patterns overlap, the earlier kind wins.
SECRET_KINDS = (
    PRIVATE_KEY,
    PREFECT_API_KEY,
    JWT,
    API_TOKEN,
    AWS_ACCESS_KEY,
    AWS_SECRET,
    WEBHOOK,
    URL_PASSWORD,
    BEARER,
    BASIC_AUTH,
    CLI_PASSWORD,
    SECRET_VALUE,
)
PERSONAL_KINDS = (EMAIL, PHONE, IP_ADDRESS)
ALL_KINDS = SECRET_KINDS + PERSONAL_KINDS
DEFAULT_KINDS = SECRET_KINDS  # personal data is optional: the engineer opts in


def kinds_for(personal: bool) -> tuple[str, ...]:
    """The kinds to mask: secrets always, personal data (e-mail, phone, IP) when asked."""
    return ALL_KINDS if personal else DEFAULT_KINDS


class Redaction(NamedTuple):
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


class RedactionResult(NamedTuple):
    original: str
    items: tuple[Redaction, ...]
    text: str

    def kinds(self) -> list[str]:
        return sorted({item.kind for item in self.items})


def mask(kind: str) -> str:
    return f"[redacted {KIND_LABELS.get(kind, kind)}]"


# --- patterns ---------------------------------------------------------------------------------
# Possessive quantifiers (`++`, `{n,}+`) never give characters back, so a failed match costs at
# most one pass over the run it started on; the lookbehinds let a match start only where a token
# starts. Together they keep every pattern linear (tests/core/test_redaction.py has the watchdog).
_PREFECT = re.compile(r"(?<![A-Za-z0-9_])pn[ub]_[A-Za-z0-9]{16,}+")
_JWT = re.compile(
    r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{6,}+\.eyJ[A-Za-z0-9_-]{6,}+\.[A-Za-z0-9_-]*+"
)
_AWS_ACCESS = re.compile(
    r"(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z0-9]{16}(?![A-Za-z0-9])"
)
_AWS_SECRET = re.compile(
    r"(?i)(?<![A-Za-z0-9])aws_?secret_?(?:access_?)?key[\"']?[ \t]*[:=][ \t]*[\"']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])"
)
# Tokens whose vendor prefix says what they are, wherever they stand (prose, URLs, logs).
_API_TOKEN = re.compile(
    r"(?<![A-Za-z0-9_-])(?:"
    r"gh[pousr]_[A-Za-z0-9]{36,255}+|github_pat_[A-Za-z0-9_]{22,255}+"
    r"|glpat-[A-Za-z0-9_-]{20,}+|gl(?:dt|rt|ptt|cbt|soat)-[A-Za-z0-9_-]{20,}+"
    r"|xox[abposre]-[A-Za-z0-9-]{10,}+|xapp-\d-[A-Za-z0-9-]{10,}+"
    r"|AIza[0-9A-Za-z_-]{35}"
    r"|(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}+|whsec_[A-Za-z0-9]{24,}+"
    r"|npm_[A-Za-z0-9]{36}|hv[sbr]\.[A-Za-z0-9_-]{20,}+"
    r"|sk-ant-[A-Za-z0-9_-]{20,}+|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}"
    r"|sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}+"
    r"|SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}|GOCSPX-[A-Za-z0-9_-]{24,}+|ya29\.[A-Za-z0-9_-]{20,}+"
    r"|hf_[A-Za-z]{30,}+|pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{20,}+|dckr_pat_[A-Za-z0-9_-]{20,}+"
    r"|do[por]_v1_[a-f0-9]{64}|shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}|ATATT3[A-Za-z0-9_=-]{20,}+"
    r"|sntr[ysu]s?_[A-Za-z0-9_=+/]{20,}+|gl(?:sa|c)_[A-Za-z0-9_+/=]{20,}+|NRAK-[A-Z0-9]{27}"
    r"|dapi[a-f0-9]{32}(?:-\d)?|[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,}+"
    r"|lin_api_[A-Za-z0-9]{40}|dp\.(?:st|sa|ct|pt)\.[A-Za-z0-9._-]{40,}+|pul-[a-f0-9]{40}"
    r"|SK[0-9a-f]{32}"
    r")(?![A-Za-z0-9_-])"
)
_WEBHOOK = re.compile(
    r"(?i)(?<![A-Za-z0-9.-])(?:hooks\.slack\.com/(?:services|workflows|triggers)"
    r"|discord(?:app)?\.com/api/webhooks|webhook\.office\.com/webhookb2)/([A-Za-z0-9/@_-]{16,}+)"
)
_URL_PASSWORD = re.compile(
    r"(?<![A-Za-z0-9+.\-])[A-Za-z][A-Za-z0-9+.\-]{0,30}://[^\s:/@]*+:([^\s@/]++)@"
)
# A token as the whole user part of a URL (https://<token>@github.com/...).
_URL_TOKEN = re.compile(
    r"(?<![A-Za-z0-9+.\-])[A-Za-z][A-Za-z0-9+.\-]{0,30}://([A-Za-z0-9_~%-]{20,}+)@"
)
_BEARER = re.compile(r"(?i)(?<![A-Za-z0-9_])bearer[ \t]+([A-Za-z0-9\-._~+/]{12,}+=*+)")
_AUTH_SCHEME = re.compile(
    r"(?i)(?<![A-Za-z0-9_-])(?:authorization[\"']?[ \t]*[:=][ \t]*[\"']?(?:token|ssws|apikey)|ssws)"
    r"[ \t]+([A-Za-z0-9\-._~+/=]{12,}+)"
)
_BASIC = re.compile(r"(?i)(?<![A-Za-z0-9_])basic[ \t]+([A-Za-z0-9+/]{8,}+={0,2})(?![A-Za-z0-9+/=])")
# NAME: value / NAME=value / "NAME": "value" where NAME ends in a secret word, in any spelling:
# DB_PASSWORD, adminPassword, SecretAccessKey, _authToken, client-key-data, AUTH_STRING.
_SECRET_WORD = (
    r"(?:password|passwd|passphrase|pass|pwd|secret|token|credentials?|auth"
    r"|api[_.-]?key|app[_.-]?key|access[_.-]?key|secret[_.-]?key|private[_.-]?key|account[_.-]?key"
    r"|master[_.-]?key|auth[_.-]?key|encryption[_.-]?key|signing[_.-]?key|key[_.-]?data"
    r"|auth[_.-]?string)"
)
_SECRET_NAME = r"-{0,2}[A-Za-z0-9_.-]*?" + _SECRET_WORD
_VALUE = r"(?:\"([^\"\n]++)\"|'([^'\n]++)'|([^\s\"'`,;{}\[\]()<>]++))"
# Any NAME followed by : = or =>; the name's ending is checked after (a regex alternation tried at
# every word start costs 10x more), and the value is read from where the separator ends.
_ASSIGNMENT = re.compile(
    r"(?<![A-Za-z0-9_.-])(-{0,2}[A-Za-z0-9_.-]++)[\"']?[ \t]*+(?::|=>?)[ \t]*+"
)
_ENDS_SECRET_WORD = re.compile(r"(?i)" + _SECRET_WORD + r"$")
_VALUE_AT = re.compile(_VALUE)
# The Kubernetes env pair: `- name: DB_PASSWORD` then `value: ...` (or {"name": ..., "value": ...}).
_ENV_PAIR = re.compile(
    r"(?i)(?<![A-Za-z0-9_-])[\"']?name[\"']?[ \t]*:[ \t]*[\"']?(" + _SECRET_NAME + r")[\"']?"
    r"[ \t]*+,?[ \t]*+(?:\r?\n[ \t]*+)?[\"']?value[\"']?[ \t]*:[ \t]*+" + _VALUE
)
# ?sig=... &access_token=...: a query value ends at the next & (an assignment value does not).
_QUERY_SECRET = re.compile(
    r"(?i)(?<=[?&;])(?:sig|signature|x-amz-signature|x-amz-security-token|x-goog-signature"
    r"|api[_-]?key|access[_-]?token|token|client[_-]?secret|password|secret)=([^&\s#\"'<>]{8,}+)"
)
# --password VALUE, --token VALUE (with a space: the assignment covers --password=VALUE).
_FLAG_SECRET = re.compile(
    r"(?i)(?<![A-Za-z0-9_-])--(?:[A-Za-z0-9]+-)*(?:password|passwd|token|secret|api-key|apikey"
    r"|access-key|secret-key|auth-token|client-secret|oauth2-bearer)[ \t]++(?!-)" + _VALUE
)
# Commands that take a password as an argument; each one's flags are read by _command_passwords.
_COMMAND = re.compile(
    r"(?<![A-Za-z0-9_.-])(mysql|mysqldump|mysqladmin|mariadb|mariadb-dump|sshpass|curl|redis-cli"
    r"|htpasswd|twine|docker|podman|nerdctl|helm)(?![A-Za-z0-9_-])"
)
_ARG = re.compile(r"(?:\"[^\"\n]*+\"|'[^'\n]*+'|[^\s\"']++)++")
_PRIVATE_BEGIN = re.compile(r"-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----")
_PRIVATE_END = _OnFirstUse(r"-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----")
_PEM_BODY = _OnFirstUse(r"(?:[ \t]*\r?\n[ \t]*[A-Za-z0-9+/=]{8,})*")
_EMAIL = _OnFirstUse(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![A-Za-z0-9-])"
)
_PHONE_INTL = _OnFirstUse(r"(?<![\w+])\+\d{1,3}(?:[ -]?\(?\d{1,4}\)?){2,5}(?![\w.-])")
_PHONE_US = _OnFirstUse(r"(?<![\w.-])\(?\d{3}\)?[ -]\d{3}-\d{4}(?![\w-])")
_IPV4 = _OnFirstUse(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.]|\.\d)")

_PLACEHOLDER_VALUE = _OnFirstUse(
    r"[*x•.]+|\$\{.*\}|\$\(.*\)|\$[A-Za-z_][A-Za-z0-9_]*|%[A-Za-z_]+%|\{\{.*\}\}|<.*>|%\(?.*"
    r"|\[redacted.*|null|none|nil|true|false|undefined|redacted|hidden|masked|changeme_?",
    re.I,
)
# A lowercase slug (prefect-db-secret) names a Kubernetes secret or a file; it is not one.
_REFERENCE = _OnFirstUse(r"[a-z]+(?:[-_][a-z]+)*")
# Names whose last word is ambiguous: the value must not be a reference either.
_WEAK_WORDS = ("secret", "token", "key", "auth", "credential", "credentials", "data", "string")

Finder = Callable[[str], Iterator[tuple[int, int]]]


def _value_span(m: re.Match[str], first: int) -> tuple[int, int]:
    """The span of whichever value alternative matched (quoted "..", quoted '..', or bare)."""
    for group in range(first, first + 3):
        if m.group(group) is not None:
            return m.start(group), m.end(group)
    return m.end(), m.end()


def _group_spans(
    pattern: re.Pattern[str] | _OnFirstUse, keep: Callable[[str], bool] | None = None
) -> Finder:
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
    import base64  # only when a "Basic ..." candidate is met

    padded = value + "=" * (-len(value) % 4)
    try:
        decoded = base64.b64decode(padded, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return False
    return ":" in decoded and decoded.isprintable()


def _secret_for_name(name: str, value: str) -> bool:
    """Whether `value`, given under `name` (which ends in a secret word), is worth masking."""
    if len(value) < 4 or not _is_real_value(value.strip()):
        return False
    words = re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", name)
    last = words[-1].lower() if words else ""
    if last == "auth":  # docker config.json "auth": base64 of user:password
        return _is_basic_credential(value)
    if last.endswith(("pass", "pwd", "auth")) and last not in ("pass", "pwd"):
        return False  # bypass, compass, oauth: only DB_PASS, dbPass, PWD-style names count
    if last in _WEAK_WORDS and _REFERENCE.fullmatch(value):
        return False
    return not value.startswith(("/", "~/", "./"))  # a path: --token-file style settings


def _assignments(text: str) -> Iterator[tuple[int, int]]:
    for query in _QUERY_SECRET.finditer(text):
        if _is_real_value(query.group(1)):
            yield query.start(1), query.end(1)
    for pair in _ENV_PAIR.finditer(text):
        start, end = _value_span(pair, 2)
        if _secret_for_name(pair.group(1).lstrip("-"), text[start:end]):
            yield start, end
    pos = 0
    while (m := _ASSIGNMENT.search(text, pos)) is not None:
        pos = m.end()
        name = m.group(1).lstrip("-")
        if not _ENDS_SECRET_WORD.search(name[-24:]):  # the longest secret word is 21 characters
            continue
        value = _VALUE_AT.match(text, pos)
        if value is not None:
            pos = value.end()  # the value is read once, never again as a name (linear)
            start, end = _value_span(value, 1)
            if _secret_for_name(name, text[start:end]):
                yield start, end


def _unquoted(text: str, start: int, end: int) -> tuple[int, int]:
    if end - start >= 2 and text[start] in "'\"" and text[end - 1] == text[start]:
        return start + 1, end - 1
    return start, end


def _command_args(text: str, pos: int, limit: int = 2000) -> list[tuple[int, int]]:
    """The argument spans of the command line starting at `pos`, to its end (or `limit` chars)."""
    end = text.find("\n", pos, pos + limit)
    end = min(len(text), pos + limit) if end < 0 else end
    return [(m.start(), m.end()) for m in _ARG.finditer(text, pos, end)]


def _password_arg(command: str, args: list[str]) -> Iterator[tuple[int, int | None]]:
    """(index of the argument holding the password, offset of the password in it or None for all)."""
    i = 0
    positional: list[int] = []
    after_login = False
    while i < len(args):
        arg = args[i]
        nxt = i + 1 < len(args)
        if command in ("mysql", "mysqldump", "mysqladmin", "mariadb", "mariadb-dump"):
            if arg.startswith("-p") and len(arg) > 2 and not arg.startswith("--"):
                yield i, 2
        elif command == "sshpass":
            if arg == "-p" and nxt:
                yield i + 1, None
            elif arg.startswith("-p") and len(arg) > 2:
                yield i, 2
        elif command == "curl":
            if arg in ("-u", "--user", "--proxy-user", "-U") and nxt:
                yield i + 1, -1
            elif arg.startswith("-u") and len(arg) > 2 and not arg.startswith("--"):
                yield i, -1
        elif command == "redis-cli":
            if arg in ("-a", "--pass", "--user-pass") and nxt:
                yield i + 1, None
        elif command == "htpasswd":
            if not arg.startswith("-"):
                positional.append(i)
            elif "b" in arg[1:]:
                positional.append(-1)  # batch mode: the third positional is the password
        elif (command == "twine" or after_login) and arg == "-p" and nxt:
            yield i + 1, None  # twine -p, docker/podman/helm registry login -p
        after_login = after_login or arg == "login"
        i += 1
    if command == "htpasswd" and -1 in positional:
        rest = [p for p in positional if p >= 0]
        if len(rest) >= 3:
            yield rest[2], None


def _command_passwords(text: str) -> Iterator[tuple[int, int]]:
    """mysql -pS3cret, sshpass -p pw, curl -u user:pw, docker login -p pw, redis-cli -a pw, ..."""
    pos = 0
    while True:
        m = _COMMAND.search(text, pos)
        if m is None:
            return
        spans = _command_args(text, m.end())
        pos = spans[-1][1] if spans else m.end()  # every character is read once: linear
        args = [text[s:e] for s, e in spans]
        for index, offset in _password_arg(m.group(1), args):
            start, end = _unquoted(text, *spans[index])
            value = text[start:end]
            if offset == -1:  # user:password: only the password
                colon = value.find(":")
                if colon < 0:
                    continue
                start, value = start + colon + 1, value[colon + 1 :]
            elif offset:
                start, end = _unquoted(text, start + offset, end)
                value = text[start:end]
            if value and _is_real_value(value):
                yield start, start + len(value)


def _flag_secrets(text: str) -> Iterator[tuple[int, int]]:
    for m in _FLAG_SECRET.finditer(text):
        start, end = _value_span(m, 1)
        if _is_real_value(text[start:end]):
            yield start, end


def _cli_passwords(text: str) -> Iterator[tuple[int, int]]:
    yield from _command_passwords(text)
    yield from _flag_secrets(text)


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


# The word right before a four-part number that makes it a version, not an address.
_VERSION_WORDS = frozenset(
    ("v", "version", "versions", "ver", "release", "released", "prefect", "prefecthq", "chart")
    + ("helm", "image", "tag", "python", "hotfix", "build", "patch", "pip", "package")
)
_VERSION_OPERATORS = ("==", ">=", "<=", "~=", "!=", "@")
_MOVE_WORDS = frozenset(("from", "to", "and", "or"))


def _looks_like_version(text: str, start: int, parts: list[int]) -> bool:
    """2.19.3.1 after 'Prefect', 'version', '==' (or 'from'/'to' in an upgrade) is a version."""
    line_start = text.rfind("\n", max(0, start - 80), start) + 1
    lo = max(line_start, start - 80)
    i = start
    while i > lo and text[i - 1] in " \t:=\"'(":
        if text[i - 2 : i] in _VERSION_OPERATORS:
            return True
        i -= 1
    if text[i - 2 : i] in _VERSION_OPERATORS or text[i - 1 : i] == "@":
        return True
    j = i
    while j > lo and text[j - 1].isalpha():
        j -= 1
    word = text[j:i].lower()
    if word in _VERSION_WORDS:
        return True
    if word in _MOVE_WORDS and parts[0] < 10 and all(p < 100 for p in parts):
        before = text[lo:j].lower()
        return any(cue in before for cue in ("upgrad", "downgrad", "version", "release", "prefect"))
    return False


def _ipv4(text: str) -> Iterator[tuple[int, int]]:
    for m in _IPV4.finditer(text):
        parts = [int(p) for p in m.group(0).split(".")]
        is_address = all(p <= 255 for p in parts) and parts[0] not in (0, 127)
        if is_address and not _looks_like_version(text, m.start(), parts):
            yield m.start(), m.end()


def _phones(text: str) -> Iterator[tuple[int, int]]:
    for m in _PHONE_INTL.finditer(text):
        if sum(c.isdigit() for c in m.group(0)) >= 8:
            yield m.start(), m.end()
    for m in _PHONE_US.finditer(text):
        yield m.start(), m.end()


def _chain(*finders: Finder) -> Finder:
    return lambda text: (span for finder in finders for span in finder(text))


FINDERS: dict[str, Finder] = {
    PRIVATE_KEY: _private_keys,
    PREFECT_API_KEY: _group_spans(_PREFECT),
    JWT: _group_spans(_JWT),
    API_TOKEN: _group_spans(_API_TOKEN),
    AWS_ACCESS_KEY: _group_spans(_AWS_ACCESS),
    AWS_SECRET: _group_spans(_AWS_SECRET),
    WEBHOOK: _group_spans(_WEBHOOK),
    URL_PASSWORD: _chain(
        _group_spans(_URL_PASSWORD, _is_real_value), _group_spans(_URL_TOKEN, _has_digit)
    ),
    BEARER: _chain(_group_spans(_BEARER, _has_digit), _group_spans(_AUTH_SCHEME, _has_digit)),
    BASIC_AUTH: _group_spans(_BASIC, _is_basic_credential),
    CLI_PASSWORD: _cli_passwords,
    SECRET_VALUE: _assignments,
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
