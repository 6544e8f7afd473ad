"""Bundles: round trip, checksum, diff per section, and refusal of malformed or newer bundles."""

from __future__ import annotations

import json

import pytest

from triage_app.core.knowledge import bundle
from triage_app.core.knowledge.bundle import FORMAT_VERSION, Bundle, BundleError, Section


def sample() -> Bundle:
    return Bundle(
        {
            "policy": Section(
                ("title",),
                (
                    {"title": "Helm chart", "side": "in_scope", "description": "Values."},
                    {"title": "Postgres", "side": "out_of_scope", "description": "The DB."},
                ),
            ),
            "settings": Section(("key",), ({"key": "engineer_name", "value": "Ada"},)),
        },
        migrations=("001_a", "002_b"),
        created_at="2026-11-26T10:00:00",
        app_version="0.1.0",
    )


def test_round_trip_keeps_every_section_and_row() -> None:
    text = bundle.dumps(sample())
    loaded = bundle.loads(text, known_migrations=["001_a", "002_b", "003_c"])
    assert loaded.sections == sample().sections
    assert loaded.migrations == ("001_a", "002_b")
    assert json.loads(text)["checksum"].startswith("sha256:")
    assert bundle.loads(text.encode("utf-8")).sections == sample().sections


def _edit(text: str, change) -> str:  # type: ignore[no-untyped-def]
    obj = json.loads(text)
    change(obj)
    return json.dumps(obj)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "not valid JSON"),
        ("{not json", "not valid JSON"),
        ("[1, 2]", "not a triage-app"),
        ('{"format": "something-else"}', "not a triage-app"),
        (b"\x00\x01binary", "binary"),
        (b"\xff\xfe\xfa", "not UTF-8"),
    ],
)
def test_malformed_input_is_refused_with_a_clear_message(text: str | bytes, message: str) -> None:
    with pytest.raises(BundleError, match=message):
        bundle.loads(text)


def test_newer_format_and_newer_schema_are_refused() -> None:
    text = bundle.dumps(sample())
    newer = _edit(text, lambda o: o.update(format_version=FORMAT_VERSION + 1))
    with pytest.raises(BundleError, match="newer triage-app"):
        bundle.loads(newer)
    with pytest.raises(BundleError, match="newer schema.*002_b"):
        bundle.loads(text, known_migrations=["001_a"])


def test_any_edit_breaks_the_checksum() -> None:
    text = bundle.dumps(sample())

    def reword(o: dict) -> None:  # type: ignore[type-arg]
        o["sections"]["policy"]["rows"][0]["description"] = "Anything goes."

    with pytest.raises(BundleError, match="wrong checksum"):
        bundle.loads(_edit(text, reword))
    with pytest.raises(BundleError, match="no checksum"):
        bundle.loads(_edit(text, lambda o: o.pop("checksum")))
    # Metadata outside the checksummed content may change (e.g. a re-indented file).
    assert bundle.loads(_edit(text, lambda o: o.update(created_at="x"))).sections


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda o: o["sections"].update(policy=[1]), "malformed"),
        (lambda o: o["sections"]["policy"].update(key=[]), "no valid 'key'"),
        (lambda o: o["sections"]["policy"]["rows"].append("x"), "not an object"),
        (lambda o: o["sections"]["policy"]["rows"].append({"side": "in_scope"}), "missing title"),
        (
            lambda o: o["sections"]["policy"]["rows"].append({"title": "Helm chart"}),
            "duplicate",
        ),
        (
            lambda o: o["sections"]["policy"]["rows"][0].update(side={"nested": 1}),
            "not a plain value",
        ),
        (lambda o: o["sections"].update(macros={"key": ["k"], "rows": []}), "unknown section"),
    ],
)
def test_malformed_sections_are_refused(change, message: str) -> None:  # type: ignore[no-untyped-def]
    # Re-sign the edited content, so the structure check (not the checksum) has to catch it.
    obj = json.loads(bundle.dumps(sample()))
    change(obj)
    content = {k: obj[k] for k in ("format", "format_version", "migrations", "sections")}
    obj["checksum"] = (
        "sha256:" + __import__("hashlib").sha256(bundle.canonical(content)).hexdigest()
    )
    with pytest.raises(BundleError, match=message):
        bundle.loads(json.dumps(obj))


def test_diff_per_section_added_changed_removed() -> None:
    current = {
        "policy": Section(
            ("title",),
            (
                {"title": "Helm chart", "side": "in_scope", "description": "Old wording."},
                {"title": "Local only", "side": "in_scope", "description": "x"},
            ),
        ),
        "settings": Section(
            ("key",), ({"key": "engineer_name", "value": "Ada", "updated_at": "yesterday"},)
        ),
    }
    merge = bundle.diff(current, sample(), "merge")
    assert merge.sections["policy"].added == (("Postgres",),)
    assert merge.sections["policy"].changed == (("Helm chart",),)
    assert merge.sections["policy"].removed == ()  # merge never removes
    assert merge.sections["settings"].is_empty  # bookkeeping fields do not count as changes
    replace = bundle.diff(current, sample(), "replace")
    assert replace.sections["policy"].removed == (("Local only",),)
    text = replace.describe()
    assert "Policy bullets: 1 added, 1 changed, 1 removed" in text
    assert "- Local only" in text and "Settings: no changes" in text
    same = bundle.diff(sample().sections, sample(), "replace")
    assert same.is_empty and "already matches" in same.describe()
