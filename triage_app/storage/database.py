"""Open the knowledge base: create, migrate, and move a corrupt or foreign file aside (never delete it)."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from triage_app.storage.errors import (
    DatabaseCorrupt,
    DatabaseLocked,
    DatabaseReadOnly,
    DatabaseTooNew,
    DiskProblem,
    MovedAside,
    StorageError,
)
from triage_app.storage.migrations import APP_ID, COMPACT_AFTER, MIGRATIONS, Migration
from triage_app.storage.reader import Queryable, Reader

if TYPE_CHECKING:
    from sqlite_utils import Database

BUSY_TIMEOUT_S = 5.0
# A save that waited the whole busy timeout for another writer is tried this many times in all.
LOCKED_ATTEMPTS = 3
LOCKED_PAUSE_S = 0.5
PAGE_SIZE = 16384

_T = TypeVar("_T")


@dataclass
class KnowledgeBase:
    """An open knowledge base; `lock` serialises use of the one connection across threads."""

    conn: sqlite3.Connection
    path: Path | None
    notices: list[StorageError] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock)
    read_only: bool = False
    _db: Database | None = field(default=None, repr=False)

    @property
    def db(self) -> Database:
        """sqlite-utils on the connection, for writes and everything else; built on first use,
        because its import (~40 ms, 13 MB) is most of what opening the file would cost."""
        if self._db is None:
            with self.lock:
                if self._db is None:
                    self._db = _wrap(self.conn)
        return self._db

    @property
    def reader(self) -> Queryable:
        """Plain reads on the same connection (start-up, the engine's inputs, read-only commands)."""
        return self._db if self._db is not None else Reader(self.conn)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Database]:
        """One user action = one transaction; errors roll everything back."""
        if self.read_only:
            # Refused before any SQL, so every writer gets the same plain message.
            raise DatabaseReadOnly(
                f"The knowledge base {self.path} is open read-only this session: "
                "the change was not saved."
            )
        with self.lock:
            try:
                with write_transaction(self.db):
                    yield self.db
            except (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError):
                raise  # our bug (a constraint, a bad statement): crash loudly, do not dress it up
            except sqlite3.DatabaseError as exc:
                # The environment's fault: locked, read-only, disk full, or a damaged page that the
                # cheap check at open does not read (OperationalError is a DatabaseError too).
                raise translate_error(exc) from exc

    def meta(self, key: str) -> str | None:
        rows = list(self.reader.query("select value from meta where key = ?", [key]))
        return rows[0]["value"] if rows else None

    def applied_migrations(self) -> list[str]:
        return [r["name"] for r in self.reader.query("select name from migrations order by id")]

    def close(self) -> None:
        with self.lock:
            self.conn.close()


def retry_when_locked(action: Callable[[], _T], attempts: int = LOCKED_ATTEMPTS) -> _T:
    """Run `action` (one whole transaction, so a failed try left nothing); when another writer
    held the lock past the busy timeout, try again, so a save waits instead of being lost.
    Not for the GUI thread: it can wait attempts x the busy timeout."""
    for attempt in range(1, attempts + 1):
        try:
            return action()
        except DatabaseLocked:
            if attempt == attempts:
                raise
            time.sleep(LOCKED_PAUSE_S)
    raise AssertionError("unreachable")


