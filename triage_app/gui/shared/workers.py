"""Background work: a QThreadPool runnable reporting by signal, a coalescing newest-only runner, file jobs."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


class WorkerSignals(QObject):
    done = Signal(int, object)  # tag, result
    failed = Signal(int, object)  # tag, ExcInfo


class FunctionWorker(QRunnable):
    """Runs fn() on a pool thread; emits signals.done(tag, result) or signals.failed(tag, exc_info).

    Connect the signals to methods of a QObject living in the GUI thread (not to lambdas), so
    Qt queues the call into the GUI thread.
    """

    def __init__(self, fn: Callable[[], Any], tag: int = 0) -> None:
        super().__init__()
        self.fn = fn
        self.tag = tag
        self.signals = WorkerSignals()

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException:  # every failure must reach the GUI's error handler
            exc_type, exc, tb = sys.exc_info()
            assert exc_type is not None and exc is not None
            self.signals.failed.emit(self.tag, (exc_type, exc, tb))
        else:
            self.signals.done.emit(self.tag, result)


class LatestRunner(QObject):
    """fn(request) on a worker thread, one run at a time; only the newest request's result is reported.

    Every request gets a sequence number. While a run is busy, newer requests replace the pending
    one (a paste then three keystrokes cost two runs, not four), and a result whose sequence is
    older than the newest request is dropped, so the window never shows a result for old input.
    """

    resultReady = Signal(int, object, float)  # seq, result, seconds
    failed = Signal(int, object)  # seq, ExcInfo
    busyChanged = Signal(bool)

    def __init__(self, fn: Callable[[Any], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._fn = fn
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._seq = 0
        self._busy = False
        self._pending: tuple[int, Any] | None = None
        self._workers: dict[int, FunctionWorker] = {}

    @property
    def latest_seq(self) -> int:
        return self._seq

    @property
    def busy(self) -> bool:
        return self._busy

    def request(self, text: Any) -> int:
        self._seq += 1
        if self._busy:
            self._pending = (self._seq, text)
        else:
            self._start(self._seq, text)
        return self._seq

    def cancel(self) -> None:
        """Forget pending work and make any running result stale (e.g. after Clear)."""
        self._seq += 1
        self._pending = None

    def _start(self, seq: int, text: Any) -> None:
        self._busy = True
        self.busyChanged.emit(True)
        fn = self._fn

        def job() -> tuple[Any, float]:
            started = time.perf_counter()
            return fn(text), time.perf_counter() - started

        worker = FunctionWorker(job, seq)
        worker.setAutoDelete(False)
        self._workers[seq] = worker  # keeps the signals object alive until delivery
        worker.signals.done.connect(self._on_done)
        worker.signals.failed.connect(self._on_failed)
        self._pool.start(worker)

    @Slot(int, object)
    def _on_done(self, seq: int, out: object) -> None:
        self._finished(seq, out, None)  # type: ignore[arg-type]

    @Slot(int, object)
    def _on_failed(self, seq: int, exc: object) -> None:
        self._finished(seq, None, exc)  # type: ignore[arg-type]

    def _finished(self, seq: int, out: tuple[Any, float] | None, exc: ExcInfo | None) -> None:
        self._workers.pop(seq, None)
        self._busy = False
        if seq == self._seq:
            if exc is not None:
                self.failed.emit(seq, exc)
            elif out is not None:
                self.resultReady.emit(seq, out[0], out[1])
        if self._pending is not None:
            next_seq, text = self._pending
            self._pending = None
            self._start(next_seq, text)
        else:
            self.busyChanged.emit(False)

    def wait(self, msecs: int = 5000) -> bool:
        self._pending = None
        return self._pool.waitForDone(msecs)


class TriageRunner(LatestRunner):
    """Triage on a worker thread: only the verdict for the newest text is shown."""

    def set_triage(self, triage: Callable[[str], Any]) -> None:
        self._fn = triage


class FileJob(QObject):
    """One file job (import, export) at a time on its own worker thread; the outcome comes back
    to the GUI thread, where `on_done(result)` or `on_failed(exc_info)` runs.

    A parse of a large CSV or bundle plus its transaction can take far longer than a frame, so
    windows hand it here and show `busy` (disabled buttons, a progress line) until it is over.
    """

    busyChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._worker: FunctionWorker | None = None
        self._callbacks: tuple[Callable[[Any], None], Callable[[ExcInfo], None]] | None = None

    @property
    def busy(self) -> bool:
        return self._worker is not None

    def start(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_failed: Callable[[ExcInfo], None],
    ) -> bool:
        """Run fn() on the worker; False (nothing started) while another job is running."""
        if self._worker is not None:
            return False
        worker = FunctionWorker(fn)
        worker.setAutoDelete(False)
        self._worker = worker  # keeps the signals object alive until delivery
        self._callbacks = (on_done, on_failed)
        worker.signals.done.connect(self._on_done)
        worker.signals.failed.connect(self._on_failed)
        self.busyChanged.emit(True)
        self._pool.start(worker)
        return True

    @Slot(int, object)
    def _on_done(self, _tag: int, result: object) -> None:
        on_done, _ = self._finish()
        on_done(result)

    @Slot(int, object)
    def _on_failed(self, _tag: int, exc: object) -> None:
        _, on_failed = self._finish()
        on_failed(exc)  # type: ignore[arg-type]

    def _finish(self) -> tuple[Callable[[Any], None], Callable[[ExcInfo], None]]:
        assert self._callbacks is not None
        callbacks, self._callbacks, self._worker = self._callbacks, None, None
        self.busyChanged.emit(False)
        return callbacks

    def wait(self, msecs: int = 5000) -> bool:
        return self._pool.waitForDone(msecs)


def report_unexpected(exc: ExcInfo) -> None:
    """A failure nobody expected goes to the one error handler (sys.excepthook, set by run_gui)."""
    sys.excepthook(*exc)
