"""The one file writer for every output: atomic for regular files, in place for devices and FIFOs.

A regular file is written to a temporary file in the same folder and renamed over the old one, so it
is complete or untouched; the replacement keeps the old file's permission bits (a new file gets the
umask's, like a shell redirect). A symlink is followed and its target written; the link stays. A
special file (/dev/null, a FIFO, a terminal) cannot be replaced without breaking the machine, so it
is opened and written in place.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, TextIO


def _umask_mode() -> int:
    """The mode a new file gets from open(): 0o666 less the process umask.

    Linux reports the umask in /proc; elsewhere os.umask is set and restored (a brief change that
    another thread creating a file at that instant could see, hence the /proc read first).
    """
    with (
        contextlib.suppress(OSError, ValueError),
        open("/proc/self/status", encoding="ascii") as fh,
    ):
        for line in fh:
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _target(path: Path) -> Path:
    """Where a write to `path` lands: a symlink (chain) resolved to its final target."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _existing(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except FileNotFoundError:
        return None


def _is_special(info: os.stat_result | None) -> bool:
    return info is not None and not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode)


@contextlib.contextmanager
def _temp_beside(target: Path, mode: int) -> Iterator[tuple[BinaryIO, str]]:
    """A temporary file in `target`'s folder: on leaving the block it is on disk (fsync) with
    `mode`; if the block fails it is removed. The caller renames or links it into place."""
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh, tmp
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)  # mkstemp made it 0600
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _keep_owner(tmp: str, info: os.stat_result) -> None:
    """As root, the replacement keeps the old file's owner; an ordinary user cannot and need not."""
    if hasattr(os, "chown") and (info.st_uid, info.st_gid) != (os.getuid(), os.getgid()):
        with contextlib.suppress(OSError):
            os.chown(tmp, info.st_uid, info.st_gid)


def _payload(data: str | bytes, encoding: str) -> bytes:
    return data.encode(encoding) if isinstance(data, str) else data


def write_atomic(path: Path, data: str | bytes, encoding: str = "utf-8") -> None:
    """Write `data` to `path`, replacing a regular file atomically and keeping mode, owner and links."""
    with _replacing(path) as fh:
        fh.write(_payload(data, encoding))


def write_text_or_error(path: Path, text: str) -> str:
    """write_atomic for a window's save or export: '' when written, else the reason in a few words,
    for the one-line message the window shows."""
    try:
        write_atomic(path, text)
    except OSError as exc:
        return exc.strerror or str(exc)
    return ""


@contextlib.contextmanager
def _replacing(path: Path) -> Iterator[BinaryIO]:
    """The one way a write replaces `path`: into a temporary file renamed over it at the end (mode,
    owner and links kept), or in place for a special file. An exception leaves the old file."""
    target = _target(path)
    info = _existing(target)
    if _is_special(info):
        with open(target, "wb") as special:  # a device or FIFO: no rename
            yield special
        return
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(21, "Is a directory", str(path))
    if info is not None and not os.access(target, os.W_OK):
        # A shell's `>` refuses a file we may not write; a rename would quietly replace it.
        raise PermissionError(13, "Permission denied", str(path))
    mode = stat.S_IMODE(info.st_mode) if info is not None else _umask_mode()
    with _temp_beside(target, mode) as (fh, tmp):
        yield fh
    try:
        if info is not None:
            _keep_owner(tmp, info)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_new_atomic(path: Path, data: str | bytes, encoding: str = "utf-8") -> None:
    """Like write_atomic, but never replaces an existing regular file: raises FileExistsError.

    Special files are still written in place (`draft -o /dev/null`). os.link fails when the target
    exists, which makes the check and the rename one atomic step; file systems without hard links
    fall back to a check followed by os.replace.
    """
    payload = _payload(data, encoding)
    target = _target(path)
    info = _existing(target)
    if _is_special(info):
        with open(target, "wb") as special:  # a device or FIFO: no rename
            special.write(payload)
        return
    if info is not None:
        raise FileExistsError(17, "File exists", str(path))
    with _temp_beside(target, _umask_mode()) as (fh, tmp):
        fh.write(payload)
    try:
        try:
            os.link(tmp, target)
        except FileExistsError:
            raise
        except OSError:
            if target.exists():
                raise FileExistsError(17, "File exists", str(path)) from None
            os.replace(tmp, target)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


@contextlib.contextmanager
def atomic_text_writer(path: Path, encoding: str = "utf-8") -> Iterator[TextIO]:
    """write_atomic for output written bit by bit (constant memory, `batch`): the same rules, the
    text goes to the temporary file as it comes, and an exception inside the block leaves the old
    file untouched."""
    with _replacing(path) as raw:
        text = io.TextIOWrapper(raw, encoding=encoding, newline="")
        yield text
        text.flush()
        text.detach()  # the binary file is closed (and renamed) by _replacing