@contextlib.contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """A transaction that takes the write lock up front (BEGIN IMMEDIATE); nested, a savepoint.

    Why not sqlite-utils' atomic(): its deferred BEGIN starts as a reader, and when another
    triage-app commits before this one's first write, SQLite fails the write at once with
    "database is locked" (a stale snapshot cannot wait). BEGIN IMMEDIATE waits, up to the busy
    timeout, for the other writer instead.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.rollback()
        raise
    try:
        db.execute("COMMIT")
    except BaseException:
        if db.conn.in_transaction:
            db.conn.rollback()
        raise


# SQLite's primary result codes (exc.sqlite_errorcode & 0xff) that open_knowledge_base tells apart.
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR, SQLITE_CORRUPT = 5, 6, 8, 10, 11
SQLITE_CANTOPEN, SQLITE_NOTADB = 14, 26


def _code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def translate_error(exc: sqlite3.Error, path: Path | None = None) -> StorageError:
    """Turn sqlite3's errors into ours so callers can tell the user what happened."""
    msg = str(exc).lower()
    code = _code(exc)
    if code in (SQLITE_BUSY, SQLITE_LOCKED) or "locked" in msg or "busy" in msg:
        if path is not None:
            return DatabaseLocked(f"The knowledge base {path} is locked by another program.")
        return DatabaseLocked(
            "The knowledge base is busy (another triage-app is writing). Try again."
        )
    if code == SQLITE_CANTOPEN or "unable to open" in msg:
        where = f" {path}" if path is not None else ""
        return DatabaseReadOnly(
            f"The knowledge base{where} cannot be opened ({exc}): check that it is a file "
            "you may read and write."
        )
    if code == SQLITE_READONLY or "readonly" in msg or "read-only" in msg:
        where = f" {path}" if path is not None else ""
        return DatabaseReadOnly(f"The knowledge base{where} cannot be written: {exc}")
    if "disk" in msg and "full" in msg:
        return DiskProblem("The disk is full: the change was not saved.")
    if code == SQLITE_IOERR or "disk i/o error" in msg:
        where = f" {path}" if path is not None else ""
        return DiskProblem(
            f"The knowledge base{where} cannot be written ({exc}): is the disk full?"
        )
    if "malformed" in msg or "not a database" in msg or "corrupt" in msg:
        return DatabaseCorrupt(
            f"The knowledge base file is damaged ({exc}): the change was not saved. "
            "Export what you need (kb export, history export), then move the file aside; "
            "triage-app creates a fresh one at the next start."
        )
    if path is not None:
        return StorageError(f"The knowledge base {path} cannot be used: {exc}")
    return StorageError(f"Database error: {exc}")


def _wrap(conn: sqlite3.Connection) -> Database:
    return _sqlite_utils().Database(conn, execute_plugins=False)


# Held while sqlite-utils is imported with numpy hidden; a thread importing numpy takes it too.
IMPORT_GUARD = threading.Lock()


def _sqlite_utils() -> Any:
    """sqlite-utils, imported without numpy. When numpy is installed (the verdict model's
    training needs it) sqlite-utils imports it at import time, only to store numpy scalars, which
    we never pass: 50 ms and 15 MB on the first write of every session. Hidden for that one
    import; whoever imports numpy later (training) gets it as usual."""
    import sys

    with IMPORT_GUARD:
        if "sqlite_utils" in sys.modules or "numpy" in sys.modules:
            import sqlite_utils

            return sqlite_utils
        sys.modules["numpy"] = None  # type: ignore[assignment]  # makes `import numpy` fail
        try:
            import sqlite_utils
        finally:
            del sys.modules["numpy"]
        return sqlite_utils


def _connect(
    path: Path | None, read_only: bool = False, immutable: bool = False
) -> sqlite3.Connection:
    """A connection, or a StorageError naming the path (a folder, no permission, ...).

    `immutable` (read-only only) reads without the WAL's -shm file, for a knowledge base in a
    folder this user cannot write (a shared team KB) or on a full disk, where it cannot be made.
    """
    try:
        if path is None:
            conn = sqlite3.connect(":memory:", check_same_thread=False)
        elif read_only:
            # A URI, percent-encoded, so a path with '?' or '#' in it stays one path.
            conn = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro{'&immutable=1' if immutable else ''}",
                uri=True,
                timeout=BUSY_TIMEOUT_S,
                check_same_thread=False,
            )
        else:
            conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, check_same_thread=False)
    except sqlite3.Error as exc:
        raise translate_error(exc, path) from exc
    # The history's search index reads and writes drafts through it (history_packing), imported
    # on the first call: its dictionaries are 2 ms of start-up, which only reads the policy.
    conn.create_function(SQL_TEXT, 1, _unpack_text, deterministic=True)
    return conn


