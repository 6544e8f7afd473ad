"""How history packs a saved triage's result: deflated with frozen preset dictionaries.

Results repeat their keys, titles and the release schedule's phrases, and their evidence terms
are the ticket's own text: without those terms and with a dictionary of the rest, a result packs
to about half of what the first packed format took (issue 16). The dictionaries are frozen: rows
written with one are read with it, so never edit one; a new one gets a new marker byte (tests pin
their digests).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from typing import Any

RESULT_V1 = b"\x01"
RESULT_V2 = b"\x02"
SqlValue = str | bytes | int | float | None

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

# Packed results are read with a bound, so a damaged or hand-made row cannot inflate without end;
# a record longer than that is stored as JSON text.
PACK_LIMIT = 8_000_000  # bytes of UTF-8


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
