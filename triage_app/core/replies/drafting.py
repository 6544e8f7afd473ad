"""Reply drafts: the triage result, the policy and the engineer's fields turned into template variables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

from triage_app.core.knowledge.policy import IN_SCOPE, OUT_OF_SCOPE, Bullet, Policy
from triage_app.core.releases.schedule import Schedule
from triage_app.core.releases.support_summary import (
    join_words,
    needing_action,
    support_words,
    urgency,
)
from triage_app.core.replies import templates as tpl
from triage_app.core.replies.redaction import redact
from triage_app.core.result import (
    SPANS_BOTH,
    UNCLEAR,
    VERDICT_LABELS,
    VERDICTS,
    TriageResult,
    VersionMention,
)

# The fields the engineer types next to the draft (the app cannot infer them).
FIELD_NAMES = ("customer_name", "ticket_ref", "engineer_name")

# (mention, today) -> (the versions to install in order after the customer's release, the latest release).
ReleaseAdvisor = Callable[[VersionMention, dt.date], tuple[Sequence[str], str | None]]


class DraftInputs(NamedTuple):
    """What the engineer adds to a triage: prompted fields and an optional verdict/bullet override."""

    customer_name: str = ""
    ticket_ref: str = ""
    engineer_name: str = ""
    verdict: str | None = None  # override of the engine's verdict
    bullet: str | None = None  # override of the matching bullet (its title)

    def with_fields(self, values: Mapping[str, str]) -> DraftInputs:
        known = {k: v for k, v in values.items() if k in FIELD_NAMES}
        return self._replace(**known)

    @classmethod
    def from_extras(cls, extras: Mapping[str, object]) -> DraftInputs:
        """Read inputs a front end stored in TriageResult.extras (keys: the field names, override_*)."""

        def text(key: str) -> str:
            value = extras.get(key)
            return value if isinstance(value, str) else ""

        return cls(
            customer_name=text("customer_name"),
            ticket_ref=text("ticket_ref"),
            engineer_name=text("engineer_name"),
            verdict=text("override_verdict") or None,
            bullet=text("override_bullet") or None,
        )


class DraftDefaults(NamedTuple):
    """The engineer's own settings (Knowledge Base window): used where nothing is typed next to the draft."""

    engineer_name: str = ""
    signature: str = ""  # plain text replacing the signature block; never read as template syntax

    def signature_block(self, engineer_name: str) -> str | None:
        """The signature as a template block, or None to keep the template's own signature block.

        The stored signature belongs to the stored name: when another name is typed next to the
        draft, the prompted value wins and the template's block (with {engineer_name}) is used.
        """
        if not self.signature.strip():
            return None
        typed = engineer_name.strip()
        if typed and typed != self.engineer_name.strip():
            return None
        # Braces doubled so the text stays literal (a signature is data, not a template).
        return self.signature.replace("{", "{{").replace("}", "}}")


def pick_version(versions: Sequence[VersionMention]) -> VersionMention | None:
    """The mention the reply should talk about: resolved ones first, then the most urgent status."""
    if not versions:
        return None
    # Which version to talk about when a ticket names several: the most urgent status first.
    return min(versions, key=lambda v: (v.release is None, *urgency(v)))


def describe_other_versions(versions: Sequence[VersionMention], picked: VersionMention) -> str:
    """The other versions that need action, worst first: "3.4.1 (its support ended on ...) and ..."."""
    others = needing_action(versions, skip=picked)
    return join_words([f"{v.version} ({support_words(v)})" for v in others])


def _best_on_side(policy: Policy, result: TriageResult, side: str) -> Bullet | None:
    for match in result.matches:
        if match.side == side:
            bullet = policy.bullet(match.title)
            if bullet is not None:
                return bullet
    return None


def effective_verdict(policy: Policy, result: TriageResult, inputs: DraftInputs) -> str:
    """The override if any; a bullet chosen alone moves an in/out/unclear verdict to that bullet's side."""
    if inputs.verdict in VERDICTS:
        return str(inputs.verdict)
    chosen = policy.bullet(inputs.bullet) if inputs.bullet else None
    if chosen is not None and result.verdict != SPANS_BOTH:
        return chosen.side
    return result.verdict


def choose_bullets(
    policy: Policy, result: TriageResult, verdict: str, inputs: DraftInputs
) -> tuple[Bullet | None, Bullet | None]:
    """(the bullet to quote, the other side's bullet for spans-both)."""
    chosen = policy.bullet(inputs.bullet) if inputs.bullet else None
    if verdict == SPANS_BOTH:
        in_bullet = _best_on_side(policy, result, IN_SCOPE)
        out_bullet = _best_on_side(policy, result, OUT_OF_SCOPE)
        if chosen is not None:
            if chosen.side == IN_SCOPE:
                in_bullet = chosen
            else:
                out_bullet = chosen
        return in_bullet, out_bullet
    if chosen is not None:
        return chosen, None
    if verdict in (IN_SCOPE, OUT_OF_SCOPE):
        return _best_on_side(policy, result, verdict), None
    return None, None  # unclear: nothing to quote


