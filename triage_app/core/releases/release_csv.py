"""Release schedule CSV: parse and validate every row (file, line, field in each message), and export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

from triage_app.core.knowledge import kb_rules
from triage_app.core.releases.schedule import Release, parse_version, version_key
from triage_app.core.replies.csv_cells import safe_row, unquote_cell

REQUIRED_COLUMNS = ("product", "version", "release_date")
OPTIONAL_COLUMNS = ("name", "app_version", "support_months", "prerelease")
ALL_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
MAX_PROBLEMS = 50  # enough to fix a file in one go, without flooding the terminal
MAX_SUPPORT_MONTHS = kb_rules.MAX_SUPPORT_MONTHS

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRUE = {"true", "yes", "1", "y"}
_FALSE = {"false", "no", "0", "n", ""}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file, located by line and (when it applies) field."""

    source: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class ReleaseCsvError(ValueError):
    """The CSV was rejected; `problems` lists every problem found (up to MAX_PROBLEMS)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = str(problems[0]) if problems else "invalid release CSV"
        more = len(problems) - 1
        super().__init__(first + (f" (and {more} more problem{'s' * (more > 1)})" if more else ""))


def parse_release_csv(data: bytes, source: str = "releases.csv") -> list[Release]:
    """Decode and validate a whole release CSV; raise ReleaseCsvError if any row is wrong."""
    if b"\x00" in data[:8192]:
        raise ReleaseCsvError([Problem(source, 1, "", "binary data, not a CSV text file")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ReleaseCsvError(
            [
                Problem(
                    source, line, "", f"not UTF-8 text (byte {exc.start}); save the file as UTF-8"
                )
            ]
        ) from None
    return parse_release_text(text, source)


def parse_release_text(text: str, source: str = "releases.csv") -> list[Release]:
    """Validate already decoded CSV text; raise ReleaseCsvError listing the problems."""
    nul = text.find("\x00")
    if nul != -1:  # anywhere, not only in the part the binary check above looks at
        line = text.count("\n", 0, nul) + 1
        raise ReleaseCsvError([Problem(source, line, "", "a NUL character: not a CSV text file")])
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header_row = next(reader, None)
    except csv.Error as exc:
        raise ReleaseCsvError([Problem(source, 1, "", f"malformed CSV ({exc})")]) from None
    if header_row is None or not any(c.strip() for c in header_row):
        raise ReleaseCsvError(
            [Problem(source, 1, "", f"empty file; expected the header {','.join(ALL_COLUMNS)}")]
        )
    header = [c.strip().lower() for c in header_row]
    for col in header:
        if col not in ALL_COLUMNS:
            problems.append(
                Problem(
                    source,
                    1,
                    col or "(empty)",
                    f"unknown column; allowed: {', '.join(ALL_COLUMNS)}",
                )
            )
    for col in sorted({c for c in header if header.count(c) > 1}):
        problems.append(Problem(source, 1, col, "column appears more than once"))
    for col in REQUIRED_COLUMNS:
        if col not in header:
            problems.append(Problem(source, 1, col, "required column is missing"))
    if problems:
        raise ReleaseCsvError(problems)

    releases: list[Release] = []
    seen: dict[tuple[str, tuple[object, ...]], int] = {}
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(source, reader.line_num, "", f"malformed CSV ({exc})"))
            break
        line = reader.line_num
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            problems.append(
                Problem(source, line, "", f"{len(row)} fields, but the header has {len(header)}")
            )
        else:
            cells = dict(zip(header, (unquote_cell(c) for c in row), strict=True))
            release = _parse_row(cells, source, line, problems)
            if release is not None:
                ident = (release.product, release.key)
                if ident in seen:
                    problems.append(
                        Problem(
                            source,
                            line,
                            "version",
                            f"duplicate: {release.product} {release.version} "
                            f"is already on line {seen[ident]}",
                        )
                    )
                else:
                    seen[ident] = line
                    releases.append(release)
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        raise ReleaseCsvError(problems)
    if not releases:
        raise ReleaseCsvError([Problem(source, 1, "", "no releases: the file has only a header")])
    return releases


def _parse_row(
    row: dict[str, str], source: str, line: int, problems: list[Problem]
) -> Release | None:
    before = len(problems)

    def bad(field: str, message: str) -> None:
        problems.append(Problem(source, line, field, message))

    product = " ".join(row["product"].split()).lower()
    if not product:
        bad("product", "empty")
    version = row["version"].strip()
    parsed = parse_version(version) if version else None
    if not version:
        bad("version", "empty")
    elif parsed is None:
        bad(
            "version",
            f"not a version number: {kb_rules.shown(version)} (expected e.g. 1.2.0 or 2025.6.12)",
        )
    raw_date = row["release_date"].strip()
    release_date: dt.date | None = None
    if not raw_date:
        bad("release_date", "empty")
    else:
        try:
            if not _ISO_DATE.match(raw_date):
                raise ValueError
            release_date = dt.date.fromisoformat(raw_date)
        except ValueError:
            bad("release_date", f"not a date (YYYY-MM-DD): {kb_rules.shown(raw_date)}")
    name = " ".join(row.get("name", "").split())
    app_version = row.get("app_version", "").strip()
    if app_version and parse_version(app_version) is None:
        bad("app_version", f"not a version number: {kb_rules.shown(app_version)}")
    months: int | None = None
    raw_months = row.get("support_months", "").strip()
    if raw_months:
        try:
            months = kb_rules.support_months(raw_months)
        except kb_rules.KbValueError:
            bad(
                "support_months",
                f"not a whole number of months from 1 to {MAX_SUPPORT_MONTHS}: "
                f"{kb_rules.shown(raw_months)}",
            )
    raw_pre = row.get("prerelease", "").strip().lower()
    if raw_pre in _TRUE:
        prerelease = True
    elif raw_pre in _FALSE:
        # Left empty: a version like 3.0.0rc1 says it itself.
        prerelease = bool(parsed and parsed.is_prerelease) if not raw_pre else False
    else:
        bad("prerelease", f"expected true or false: {kb_rules.shown(raw_pre)}")
        prerelease = False
    if len(problems) > before or release_date is None:
        return None
    return Release(product, version, release_date, name, app_version, prerelease, months)


def export_release_csv(releases: Iterable[Release]) -> str:
    """The schedule as CSV text in the import format (all columns), ordered by product and version."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ALL_COLUMNS)
    for r in sorted(releases, key=lambda r: (r.product, version_key(r.version))):
        writer.writerow(
            safe_row(
                [
                    r.product,
                    r.version,
                    r.release_date.isoformat(),
                    r.name,
                    r.app_version,
                    "" if r.support_months is None else str(r.support_months),
                    "true" if r.prerelease else "false",
                ]
            )
        )
    return out.getvalue()
