"""Find the versions a ticket mentions (span + product) and resolve them against the release schedule."""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import NamedTuple

from triage_app.core.releases.schedule import (
    CUSTOMER_MANAGED,
    PREFECT,
    PREFECT_HELM,
    PRERELEASE,
    UNSUPPORTED,
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
CLAUSE_WINDOW = 120  # characters of the version's own clause looked at for keys, URLs, "provider"

# Each regex is linear: no nested quantifiers over the same characters, bounded repeats.
_TOKEN = re.compile(
    r"(?<![\w.])[vV]?"
    r"(?P<ver>\d{1,9}(?:"
    r"(?:\.\d{1,12}){1,4}(?:[-.]?(?:rc|a|b|alpha|beta|dev|post)\.?\d{0,6})?"
    # a local version, as `prefect version` prints a development install: 2.16.0+26.gf00a520c4c
    r"(?:\+[a-zA-Z0-9]{1,40}(?:\.[a-zA-Z0-9]{1,40}){0,3})?"
    r"|(?:\.\d{1,12}){0,2}\.[xX*]"
    r"))(?![\w*]|\.\d|\.[xX*](?!\w))"
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
# The ticket names us: Prefect, or Customer-Managed (its releases are ours too).
_PREFECT_IN_TEXT = re.compile(r"\bprefect\b|\bcustomer[- ]managed\b", re.IGNORECASE)
_CHART_WORDS = re.compile(r"\b(?:chart|charts|helm|prefect-helm)\b", re.IGNORECASE)
# Prefect's own nouns: a ticket that speaks of flow runs and work pools is about Prefect even when
# it never writes the name (paraphrased GitHub issues rarely do).
_PREFECT_TOPIC = re.compile(
    r"\b(?:prefect|orion|(?:sub)?flows?|flow[ _-]?runs?|task[ _-]?runs?|work[ _-]?pools?|"
    r"work[ _-]?queues?|automations?)\b|@flow\b|@task\b",
    re.IGNORECASE,
)
# Versions in a clause about Terraform providers are the providers' (prefecthq/prefect v2.22.0).
_PROVIDER_CLAUSE = re.compile(r"\b(?:terraform|providers?)\b", re.IGNORECASE)
# A key right before the version: "prefect_version": "0.13.12", prefect.io/version=2.7.8,
# prefect-version: 2.10.5, Version: 3.1.4. The look-behind starts a key only once per run of
# key characters, so the search stays linear.
_KEY_BEFORE = re.compile(
    r"(?<![\w.\-/])(?P<key>[\w.\-/]{1,60})[\"']?[ \t]{0,4}[:=][ \t]{0,4}[\"']?[vV]?\Z"
)
_VERSION_WORD = re.compile(r"\bversions?\b", re.IGNORECASE)
# Words that make two numbers a version ("server is still on 3.2", "since v3.2", "Version: 2.10").
_TWO_NUMBER_CUES = frozenset({"version", "versions", "ver", "since", "on", "is", "at"})
_UNIT_AFTER = re.compile(r"[ \t]{0,3}(?:%|[kmgt]i?b\b|cpus?\b|cores?\b|m?s\b|x\b|seconds?\b)", re.I)
_COMPONENT_BEFORE = re.compile(r"\b(?:server|workers?|clients?|agents?)\b", re.IGNORECASE)
_COMPONENT_AFTER = re.compile(r"[ \t]{1,3}(?:server|workers?|clients?|agents?)\b", re.IGNORECASE)
_RELEASE_AFTER = re.compile(r"[ \t]{1,3}release\b", re.IGNORECASE)
_KEY_PARTS = re.compile(r"[._\-/]")
_VERSION_KEYS = frozenset({"version", "versions", "ver", "app_version", "server_version"})
_DOCS_URL_BEFORE = re.compile(r"\bprefect\.io/(?:docs/|v[0-9]/|latest/)?\Z", re.IGNORECASE)
# An image tag naming a line: prefecthq/prefect:3-latest, prefecthq/prefect:3-python3.12.
_IMAGE_LINE_TAG = re.compile(
    r"(?P<image>prefecthq/prefect(?:-[a-z]{1,20})?):"
    r"(?P<tag>(?P<line>[1-9]\d{0,2})-(?:latest|python\d[\d.]{0,6})\b)",
    re.IGNORECASE,
)
_CM_WORDS = re.compile(
    r"\b(?:release|releases|chart|charts|customer[- ]managed|prefect-cloud|self[- ]hosted cloud)\b",
    re.IGNORECASE,
)


def _words(text: str) -> frozenset[str]:
    """A word list written as one string: the lists below are long and read better as prose."""
    return frozenset(text.split())


# Words between a product name and its version that also make a bare version ours in a Prefect
# ticket: "Prefect server version: 3.6.29", "Server is 3.8.3", "workers run 3.8.1".
_CUE_TRANSPARENT = _words(
    "agent agents at client clients is server ver version versions was worker workers "
)
# Words between a product name and its version that decide nothing ("Prefect OSS 3.4.15").
_TRANSPARENT = _CUE_TRANSPARENT | _words("cloud core image orion oss self-hosted tag v ")
# Ordinary words before a bare version that make it ours in a Prefect ticket: upgrade phrasing
# ("upgraded to", "from ... to", "rolled back to"), "seen on", "tested". The walk looks past them for
# another program's name ("upgraded Kubernetes to 1.29.3").
_CUE_NEUTRAL = _words(
    "back deployed downgrade downgraded downgrading from install installed into "
    "migrate migrated migrating on pin pinned revert reverted roll rolled run running "
    "runs since stuck tested to update updated updating upgrade upgraded upgrading "
    "using "
)
_CUES = _CUE_TRANSPARENT | _CUE_NEUTRAL
# Ordinary words before a version: no product here, but not another program's name either.
_NEUTRAL = _CUE_NEUTRAL | _words(
    "a after also an and are as be been before between both bump bumped current "
    "currently deploy deploying even for going i'm in installing jump latest like "
    "move moved my new newer now of old older only or our release released releases "
    "same still straight testing than the their through tried try until use used uses "
    "versus via vs we we're were with "
)
_PREFECT_WORDS = {
    "prefect",
    "prefect-client",
    "prefect-server",
    "prefecthq/prefect",
    "docker.io/prefecthq/prefect",
    "appversion",
    "app_version",
    "prefecthq/server",
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
        "provider",
        "providers",
        "node",
        "vault",
    ]
)
_CHART_FIELDS = {"appversion", "app_version"}  # Helm's field: Prefect's only in a Prefect ticket
_CHART_ANCHORS = {"chart", "prefect-helm", "helm-chart"}
_CM_ANCHORS = {"prefect-cloud", "customer-managed", "cm"}


class Detected(NamedTuple):
    """A version mention found in text, before it is resolved against the schedule."""

    text: str
    start: int
    end: int
    product: str | None
    version: str  # "3.4.7", "3.x" (a whole line), or a release name ("January 2026")
    kind: str = "version"  # version | line | name
    reason: str = ""  # the words that decided the product: "Prefect", "upgraded to", "chart"


def detect_versions(text: str, schedule: Schedule | None = None) -> list[Detected]:
    """Every version mention in `text` (its first MAX_SCAN_CHARS), in order; never raises.

    Spans always lie inside `text`; at most MAX_MENTIONS mentions are returned. A bare "Prefect 3"
    names a generation, not a version (the labelling rule), so it is not reported.
    """
    if not isinstance(text, str) or not text:
        return []
    text_len = len(text)
    scan = text if text_len <= MAX_SCAN_CHARS else text[:MAX_SCAN_CHARS]
    lowered = scan.lower()
    prefect_in_text = ("prefect" in lowered or "managed" in lowered) and _PREFECT_IN_TEXT.search(
        scan
    ) is not None
    cm_words = list(_CM_WORDS.finditer(scan))
    context = _Context(
        schedule,
        prefect_in_text,
        prefect_in_text or _PREFECT_TOPIC.search(scan) is not None,
        [m.start() for m in cm_words],
        [m.end() for m in cm_words],
    )
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
            found.append(
                Detected(
                    m.group(0), m.start(), m.end(), CUSTOMER_MANAGED, name, "name", "release name"
                )
            )
            taken.append((m.start(), m.end()))
        i = lowered.find("release", i + 7)
    for m in _TOKEN.finditer(scan):
        if len(found) >= MAX_MENTIONS:
            break
        start = m.start()
        if taken and any(a <= start < b for a, b in taken):
            continue
        d = _classify(scan, m.start("ver"), m.end("ver"), start, context)
        if d is not None:
            found.append(d)
            taken.append((d.start, d.end))
    # Image tags that name a line, not a release: prefecthq/prefect:3-latest, :3-python3.12.
    i = lowered.find("prefecthq/")
    while i >= 0 and len(found) < MAX_MENTIONS:
        m = _IMAGE_LINE_TAG.match(scan, i)
        if m is not None and not any(a <= m.start("tag") < b for a, b in taken):
            line = m.group("line")
            found.append(
                Detected(
                    m.group("tag"),
                    m.start("tag"),
                    m.end("tag"),
                    PREFECT,
                    f"{line}.x",
                    "line",
                    f"image tag of {m.group('image')}",
                )
            )
        i = lowered.find("prefecthq/", i + 10)
    found.sort(key=lambda d: d.start)
    return found


class _Context(NamedTuple):
    """What the whole ticket says, decided once: the schedule, and whether it is about Prefect."""

    schedule: Schedule | None
    prefect_in_text: bool  # the word "prefect" appears
    about_prefect: bool  # ... or Prefect's own nouns do (flow run, work pool, Orion)
    cm_starts: list[int]  # where "release", "chart", "customer-managed" ... words start and end,
    cm_ends: list[int]  # found once per ticket (a search per version was the scan's main cost)

    def cm_word_near(self, vstart: int, vend: int) -> bool:
        """A release/chart word within CONTEXT_BEFORE before the version or CONTEXT_AFTER after it."""
        return self._word_within(vstart - CONTEXT_BEFORE, vstart) or self._word_within(
            vend, vend + CONTEXT_AFTER
        )

    def _word_within(self, lo: int, hi: int) -> bool:
        # Matches do not overlap, so the first one starting at or after lo has the smallest end.
        i = bisect.bisect_left(self.cm_starts, lo)
        return i < len(self.cm_starts) and self.cm_ends[i] <= hi


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
    while m is not None and count < 6:
        following = _REV_WORD.match(rev, m.end())
        count += 1
        yield m.group("word")[::-1], m.group("sep")[::-1], pos - m.end(), following is None
        m = following


def _clause_before(text: str, pos: int) -> str:
    """The text of the version's own clause before it: back to a sentence end or the line start."""
    lo = max(0, pos - CLAUSE_WINDOW)
    head = text[lo:pos]
    nl = head.rfind("\n")
    if nl >= 0:
        head = head[nl + 1 :]
    cut = max(head.rfind(". "), head.rfind("; "), head.rfind("? "), head.rfind("! "))
    return head[cut + 2 :] if cut >= 0 else head


def _classify(text: str, vstart: int, vend: int, tstart: int, context: _Context) -> Detected | None:
    raw = text[vstart:vend]
    schedule = context.schedule
    wildcard = raw[-1] in "xX*"
    if tstart >= 2 and text[tstart - 1] == ":" and text[tstart - 2].isdigit():
        return None  # the seconds of a time stamp, 12:00:00.123
    parts = raw.split(".")
    if len(parts) >= 4 and not wildcard and parts[3].isdigit():
        return None  # 10.0.0.1 is an IP address; no product we know has four parts
    long_calendar = (
        len(parts) >= 3 and len(parts[0]) == 4 and parts[0][:1] in "12" and len(parts[2]) >= 7
    )
    end = vend + 4 if text.startswith(".tgz", vend) else vend  # prefect-cloud-0.8.1.tgz
    clause = _clause_before(text, tstart)
    # Cheap substring tests first: most numbers in a pasted log have none of these nearby.
    if ("rovider" in clause or "erraform" in clause) and _PROVIDER_CLAUSE.search(clause):
        return None  # "provider registry.terraform.io/prefecthq/prefect v2.22.0": Terraform's

    # A key or URL right before the version names its product: "prefect_version": "0.13.12",
    # prefect.io/version=2.7.8, docs.prefect.io/2.14.2/.
    tail = clause.rstrip(" \t\"'vV")
    key = _KEY_BEFORE.search(clause) if tail.endswith((":", "=")) else None
    key_reason = ""
    if key is not None:
        name = key.group("key").lower()
        if "prefect" in name and "version" in name:
            return _found(text, vstart, end, PREFECT, raw, wildcard, f"key {key.group('key')}")
        if name.strip("-_.") in _VERSION_KEYS:
            key_reason = key.group("key")  # "Version: 3.1.4": a cue, as the word "version" is
        elif any(part in _OTHER_PROGRAMS for part in _KEY_PARTS.split(name) if part):
            return None  # python_version: 3.11.7, "redis_version": "7.2.4"
    if "prefect.io/" in clause[-40:].lower() and _DOCS_URL_BEFORE.search(clause):
        return _found(text, vstart, end, PREFECT, raw, wildcard, "Prefect docs URL")

    # The words before the version, on its line, name its product or another program.
    anchor: tuple[str, int, str] | None = None  # (kind, start of the phrase, deciding word)
    line_start = -1
    cue_start = -1  # where the words that make a bare version ours begin ("upgraded to")
    for index, (word, sep, wstart, last) in enumerate(_words_before(text, tstart)):
        opening_paren = index == 0 and sep.strip() == "("  # "Prefect (2.19, in a conda env)"
        if _BOUNDARY.search(sep) and not opening_paren:
            break  # "... prefect-client. 3.0.5": the product belongs to another sentence
        if "," in sep:
            break  # "Postgres backend, version 2.11.4": a list item of its own
        if "->" in sep or "→" in sep:
            cue_start = cue_start if cue_start >= 0 else tstart
        w = word.lower().strip("'-")
        if w.isdigit():
            break  # "from 3.3.7 to 3.4.1": another version's digits
        if w in _TRANSPARENT:
            if w == "version" and last and _line_start_before(text, wstart):
                line_start = wstart  # `prefect version` output: "Version:  3.1.0" opens a line
            if w in _CUES:
                cue_start = wstart
            continue
        if w in _CM_ANCHORS or w.startswith("prefect-cloud"):
            anchor = ("cm", wstart, word)
        elif w in _CHART_ANCHORS:
            anchor = ("chart", wstart, word)
        elif w in _CHART_FIELDS and not context.about_prefect:
            return None  # appVersion 1.13.1 of a vault chart, in a ticket that is not about Prefect
        elif w in _PREFECT_WORDS or w.endswith("/prefect") or _is_prefect_key(w):
            anchor = ("chart" if long_calendar else "prefect", wstart, word)
        elif w == "helm":
            return None  # "helm v3.14.0" is the Helm tool itself, not a chart
        elif w in _NEUTRAL:
            if w in _CUES:
                cue_start = wstart
                line_start = -1
                continue  # "We upgraded to 3.4.7": look on for a program name ("Kubernetes to")
        elif _names_a_program(word, sep):
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
    has_cm = schedule is not None and schedule.has_product(CUSTOMER_MANAGED)
    if line_start >= 0 and not wildcard and not calendar:
        return Detected(
            text[line_start:end], line_start, end, PREFECT, raw, kind, "prefect version output"
        )
    if anchor is not None:
        what, astart, word = anchor
        phrase = text[astart:end]
        if what == "cm":
            return Detected(phrase, astart, end, CUSTOMER_MANAGED, raw, kind, word)
        if what == "chart" and not calendar and not (has_cm or context.about_prefect):
            return None  # "chart dapr 1.11.1" in a ticket that never touches Prefect
        if what == "chart":
            # A calendar version is a prefect-helm chart; a semantic one, a Customer-Managed chart.
            product = PREFECT_HELM if calendar else CUSTOMER_MANAGED
            return Detected(phrase, astart, end, product, raw, kind, word)
        if calendar:
            return None  # "Prefect 2025.6.12" is a date next to a product name
        return Detected(phrase, astart, end, PREFECT, raw, kind, word)

    # A bare version: its neighbours and the schedule decide what it is, if anything.
    if long_calendar:
        return Detected(
            text[vstart:end], vstart, end, PREFECT_HELM, raw, kind, "chart version form"
        )
    cue = key_reason or (
        " ".join(text[cue_start:tstart].split()).rstrip(" +,;:=(") if cue_start >= 0 else ""
    )
    cue = cue or ("->" if cue_start == tstart else "")
    if not cue and "ersion" in clause and _VERSION_WORD.search(clause):
        cue = "version"  # the sentence says so: "Version info from my machine: 3.1.4"
    two_numbers = parsed is not None and len(parsed.release) < 3 and not parsed.is_prerelease
    v_prefixed = text[tstart] in "vV"
    if two_numbers and not has_cm:
        # "1.5 GB", "0.25 CPU": two numbers are a version only when the words say so
        nearest_cue = cue.lower().split()[-1] if cue else ""
        said = v_prefixed or bool(key_reason) or nearest_cue in _TWO_NUMBER_CUES
        if _UNIT_AFTER.match(text, vend):
            return None  # "on 1.5 GB", "at 0.25 CPU"
        known_line = schedule is not None and schedule.has_line(PREFECT, line)
        if said and context.about_prefect and known_line:
            return Detected(text[vstart:end], vstart, end, PREFECT, raw, kind, cue or "v prefix")
        return None
    # "we're on the 0.7.0 release": a release of ours, named so, even without the word Prefect
    release_after = _RELEASE_AFTER.match(text, end) is not None
    if not (
        calendar
        or has_cm
        or context.about_prefect
        or cue
        or release_after
        or _COMPONENT_AFTER.match(text, end)
    ):
        return None  # nothing in the ticket can make a bare version ours
    if calendar:
        before = text[max(0, vstart - CONTEXT_BEFORE) : vstart]
        near = before + " " + text[vend : vend + CONTEXT_AFTER]
        if _CHART_WORDS.search(near) or _CM_WORDS.search(near):
            return Detected(
                text[vstart:end], vstart, end, PREFECT_HELM, raw, kind, "a chart nearby"
            )
        return None  # 2025.06.12 without a chart nearby is a date
    cm_context = context.cm_word_near(vstart, vend)
    if two_numbers:
        # Only as a known Customer-Managed line next to "release" ("jump straight to 1.2?").
        if cm_context and schedule is not None and schedule.has_line(CUSTOMER_MANAGED, line):
            return Detected(
                text[vstart:end], vstart, end, CUSTOMER_MANAGED, f"{raw}.x", "line", "release"
            )
        return None
    # "Server is 3.8.3", "3.0.10 server + 3.0.10 worker": a Prefect component names the version
    # even in a ticket that never writes "Prefect"; a bare "upgraded to 2.7.0" there does not.
    component = _COMPONENT_BEFORE.search(cue) is not None or (
        _COMPONENT_AFTER.match(text, end) is not None
    )
    guess = _guess_product(line, cm_context, context, bool(cue), component, release_after)
    if guess is None:
        return None
    product, reason = guess
    return Detected(text[vstart:end], vstart, end, product, raw, kind, cue or reason)


def _found(
    text: str, vstart: int, end: int, product: str, raw: str, wildcard: bool, reason: str
) -> Detected:
    return Detected(
        text[vstart:end], vstart, end, product, raw, "line" if wildcard else "version", reason
    )


def _is_prefect_key(word: str) -> bool:
    """prefect_version, prefectTag, prefect-image: a field that holds Prefect's version."""
    return word.startswith("prefect") and word.endswith(("version", "tag", "image"))


def _names_a_program(word: str, sep: str) -> bool:
    """True when the word before a version names a program other than ours.

    An ordinary word ("then", "bare", "basically") is not a product: the version's context decides.
    """
    w = word.lower().strip("'-")
    if w in _OTHER_PROGRAMS or w.startswith(("prefect-", "prefect_")):
        return True  # prefect-aws 0.7.4, prefect_kubernetes: integrations have their own versions
    if "-" in w and w.split("-")[0] in _OTHER_PROGRAMS:
        return True  # docker-compose 1.25.4, kube-proxy, redis-server: a program's own tool
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
    line: tuple[int, ...],
    cm_context: bool,
    context: _Context,
    cue: bool,
    component: bool,
    release_after: bool = False,
) -> tuple[str, str] | None:
    """(product, why) for a bare version nothing names, or None when nothing makes it ours."""
    schedule = context.schedule
    has_cm = schedule is not None and schedule.has_product(CUSTOMER_MANAGED)
    cm_line = has_cm and schedule is not None and schedule.has_line(CUSTOMER_MANAGED, line)
    prefect_line = schedule is not None and schedule.has_line(PREFECT, line)
    if cm_context and has_cm:
        return CUSTOMER_MANAGED, "release/chart nearby"  # "a bare 0.8.2 next to 'release'"
    if cm_line and not prefect_line:
        return CUSTOMER_MANAGED, "a Customer-Managed release line"
    if cm_context and not prefect_line and (context.prefect_in_text or release_after):
        # reported as unknown, with a note that no schedule is loaded
        return CUSTOMER_MANAGED, "release/chart nearby"
    if schedule is not None and not schedule.plausible_line(PREFECT, line):
        return None  # "on 2.22.0", "to 3.29.1": no Prefect line like that, another program's
    if cue and context.about_prefect:
        return PREFECT, ""  # "upgraded to 3.4.7", "Server is 3.8.3" in a ticket about Prefect
    if component and prefect_line:
        return PREFECT, "a Prefect component next to a Prefect release line"
    if prefect_line and context.prefect_in_text:
        return PREFECT, "a Prefect release line, in a ticket about Prefect"
    return None


