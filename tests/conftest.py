"""Test-wide setup: headless Qt, and a knowledge base folder in tmp_path (never the user's real data)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _isolated_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Point every default location at a temp folder, so nothing can touch the real user folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("TRIAGE_APP_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(home / "Documents"))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "kb"
    folder.mkdir()
    return folder


@pytest.fixture
def sample_tickets_path() -> Path:
    """90 labelled tickets of our corpus (paraphrases and written ones): no third-party prose."""
    return DATA / "sample_tickets.jsonl"
