"""The knowledge base's value rules, and every way in (bundle, policy, release CSV) refusing by them."""

from __future__ import annotations

import hashlib
import json
import math

import pytest

from triage_app.core.knowledge import bundle, kb_rules
from triage_app.core.knowledge.bundle import Bundle, BundleError, Section
from triage_app.core.knowledge.defaults import read_text
from triage_app.core.knowledge.policy import PolicyParseError, parse_policy
from triage_app.core.releases.release_csv import ReleaseCsvError, parse_release_csv

HUGE = "9" * 5000
HEADER = "product,version,release_date,name,app_version,support_months,prerelease\n"


@pytest.mark.parametrize("value", [-6, 0, 121, 100000, "-6", "0", "six", "", HUGE, True, 1.5])
def test_support_months_outside_1_to_120_are_refused(value: object) -> None:
    with pytest.raises(kb_rules.KbValueError, match="from 1 to 120") as refused:
        kb_rules.support_months(value)
    assert len(str(refused.value)) < 120  # one short line, even for 5,000 digits


@pytest.mark.parametrize(("value", "months"), [(6, 6), ("12", 12), (" 120 ", 120), (1.0, 1)])
def test_support_months_in_range_are_read(value: object, months: int) -> None:
    assert kb_rules.support_months(value) == months


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("ending_soon_days", "-5", "from 0 to 365"),
        ("ending_soon_days", HUGE, "from 0 to 365"),
        ("history_retention_days", "forever", "from 0 to 3650"),
        ("support_months", "100000", "from 1 to 120"),
        ("engineer_name", "x" * 500, "longer than 120"),
        ("signature", None, "must be text"),
    ],
)
def test_settings_are_refused_out_of_range(key: str, value: object, message: str) -> None:
    with pytest.raises(kb_rules.KbValueError, match=message):
        kb_rules.setting(key, value)


def test_settings_in_range_are_stored_as_text() -> None:
    assert kb_rules.setting("ending_soon_days", 45) == "45"
    assert kb_rules.setting("engineer_name", "Ada") == "Ada"
    assert kb_rules.setting("some_future_setting", "anything") == "anything"


def _signed(sections: dict[str, Section]) -> str:
    """A bundle whose checksum is right, so only the value rules can refuse it."""
    obj = json.loads(bundle.dumps(Bundle(sections)))
    content = {k: obj[k] for k in ("format", "format_version", "migrations", "sections")}
    obj["checksum"] = "sha256:" + hashlib.sha256(bundle.canonical(content)).hexdigest()
    return json.dumps(obj)


def _term(weight: object) -> Section:
    row = {"bullet": "Helm chart", "grp": "terms", "term": "ingress", "weight": weight}
    return Section(("bullet", "grp", "term"), (row,))


def _release(**change: object) -> Section:
    row = {"product": "prefect", "version": "3.4.7", "release_date": "2025-06-01", **change}
    return Section(("product", "version"), (row,))


@pytest.mark.parametrize(
    ("sections", "message"),
    [
        ({"vocabulary": _term(-5)}, "weight -5.0 must be > 0"),
        ({"vocabulary": _term("heavy")}, "weight 'heavy' is not a number"),
        ({"vocabulary": _term(math.inf)}, "weight inf must be > 0"),
        ({"vocabulary": _term(math.nan)}, "weight nan must be > 0"),
        ({"releases": _release(support_months=-6)}, "support_months .* not -6"),
        ({"releases": _release(support_months=100000)}, "support_months"),
        ({"releases": _release(version="not-a-version")}, "not a version number"),
        ({"releases": _release(release_date="June")}, "not a date"),
        (
            {"settings": Section(("key",), ({"key": "ending_soon_days", "value": "-5"},))},
            "ending_soon_days must be a whole number",
        ),
        (
            {"policy_facts": Section(("key",), ({"key": "support_months", "value": "100000"},))},
            "support_months",
        ),
    ],
)
def test_a_bundle_with_a_bad_value_is_refused_when_read(
    sections: dict[str, Section], message: str
) -> None:
    with pytest.raises(BundleError, match=message) as refused:
        bundle.loads(_signed(sections))
    assert "row 1" in str(refused.value) and "\n" not in str(refused.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"format": "triage-app-kb-bundle", "x": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
        ('{"format": "triage-app-kb-bundle", "format_version": ' + HUGE + "}", "number too long"),
        ('{"format": "triage-app-kb-bundle", "format_version": ' + "9" * 4000 + "}", "newer"),
    ],
)  # fmt: skip
def test_hostile_json_gives_one_short_line(text: str, message: str) -> None:
    with pytest.raises(BundleError, match=message) as refused:
        bundle.loads(text)
    assert len(str(refused.value)) < 200


SHIPPED_POLICY = read_text("support_scope.txt")


@pytest.mark.parametrize("months", ["100000", "0", "-6", HUGE])
def test_a_policy_with_a_support_duration_out_of_range_is_refused(months: str) -> None:
    text = SHIPPED_POLICY.replace("supported for six months", f"supported for {months} months")
    assert text != SHIPPED_POLICY
    with pytest.raises(PolicyParseError, match="from 1 to 120") as refused:
        parse_policy(text)
    assert len(str(refused.value)) < 200


def test_a_policy_in_range_is_read() -> None:
    text = SHIPPED_POLICY.replace("supported for six months", "supported for 12 months")
    assert parse_policy(text).support_months == 12


def test_release_csv_refuses_a_nul_anywhere_naming_its_line() -> None:
    rows = "prefect,3.4.7,2025-06-01,ok,,,\n" * 400  # about 12 KB before the NUL
    data = (HEADER + rows + "prefect,3.4.8,2025-06-02,bad\x00name,,,\n").encode()
    with pytest.raises(ReleaseCsvError, match=r"cm.csv:402: a NUL character"):
        parse_release_csv(data, "cm.csv")


@pytest.mark.parametrize(("field", "row"), [
    ("support_months", f"prefect,3.4.7,2025-06-01,,,{HUGE},\n"),
    ("version", f"prefect,{HUGE},2025-06-01,,,,\n"),
    ("support_months", "prefect,3.4.7,2025-06-01,,,121,\n"),
])  # fmt: skip
def test_release_csv_huge_numbers_give_one_short_line(field: str, row: str) -> None:
    with pytest.raises(ReleaseCsvError, match=f"cm.csv:2: {field}") as refused:
        parse_release_csv((HEADER + row).encode(), "cm.csv")
    assert len(str(refused.value)) < 200


def _history(**change: object) -> Section:
    row = {
        "created_at": "2026-11-30T10:00:00",
        "updated_at": "2026-11-30T10:00:00",
        "source": "cli",
        "ticket": "Helm upgrade fails",
        "variables_json": "{}",
        "verdict": "in_scope",
        "final_verdict": "in_scope",
        "confidence": 0.8,
        "result_json": "{}",
        **change,
    }
    return Section(("created_at", "source", "ticket", "variables_json"), (row,))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"confidence": "heavy"}, "confidence must be a number"),
        ({"confidence": 7}, "confidence must be a number"),
        ({"final_verdict": "maybe"}, "final_verdict must be one of"),
        ({"created_at": "yesterday"}, "created_at is not a date and time"),
        ({"result_json": "{"}, "result_json is not valid JSON"),
    ],
)
def test_history_rows_of_a_bundle_are_checked_too(change: dict[str, object], message: str) -> None:
    assert bundle.loads(_signed({"history": _history()})).sections["history"].rows
    with pytest.raises(BundleError, match=message):
        bundle.loads(_signed({"history": _history(**change)}))
