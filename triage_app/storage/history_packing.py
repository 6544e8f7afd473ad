"""How history packs a saved triage: its draft and result deflated with frozen preset dictionaries.

Drafts are mostly the reply templates' own sentences and the policy's bullets, and results repeat
their keys and titles, so both deflate to a fraction with a dictionary of that text (issue 16: a
945-byte draft packs to about 40). The dictionaries are frozen: rows written with one are read
with it, so never edit one; a new one gets a new marker byte (tests pin their digests). The draft
column is read in SQL too (the search index's triggers and content view), through the function
SQL_TEXT that `register` adds to every connection.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Callable
from typing import Any

# The SQL function that reads a draft column as text: named in the triggers and the content view
# of the search index (migration 007), so it is part of the file format. Never rename it.
SQL_TEXT = "triage_text"
SqlValue = str | bytes | int | float | None

TEXT_V1 = b"\x01"
RESULT_V1 = b"\x01"
RESULT_V2 = b"\x02"

# What a draft is made of: the shipped policy's bullets as the replies quote them, then the
# shipped reply and release templates with their placeholders left empty and their defaults in.
_TEXT_DICT_V1 = (
    b"\n"
    b'    "Prefect service errors and bugs: Issues with the Prefect API, UI, or backend'
    b' services (auth, events, logs, orchestration, work pools)."\n'
    b"\n"
    b'    "Helm chart configuration: Questions about values, overrides, and configuration'
    b' options within the Prefect Helm chart."\n'
    b"\n"
    b'    "Upgrades and migrations: Assistance with upgrading between supported releases,'
    b' including database migrations."\n'
    b"\n"
    b'    "Scaling guidance: Recommendations for scaling Prefect services (replica counts,'
    b' resource requests/limits, connection pool tuning)."\n'
    b"\n"
    b'    "Prefect client compatibility: Issues related to supported Prefect client versions'
    b' connecting to Customer-Managed."\n'
    b"\n"
    b'    "Feature flags and Prefect configuration: Guidance on Prefect-specific settings,'
    b' feature flags, and environment variables."\n'
    b"\n"
    b'    "Security patching: Prefect publishes weekly security patch releases for supported'
    b' versions to address application-level vulnerabilities."\n'
    b"\n"
    b"    \"Monitoring and observability: Help with Prefect's built-in health checks, metrics"
    b' endpoints, and log output."\n'
    b"\n"
    b'    "Implementation guidance: Best practices for flow design, deployment patterns, and'
    b' work pool configuration within Customer-Managed."\n'
    b"\n"
    b'    "Kubernetes cluster management: Node provisioning, cluster upgrades, RBAC policies,'
    b' namespace management, and storage classes."\n'
    b"\n"
    b'    "Istio and service mesh configuration: Istio installation, sidecar injection, mTLS'
    b' policies, and traffic management."\n'
    b"\n"
    b'    "Ingress and load balancer setup: Ingress controller installation, TLS termination,'
    b' DNS resolution, and certificate management outside the Prefect Helm chart."\n'
    b"\n"
    b'    "PostgreSQL administration: Database provisioning, backup/restore, replication,'
    b' performance tuning, and version upgrades of the database server itself."\n'
    b"\n"
    b'    "Redis administration: Redis cluster setup, persistence configuration, and'
    b' high-availability configuration."\n'
    b"\n"
    b'    "Network policies and firewalls: VPC configuration, security groups, network'
    b' policies, and proxy/egress rules."\n'
    b"\n"
    b'    "Container runtime and OS: Docker/containerd configuration, base OS patching, and'
    b' node-level troubleshooting."\n'
    b"\n"
    b'    "CI/CD pipelines: Build pipelines, image registries (beyond pulling Prefect images'
    b' from GCP Artifact Registry), and deployment automation wrapping the Helm chart."\n'
    b"\n"
    b'    "Third-party integrations: Monitoring stacks (Datadog, Prometheus, Grafana), secret'
    b" managers (Vault, AWS Secrets Manager), and identity providers beyond initial auth"
    b' configuration guidance."\n'
    b"You mentioned :  is supported until  ( days from today).\n"
    b"You mentioned : .\n"
    b"You mentioned : support for  ends on , in  days. Please plan the upgrade to the latest"
    b" release, the latest release, soon: weekly security patches are published only for"
    b" supported releases.\n"
    b"You mentioned : . Please plan the upgrade to the latest release, the latest release,"
    b" soon: weekly security patches are published only for supported releases.\n"
    b"Customer-Managed upgrades go one release at a time: .\n"
    b"You mentioned :  reached the end of its support on . Each release is supported for six"
    b" months from its release date, and weekly security patches are published only for"
    b" supported releases. Please upgrade to the latest release, the latest release; we are"
    b" glad to help with the upgrade itself.\n"
    b"You mentioned : . Each release is supported for six months from its release date, and"
    b" weekly security patches are published only for supported releases. Please upgrade to"
    b" the latest release, the latest release; we are glad to help with the upgrade itself.\n"
    b"Customer-Managed upgrades go one release at a time: .\n"
    b"You mentioned , which is a pre-release. Pre-releases are not covered by the support"
    b" schedule; for production please use the latest supported release, a supported release.\n"
    b"You mentioned , which we could not find in our release schedule. Could you confirm the"
    b" exact version, for example with the output of `prefect version` and the Helm chart"
    b" version you deployed?\n"
    b"The ticket also mentions ; the same upgrade applies.Hi there,\n"
    b"\n"
    b"Thank you for reaching out about this issue. It touches both Prefect and the"
    b" infrastructure it runs on.\n"
    b"\n"
    b"On the Prefect side, our support policy covers:\n"
    b"\n"
    b'    ""\n'
    b"\n"
    b"On the infrastructure side, this stays with your platform team:\n"
    b"\n"
    b'    ""\n'
    b"\n"
    b"When an issue spans both Prefect and infrastructure, we will work with you to determine"
    b" whether the root cause is within Prefect. If the issue is in the underlying"
    b" infrastructure, we can point you in the right direction but cannot debug or resolve it"
    b" on your behalf.\n"
    b"\n"
    b"To start, please send the output of `prefect version`, the Helm chart version you"
    b" deployed, and the logs of the affected Prefect services (with any credentials removed).\n"
    b"\n"
    b"Hi there,\n"
    b"\n"
    b"Thank you for reaching out about this issue. To tell whether this is something Prefect"
    b" support can resolve, we need a little more information:\n"
    b"\n"
    b"- what you observed, and what you expected instead;\n"
    b"- the output of `prefect version` and the Helm chart version you deployed;\n"
    b"- the logs of the affected Prefect services (API, UI, workers), with any credentials"
    b" removed;\n"
    b"- anything that changed recently in the cluster, the database or the network.\n"
    b"\n"
    b"Hi there,\n"
    b"\n"
    b"Thank you for reaching out about this issue. From what you describe, the cause lies in"
    b" the infrastructure around Prefect rather than in Prefect itself, which our support"
    b" policy leaves with your platform team.\n"
    b"\n"
    b'    ""\n'
    b"\n"
    b"Your platform team, or the vendor of that component, is best placed to resolve it. If"
    b" you find that a Prefect component is involved after all, reply here with what you"
    b" found and we will take another look.\n"
    b"\n"
    b"Hi there,\n"
    b"\n"
    b"Thank you for reaching out about this issue. It is covered by Prefect Customer-Managed"
    b" support.\n"
    b"\n"
    b"Our support policy includes:\n"
    b"\n"
    b'    ""\n'
    b"\n"
    b"We are looking into it and will follow up here. To get to the root cause quickly,"
    b" please send the output of `prefect version`, the Helm chart version you deployed, and"
    b" the logs of the affected Prefect services (with any credentials removed).\n"
    b"\n"
    b"If this becomes urgent, reach us at support@prefect.io or in your existing Slack"
    b" channel with the Prefect team, and mention this ticket so we can find it quickly.\n"
    b"\n"
    b"Best regards,\n"
    b"\n"
    b"Prefect Customer-Managed Support"
)

# What every result repeats: its keys, the verdicts and the shipped policy's bullet titles (a
# team's own titles just compress a little less). Rows of the first packed format use it alone.
_RESULT_DICT_V1 = (
    "".join(
        f'{{"title":"{title}","side":"{side}","score":0.'
        for title, side in (
            ("Prefect service errors and bugs", "in_scope"),
            ("Helm chart configuration", "in_scope"),
            ("Upgrades and migrations", "in_scope"),
            ("Scaling guidance", "in_scope"),
            ("Prefect client compatibility", "in_scope"),
            ("Feature flags and Prefect configuration", "in_scope"),
            ("Security patching", "in_scope"),
            ("Monitoring and observability", "in_scope"),
            ("Implementation guidance", "in_scope"),
            ("Kubernetes cluster management", "out_of_scope"),
            ("Istio and service mesh configuration", "out_of_scope"),
            ("Ingress and load balancer setup", "out_of_scope"),
            ("PostgreSQL administration", "out_of_scope"),
            ("Redis administration", "out_of_scope"),
            ("Network policies and firewalls", "out_of_scope"),
            ("Container runtime and OS", "out_of_scope"),
            ("CI/CD pipelines", "out_of_scope"),
            ("Third-party integrations", "out_of_scope"),
        )
    )
    + '"evidence":[{"term":"","start":,"end":}]},"verdict":"in_scope","confidence":0.,'
    '"matches":[],"versions":[],"notes":[]"out_of_scope""spans_both""unclear"'
).encode()

# The second adds what a version mention and the release notes repeat (their keys, statuses and
# the release schedule's phrases), in front of the first: the first's keys stay nearest the end.
_RESULT_DICT_V2 = (
    b'{"text":"","start":,"end":,"product":"prefect","version":"","release":"",'
    b'"release_date":"20","supported_until":"20","status":"unsupported","days_left":-,'
    b'"note":"","upgrade_target":"3.","reason":"Prefect","substitute":false,"basis":""}'
    b'"status":"supported""status":"ending_soon""status":"prerelease""status":"unknown"'
    b'"product":"prefect-helm""product":null,"release":null,"release_date":null,'
    b'"supported_until":null,"days_left":null,"upgrade_target":null,"substitute":true,'
    b"only the line  is given; status of its latest release : ask for the exact version"
    b" is not in the schedule; the nearest release is ; "
    b" is older than , whose support ended on , so it is no longer supported"
    b"released on , after a Prefect release line, in a ticket about Prefect"
    b"image tag of prefecthq/prefect upgraded to Chart chart Version version"
    b"check this one: the model is % sure (verdicts at % or more were right  times in 10)"
) + _RESULT_DICT_V1

# Packed text is read with a bound, so a damaged or hand-made row cannot inflate without end; a
# text longer than that is stored as it is (it then reads as it is).
PACK_LIMIT = 8_000_000  # bytes of UTF-8


def register(conn: sqlite3.Connection) -> None:
    """Add the SQL function the history schema uses to a connection (every one opening a KB)."""
    conn.create_function(SQL_TEXT, 1, unpack_text, deterministic=True)


def pack_text(text: str) -> str | bytes:
    """A draft as history stores it: deflated when that is shorter, else the text itself."""
    data = text.encode("utf-8", "surrogatepass")
    if not data or len(data) > PACK_LIMIT:
        return text
    packed = TEXT_V1 + _deflate(data, _TEXT_DICT_V1)
    return packed if len(packed) < len(data) else text


def unpack_text(value: SqlValue) -> SqlValue:
    """A stored draft as text (packed, or text from before packing); anything else as it is.
    A damaged packed value reads as ""; the same value always reads the same (the search
    index deletes a row's words by reading its draft again)."""
    if not isinstance(value, bytes):
        return value
    if not value.startswith(TEXT_V1):
        return value.decode("utf-8", "replace")
    try:
        return _inflate(value[1:], _TEXT_DICT_V1).decode("utf-8", "surrogatepass")
    except (zlib.error, UnicodeDecodeError):
        return ""


def draft_text(value: SqlValue) -> str:
    """A stored draft as text for Python callers ("" when there is none)."""
    text = unpack_text(value)
    if text is None:
        return ""
    return text if isinstance(text, str) else str(text)


def repack_text(value: SqlValue) -> SqlValue:
    """A stored draft packed as pack_text packs it now; one that is not text, as it is."""
    return pack_text(value) if isinstance(value, str) else value


def pack_result(record: dict[str, Any], ticket: str) -> bytes | str:
    """A result record (TriageResult.to_dict() without its draft) as history stores it: JSON
    without what the stored ticket already holds (an evidence term or a version's text that is
    exactly the ticket's text at its span), deflated with _RESULT_DICT_V2. Only left out when
    reading puts it back exactly; a record too long to pack is stored as JSON text."""
    whole = _dumps(record)
    if len(whole.encode("utf-8", "surrogatepass")) > PACK_LIMIT:
        return whole
    lean = _ticket_text_items(record, ticket, _cut)
    if _dumps(_ticket_text_items(lean, ticket, _put)) != whole:
        # Reading would add text this record lacks (hand-made, from a bundle): the first format.
        return RESULT_V1 + _deflate(whole.encode("utf-8", "surrogatepass"), _RESULT_DICT_V1)
    return RESULT_V2 + _deflate(_dumps(lean).encode("utf-8", "surrogatepass"), _RESULT_DICT_V2)


def repack_result(raw: SqlValue, ticket: SqlValue) -> SqlValue:
    """A stored or imported result in the current format; one that cannot be read, as it is."""
    if isinstance(raw, bytes) and raw.startswith(RESULT_V2):
        return raw
    text = ticket if isinstance(ticket, str) else ""
    record = read_result(raw, text)
    return pack_result(record, text) if isinstance(record, dict) else raw


def read_result(raw: object, ticket: str) -> Any:
    """A stored result: packed (V2 needs the row's stored ticket, V1), or the JSON text of rows
    written before packing; None when it cannot be read."""
    if isinstance(raw, bytes):
        zdict = {RESULT_V1: _RESULT_DICT_V1, RESULT_V2: _RESULT_DICT_V2}.get(raw[:1])
        if zdict is None:
            return None
        try:
            text = _inflate(raw[1:], zdict).decode("utf-8", "surrogatepass")
            value = json.loads(text)
        except (zlib.error, UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            return None
        return _ticket_text_items(value, ticket, _put) if raw[:1] == RESULT_V2 else value
    if not isinstance(raw, str):
        return None
    try:
        return json.loads(raw or "{}")
    except (json.JSONDecodeError, RecursionError):
        return None


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _span(item: dict[str, Any], ticket: str) -> str | None:
    start, end = item.get("start"), item.get("end")
    if type(start) is not int or type(end) is not int or not 0 <= start <= end <= len(ticket):
        return None
    return ticket[start:end]


Step = Callable[[dict[str, Any], str, str], dict[str, Any]]


def _cut(item: dict[str, Any], key: str, ticket: str) -> dict[str, Any]:
    """The item without `key` when its value is the ticket's text at the item's span."""
    if key not in item or item[key] != _span(item, ticket):
        return item
    return {k: v for k, v in item.items() if k != key}


def _put(item: dict[str, Any], key: str, ticket: str) -> dict[str, Any]:
    """The item with a cut `key` back from the ticket, first, as to_dict() writes it."""
    text = None if key in item else _span(item, ticket)
    return item if text is None else {key: text, **item}


def _ticket_text_items(record: Any, ticket: str, step: Step) -> Any:
    """The record with `step` applied to each evidence item ("term") and version ("text")."""
    if not isinstance(record, dict):
        return record

    def each(items: Any, key: str) -> Any:
        if not isinstance(items, list):
            return items
        return [step(item, key, ticket) if isinstance(item, dict) else item for item in items]

    out = dict(record)
    if isinstance(out.get("matches"), list):
        out["matches"] = [
            {**m, "evidence": each(m["evidence"], "term")}
            if isinstance(m, dict) and "evidence" in m
            else m
            for m in out["matches"]
        ]
    if "versions" in out:
        out["versions"] = each(out["versions"], "text")
    return out


def _deflate(data: bytes, zdict: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15, zdict=zdict)
    return packer.compress(data) + packer.flush()


def _inflate(data: bytes, zdict: bytes) -> bytes:
    """Raw deflate with a preset dictionary, at most PACK_LIMIT bytes; zlib.error when the data
    is damaged, cut short or longer than that."""
    unpacker = zlib.decompressobj(-15, zdict=zdict)
    out = unpacker.decompress(data, PACK_LIMIT + 1)
    if len(out) > PACK_LIMIT or unpacker.unconsumed_tail or not unpacker.eof:
        raise zlib.error("damaged, cut short or too long")
    return out
