"""The composition root's fallbacks when the knowledge base cannot be opened as usual."""

from __future__ import annotations

from pathlib import Path

from triage_app.app import build_gui_services


def test_gui_services_fall_back_when_the_file_cannot_be_opened(data_dir: Path) -> None:
    (data_dir / "knowledge.db").mkdir()  # a folder where the file should be
    services = build_gui_services(data_dir)
    assert services.kb.path is None  # a temporary knowledge base in memory
    assert len(services.policy.bullets) == 18
    assert any("knowledge.db" in n and "nothing is saved" in n for n in services.notices)