SQL_TEXT = "triage_text"  # history_packing.SQL_TEXT (tests/storage/test_history_packed.py)


def _unpack_text(value: Any) -> Any:
    from triage_app.storage.history_packing import unpack_text

    return unpack_text(value)


def _is_ours(db: Queryable) -> bool:
    """True for a new empty file or one with our meta marker; raises sqlite3.DatabaseError if corrupt.

    This is the whole check at open, and it is cheap on purpose: reading sqlite_master and the meta
    table fails on a file that is not a database or whose schema is damaged. A full integrity check
    (pragma quick_check) reads every page, which grows with the history (150 ms at 100,000 rows) and
    start-up must not; a damaged page found later is reported by KnowledgeBase.transaction.
    """
    tables = db.table_names()
    if not tables:
        return True
    if "meta" not in tables:
        return False
    rows = list(db.query("select value from meta where key = 'app'"))
    return bool(rows) and rows[0]["value"] == APP_ID


def _move_aside(path: Path, reason: str) -> MovedAside:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.{reason.split()[0]}-{stamp}{path.suffix}")
    n = 1
    while target.exists():
        target = path.with_name(f"{path.stem}.{reason.split()[0]}-{stamp}-{n}{path.suffix}")
        n += 1
    try:
        os.replace(path, target)
        for suffix in ("-wal", "-shm", "-journal"):
            side = path.with_name(path.name + suffix)
            if side.exists():
                os.replace(side, target.with_name(target.name + suffix))
    except OSError as exc:
        raise DatabaseCorrupt(
            f"The knowledge base {path} cannot be used ({reason}) and could not be moved aside "
            f"({exc}). Move it away yourself; triage-app creates a fresh one at the next start."
        ) from exc
    return MovedAside(path, target, reason)


def migrate(db: Database, migrations: list[Migration] | None = None) -> list[str]:
    """Apply the migrations not yet applied, each in one transaction; return their names."""
    migrations = MIGRATIONS if migrations is None else migrations
    applied = _applied(db)
    known = {name for name, _ in migrations}
    unknown = applied - known
    if unknown:
        raise DatabaseTooNew(
            "This knowledge base was written by a newer triage-app "
            f"(unknown migrations: {', '.join(sorted(unknown))}). Update triage-app to open it."
        )
    done: list[str] = []
    for name, apply in migrations:
        if name in applied:
            continue
        # Another instance may be migrating the same file right now: take the write lock, then look
        # again, so each migration is applied exactly once. The bookkeeping table is created in the
        # same transaction as the first migration, so no instance ever sees it alone (and takes the
        # file for a foreign one).
        with write_transaction(db):
            if name in _applied(db):
                continue
            db.execute(_CREATE_MIGRATIONS)
            apply(db)
            db.table("migrations").insert(
                {"name": name, "applied_at": dt.datetime.now().isoformat()}
            )
        done.append(name)
    return done


_CREATE_MIGRATIONS = (
    "create table if not exists migrations (id integer primary key, name text, applied_at text)"
)


def _applied(db: Queryable) -> set[str]:
    if "migrations" not in db.table_names():
        return set()
    return {r["name"] for r in db.query("select name from migrations")}


