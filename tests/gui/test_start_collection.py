"""Start-up runs without the cyclic collector, which is back on once the knowledge base is loaded."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# A real start (cli.main with no arguments), watched where run_gui turns the collector back on.
_CHILD = """
import gc, os, sys
from triage_app.gui import launch
from triage_app.gui.main.main_window import MainWindow

_resume = launch._resume_collection

def watched():
    during = gc.isenabled()
    _resume()
    print("collector", during, gc.isenabled(), gc.get_freeze_count() > 0, flush=True)
    os._exit(0)

launch._resume_collection = watched
from triage_app.cli import main
main([])
"""


def test_the_collector_is_off_during_start_up_and_on_after(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TRIAGE_APP_DATA_DIR=str(tmp_path))
    out = subprocess.run(
        [sys.executable, "-c", _CHILD], capture_output=True, text=True, env=env, timeout=60
    )
    assert out.stdout.split() == ["collector", "False", "True", "True"], out.stderr
