"""Storage errors: the environment's fault (tell the user) versus a database that is not ours."""

from __future__ import annotations

from pathlib import Path


class StorageError(Exception):
    """Base class: something about the knowledge base the user must be told about."""


class DatabaseLocked(StorageError):
    """Another process holds a lock longer than the busy timeout."""


class DatabaseReadOnly(StorageError):
    """The data folder or database file cannot be written."""


class DiskProblem(StorageError):
    """The disk is full, or reading/writing the file failed (an I/O error)."""


class DatabaseCorrupt(StorageError):
    """A damaged page was found while reading or writing (the open only checks the schema, cheaply)."""


class DatabaseTooNew(StorageError):
    """The file was written by a newer triage-app (unknown migrations)."""


class ValidationError(StorageError):
    """Input to a write was rejected; nothing was written. `where` names file:line or field."""

    def __init__(self, message: str, where: str = "") -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where
        self.detail = message


class MovedAside(StorageError):
    """Not raised: a notice that a corrupt/foreign file was moved aside and a fresh one created."""

    def __init__(self, original: Path, moved_to: Path, reason: str) -> None:
        super().__init__(
            f"The knowledge base {original} could not be used ({reason}). "
            f"It was kept as {moved_to} and a fresh one was created."
        )
        self.original = original
        self.moved_to = moved_to
        self.reason = reason