def resolve(detected: Detected, schedule: Schedule, today: dt.date) -> VersionMention:
    """One mention, resolved: the release it means (exact or nearest of its line) and its status."""
    product = detected.product
    base = VersionMention(
        detected.text,
        detected.start,
        detected.end,
        product,
        detected.version,
        reason=detected.reason,
    )
    if product is None or not schedule.has_product(product):
        note = (
            "no Customer-Managed schedule loaded (triage-app releases import FILE.csv)"
            if product == CUSTOMER_MANAGED
            else f"no {product or 'matching'} releases in the schedule"
        )
        return base._replace(note=note)
    if detected.kind == "name":
        release = schedule.by_name(detected.version, product)
        if release is None:
            return base._replace(note=f"no release named {detected.version!r} in the schedule")
        return _with_status(base, schedule, release, today, "", version=release.version)
    if detected.kind == "line":
        line = tuple(int(p) for p in detected.version.split(".")[:-1])
        release = schedule.latest_of_line(product, line, today)
        if release is None:
            return base._replace(note=f"no {product} {detected.version} release in the schedule")
        note = (
            f"only the line {detected.version} is given; status of its latest release "
            f"{release.version}: ask for the exact version"
        )
        return _with_status(base, schedule, release, today, note)
    report = schedule.status(product, detected.version, today)
    if report.release is None and report.status == UNSUPPORTED:
        # older than every release in the schedule: unsupported, and the words say why
        return base._replace(
            status=UNSUPPORTED,
            note=report.note,
            upgrade_target=report.latest,
            substitute=True,
            basis=report.note,
        )
    if report.release is None:
        return base._replace(note=report.note)
    resolved = _with_status(base, schedule, report.release, today, report.note)
    if schedule.find(product, detected.version) is None:
        return _bounded(resolved, schedule, product, detected.version, report.release, today)
    return resolved


def _bounded(
    mention: VersionMention,
    schedule: Schedule,
    product: str,
    version: str,
    nearest: Release,
    today: dt.date,
) -> VersionMention:
    """A version missing from the schedule: what its neighbours prove, never their dates as its own."""
    status, basis = schedule.stand_in_status(product, version, nearest, today)
    stand_in = f"{version} is not in the schedule; the nearest release is {nearest.version}"
    if status == mention.status and "nearest release" in basis:
        return _stand_in(mention, status, f"{stand_in}; its own dates are unknown", basis)
    return _stand_in(mention, status, f"{stand_in}; {basis}", basis)


def _stand_in(mention: VersionMention, status: str, note: str, basis: str) -> VersionMention:
    return mention._replace(
        status=status,
        supported_until=None,
        days_left=None,
        note=note,
        substitute=True,
        basis=basis,
    )


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
    return base._replace(
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
