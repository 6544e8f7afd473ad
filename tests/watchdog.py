"""A watchdog for tests of bounded work: fail instead of hanging when something is super-linear."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

import pytest

WATCHDOG_SECONDS = 10.0


@contextlib.contextmanager
def watchdog(seconds: float, what: str) -> Iterator[None]:
    """Fail the test if the block runs longer than `seconds` (re checks signals while matching).

    Without POSIX interval timers (Windows) the block simply runs unguarded.
    """
    if (
        not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return

    def expired(signum: int, frame: object) -> None:
        pytest.fail(f"{what}: still running after {seconds:g} s, a pattern is super-linear")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
