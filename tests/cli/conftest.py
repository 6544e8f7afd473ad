"""Run the command line in a subprocess, against a knowledge base in tmp_path."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

CliRunner = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run_cli(data_dir: Path) -> CliRunner:
    def run(
        *args: str,
        input: str | bytes | None = None,
        cwd: Path | None = None,
        data: Path | None = data_dir,
    ) -> subprocess.CompletedProcess[str]:
        argv = [sys.executable, "-m", "triage_app", *args]
        if data is not None:
            argv += ["--data-dir", str(data)]
        env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
        if isinstance(input, bytes):
            proc = subprocess.run(
                argv, input=input, capture_output=True, cwd=cwd, env=env, timeout=120
            )
            return subprocess.CompletedProcess(
                proc.args,
                proc.returncode,
                proc.stdout.decode("utf-8", "replace"),
                proc.stderr.decode("utf-8", "replace"),
            )
        return subprocess.run(
            argv, input=input, capture_output=True, text=True, cwd=cwd, env=env, timeout=120
        )

    return run
