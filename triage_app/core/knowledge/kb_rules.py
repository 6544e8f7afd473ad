"""What a value in the knowledge base may be: one set of checks for every way data enters it.

Release CSV, bundle import, policy import, settings and the Knowledge Base editor all check their
values here before anything is written, and the readers use the same checks to skip a bad value a
hand-edited or older file may still hold, so one bad value never stops triage.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from triage_app.core.releases.schedule import parse_version
from triage_app.core.triage.vocabulary import Vocabulary, VocabularyError
from triage_app.core.verdicts import IN_SCOPE, OUT_OF_SCOPE, VERDICTS

MIN_SUPPORT_MONTHS, MAX_SUPPORT_MONTHS = 1, 120
MAX_ENDING_SOON_DAYS = 365
MAX_RETENTION_DAYS = 3650
MAX_NAME_CHARS, MAX_SIGNATURE_CHARS = 120, 2000
MAX_TEXT_CHARS = 1_000_000  # any other text value
# Enough for every range here; longer digit strings are refused before int() sees them (Python
# refuses to convert more than 4,300 digits, with an exception, not a message).
MAX_DIGITS = 9
_WHOLE = re.compile(r"[+-]?[0-9]+")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TRUE, _FALSE = ("1", "true", "yes"), ("0", "false", "no", "")


class KbValueError(ValueError):
    """A value the knowledge base must not hold; the message says which and why, in one line."""


def shown(value: object, limit: int = 40) -> str:
    """A value as quoted in a message: never the whole of a huge one."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**limit:
        return (
            f"a number of {len(str(abs(value))) if abs(value) < 10**4000 else 'over 4000'} digits"
        )
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def whole_number(value: object, what: str, low: int, high: int) -> int:
    """`value` (an int, or text of one) as an int in low..high; KbValueError otherwise."""
    wanted = f"{what} must be a whole number from {low} to {high}"
    if isinstance(value, bool):
        raise KbValueError(f"{wanted}, not {shown(value)}")
    if isinstance(value, float) and value.is_integer() and abs(value) < 10**MAX_DIGITS:
        value = int(value)
    if isinstance(value, str):
        text = value.strip()
        if not _WHOLE.fullmatch(text) or len(text.lstrip("+-")) > MAX_DIGITS:
            raise KbValueError(f"{wanted}, not {shown(value)}")
        value = int(text)
    if not isinstance(value, int) or not low <= value <= high:
        raise KbValueError(f"{wanted}, not {shown(value)}")
    return value


def support_months(value: object) -> int:
    return whole_number(value, "support_months", MIN_SUPPORT_MONTHS, MAX_SUPPORT_MONTHS)


def text(value: object, what: str, limit: int = MAX_TEXT_CHARS, required: bool = False) -> str:
    if not isinstance(value, str):
        raise KbValueError(f"{what} must be text, not {shown(value)}")
    if "\x00" in value:
        raise KbValueError(f"{what} contains a NUL character")
    if len(value) > limit:
        raise KbValueError(f"{what} is longer than {limit} characters")
    if required and not value.strip():
        raise KbValueError(f"{what} is empty")
    return value


def version(value: object, what: str = "version") -> str:
    raw = text(value, what, 200, required=True)
    if parse_version(raw) is None:
        raise KbValueError(f"{what} is not a version number: {shown(raw)} (e.g. 1.2.0)")
    return raw.strip()


def date(value: object, what: str) -> dt.date:
    raw = text(value, what, 40, required=True).strip()
    try:
        if not _ISO_DATE.fullmatch(raw):
            raise ValueError
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise KbValueError(f"{what} is not a date (YYYY-MM-DD): {shown(raw)}") from None


def flag(value: object, what: str) -> bool:
    if isinstance(value, bool) or value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
        return value.strip().lower() in _TRUE
    raise KbValueError(f"{what} must be true or false, not {shown(value)}")


def _days(what: str, high: int) -> Callable[[object], str]:
    return lambda value: str(whole_number(value, what, 0, high))


# Settings the app reads, with what each may hold; the stored form is the returned text.
SETTINGS: dict[str, Callable[[object], str]] = {
    "support_months": lambda value: str(support_months(value)),
    "ending_soon_days": _days("ending_soon_days", MAX_ENDING_SOON_DAYS),
    "history_retention_days": _days("history_retention_days", MAX_RETENTION_DAYS),
    "engineer_name": lambda value: text(value, "engineer_name", MAX_NAME_CHARS),
    "signature": lambda value: text(value, "signature", MAX_SIGNATURE_CHARS),
}


