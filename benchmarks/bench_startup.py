"""Start-up to the first painted main window (default knowledge base) against a bare PySide6 QMainWindow.

Run: .venv/bin/python -m benchmarks.bench_startup [--runs N]
Each start is a fresh process (offscreen); time runs from process launch to the first paint event of
the main window, and memory is the child's peak RSS at that moment. Bar: both ratios <= 1.5.
"Ready to triage" runs to the moment the services are in place (knowledge base open, engine built),
against the same bare first paint. Bar: <= 2.0.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# The same harness for both children: the first paint of the main window ends the process. The
# filter sits on that window only (installed when it is shown): an application-wide Python event
# filter would make PySide6 wrap every internal object that receives an event, a cost neither a
# real start nor the bare reference has. The app child then starts exactly as `triage-app` does
# (cli.main with no arguments -> gui.launch.run_gui, which reuses this QApplication).
_CHILD = """
import os, resource, sys
#PRELUDE
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv[:1])


class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print("painted", #REPORT, flush=True)
            os._exit(0)
        return False


first_paint = FirstPaint()
_show = QMainWindow.show


def show_and_watch(window):
    window.installEventFilter(first_paint)
    _show(window)


if sys.argv[1] == "ready":
    # Ready to triage: the services are in place (the first triage needs nothing more).
    from triage_app.gui.main.main_window import MainWindow

    _set_services = MainWindow.set_services

    def set_and_report(window, *args, **kwargs):
        _set_services(window, *args, **kwargs)
        print("painted", #REPORT, flush=True)
        os._exit(0)

    MainWindow.set_services = set_and_report
else:
    QMainWindow.show = show_and_watch
if sys.argv[1] == "bare":
    window = QMainWindow()
    window.resize(1280, 720)
    window.show()
    app.exec()
else:
    from triage_app.cli import main

    main([])
"""


def child_script(
    prelude: str = "", report: str = "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss"
) -> str:
    """The harness with `prelude` run first and `report` printed after "painted" at the first
    paint (tests/gui/test_lazy_qt.py reuses it to look at what the first frame built)."""
    return _CHILD.replace("#PRELUDE", prelude).replace("#REPORT", report)


CHILD = child_script()


# Start-up differs by ~10 ms from one launch to the next on a shared machine: 15 interleaved pairs
# keep the median ratio within about 0.03 of itself from one invocation to the next.
RUNS = 15


@dataclass
class Start:
    seconds: float
    peak_kb: int


def start_once(mode: str, data_dir: Path) -> Start:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TRIAGE_APP_DATA_DIR=str(data_dir))
    # An installed app has its bytecode compiled (pip and PyInstaller do it); let the warm-up
    # runs write it here too, even where the environment turns that off.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - t0
    _out, err = proc.communicate(timeout=60)
    parts = line.split()
    if parts[:1] != ["painted"]:
        raise RuntimeError(f"{mode} start-up did not paint a main window:\n{err}")
    return Start(elapsed, int(parts[1]))


@dataclass
class StartupFigures:
    bare_s: float
    app_s: float
    bare_mb: float
    app_mb: float
    first_run_s: float
    ready_s: float = 0.0
    first_ready_s: float = 0.0

    @property
    def ready_ratio(self) -> float:
        return self.ready_s / self.bare_s

    @property
    def time_ratio(self) -> float:
        return self.app_s / self.bare_s

    @property
    def memory_ratio(self) -> float:
        return self.app_mb / self.bare_mb


def measure(runs: int = RUNS) -> StartupFigures:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        # The first start creates and seeds the default knowledge base; reported on its own.
        first = start_once("app", data)
        start_once("bare", data)  # warm the file cache for the reference too
        # Ready to triage on a fresh knowledge base (created and seeded), then on the existing one.
        first_ready = start_once("ready", Path(tmp) / "fresh")
        bare: list[Start] = []
        app: list[Start] = []
        ready: list[Start] = []
        for _ in range(runs):  # interleaved, so drift in machine load hits all alike
            bare.append(start_once("bare", data))
            app.append(start_once("app", data))
            ready.append(start_once("ready", data))
    return StartupFigures(
        ready_s=statistics.median(s.seconds for s in ready),
        first_ready_s=first_ready.seconds,
        bare_s=statistics.median(s.seconds for s in bare),
        app_s=statistics.median(s.seconds for s in app),
        bare_mb=statistics.median(s.peak_kb for s in bare) / 1024,
        app_mb=statistics.median(s.peak_kb for s in app) / 1024,
        first_run_s=first.seconds,
    )


_SQLITE_SEARCH = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
rows = conn.execute(
    "select t.id, t.created_at, t.final_verdict, t.ticket from triages_fts f join triages t "
    "on t.id = f.rowid where triages_fts match ? order by t.id desc limit 20", [sys.argv[2]]
).fetchall()
print(len(rows))
"""


def cli_search(runs: int = RUNS) -> tuple[float, float]:
    """(`triage-app history --search helm`, the same FTS query in a bare sqlite3 script), median
    seconds of fresh processes, interleaved, on a knowledge base with 200 saved triages."""
    from triage_app.core.result import TriageResult
    from triage_app.storage import history_repo
    from triage_app.storage.database import open_knowledge_base

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        kb = open_knowledge_base(data / "knowledge.db")
        with kb.transaction() as db:
            for i in range(200):
                text = f"Ticket {i}: the Helm chart values for the prefect worker fail"
                history_repo.save_triage(db, text, TriageResult("in_scope", 0.7), source="cli")
        kb.close()
        app_cmd = [
            sys.executable,
            "-m",
            "triage_app",
            "--data-dir",
            tmp,
            "history",
            "--search",
            "helm",
        ]
        ref_cmd = [sys.executable, "-c", _SQLITE_SEARCH, str(data / "knowledge.db"), "helm"]
        app: list[float] = []
        ref: list[float] = []
        for cmd in (app_cmd, ref_cmd):  # warm the caches once each
            _timed_run(cmd)
        for _ in range(runs):
            app.append(_timed_run(app_cmd))
            ref.append(_timed_run(ref_cmd))
    return statistics.median(app), statistics.median(ref)


def _timed_run(cmd: list[str]) -> float:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    t0 = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=True, env=env)
    return time.perf_counter() - t0


def report(fig: StartupFigures) -> list[str]:
    def verdict(ratio: float) -> str:
        return "ok" if ratio <= 1.5 else "ABOVE TARGET"

    return [
        f"{'start-up, bare QMainWindow (ref)':40s} {fig.bare_s * 1000:8.0f} ms  {fig.bare_mb:7.1f} MB peak",
        f"{'start-up, triage-app main window':40s} {fig.app_s * 1000:8.0f} ms  {fig.app_mb:7.1f} MB peak",
        f"{'  time ratio (target <= 1.5)':40s} {fig.time_ratio:8.2f}x  {verdict(fig.time_ratio)}",
        f"{'  peak memory ratio (target <= 1.5)':40s} {fig.memory_ratio:8.2f}x  {verdict(fig.memory_ratio)}",
        f"{'  first run (creates the default KB)':40s} {fig.first_run_s * 1000:8.0f} ms",
        f"{'ready to triage (services loaded)':40s} {fig.ready_s * 1000:8.0f} ms",
        f"{'  ratio to bare first paint (<= 2.0)':40s} {fig.ready_ratio:8.2f}x  "
        + ("ok" if fig.ready_ratio <= 2.0 else "ABOVE TARGET"),
        f"{'  fresh knowledge base (created)':40s} {fig.first_ready_s * 1000:8.0f} ms  "
        f"{fig.first_ready_s / fig.bare_s:.2f}x",
    ]


def search_report(app_s: float, ref_s: float) -> list[str]:
    return [
        f"{'history --search, fresh process':40s} {app_s * 1000:8.0f} ms",
        f"{'  ref same query, bare sqlite3 script':40s} {ref_s * 1000:8.0f} ms  "
        f"({app_s / ref_s:.1f}x; no engine, policy or sqlite-utils is loaded)",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args(argv)
    print("\n".join(report(measure(args.runs))))
    print("\n".join(search_report(*cli_search(args.runs))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
