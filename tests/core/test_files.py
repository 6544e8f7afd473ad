"""The one file writer: atomic for regular files, keeps mode and symlinks, writes special files in place."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from triage_app.core.files import write_atomic, write_new_atomic

POSIX = pytest.mark.skipif(os.name != "posix", reason="modes, symlinks and FIFOs are POSIX")


@POSIX
@pytest.mark.parametrize("mode", [0o644, 0o600, 0o664])
def test_replacing_a_file_keeps_its_mode(tmp_path: Path, mode: int) -> None:
    out = tmp_path / "releases.csv"
    out.write_text("old\n")
    out.chmod(mode)
    write_atomic(out, "new\n")
    assert out.read_text() == "new\n"
    assert stat.S_IMODE(out.stat().st_mode) == mode


@POSIX
def test_a_new_file_gets_the_umask_mode_not_0600(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "a.csv", "x")
        write_new_atomic(tmp_path / "b.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.csv").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "b.txt").stat().st_mode) == 0o644


@POSIX
def test_a_symlink_stays_a_link_and_its_target_is_written(tmp_path: Path) -> None:
    real = tmp_path / "shared" / "export.csv"
    real.parent.mkdir()
    real.write_text("old\n")
    real.chmod(0o640)
    link = tmp_path / "export.csv"
    link.symlink_to(real)
    chain = tmp_path / "chain.csv"
    chain.symlink_to(link)
    write_atomic(chain, "new\n")
    assert chain.is_symlink() and link.is_symlink()
    assert os.readlink(link) == str(real)
    assert real.read_text() == "new\n"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert sorted(p.name for p in real.parent.iterdir()) == ["export.csv"]  # no temp left


@POSIX
def test_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "out.txt"
    link.symlink_to(tmp_path / "made.txt")
    write_new_atomic(link, "draft")
    assert link.is_symlink() and (tmp_path / "made.txt").read_text() == "draft"


@POSIX
@pytest.mark.parametrize("writer", [write_atomic, write_new_atomic])
def test_dev_null_is_written_in_place_and_stays_a_device(writer: object) -> None:
    before = os.stat("/dev/null")
    assert stat.S_ISCHR(before.st_mode)
    writer(Path("/dev/null"), "discarded\n")  # type: ignore[operator]
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode)
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


@POSIX
def test_a_fifo_is_written_in_place(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_atomic(fifo, "through the pipe\n")
    reader.join(10)
    assert got == [b"through the pipe\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_write_new_refuses_an_existing_file(tmp_path: Path) -> None:
    out = tmp_path / "draft.txt"
    out.write_text("keep me")
    with pytest.raises(FileExistsError):
        write_new_atomic(out, "other")
    assert out.read_text() == "keep me"


def test_a_folder_is_refused_and_untouched(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError):
        write_atomic(tmp_path, "x")
    assert list(tmp_path.iterdir()) == []


@POSIX
def test_a_read_only_file_is_refused_like_a_shell_redirect(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "frozen.csv"
    out.write_text("keep\n")
    out.chmod(0o444)
    if os.access(out, os.W_OK):  # root may write anything: ask as an ordinary user would
        real_access = os.access
        monkeypatch.setattr(os, "access", lambda p, mode: mode != os.W_OK and real_access(p, mode))
    with pytest.raises(PermissionError):
        write_atomic(out, "new\n")
    assert out.read_text() == "keep\n"
