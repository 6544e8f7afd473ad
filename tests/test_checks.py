"""ruff (lint) and mypy (core/ and storage/) run as part of the one test command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_lint_is_clean() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "triage_app", "tests", "benchmarks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_core_and_storage_are_clean() -> None:
    proc = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_core_and_storage_never_import_qt() -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for area in ("core", "storage")
        for p in (ROOT / "triage_app" / area).rglob("*.py")
        if "PySide6" in p.read_text(encoding="utf-8")
    ]
    assert offenders == []
