"""Drafts per verdict, with and without the optional values (fields, versions, overrides)."""

from __future__ import annotations

import datetime as dt

import pytest

from triage_app.core.knowledge.defaults import default_policy
from triage_app.core.knowledge.policy import Policy
from triage_app.core.replies.drafting import Drafter, DraftInputs, build_variables, pick_version
from triage_app.core.result import Match, TriageResult, VersionMention

TODAY = dt.date(2026, 3, 1)
HELM = "Helm chart configuration"
POSTGRES = "PostgreSQL administration"


@pytest.fixture(scope="module")
def policy() -> Policy:
    return default_policy()


@pytest.fixture(scope="module")
def drafter(policy: Policy) -> Drafter:
    return Drafter(policy)


def result(verdict: str, *titles: str, versions: tuple[VersionMention, ...] = ()) -> TriageResult:
    policy = default_policy()
    matches = tuple(Match(t, policy.side_of(t) or "", 0.9 - i * 0.1) for i, t in enumerate(titles))
    return TriageResult(verdict, 0.8, matches, versions)


def mention(status: str, **kw: object) -> VersionMention:
    base: dict[str, object] = dict(
        text="prefect-cloud-0.7.0.tgz",
        start=10,
        end=33,
        product="customer-managed",
        version="0.7.0",
        release="0.7.0",
        release_date="2025-03-01",
        supported_until="2025-09-01",
        status=status,
        days_left=-181,
    )
    base.update(kw)
    return VersionMention(**base)  # type: ignore[arg-type]


def advisor(m: VersionMention, today: dt.date) -> tuple[list[str], str | None]:
    return ["0.8.2", "1.2.1"], "1.2.1"


FULL = DraftInputs(customer_name="Ana", ticket_ref="CS-1234", engineer_name="Bo")


def test_in_scope_quotes_the_bullet_verbatim_with_fields(drafter: Drafter, policy: Policy) -> None:
    text = drafter.draft(result("in_scope", HELM), TODAY, FULL, keep_notes=False)
    assert text.startswith("Hi Ana,\n")
    assert f'"{policy.bullet(HELM).text}"' in text  # type: ignore[union-attr]
    assert "CS-1234" in text
    assert "support@prefect.io" in text and "Slack channel" in text
    assert text.rstrip().endswith("Bo\nPrefect Customer-Managed Support")
    assert "{" not in text and "//" not in text


def test_in_scope_without_optional_values_uses_fallbacks(drafter: Drafter) -> None:
    text = drafter.draft(result("in_scope", HELM), TODAY, keep_notes=False)
    assert text.startswith("Hi there,\n")
    assert "about this issue" in text
    assert "You mentioned" not in text  # no version, no release paragraph
    assert "Best regards,\nPrefect Customer-Managed Support" in text


def test_out_of_scope_quotes_the_out_of_scope_bullet(drafter: Drafter, policy: Policy) -> None:
    res = result("out_of_scope", POSTGRES, HELM)
    text = drafter.draft(res, TODAY, FULL, keep_notes=False)
    assert policy.bullet(POSTGRES).text in text  # type: ignore[union-attr]
    assert policy.bullet(HELM).text not in text  # type: ignore[union-attr]
    assert "platform team" in text


def test_spans_both_quotes_both_sides_and_the_policy_promise(
    drafter: Drafter, policy: Policy
) -> None:
    text = drafter.draft(result("spans_both", POSTGRES, HELM), TODAY, keep_notes=False)
    assert policy.bullet(HELM).text in text  # type: ignore[union-attr]
    assert policy.bullet(POSTGRES).text in text  # type: ignore[union-attr]
    assert "we will work with you to determine whether the root cause is within Prefect" in text
    assert text.index(policy.bullet(HELM).text) < text.index(policy.bullet(POSTGRES).text)  # type: ignore[union-attr]


def test_spans_both_without_matches_still_has_the_promise(drafter: Drafter) -> None:
    text = drafter.draft(result("spans_both"), TODAY, keep_notes=False)
    assert "determine whether the root cause is within Prefect" in text
    assert '""' not in text


def test_unclear_asks_for_information_and_quotes_nothing(drafter: Drafter, policy: Policy) -> None:
    text = drafter.draft(result("unclear", HELM), TODAY, FULL, keep_notes=False)
    assert "prefect version" in text
    assert policy.bullet(HELM).text not in text  # type: ignore[union-attr]


def test_agent_notes_only_in_the_editor_version(drafter: Drafter) -> None:
    res = result("unclear")
    assert any(line.startswith("//") for line in drafter.draft(res, TODAY).splitlines())
    assert "//" not in drafter.draft(res, TODAY, keep_notes=False)


def test_unsupported_release_paragraph_with_upgrade_path(policy: Policy) -> None:
    drafter = Drafter(policy, advisor=advisor)
    res = result("in_scope", HELM, versions=(mention("unsupported"),))
    text = drafter.draft(res, TODAY, keep_notes=False)
    assert "prefect-cloud-0.7.0.tgz" in text
    assert "reached the end of its support on 2025-09-01" in text
    assert "0.7.0 → 0.8.2 → 1.2.1" in text
    assert "latest release, 1.2.1" in text
    assert "weekly security patches are published only for supported releases" in text