def setting(key: object, value: object) -> str:
    """The text to store for setting `key`; KbValueError when the key or value is not allowed."""
    name = text(key, "a setting's key", 200, required=True)
    check = SETTINGS.get(name)
    if check is not None:
        return check(value)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise KbValueError(f"setting {name!r} must be text or a number, not {shown(value)}")
    return text(value if isinstance(value, str) else repr(value), f"setting {name!r}")


def policy_fact(key: object, value: object) -> None:
    name = text(key, "a policy fact's key", 200, required=True)
    if name == "support_months":
        support_months(value)
    elif value is not None:
        text(value, f"policy fact {name!r}")


def bullet(row: Mapping[str, Any]) -> None:
    text(row.get("title"), "title", 300, required=True)
    if row.get("side") not in (IN_SCOPE, OUT_OF_SCOPE):
        raise KbValueError("side must be in_scope or out_of_scope")
    text(row.get("description") or "", "description")


def release(row: Mapping[str, Any]) -> None:
    text(row.get("product"), "product", 200, required=True)
    version(row.get("version"))
    date(row.get("release_date"), "release_date")
    if row.get("app_version"):
        version(row.get("app_version"), "app_version")
    if row.get("support_months") not in (None, ""):
        support_months(row.get("support_months"))
    if row.get("prerelease") is not None:
        flag(row.get("prerelease"), "prerelease")
    text(row.get("name") or "", "name", 500)


def vocabulary_term(row: Mapping[str, Any]) -> None:
    try:
        Vocabulary.from_rows([row])
    except VocabularyError as exc:
        raise KbValueError(str(exc).removeprefix("row 1: ")) from None


def timestamp(value: object, what: str) -> None:
    raw = text(value, what, 40, required=True)
    try:
        dt.datetime.fromisoformat(raw)
    except ValueError:
        raise KbValueError(f"{what} is not a date and time (ISO 8601): {shown(raw)}") from None


def verdict(value: object, what: str, required: bool = True) -> None:
    if value in (None, "") and not required:
        return
    if value not in VERDICTS:
        raise KbValueError(f"{what} must be one of {', '.join(VERDICTS)}, not {shown(value)}")


def json_object(value: object, what: str) -> None:
    if value in (None, ""):
        return
    try:
        parsed = json.loads(text(value, what))
    except (ValueError, RecursionError):
        raise KbValueError(f"{what} is not valid JSON") from None
    if not isinstance(parsed, dict):
        raise KbValueError(f"{what} must be a JSON object")


def history_row(row: Mapping[str, Any]) -> None:
    """A saved triage carried in a bundle: what the History view and `history` read back."""
    timestamp(row.get("created_at"), "created_at")
    if row.get("updated_at") is not None:
        timestamp(row.get("updated_at"), "updated_at")
    text(row.get("ticket"), "ticket")
    verdict(row.get("verdict"), "verdict")
    verdict(row.get("final_verdict"), "final_verdict")
    verdict(row.get("override_verdict"), "override_verdict", required=False)
    confidence = row.get("confidence")
    if isinstance(confidence, bool) or not isinstance(confidence, int | float | None):
        raise KbValueError(f"confidence must be a number from 0 to 1, not {shown(confidence)}")
    if confidence is not None and not 0.0 <= confidence <= 1.0:
        raise KbValueError(f"confidence must be a number from 0 to 1, not {shown(confidence)}")
    for field in ("bullet", "final_bullet", "override_bullet", "source", "draft"):
        if row.get(field) is not None:
            text(row.get(field), field)
    json_object(row.get("result_json"), "result_json")
    json_object(row.get("variables_json"), "variables_json")


def correction_row(row: Mapping[str, Any]) -> None:
    timestamp(row.get("created_at"), "created_at")
    text(row.get("ticket"), "ticket", required=True)
    verdict(row.get("verdict"), "verdict")
    verdict(row.get("original_verdict"), "original_verdict", required=False)
    for field in ("bullet", "original_bullet"):
        if row.get(field) is not None:
            text(row.get(field), field)


def _setting_row(row: Mapping[str, Any]) -> None:
    setting(row.get("key"), row.get("value"))


_ROW_CHECKS: dict[str, Callable[[Mapping[str, Any]], None]] = {
    "policy": bullet,
    "policy_facts": lambda row: policy_fact(row.get("key"), row.get("value")),
    "vocabulary": vocabulary_term,
    "releases": release,
    "settings": _setting_row,
    "history": history_row,
    "corrections": correction_row,
}


def check_rows(section: str, rows: Any) -> None:
    """Refuse the first row of `section` (a bundle section name) the knowledge base must not hold."""
    check = _ROW_CHECKS.get(section)
    if check is None:
        return
    for n, row in enumerate(rows, start=1):
        try:
            check(row)
        except KbValueError as exc:
            raise KbValueError(f"section {section!r}, row {n}: {exc}") from None
