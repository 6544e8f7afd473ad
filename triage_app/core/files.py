"""Atomic file writes: a temporary file in the same folder, then a rename, so a file is complete or absent."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def _write_temp(path: Path, payload: bytes) -> str:
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def write_atomic(path: Path, data: str | bytes, encoding: str = "utf-8") -> None:
    """Write (replacing any existing file) through a temporary file and os.replace."""
    payload = data.encode(encoding) if isinstance(data, str) else data
    tmp = _write_temp(path, payload)
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_new_atomic(path: Path, data: str | bytes, encoding: str = "utf-8") -> None:
    """Like write_atomic, but never replaces an existing file: raises FileExistsError instead.

    os.link fails when the target exists, which makes the check and the rename one atomic step;
    file systems without hard links fall back to a check followed by os.replace.
    """
    payload = data.encode(encoding) if isinstance(data, str) else data
    tmp = _write_temp(path, payload)
    try:
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise
        except OSError:
            if path.exists():
                raise FileExistsError(path) from None
            os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
