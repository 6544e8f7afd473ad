"""The shipped defaults, read from the package's resource files."""

from __future__ import annotations

from pathlib import Path

from triage_app.core.knowledge.policy import Policy, parse_policy

POLICY_FILE = "support_scope.txt"
RELEASES_FILE = "prefect_releases.csv"


def resource(name: str) -> Path:
    """A shipped resource file (works in editable installs, wheels and frozen builds alike)."""
    from triage_app.resources import shipped_file

    return shipped_file(name)


def read_text(name: str) -> str:
    return resource(name).read_text(encoding="utf-8")


def default_policy() -> Policy:
    return parse_policy(read_text(POLICY_FILE))
