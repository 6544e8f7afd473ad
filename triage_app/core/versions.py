"""Find the versions a ticket mentions (span + product) and resolve them against the release schedule."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from triage_app.core.releases import (
    CUSTOMER_MANAGED,
    PREFECT,
    PREFECT_HELM,
    PRERELEASE,
    Release,
    Schedule,
    parse_version,
)
from triage_app.core.result import VersionMention

MAX_MENTIONS = 100  # a pasted log can repeat "Version: 3.1.0" thousands of times
# Versions are looked for in the first 1 MB of a ticket: the prose and `prefect version` output
# come first, and a 10 MB log of numbers would otherwise keep the scanner busy for seconds.
MAX_SCAN_CHARS = 1_000_000
WORD_WINDOW = 64  # characters looked at before a version, on its own line, to find its product
CONTEXT_BEFORE = 300  # characters looked at (across lines) for "release", "chart", "helm"
CONTEXT_AFTER = 40

# Each regex is linear: no nested quantifiers over the same characters, bounded repeats.
_TOKEN = re.compile(
    r"(?<![\w.])[vV]?"
    r"(?P<ver>\d{1,9}(?:"
    r"(?:\.\d{1,12}){1,4}(?:[-.]?(?:rc|a|b|alpha|beta|dev|post)\.?\d{0,6})?"
    r"|(?:\.\d{1,12}){0,2}\.[xX*]"
    r"))(?![\w*]|\.\d)"
)
# "Prefect 3" / "Prefect v2": a bare major version right after the product name.
_PREFECT_MAJOR = re.compile(
    r"\bprefect[ \t]+[vV]?(?P<ver>[1-9])(?![\w.:/*-])"
    r"(?![ \t]*(?:days?|hours?|minutes?|weeks?|months?|years?|times?|runs?|flows?|"
    r"tasks?|workers?|pods?|replicas?|seconds?|%|x\b))",
    re.IGNORECASE,
)
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_NAMED_RELEASE = re.compile(
    rf"\b(?P<name>(?:{_MONTHS})\.?[ \t]+20\d\d)[ \t]+(?:customer[- ]managed[ \t]+)?release\b",
    re.IGNORECASE,
)
_MONTH_NAMES = (
    "january february march april may june july august september october november december"
)
_MONTH_FULL = {m[:3]: m for m in _MONTH_NAMES.split()}
# One word (reversed text is scanned, so this reads right to left from the version).
_REV_WORD = re.compile(r"(?P<sep>[^\w\n]{0,40})(?P<word>[\w/'-]{1,40})")
_BOUNDARY = re.compile(r"[.!?;]\s|[()\[\]]")  # a sentence or bracket lies between word and version
_PREFECT_IN_TEXT = re.compile(r"\bprefect\b", re.IGNORECASE)
_CHART_WORDS = re.compile(r"\b(?:chart|charts|helm|prefect-helm)\b", re.IGNORECASE)
_CM_WORDS = re.compile(
    r"\b(?:release|releases|chart|charts|customer[- ]managed|prefect-cloud|self[- ]hosted cloud)\b",
    re.IGNORECASE,
)

# Words between a product name and its version ("Prefect server version: 3.6.29").
_TRANSPARENT = {
    "version",
    "versions",
    "ver",
    "v",
    "server",
    "client",
    "clients",
    "worker",
    "workers",
    "agent",
    "tag",
    "image",
    "is",
    "was",
    "at",
}
# Ordinary words before a version: no product here, but not another program's name either.
_NEUTRAL = {
    "on",
    "to",
    "from",
    "in",
    "into",
    "with",
    "run",
    "runs",
    "running",
    "use",
    "uses",
    "used",
    "using",
    "upgrade",
    "upgraded",
    "upgrading",
    "update",
    "updated",
    "updating",
    "install",
    "installed",
    "installing",
    "deploy",
    "deployed",
    "deploying",
    "downgrade",
    "downgraded",
    "downgrading",
    "pin",
    "pinned",
    "bump",
    "bumped",
    "move",
    "moved",
    "migrate",
    "migrated",
    "migrating",
    "since",
    "after",
    "before",
    "than",
    "and",
    "or",
    "vs",
    "versus",
    "both",
    "latest",
    "current",
    "currently",
    "now",
    "still",
    "are",
    "were",
    "be",
    "been",
    "of",
    "the",
    "a",
    "an",
    "our",
    "my",
    "their",
    "we're",
    "we",
    "i'm",
    "tried",
    "try",
    "tested",
    "testing",
    "new",
    "old",
    "older",
    "newer",
    "same",
    "also",
    "only",
    "even",
    "like",
    "as",
    "for",
    "until",
    "through",
    "between",
    "via",
    "going",
    "jump",
    "straight",
    "stuck",
    "released",
    "release",
    "releases",
}
_PREFECT_WORDS = {
    "prefect",
    "prefect-client",
    "prefect-server",
    "prefecthq/prefect",
    "docker.io/prefecthq/prefect",
    "appversion",
    "app_version",
}
# Programs whose versions show up in tickets next to Prefect's; their numbers are never ours.
_OTHER_PROGRAMS = frozenset(
    [
        "python",
        "python3",
        "py",
        "cpython",
        "pypy",
        "pip",
        "pipx",
        "poetry",
        "uv",
        "conda",
        "setuptools",
        "virtualenv",
        "kubernetes",
        "k8s",
        "kube",
        "kubectl",
        "kubelet",
        "kubeadm",
        "eks",
        "aks",
        "gke",
        "openshift",
        "k3s",
        "k3d",
        "minikube",
        "rancher",
        "postgres",
        "postgresql",
        "psql",
        "pg",
        "pgbouncer",
        "mysql",
        "mariadb",
        "sqlite",
        "sqlite3",
        "redis",
        "valkey",
        "memcached",
        "docker",
        "podman",
        "containerd",
        "helm",
        "terraform",
        "ansible",
        "argocd",
        "argo",
        "istio",
        "linkerd",
        "nginx",
        "traefik",
        "envoy",
        "ingress-nginx",
        "cert-manager",
        "keda",
        "karpenter",
        "ubuntu",
        "debian",
        "alpine",
        "rhel",
        "centos",
        "fedora",
        "rocky",
        "amazonlinux",
        "windows",
        "macos",
        "darwin",
        "linux",
        "kernel",
        "nodejs",
        "npm",
        "java",
        "jdk",
        "openjdk",
        "golang",
        "rustc",
        "gcc",
        "glibc",
        "musl",
        "openssl",
        "libssl",
        "cuda",
        "pydantic",
        "pydantic-core",
        "sqlalchemy",
        "alembic",
        "asyncpg",
        "psycopg",
        "psycopg2",
        "httpx",
        "httpcore",
        "uvicorn",
        "fastapi",
        "starlette",
        "gunicorn",
        "anyio",
        "numpy",
        "pandas",
        "polars",
        "dask",
        "ray",
        "boto3",
        "botocore",
        "aiobotocore",
        "aiohttp",
        "requests",
        "urllib3",
        "griffe",
        "typer",
        "click",
        "rich",
        "cloudpickle",
        "fsspec",
        "s3fs",
        "gcsfs",
        "adlfs",
        "grafana",
        "prometheus",
        "loki",
        "datadog",
        "opentelemetry",
        "airflow",
        "dagster",
        "celery",
        "kafka",
        "rabbitmq",
        "spark",
        "pyspark",
        "dbt",
        "dbt-core",
        "snowflake",
        "databricks",
        "aws",
        "gcp",
        "azure",
        "s3",
        "api",
        "os",
        "tls",
        "ssl",
        "chrome",
        "firefox",
    ]
)
_CHART_ANCHORS = {"chart", "prefect-helm", "helm-chart"}
_CM_ANCHORS = {"prefect-cloud", "customer-managed", "cm"}


@dataclass(frozen=True)
class Detected:
    """A version mention found in text, before it is resolved against the schedule."""

    text: str
    start: int
    end: int
    product: str | None
    version: str  # "3.4.7", "3.x" (a whole line), or a release name ("January 2026")
    kind: str = "version"  # version | line | name


def detect_versions(text: str, schedule: Schedule | None = None) -> list[Detected]:
    """Every version mention in `text` (its first MAX_SCAN_CHARS), in order; never raises.

    Spans always lie inside `text`; at most MAX_MENTIONS mentions are returned.
    """
    if not isinstance(text, str) or not text:
        return []
    text_len = len(text)
    scan = text if text_len <= MAX_SCAN_CHARS else text[:MAX_SCAN_CHARS]
    lowered = scan.lower()
    prefect_in_text = "prefect" in lowered and _PREFECT_IN_TEXT.search(scan) is not None
    found: list[Detected] = []
    taken: list[tuple[int, int]] = []
    # Release names: look back from each "release" instead of trying every word as a month.
    # The look-back never reaches into the previous name, so a span is reported once.
    i = lowered.find("release")
    named_end = 0
    while i >= 0 and len(found) < MAX_MENTIONS:
        lo = max(named_end, i - 48)
        m = _NAMED_RELEASE.search(scan, lo, i + 8)
        if m is not None:
            named_end = m.end()
            name = _release_name(m.group("name"))
            found.append(Detected(m.group(0), m.start(), m.end(), CUSTOMER_MANAGED, name, "name"))
            taken.append((m.start(), m.end()))
        i = lowered.find("release", i + 7)
    for m in _TOKEN.finditer(scan):
        if len(found) >= MAX_MENTIONS:
            break
        start = m.start()
        if taken and any(a <= start < b for a, b in taken):
            continue
        d = _classify(scan, m.start("ver"), m.end("ver"), start, schedule, prefect_in_text)
        if d is not None:
            found.append(d)
            taken.append((d.start, d.end))
    if prefect_in_text:
        for m in _PREFECT_MAJOR.finditer(scan):
            if len(found) >= MAX_MENTIONS:
                break
            if any(a <= m.start("ver") < b for a, b in taken):
                continue
            found.append(
                Detected(m.group(0), m.start(), m.end(), PREFECT, f"{m.group('ver')}.x", "line")
            )
    found.sort(key=lambda d: d.start)
    return found


def _release_name(raw: str) -> str:
    month, year = raw.replace(".", " ").split()
    full = _MONTH_FULL.get(month[:3].lower(), month.lower())
    return f"{full.capitalize()} {year}"


def _words_before(text: str, pos: int) -> Iterator[tuple[str, str, int, bool]]:
    """Words before `pos` on the same line, nearest first: (word, separator after it, start, last).

    Lazy, because most version-like numbers in a log are decided by the first word before them.
    """
    lo = max(0, pos - WORD_WINDOW)
    nl = text.rfind("\n", lo, pos)
    lo = nl + 1 if nl >= 0 else lo
    rev = text[lo:pos][::-1]
    m = _REV_WORD.match(rev)
    count = 0
    while m is not None and count < 5:
        following = _REV_WORD.match(rev, m.end())
        count += 1
        yield m.group("word")[::-1], m.group("sep")[::-1], pos - m.end(), following is None
        m = following


def _classify(
    text: str,
    vstart: int,
    vend: int,
    tstart: int,
    schedule: Schedule | None,
    prefect_in_text: bool,
) -> Detected | None:
    raw = text[vstart:vend]
    wildcard = raw[-1] in "xX*"
    if tstart >= 2 and text[tstart - 1] == ":" and text[tstart - 2].isdigit():
        return None  # the seconds of a time stamp, 12:00:00.123
    parts = raw.split(".")
    if len(parts) >= 4 and not wildcard:
        return None  # 10.0.0.1 is an IP address; no product we know has four parts
    long_calendar = (
        len(parts) >= 3 and len(parts[0]) == 4 and parts[0][:1] in "12" and len(parts[2]) >= 7
    )
    end = vend + 4 if text.startswith(".tgz", vend) else vend  # prefect-cloud-0.8.1.tgz

    # The words before the version, on its line, name its product or another program.
    anchor: tuple[str, int] | None = None  # (kind, start of the phrase)
    line_start = -1
    for word, sep, wstart, last in _words_before(text, tstart):
        if _BOUNDARY.search(sep):
            break  # "... prefect-client. 3.0.5": the product belongs to another sentence
        w = word.lower().strip("'-")
        if w in _TRANSPARENT:
            if w == "version" and last and _line_start_before(text, wstart):
                line_start = wstart  # `prefect version` output: "Version:  3.1.0" opens a line
            continue
        if w in _CM_ANCHORS or w.startswith("prefect-cloud"):
            anchor = ("cm", wstart)
        elif w in _CHART_ANCHORS:
            anchor = ("chart", wstart)
        elif w in _PREFECT_WORDS or w.endswith("/prefect"):
            anchor = ("chart" if long_calendar else "prefect", wstart)
        elif w == "helm":
            return None  # "helm v3.14.0" is the Helm tool itself, not a chart
        elif w not in _NEUTRAL and _names_a_program(word, sep):
            return None  # another program's version: python3.12, Kubernetes 1.29, pydantic 2.9.2
        line_start = -1
        break

    if wildcard:
        parsed = None
        line = tuple(int(p) for p in parts[:-1])
    else:
        parsed = parse_version(raw)
        if parsed is None or _looks_like_date(parsed.release):
            return None
        line = parsed.line
    calendar = bool(parsed and parsed.is_calendar)
    kind = "line" if wildcard else "version"
    if line_start >= 0 and not wildcard and not calendar:
        return Detected(text[line_start:end], line_start, end, PREFECT, raw, kind)
    if anchor is not None:
        what, astart = anchor
        phrase = text[astart:end]
        if what == "cm":
            return Detected(phrase, astart, end, CUSTOMER_MANAGED, raw, kind)
        if what == "chart":
            # A calendar version is a prefect-helm chart; a semantic one, a Customer-Managed chart.
            product = PREFECT_HELM if calendar else CUSTOMER_MANAGED
            return Detected(phrase, astart, end, product, raw, kind)
        if calendar:
            return None  # "Prefect 2025.6.12" is a date next to a product name
        return Detected(phrase, astart, end, PREFECT, raw, kind)

    # A bare version: its neighbours and the schedule decide what it is, if anything.
    if long_calendar:
        return Detected(raw, vstart, end, PREFECT_HELM, raw, kind)
    two_numbers = parsed is not None and len(parsed.release) < 3 and not parsed.is_prerelease
    if two_numbers and not (schedule is not None and schedule.has_product(CUSTOMER_MANAGED)):
        return None  # "1.5 GB", "0.25 CPU": two numbers need a product name to be a version
    before = text[max(0, vstart - CONTEXT_BEFORE) : vstart]
    after = text[vend : vend + CONTEXT_AFTER]
    if calendar:
        near = before + " " + after
        if _CHART_WORDS.search(near) or _CM_WORDS.search(near):
            return Detected(raw, vstart, end, PREFECT_HELM, raw, kind)
        return None  # 2025.06.12 without a chart nearby is a date
    cm_context = bool(_CM_WORDS.search(before) or _CM_WORDS.search(after))
    if two_numbers:
        # Only as a known Customer-Managed line next to "release" ("jump straight to 1.2?").
        if cm_context and schedule is not None and schedule.has_line(CUSTOMER_MANAGED, line):
            return Detected(raw, vstart, end, CUSTOMER_MANAGED, f"{raw}.x", "line")
        return None
    guess = _guess_product(line, cm_context, prefect_in_text, schedule)
    if guess is None:
        return None
    return Detected(raw, vstart, end, guess, raw, kind)


def _names_a_program(word: str, sep: str) -> bool:
    """True when the word before a version names a program other than ours.

    An ordinary word ("then", "bare", "basically") is not a product: the version's context decides.
    """
    w = word.lower().strip("'-")
    if w in _OTHER_PROGRAMS or w.startswith(("prefect-", "prefect_")):
        return True  # prefect-aws 0.7.4, prefect_kubernetes: integrations have their own versions
    if any(c in sep for c in "=<>~!@") or sep in (":", "/"):
        return True  # numpy==1.26.4, boto3>=1.34, postgres:16.2: a package or image spec
    if any(c.isdigit() or c in "_/." for c in w):
        return True  # an identifier, not a word: k8s, boto3, linux/x86_64
    return 2 <= len(word) <= 5 and word.isupper()  # EKS, GKE, API, OS: an acronym names a thing


def _line_start_before(text: str, pos: int) -> bool:
    """True when only blanks or a field separator ('|', ',') stand between the line start and `pos`."""
    lo = max(0, pos - WORD_WINDOW)
    nl = text.rfind("\n", lo, pos)
    if nl < 0 and lo > 0:
        return False
    head = text[(nl + 1 if nl >= 0 else 0) : pos]
    return head.strip(" \t>|,;*-") == ""


def _looks_like_date(release: tuple[int, ...]) -> bool:
    """12.06.2025 or 6.12.2025: day and month first, a year last."""
    return len(release) == 3 and 1900 <= release[2] <= 2999 and release[0] <= 31


def _guess_product(
    line: tuple[int, ...], cm_context: bool, prefect_in_text: bool, schedule: Schedule | None
) -> str | None:
    has_cm = schedule is not None and schedule.has_product(CUSTOMER_MANAGED)
    cm_line = has_cm and schedule is not None and schedule.has_line(CUSTOMER_MANAGED, line)
    prefect_line = schedule is not None and schedule.has_line(PREFECT, line)
    if cm_context and has_cm:
        return CUSTOMER_MANAGED  # "a bare 0.8.2 next to 'release' or 'chart'"
    if cm_line and not prefect_line:
        return CUSTOMER_MANAGED
    if prefect_line and prefect_in_text:
        return PREFECT
    if cm_context and not prefect_line:
        return CUSTOMER_MANAGED  # reported as unknown, with a note that no schedule is loaded
    return None


def resolve(detected: Detected, schedule: Schedule, today: dt.date) -> VersionMention:
    """One mention, resolved: the release it means (exact or nearest of its line) and its status."""
    product = detected.product
    base = VersionMention(detected.text, detected.start, detected.end, product, detected.version)
    if product is None or not schedule.has_product(product):
        note = (
            "no Customer-Managed schedule loaded (triage-app releases import FILE.csv)"
            if product == CUSTOMER_MANAGED
            else f"no {product or 'matching'} releases in the schedule"
        )
        return dataclasses.replace(base, note=note)
    if detected.kind == "name":
        release = schedule.by_name(detected.version, product)
        if release is None:
            return dataclasses.replace(
                base, note=f"no release named {detected.version!r} in the schedule"
            )
        return _with_status(base, schedule, release, today, "", version=release.version)
    if detected.kind == "line":
        line = tuple(int(p) for p in detected.version.split(".")[:-1])
        release = schedule.latest_of_line(product, line, today)
        if release is None:
            return dataclasses.replace(
                base, note=f"no {product} {detected.version} release in the schedule"
            )
        note = (
            f"only the line {detected.version} is given; status of its latest release "
            f"{release.version}: ask for the exact version"
        )
        return _with_status(base, schedule, release, today, note)
    report = schedule.status(product, detected.version, today)
    if report.release is None:
        return dataclasses.replace(base, note=report.note)
    return _with_status(base, schedule, report.release, today, report.note)


def _with_status(
    base: VersionMention,
    schedule: Schedule,
    release: Release,
    today: dt.date,
    note: str,
    version: str | None = None,
) -> VersionMention:
    support = schedule.support(release, today)
    path = schedule.upgrade_path(release, today)
    if support.status == PRERELEASE:
        note = _join(note, "a pre-release is not covered by support")
    return dataclasses.replace(
        base,
        version=version or base.version,
        release=release.version,
        release_date=release.release_date.isoformat(),
        supported_until=support.supported_until.isoformat() if support.supported_until else None,
        status=support.status,
        days_left=support.days_left,
        note=note,
        upgrade_target=path[0] if path else None,
    )


def _join(a: str, b: str) -> str:
    return f"{a}; {b}" if a else b


def resolve_versions(text: str, schedule: Schedule, today: dt.date) -> list[VersionMention]:
    """Detect and resolve every version mention of `text` on `today`."""
    return [resolve(d, schedule, today) for d in detect_versions(text, schedule)]


def make_resolver(schedule: Schedule) -> Callable[[str, dt.date], list[VersionMention]]:
    """The TriageService `resolve_versions` step for one schedule."""

    def resolver(text: str, today: dt.date) -> list[VersionMention]:
        return resolve_versions(text, schedule, today)

    return resolver
