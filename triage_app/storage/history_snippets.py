"""Search-hit snippets over a bounded window of each text, so no saved ticket makes a search slow.

FTS5's own snippet() compares every hit with every other one in the whole document: over a saved
1 MB log of repeated lines a 7-word search took 36 s. Here the text is cut into small chunks in a
private in-memory FTS5 table with the same tokenizer as the history index, and snippet() runs on
the first chunk that has a hit: the work grows with the text's length, and the snippet is the
same as FTS5's for any ticket shorter than one chunk.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence

CHUNK_CHARS = 2000
MAX_CHARS = 1_000_000  # the longest text looked at (tickets are capped when saved anyway)
TOKENS = 16  # words around the hits, as the History view always showed
ELLIPSIS = "…"
# Up to CHUNK_CHARS, ending before a space (a word is never cut), or a run of that many non-spaces.
_CHUNK = re.compile(rf"\S.{{0,{CHUNK_CHARS - 1}}}(?=\s|\Z)|\S{{{CHUNK_CHARS}}}", re.DOTALL)
_WORD = re.compile(r"\w+")


def quoted_words(search: str) -> list[str]:
    """User text -> FTS5 terms: every word quoted (no FTS syntax from the user), the last one as a
    prefix so results follow typing."""
    quoted = ['"' + w.replace('"', '""') + '"' for w in _WORD.findall(search)]
    if quoted:
        quoted[-1] += "*"
    return quoted


def any_word_query(search: str) -> str:
    """An FTS5 query matching a chunk with any of the words."""
    return " OR ".join(quoted_words(search))


class SnippetMaker:
    """Snippets for one search; holds its own in-memory database (one per thread)."""

    def __init__(self, search: str, start: str, end: str) -> None:
        self.query = any_word_query(search)
        self.start, self.end = start, end
        self._conn = sqlite3.connect(":memory:")
        # Same tokenizer as the history index (sqlite-utils enable_fts tokenize="porter").
        self._conn.execute("create virtual table chunks using fts5(body, tokenize='porter')")

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> SnippetMaker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def snippet(self, texts: Sequence[str | None]) -> str:
        """The snippet of the first of `texts` (columns in order of preference) with a hit."""
        if not self.query:
            return ""
        for text in texts:
            found = self._first_hit(text or "")
            if found:
                return found
        return ""

    def _first_hit(self, text: str) -> str:
        chunks = [(m.start(), m.group(0)) for m in _CHUNK.finditer(text, 0, MAX_CHARS)]
        if not chunks:
            return ""
        conn = self._conn
        try:
            conn.executemany(
                "insert into chunks(rowid, body) values (?, ?)",
                ((n, body) for n, (_, body) in enumerate(chunks)),
            )
            row = conn.execute(
                "select rowid, snippet(chunks, 0, ?, ?, ?, ?) from chunks where chunks match ? "
                "order by rowid limit 1",
                [self.start, self.end, ELLIPSIS, TOKENS, self.query],
            ).fetchone()
        finally:
            conn.execute("delete from chunks")
        if row is None:
            return ""
        n, snippet = row
        offset, body = chunks[n]
        # A chunk that is not the whole text gets the ellipsis FTS5 would have put there.
        if offset > 0 and not snippet.startswith(ELLIPSIS):
            snippet = ELLIPSIS + snippet
        if offset + len(body) < len(text.rstrip()) and not snippet.endswith(ELLIPSIS):
            snippet += ELLIPSIS
        return str(snippet)
