"""Reply templates: a tiny, data-only syntax (placeholders, fallbacks, includes, line conditionals, agent notes).

Syntax, all of it:

    {name}                 the value of a known placeholder (empty if unknown at render time)
    {name|fallback}        the value, or the literal fallback text when the value is empty
    {>block}               the text of another template (a reusable block), rendered in place
    {?name}  ... {/?}      on lines of their own: keep the lines between only when `name` is set
    {?!name} ... {/?}      ... only when `name` is empty
    {?name=a,b} ... {/?}   ... only when `name` equals one of the listed values
    {{  }}                 literal braces
    // text                an agent-only note: shown in the editor, stripped from copies and exports

Rendering is one left-to-right pass of string substitution: values are inserted as they are and
never scanned again, nothing is evaluated, and no Python formatting runs on template text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import NamedTuple

PLACEHOLDERS: dict[str, str] = {
    "customer_name": "the customer's name (asked next to the draft)",
    "engineer_name": "your name, for the signature",
    "ticket_ref": "the ticket reference (asked next to the draft)",
    "bullet_title": "title of the matching policy bullet",
    "bullet_text": "the matching policy bullet, verbatim",
    "other_bullet_title": "spans both: title of the best bullet on the other side",
    "other_bullet_text": "spans both: that bullet, verbatim",
    "spans_note": "the policy's note on issues that span Prefect and infrastructure",
    "verdict": "the verdict in words (In scope, Out of scope, ...)",
    "version": "the version the customer mentioned",
    "product": "the product that version belongs to",
    "release": "the release that version resolved to",
    "release_status": "supported, ending_soon, unsupported, prerelease or unknown",
    "supported_until": "last day of support of that release",
    "days_left": "days of support left",
    "upgrade_path": "the releases to upgrade through, one at a time",
    "latest_release": "the latest supported release",
    "release_basis": "for a version missing from the schedule: what its neighbours prove",
    "other_versions": "the other mentioned versions that are unsupported or ending soon",
    "support_email": "the support address from the policy",
    "support_months": "how long a release is supported, in months",
}

NOTE_PREFIX = "//"
_NAME = r"[a-z][a-z0-9_]*"
# One token per brace pair; the classes exclude braces and newlines, so each scan is linear.
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}\n]*)\}")
_PLACEHOLDER = re.compile(rf"\s*({_NAME})\s*(?:\|([^{{}}]*))?")
_INCLUDE = re.compile(rf">\s*({_NAME})\s*")
_COND_OPEN = re.compile(rf"\s*\{{\?\s*(!?)\s*({_NAME})\s*(?:=\s*([^{{}}]*?))?\s*\}}\s*")
_COND_CLOSE = re.compile(r"\s*\{/\?\}\s*")
_MAX_DEPTH = 8


class TemplateError(ValueError):
    """A template was refused; `template` and `line` say where, the message says what."""

    def __init__(self, message: str, template: str = "", line: int = 0) -> None:
        where = ""
        if template:
            where = f"{template}:{line}" if line else template
        elif line:
            where = f"line {line}"
        super().__init__(f"{where}: {message}" if where else message)
        self.template = template
        self.line = line
        self.detail = message


class _Line(NamedTuple):
    number: int
    text: str


def is_note(line: str) -> bool:
    return line.lstrip().startswith(NOTE_PREFIX)


def strip_agent_notes(text: str) -> str:
    """Remove agent-only lines (starting with //) and tidy the blank lines they leave behind.

    Text without notes comes back unchanged: what the engineer wrote by hand is sent as written.
    """
    if not any(is_note(line) for line in text.split("\n")):
        return text
    kept = [line for line in text.split("\n") if not is_note(line)]
    return tidy("\n".join(kept))


def tidy(text: str) -> str:
    """At most one blank line in a row, no blank lines at the start, exactly one newline at the end."""
    out: list[str] = []
    for line in text.split("\n"):
        line = line.rstrip()
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n" if out else ""


def _tokens(line: str) -> Iterator[re.Match[str]]:
    return _TOKEN.finditer(line)


def validate(name: str, body: str, known_templates: Mapping[str, str] | None = None) -> list[str]:
    """Check one template; raise TemplateError (with template name and line) or return its includes."""
    includes: list[str] = []
    depth = 0
    open_line = 0
    for number, line in enumerate(body.split("\n"), start=1):
        if is_note(line):
            continue  # notes are free text for the agent; they are never rendered into output
        if _COND_CLOSE.fullmatch(line):
            if depth == 0:
                raise TemplateError("{/?} without a matching {?...}", name, number)
            depth -= 1
            continue
        cond = _COND_OPEN.fullmatch(line)
        if cond:
            if cond.group(2) not in PLACEHOLDERS:
                raise TemplateError(
                    f"unknown placeholder {{{cond.group(2)}}} in condition", name, number
                )
            depth += 1
            open_line = number
            continue
        if "{?" in line or "{/?}" in line:
            raise TemplateError(
                "a condition {?...} or {/?} must stand on a line of its own", name, number
            )
        for token in _tokens(line):
            inner = token.group(1)
            if inner is None:
                continue  # {{ or }}
            include = _INCLUDE.fullmatch(inner)
            if include:
                block = include.group(1)
                if known_templates is not None and block not in known_templates:
                    raise TemplateError(f"unknown block {{>{block}}}", name, number)
                if block == name:
                    raise TemplateError(f"{{>{block}}} includes itself", name, number)
                includes.append(block)
                continue
            ph = _PLACEHOLDER.fullmatch(inner)
            if not ph:
                raise TemplateError(
                    f"{{{inner}}} is not a placeholder; write {{{{ and }}}} for literal braces",
                    name,
                    number,
                )
            if ph.group(1) not in PLACEHOLDERS:
                raise TemplateError(f"unknown placeholder {{{ph.group(1)}}}", name, number)
    if depth:
        raise TemplateError("{?...} is never closed with {/?}", name, open_line)
    return includes


def validate_set(templates: Mapping[str, str]) -> None:
    """Validate every template of a set, including block references and include cycles."""
    graph = {name: validate(name, body, templates) for name, body in templates.items()}
    state: dict[str, int] = {}  # 1 = visiting, 2 = done

    def visit(node: str, chain: list[str]) -> None:
        if state.get(node) == 2:
            return
        if state.get(node) == 1:
            cycle = " -> ".join([*chain[chain.index(node) :], node])
            raise TemplateError(f"blocks include each other in a circle: {cycle}", chain[0])
        if len(chain) > _MAX_DEPTH:
            raise TemplateError("blocks are nested too deeply", chain[0])
        state[node] = 1
        for child in graph.get(node, []):
            visit(child, [*chain, node])
        state[node] = 2

    for name in graph:
        visit(name, [])


def _condition_holds(
    negate: str, name: str, values: str | None, variables: Mapping[str, str]
) -> bool:
    value = variables.get(name, "").strip()
    if values is not None:
        wanted = {v.strip() for v in values.split(",")}
        result = value in wanted
    else:
        result = bool(value)
    return not result if negate else result


def _substitute(line: str, variables: Mapping[str, str], include: _Includer) -> str:
    out: list[str] = []
    pos = 0
    for token in _tokens(line):
        out.append(line[pos : token.start()])
        pos = token.end()
        raw = token.group(0)
        if raw == "{{":
            out.append("{")
            continue
        if raw == "}}":
            out.append("}")
            continue
        inner = token.group(1) or ""
        inc = _INCLUDE.fullmatch(inner)
        if inc:
            out.append(include(inc.group(1)).rstrip("\n"))
            continue
        ph = _PLACEHOLDER.fullmatch(inner)
        if not ph:
            out.append(raw)  # only reachable for unvalidated text; never evaluated
            continue
        value = variables.get(ph.group(1), "")
        if not value.strip() and ph.group(2) is not None:
            value = ph.group(2)
        out.append(value)
    out.append(line[pos:])
    return "".join(out)


class _Includer:
    def __init__(
        self, templates: Mapping[str, str], variables: Mapping[str, str], keep_notes: bool
    ) -> None:
        self.templates = templates
        self.variables = variables
        self.keep_notes = keep_notes
        self.stack: list[str] = []

    def __call__(self, name: str) -> str:
        if name not in self.templates or name in self.stack or len(self.stack) > _MAX_DEPTH:
            return ""  # validate_set refuses these on save; rendering stays total regardless
        self.stack.append(name)
        try:
            return self.render_body(self.templates[name])
        finally:
            self.stack.pop()

    def render_body(self, body: str) -> str:
        kept: list[str] = []
        active: list[bool] = []
        for line in body.split("\n"):
            if is_note(line):
                if self.keep_notes and all(active):
                    kept.append(line)
                continue
            if _COND_CLOSE.fullmatch(line):
                if active:
                    active.pop()
                continue
            cond = _COND_OPEN.fullmatch(line)
            if cond:
                active.append(
                    _condition_holds(cond.group(1), cond.group(2), cond.group(3), self.variables)
                )
                continue
            if all(active):
                kept.append(_substitute(line, self.variables, self))
        return "\n".join(kept)


def render(
    name: str,
    templates: Mapping[str, str],
    variables: Mapping[str, str],
    keep_notes: bool = True,
) -> str:
    """Render template `name` of the set with `variables`; agent notes are kept unless keep_notes=False."""
    includer = _Includer(templates, variables, keep_notes)
    return tidy(includer(name))


VERDICT_TEMPLATES = ("in_scope", "out_of_scope", "spans_both", "unclear")
BLOCK_TEMPLATES = ("greeting", "release_status", "escalation", "signature")
TEMPLATE_NAMES = VERDICT_TEMPLATES + BLOCK_TEMPLATES
TEMPLATE_LABELS = {
    "in_scope": "Reply: in scope",
    "out_of_scope": "Reply: out of scope",
    "spans_both": "Reply: spans both",
    "unclear": "Reply: unclear",
    "greeting": "Block: greeting",
    "release_status": "Block: release status",
    "escalation": "Block: escalation contacts",
    "signature": "Block: signature",
}


def shipped_templates() -> dict[str, str]:
    """The default templates shipped in resources/templates (one <name>.txt each)."""
    from triage_app.resources import shipped_file

    folder = shipped_file("templates")
    return {
        name: folder.joinpath(f"{name}.txt").read_text(encoding="utf-8") for name in TEMPLATE_NAMES
    }