def open_knowledge_base(
    path: Path | None, read_only: bool = False, or_read_only: bool = False
) -> KnowledgeBase:
    """Open (creating and migrating if needed) the knowledge base at `path`; None means in memory.

    Default data (policy, vocabulary, releases, templates) is seeded by the migrations themselves,
    so an older knowledge base gains the defaults of a new area when it is migrated.

    A corrupt file or one that is not ours is moved aside with a timestamp and a fresh one is
    created; the notice is in `kb.notices` so the caller can tell the user where it went.

    `or_read_only`: when the file cannot be written (read-only file or folder, full disk), open it
    read-only instead, with a notice, so everything that only reads still works.
    """
    if or_read_only and not read_only and path is not None:
        try:
            return open_knowledge_base(path)
        except (DatabaseReadOnly, DiskProblem) as exc:
            if not path.is_file():
                raise
            kb = open_knowledge_base(path, read_only=True)
            kb.notices.insert(
                0,
                DatabaseReadOnly(
                    f"{str(exc).rstrip('.')}. It is open read-only: everything that reads works; "
                    "new history and edits are not saved this session."
                ),
            )
            return kb
    if read_only and path is not None:
        return _open_read_only(path)
    notices: list[StorageError] = []
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseReadOnly(f"Cannot create the data folder {path.parent}: {exc}") from exc
    conn = _connect(path, read_only)
    try:
        ours = _is_ours(Reader(conn))
    except sqlite3.DatabaseError as exc:
        if not _is_corrupt(exc):
            # Locked, busy, I/O, permissions: the environment's fault, and the file may be fine.
            # Never move it aside for that; tell the user, naming the file.
            conn.close()
            raise translate_error(exc, path) from exc
        ours = None  # corrupt
    if not ours:
        conn.close()
        assert path is not None  # an in-memory database is never corrupt or foreign
        notices.append(_move_aside(path, "corrupt" if ours is None else "foreign file"))
        conn = _connect(path)
    if read_only:
        return KnowledgeBase(conn, path, notices, read_only=True)
    kb = KnowledgeBase(conn, path, notices)
    try:
        reader = Reader(conn)
        if path is not None:
            if not reader.table_names():
                # A new file: 16 KB pages hold seven or eight saved triages each where 4 KB pages
                # held one (a row is about 2 KB, so a 4 KB page was half empty); existing files
                # keep the page size they were made with.
                conn.execute(f"pragma page_size={PAGE_SIZE}")
            conn.execute("pragma journal_mode=wal")
        conn.execute(f"pragma busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
        conn.execute("pragma foreign_keys=on")
        if _applied(reader) != {name for name, _ in MIGRATIONS}:
            done = migrate(kb.db)  # only a new or older file needs sqlite-utils at open
            if path is not None and COMPACT_AFTER.intersection(done):
                _compact(conn)
    except (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError):
        conn.close()
        raise
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise translate_error(exc, path) from exc
    except BaseException:
        conn.close()
        raise
    return kb


def _compact(conn: sqlite3.Connection) -> None:
    """Give back the space a migration freed: it shrank rows in place, which leaves pages part
    empty that new rows never fill (100,000 triages: 300 MB stayed 300 MB; 185 MB after this,
    in half a second). Best effort: on a full disk or while another instance reads, the file is
    just as good, only bigger."""
    with contextlib.suppress(sqlite3.DatabaseError):
        conn.execute("vacuum")
        # Vacuum rewrote the whole file through the WAL: hand that space back too, now, rather
        # than when the last connection closes (the window keeps its own all session).
        conn.execute("pragma wal_checkpoint(truncate)")


def _open_read_only(path: Path) -> KnowledgeBase:
    """Open for reading only; without the -shm file when it cannot be made (unwritable folder,
    full disk). Never moves the file aside: a file we may not change is not ours to repair."""
    last: sqlite3.DatabaseError | None = None
    for immutable in (False, True):
        conn = _connect(path, read_only=True, immutable=immutable)
        try:
            ours = _is_ours(Reader(conn))
        except sqlite3.DatabaseError as exc:
            conn.close()
            if _is_corrupt(exc):
                break
            last = exc
            continue
        if not ours:
            conn.close()
            break
        return KnowledgeBase(conn, path, [], read_only=True)
    else:
        assert last is not None
        raise translate_error(last, path) from last
    raise StorageError(f"The knowledge base {path} is damaged and cannot be opened.")


def _is_corrupt(exc: sqlite3.DatabaseError) -> bool:
    """Only a damaged file or one that is not a database is moved aside (SQLITE_CORRUPT/NOTADB)."""
    code = _code(exc)
    if code is not None:
        return code in (SQLITE_CORRUPT, SQLITE_NOTADB)
    msg = str(exc).lower()
    return "malformed" in msg or "not a database" in msg
