"""The shipped defaults, read from package resources with importlib.resources."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable

from triage_app.core.knowledge.policy import Policy, parse_policy

POLICY_FILE = "support_scope.txt"
RELEASES_FILE = "prefect_releases.csv"


def resource(name: str) -> Traversable:
    """A shipped resource file (works in editable installs, wheels and frozen builds alike)."""
    return resources.files("triage_app.resources").joinpath(name)


def read_text(name: str) -> str:
    return resource(name).read_text(encoding="utf-8")


def default_policy() -> Policy:
    return parse_policy(read_text(POLICY_FILE))
