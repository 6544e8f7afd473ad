"""Plain sqlite3 reads for the start-up path, so opening the knowledge base does not import sqlite-utils."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any, Protocol


class Queryable(Protocol):
    """What the read functions of the repositories use: sqlite-utils' Database or a Reader."""

    conn: sqlite3.Connection

    def query(self, sql: str, params: Any = None, /) -> Iterator[dict[str, Any]]: ...

    def execute(self, sql: str, parameters: Any = None, /) -> sqlite3.Cursor: ...

    def table_names(self) -> list[str]: ...


class Reader:
    """The read half of sqlite-utils' Database (query, execute, table_names) on one connection.

    Importing sqlite-utils costs about 40 ms and 13 MB (click, dateutil, pluggy); start-up, the
    engine's inputs and the read-only commands need none of it. Writes still go through sqlite-utils.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def query(self, sql: str, params: Any = None, /) -> Iterator[dict[str, Any]]:
        """Rows as dicts; the statement runs now (as in sqlite-utils), the rows come as iterated."""
        cursor = self.conn.execute(sql, params or [])
        keys = [d[0] for d in cursor.description or ()]
        return (dict(zip(keys, row, strict=True)) for row in cursor)

    def execute(self, sql: str, parameters: Any = None, /) -> sqlite3.Cursor:
        return self.conn.execute(sql, parameters or [])

    def table_names(self) -> list[str]:
        return [
            r[0] for r in self.conn.execute("select name from sqlite_master where type = 'table'")
        ]
