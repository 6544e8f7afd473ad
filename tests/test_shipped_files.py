"""Shipped files are found where importlib.resources finds them, without importing it."""

from __future__ import annotations

from importlib.resources import files

import pytest
from triage_app.resources import shipped_file


@pytest.mark.parametrize(
    "name", ["support_scope.txt", "vocabulary.toml", "prefect_releases.csv", "verdict_model.bin"]
)
def test_same_file_as_importlib_resources(name: str) -> None:
    path = shipped_file(name)
    assert path.is_file()
    assert path.read_bytes() == files("triage_app.resources").joinpath(name).read_bytes()
