"""Template syntax: placeholders with fallbacks, includes, line conditionals, agent notes, validation."""

from __future__ import annotations

import pytest

from triage_app.core.replies import templates as tpl


def render(body: str, values: dict[str, str] | None = None, **blocks: str) -> str:
    return tpl.render("main", {"main": body, **blocks}, values or {})


def test_placeholder_with_and_without_fallback() -> None:
    body = "Hi {customer_name|there}, ref {ticket_ref}."
    assert render(body, {"customer_name": "Ana"}) == "Hi Ana, ref .\n"
    assert render(body, {"customer_name": "  "}) == "Hi there, ref .\n"


def test_values_are_inserted_verbatim_and_never_rescanned() -> None:
    values = {"customer_name": "{ticket_ref} {{x}} {>greeting} {0.__class__}", "ticket_ref": "T-1"}
    out = tpl.render("main", {"main": "Hi {customer_name}", "greeting": "HELLO"}, values)
    assert out == "Hi {ticket_ref} {{x}} {>greeting} {0.__class__}\n"


def test_literal_braces() -> None:
    assert render("use {{ and }} in {version|x}") == "use { and } in x\n"


def test_include_and_conditionals() -> None:
    body = "{>greeting}\n{?version}\nOn {version}.\n{/?}\n{?!version}\nNo version.\n{/?}\n{?release_status=unsupported,ending_soon}\nUpgrade!\n{/?}"
    blocks = {"greeting": "Hello {customer_name|there},"}
    out = tpl.render(
        "main", {"main": body, **blocks}, {"version": "3.4.7", "release_status": "ending_soon"}
    )
    assert out == "Hello there,\nOn 3.4.7.\nUpgrade!\n"
    out = tpl.render("main", {"main": body, **blocks}, {"release_status": "supported"})
    assert out == "Hello there,\nNo version.\n"


def test_nested_conditionals() -> None:
    body = "{?version}\nA\n{?upgrade_path}\nB {upgrade_path}\n{/?}\nC\n{/?}"
    assert render(body, {"version": "1", "upgrade_path": "x → y"}) == "A\nB x → y\nC\n"
    assert render(body, {"version": "1"}) == "A\nC\n"
    assert render(body, {"upgrade_path": "x"}) == ""


def test_agent_notes_kept_for_the_editor_and_stripped_for_output() -> None:
    body = "// check the bullet\nHi\n  // indented note\n\nBye"
    assert (
        tpl.render("main", {"main": body}, {}, keep_notes=True)
        == body.replace("\n\n", "\n\n") + "\n"
    )
    assert tpl.render("main", {"main": body}, {}, keep_notes=False) == "Hi\n\nBye\n"
    assert tpl.strip_agent_notes("// a\nHi\n// b\n\n\n\nBye\n// c") == "Hi\n\nBye\n"


def test_notes_inside_false_conditionals_are_dropped() -> None:
    body = "{?version}\n// about the version\nOn {version}\n{/?}\nEnd"
    assert tpl.render("main", {"main": body}, {}, keep_notes=True) == "End\n"


@pytest.mark.parametrize(
    ("body", "line", "needle"),
    [
        ("Hi\nthere {customer_nam}", 2, "{customer_nam}"),
        ("{?colour}\nx\n{/?}", 1, "{colour}"),
        ("a\n{>nosuchblock}", 2, "nosuchblock"),
        ("{?version}\nno end", 1, "never closed"),
        ("x\n{/?}", 2, "without a matching"),
        ("x {?version} y", 1, "line of its own"),
        ("{customer_name.__class__}", 1, "not a placeholder"),
        ("{0}", 1, "not a placeholder"),
    ],
)
def test_invalid_templates_are_refused_with_name_and_line(
    body: str, line: int, needle: str
) -> None:
    with pytest.raises(tpl.TemplateError) as info:
        tpl.validate_set({"in_scope": body})
    assert info.value.line == line
    assert info.value.template == "in_scope"
    assert needle in str(info.value)
    assert str(info.value).startswith(f"in_scope:{line}:")


def test_notes_may_contain_anything() -> None:
    tpl.validate_set({"in_scope": "// {whatever} {?x}\nHi"})


def test_include_cycle_is_refused() -> None:
    with pytest.raises(tpl.TemplateError, match="circle"):
        tpl.validate_set({"a": "{>b}", "b": "{>c}", "c": "{>a}"})


def test_shipped_templates_are_valid_and_complete() -> None:
    shipped = tpl.shipped_templates()
    assert set(shipped) == set(tpl.TEMPLATE_NAMES)
    tpl.validate_set(shipped)
    for verdict in tpl.VERDICT_TEMPLATES:
        body = shipped[verdict]
        for block in ("greeting", "release_status", "escalation", "signature"):
            assert f"{{>{block}}}" in body, (verdict, block)