def test_ending_soon_and_supported_paragraphs(policy: Policy) -> None:
    drafter = Drafter(policy, advisor=advisor)
    soon = drafter.draft(
        result(
            "in_scope",
            HELM,
            versions=(mention("ending_soon", days_left=12, supported_until="2026-03-13"),),
        ),
        TODAY,
        keep_notes=False,
    )
    assert "ends on 2026-03-13, in 12 days" in soon
    assert "weekly security patches are published only for supported releases" in soon
    fine = Drafter(policy).draft(
        result(
            "in_scope",
            HELM,
            versions=(mention("supported", days_left=90, supported_until="2026-05-30"),),
        ),
        TODAY,
        keep_notes=False,
    )
    assert "supported until 2026-05-30 (90 days from today)" in fine
    assert "upgrade" not in fine.split("You mentioned")[1].split("\n\n")[0].lower()


def test_unknown_version_asks_to_confirm(drafter: Drafter) -> None:
    m = mention(
        "unknown",
        release=None,
        supported_until=None,
        days_left=None,
        text="Prefect 9.9.9",
        version="9.9.9",
    )
    text = drafter.draft(result("in_scope", HELM, versions=(m,)), TODAY, keep_notes=False)
    assert "Prefect 9.9.9, which we could not find in our release schedule" in text


def test_pick_version_prefers_resolved_and_most_urgent() -> None:
    supported = mention("supported", start=1)
    unsupported = mention("unsupported", start=50)
    unknown = mention("unknown", release=None, start=0)
    assert pick_version([supported, unknown, unsupported]) is unsupported
    assert pick_version([]) is None


def test_verdict_override_and_bullet_override(drafter: Drafter, policy: Policy) -> None:
    res = result("in_scope", HELM, POSTGRES)
    by_verdict = drafter.draft(res, TODAY, DraftInputs(verdict="out_of_scope"), keep_notes=False)
    assert policy.bullet(POSTGRES).text in by_verdict  # type: ignore[union-attr]
    assert "outside" in by_verdict or "rather than in Prefect itself" in by_verdict
    redis = "Redis administration"
    by_bullet = drafter.draft(res, TODAY, DraftInputs(bullet=redis), keep_notes=False)
    assert policy.bullet(redis).text in by_bullet  # type: ignore[union-attr]
    assert "rather than in Prefect itself" in by_bullet  # the bullet's side decides the template


def test_override_read_from_result_extras(drafter: Drafter, policy: Policy) -> None:
    res = TriageResult(
        "in_scope",
        0.8,
        result("in_scope", HELM).matches,
        extras={"override_verdict": "unclear", "customer_name": "Zoe"},
    )
    text = drafter("ticket", res, TODAY)
    assert text.startswith("Hi Zoe,")
    assert policy.bullet(HELM).text not in text  # type: ignore[union-attr]


def test_service_step_strips_notes_and_masks_secrets(policy: Policy) -> None:
    drafter = Drafter(policy)
    res = TriageResult(
        "in_scope", 0.8, extras={"customer_name": "pnu_abcdefghijklmnopqrstuvwxyz0123456789"}
    )
    text = drafter("ticket", res, TODAY)
    assert "//" not in text
    assert "pnu_abc" not in text and "[redacted Prefect API key]" in text
    assert "support@prefect.io" in text


def test_variables_cover_every_placeholder(policy: Policy) -> None:
    from triage_app.core.replies.templates import PLACEHOLDERS

    values = build_variables(
        policy,
        result("spans_both", HELM, POSTGRES, versions=(mention("unsupported"),)),
        TODAY,
        FULL,
        advisor,
    )
    assert set(values) == set(PLACEHOLDERS)
    assert values["verdict"] == "Spans both"
    assert values["upgrade_path"] == "0.7.0 → 0.8.2 → 1.2.1"
    assert values["support_months"] == "6"


def test_every_version_that_needs_action_reaches_the_draft_worst_first(drafter: Drafter) -> None:
    versions = (
        mention("supported", text="3.8.3", version="3.8.3", start=0, days_left=120),
        mention("ending_soon", text="3.8.0", version="3.8.0", start=5, days_left=12),
        mention("unsupported", text="3.4.7", version="3.4.7", start=9, days_left=-300),
        mention("unsupported", text="3.6.1", version="3.6.1", start=20, days_left=-100),
        mention("unsupported", text="again 3.4.7", version="3.4.7", start=40, days_left=-300),
    )
    text = drafter.draft(result("in_scope", HELM, versions=versions), TODAY, keep_notes=False)
    assert "You mentioned 3.4.7: 0.7.0 reached the end of its support" in text
    also = next(line for line in text.splitlines() if line.startswith("The ticket also mentions"))
    # worst first, each once, the supported one left out
    assert also.index("3.6.1 (its support ended") < also.index("3.8.0 (its support ends")
    assert "3.8.3" not in also and also.count("3.4.7") == 0


def test_a_stand_in_release_never_gives_its_dates_as_the_customers(drafter: Drafter) -> None:
    stand_in = mention(
        "unsupported",
        text="chart 2025.1.10",
        product="prefect-helm",
        version="2025.1.10",
        release="2025.1.9185431",
        supported_until=None,
        days_left=None,
        substitute=True,
        basis="2025.1.10 is older than 2025.1.10165949, whose support ended on 2025-07-10, "
        "so it is no longer supported",
    )
    text = drafter.draft(result("in_scope", HELM, versions=(stand_in,)), TODAY, keep_notes=False)
    assert "2025.1.9185431" not in text
    assert "You mentioned chart 2025.1.10: 2025.1.10 is older than 2025.1.10165949" in text
    assert "reached the end of its support on" not in text
