"""The engineer's stored name and signature fill the draft unless a name is typed next to it."""

from __future__ import annotations

import datetime as dt

from triage_app.core.knowledge.defaults import default_policy
from triage_app.core.knowledge.policy import Policy
from triage_app.core.replies.drafting import DraftDefaults, Drafter, DraftInputs
from triage_app.core.result import Match, TriageResult

TODAY = dt.date(2026, 3, 1)
SIGNATURE = "Cheers,\nAna Lima — Platform Support {EMEA}\n+44 20 0000 0000"


def _result(policy: Policy) -> TriageResult:
    title = "Helm chart configuration"
    return TriageResult("in_scope", 0.8, (Match(title, policy.side_of(title) or "", 0.9),), ())


def test_stored_name_and_signature_are_the_defaults() -> None:
    policy = default_policy()
    drafter = Drafter(policy, defaults=DraftDefaults("Ana Lima", SIGNATURE))
    text = drafter.draft(_result(policy), TODAY, DraftInputs(), keep_notes=False)
    assert text.rstrip().endswith(SIGNATURE)  # verbatim, braces included: never template syntax
    assert "Best regards" not in text  # the shipped signature block is replaced
    assert drafter.variables(_result(policy), TODAY)["engineer_name"] == "Ana Lima"


def test_a_name_typed_next_to_the_draft_wins() -> None:
    policy = default_policy()
    drafter = Drafter(policy, defaults=DraftDefaults("Ana Lima", SIGNATURE))
    typed = DraftInputs(engineer_name="Bo Chen")
    text = drafter.draft(_result(policy), TODAY, typed, keep_notes=False)
    assert "Bo Chen" in text and "Ana Lima" not in text  # the stored signature is Ana's, not Bo's
    same = drafter.draft(_result(policy), TODAY, DraftInputs(engineer_name="Ana Lima"), False)
    assert same.rstrip().endswith(SIGNATURE)


def test_a_stored_name_without_signature_fills_the_template_block() -> None:
    policy = default_policy()
    drafter = Drafter(policy, defaults=DraftDefaults("Ana Lima", ""))
    text = drafter.draft(_result(policy), TODAY, DraftInputs(), keep_notes=False)
    assert "Best regards,\nAna Lima\n" in text
    plain = Drafter(policy).draft(_result(policy), TODAY, DraftInputs(), keep_notes=False)
    assert "Ana Lima" not in plain
