"""Parsing the support policy text and diffing two policies."""

from __future__ import annotations

import pytest

from triage_app.core.knowledge.defaults import default_policy
from triage_app.core.knowledge.policy import PolicyParseError, diff_policies, parse_policy

SHIPPED = default_policy()


def test_every_bullet_is_parsed_verbatim() -> None:
    text = SHIPPED.raw_text
    assert len(SHIPPED.by_side("in_scope")) == 9
    assert len(SHIPPED.by_side("out_of_scope")) == 9
    for bullet in SHIPPED.bullets:
        assert f"{bullet.title}: {bullet.description}" in text


def test_titles_are_the_words_before_the_colon() -> None:
    titles = [b.title for b in SHIPPED.bullets]
    assert titles[0] == "Prefect service errors and bugs"
    assert "CI/CD pipelines" in titles
    assert SHIPPED.side_of("Redis administration") == "out_of_scope"
    desc = SHIPPED.bullet("Ingress and load balancer setup").description  # type: ignore[union-attr]
    assert desc.endswith("certificate management outside the Prefect Helm chart.")


def test_header_facts() -> None:
    assert SHIPPED.support_months == 6
    assert SHIPPED.support_email == "support@prefect.io"
    assert "Slack" in SHIPPED.escalation
    assert SHIPPED.spans_note.startswith("When an issue spans both Prefect and infrastructure")


def test_other_bullet_marks_and_durations() -> None:
    text = (
        "Each release is officially supported for twelve months from the release date.\n"
        "What's in Scope\n- Alpha: first thing\n* Beta: second thing\n"
        "What's out of Scope\n1. Gamma: third thing\n"
    )
    policy = parse_policy(text)
    assert policy.support_months == 12
    assert [b.title for b in policy.bullets] == ["Alpha", "Beta", "Gamma"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("just some text", "section"),
        ("What's in Scope\n• A: b\n", "What's out of Scope"),
        ("What's in Scope\nno bullets\nWhat's out of Scope\n• A: b\n", "in_scope"),
        ("What's in Scope\n• A: b\n• A: c\nWhat's out of Scope\n• B: d\n", "duplicate"),
        ("What's in \x00Scope", "binary"),
    ],
)
def test_malformed_policies_are_refused(text: str, message: str) -> None:
    with pytest.raises(PolicyParseError, match=message):
        parse_policy(text)


def test_diff_names_added_removed_and_reworded() -> None:
    text = SHIPPED.raw_text.replace(
        "Redis administration: Redis cluster setup", "Redis administration: Redis Sentinel setup"
    ).replace(  # a new title over a new description: a bullet removed and another added
        "  • Security patching: Prefect publishes weekly security patch releases",
        "  • Hardening: CIS benchmark reviews of the images. Was: weekly security patch releases",
    )
    new = parse_policy(text)
    diff = diff_policies(SHIPPED, new)
    assert [b.title for b in diff.added] == ["Hardening"]
    assert [b.title for b in diff.removed] == ["Security patching"]
    assert [new_b.title for _, new_b in diff.reworded] == ["Redis administration"]
    assert "Sentinel" in diff.describe()
    assert diff_policies(SHIPPED, SHIPPED).is_empty


HELM = "Helm chart configuration"


def test_a_retitled_bullet_is_renamed_not_added_and_removed() -> None:
    new = parse_policy(SHIPPED.raw_text.replace(f"  • {HELM}:", "  • Helm chart settings:"))
    diff = diff_policies(SHIPPED, new)
    assert diff.added == () and diff.removed == ()
    assert [(o.title, n.title) for o, n in diff.renamed] == [(HELM, "Helm chart settings")]
    assert not diff.is_empty
    assert f"renamed  {HELM} -> Helm chart settings" in diff.describe()


def test_a_retitled_and_slightly_reworded_bullet_is_still_paired() -> None:
    text = SHIPPED.raw_text.replace(f"  • {HELM}:", "  • Helm chart settings:").replace(
        "configuration options within the Prefect Helm chart.",
        "configuration options in the Prefect Helm chart.",
    )
    diff = diff_policies(SHIPPED, parse_policy(text))
    assert [(o.title, n.title) for o, n in diff.renamed] == [(HELM, "Helm chart settings")]
    assert "now: Questions about values, overrides, and configuration options in" in (
        diff.describe()
    )


def test_a_new_title_with_a_new_description_or_side_is_added_and_removed() -> None:
    rewritten = SHIPPED.raw_text.replace(
        f"  • {HELM}: Questions about values, overrides, and configuration options within the "
        "Prefect Helm chart.",
        "  • Chart linting: We lint your values.yaml files.",
    )
    diff = diff_policies(SHIPPED, parse_policy(rewritten))
    assert [b.title for b in diff.added] == ["Chart linting"]
    assert [b.title for b in diff.removed] == [HELM]
    assert diff.renamed == ()
    # same description under a new title, but on the other side: not the same bullet
    helm_line = next(line for line in SHIPPED.raw_text.splitlines() if HELM in line)
    moved = SHIPPED.raw_text.replace(helm_line + "\n", "").replace(
        "Your platform team is responsible for:\n",
        "Your platform team is responsible for:\n\n" + helm_line.replace(HELM, "Chart values"),
    )
    diff = diff_policies(SHIPPED, parse_policy(moved))
    assert diff.renamed == ()
    assert [b.title for b in diff.removed] == [HELM]
    assert [(b.title, b.side) for b in diff.added] == [("Chart values", "out_of_scope")]