def build_variables(
    policy: Policy,
    result: TriageResult,
    today: dt.date,
    inputs: DraftInputs = DraftInputs(),
    advisor: ReleaseAdvisor | None = None,
) -> dict[str, str]:
    """Every placeholder's value for this ticket; empty strings where nothing is known."""
    verdict = effective_verdict(policy, result, inputs)
    bullet, other = choose_bullets(policy, result, verdict, inputs)
    values = {name: "" for name in tpl.PLACEHOLDERS}
    values.update(
        customer_name=inputs.customer_name.strip(),
        engineer_name=inputs.engineer_name.strip(),
        ticket_ref=inputs.ticket_ref.strip(),
        verdict=VERDICT_LABELS.get(verdict, verdict),
        bullet_title=bullet.title if bullet else "",
        bullet_text=bullet.text if bullet else "",
        other_bullet_title=other.title if other else "",
        other_bullet_text=other.text if other else "",
        spans_note=policy.spans_note,
        support_email=policy.support_email,
        support_months=str(policy.support_months),
    )
    mention = pick_version(result.versions)
    if mention is not None:
        steps: Sequence[str] = ()
        latest: str | None = None
        if advisor is not None:
            steps, latest = advisor(mention, today)
        elif mention.upgrade_target:
            latest = mention.upgrade_target
            steps = (mention.upgrade_target,)
        # A stand-in release's dates are not the customer's: talk about their own version.
        current = mention.version if mention.substitute else (mention.release or mention.version)
        steps = [s for s in steps if s != current]
        values.update(
            release_basis=mention.basis if mention.substitute else "",
            other_versions=describe_other_versions(result.versions, mention),
            version=mention.text.strip() or mention.version,
            product=mention.product or "",
            release=current,
            release_status=mention.status or "unknown",
            supported_until=mention.supported_until or "",
            days_left=str(mention.days_left) if mention.days_left is not None else "",
            upgrade_path=" → ".join([current, *steps]) if steps else "",
            latest_release=latest or "",
        )
    return values


class Drafter:
    """Renders the reply for a triage with the policy and a template set; also TriageService's draft step."""

    def __init__(
        self,
        policy: Policy,
        templates: Mapping[str, str] | None = None,
        advisor: ReleaseAdvisor | None = None,
        defaults: DraftDefaults = DraftDefaults(),
    ) -> None:
        self.policy = policy
        self.templates = dict(templates) if templates is not None else tpl.shipped_templates()
        self.advisor = advisor
        self.defaults = defaults

    def _with_defaults(self, inputs: DraftInputs) -> DraftInputs:
        if inputs.engineer_name.strip() or not self.defaults.engineer_name.strip():
            return inputs  # a name typed next to the draft wins over the stored one
        return inputs._replace(engineer_name=self.defaults.engineer_name)

    def variables(
        self, result: TriageResult, today: dt.date, inputs: DraftInputs = DraftInputs()
    ) -> dict[str, str]:
        return build_variables(
            self.policy, result, today, self._with_defaults(inputs), self.advisor
        )

    def draft(
        self,
        result: TriageResult,
        today: dt.date,
        inputs: DraftInputs = DraftInputs(),
        keep_notes: bool = True,
    ) -> str:
        """The draft for the editor (agent notes kept) or for output (keep_notes=False)."""
        values = self.variables(result, today, inputs)
        verdict = effective_verdict(self.policy, result, inputs)
        name = verdict if verdict in tpl.VERDICT_TEMPLATES else UNCLEAR
        templates = self.templates
        signature = self.defaults.signature_block(inputs.engineer_name)
        if signature is not None:
            templates = {**templates, "signature": signature}
        return tpl.render(name, templates, values, keep_notes=keep_notes)

    def __call__(self, text: str, result: TriageResult, today: dt.date) -> str:
        """TriageService's step: the plain-text draft, agent notes stripped and secrets masked."""
        plain = self.draft(result, today, DraftInputs.from_extras(result.extras), keep_notes=False)
        return redact(plain, allow=(self.policy.support_email,)).text


def schedule_advisor(schedule: Schedule) -> ReleaseAdvisor:
    """Upgrade steps and latest release from a release schedule (core.releases.Schedule)."""

    def advise(mention: VersionMention, today: dt.date) -> tuple[Sequence[str], str | None]:
        report = schedule.status(mention.product, mention.release or mention.version, today)
        return report.upgrade_path, report.latest

    return advise
