"""Release CSV: every row validated with file, line and field in the message; export round-trips."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from triage_app.core.releases.release_csv import (
    ReleaseCsvError,
    export_release_csv,
    parse_release_csv,
)

DATA = Path(__file__).parents[2] / "data"
HEADER = "product,version,release_date,name,app_version,support_months,prerelease\n"


def parse(text: str) -> list:
    return parse_release_csv(text.encode("utf-8"), "cm.csv")


def error(data: bytes | str) -> ReleaseCsvError:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with pytest.raises(ReleaseCsvError) as info:
        parse_release_csv(raw, "cm.csv")
    return info.value


def test_minimal_header_and_optional_columns() -> None:
    rows = parse("product,version,release_date\nCustomer-Managed,0.8.2,2025-11-17\n")
    assert rows[0].product == "customer-managed"
    assert rows[0].release_date == dt.date(2025, 11, 17)
    assert rows[0].prerelease is False and rows[0].support_months is None
    full = parse(HEADER + "customer-managed,1.2.0,2026-01-12,January 2026,3.4.7,9,false\n")[0]
    assert (full.name, full.app_version, full.support_months) == ("January 2026", "3.4.7", 9)


def test_columns_in_any_order_and_prerelease_inferred_from_the_version() -> None:
    rows = parse("release_date,version,product\n2026-03-30,1.3.0rc1,customer-managed\n")
    assert rows[0].version == "1.3.0rc1" and rows[0].prerelease is True


def test_shipped_and_example_schedules_are_valid() -> None:
    shipped = parse_release_csv(
        (Path(__file__).parents[3] / "resources" / "prefect_releases.csv").read_bytes()
    )
    assert {r.product for r in shipped} == {"prefect", "prefect-helm"}
    assert len(shipped) == 449
    example = parse_release_csv((DATA / "customer_managed_releases.csv").read_bytes())
    assert {r.version for r in example} >= {"0.4.2", "0.5.2", "0.6.1", "0.7.0", "0.8.2", "1.2.0"}


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        (
            HEADER + "customer-managed,0.8.2,2025-13-01,,,,\n",
            "cm.csv:2: release_date",
            "not a date",
        ),
        (
            HEADER + "customer-managed,0.8.2,17/11/2025,,,,\n",
            "cm.csv:2: release_date",
            "YYYY-MM-DD",
        ),
        (HEADER + "customer-managed,0.8.2,20251117,,,,\n", "cm.csv:2: release_date", "not a date"),
        (HEADER + "customer-managed,0.8.2,,,,,\n", "cm.csv:2: release_date", "empty"),
        (HEADER + "customer-managed,,2025-11-17,,,,\n", "cm.csv:2: version", "empty"),
        (HEADER + "customer-managed,latest,2025-11-17,,,,\n", "cm.csv:2: version", "not a version"),
        (HEADER + ",0.8.2,2025-11-17,,,,\n", "cm.csv:2: product", "empty"),
        (HEADER + "customer-managed,0.8.2,2025-11-17,,,six,\n", "cm.csv:2: support_months", ""),
        (HEADER + "customer-managed,0.8.2,2025-11-17,,,0,\n", "cm.csv:2: support_months", ""),
        (HEADER + "customer-managed,0.8.2,2025-11-17,,,,maybe\n", "cm.csv:2: prerelease", ""),
        (HEADER + "customer-managed,0.8.2,2025-11-17,,x.y,,\n", "cm.csv:2: app_version", ""),
        (HEADER + "customer-managed,0.8.2,2025-11-17\n", "cm.csv:2", "3 fields"),
        ("product,version,release_date,colour\n", "cm.csv:1: colour", "unknown column"),
        ("product,version,name\n", "cm.csv:1: release_date", "required column is missing"),
        ("product,version,version,release_date\n", "cm.csv:1: version", "more than once"),
        ("", "cm.csv:1", "empty file"),
        (HEADER, "cm.csv:1", "only a header"),
    ],
)
def test_each_bad_input_names_file_line_and_field(text: str, where: str, words: str) -> None:
    message = str(error(text))
    assert message.startswith(where), message
    assert words in message


def test_duplicates_are_found_even_when_spelled_differently() -> None:
    exc = error(
        "product,version,release_date\n"
        "prefect-helm,2023.2.16,2023-02-16\n"
        "prefect-helm,2023.02.16,2023-02-16\n"
        "Prefect-Helm,2023.2.16,2023-02-16\n"
    )
    assert [p.line for p in exc.problems] == [3, 4]
    assert "duplicate" in str(exc.problems[0]) and "line 2" in str(exc.problems[0])


def test_every_row_is_checked_not_just_the_first_bad_one() -> None:
    exc = error(
        "product,version,release_date\n"
        "customer-managed,0.8.2,2025-02-30\n"
        "customer-managed,0.8.3,2025-11-17\n"
        "customer-managed,,2025-11-17\n"
    )
    assert [(p.line, p.field) for p in exc.problems] == [(2, "release_date"), (4, "version")]
    assert "and 1 more problem" in str(exc)


def test_line_numbers_count_quoted_newlines_and_blank_lines() -> None:
    exc = error(
        "product,version,release_date,name\n"
        '"customer-managed",0.8.2,2025-11-17,"two\nlines"\n'
        "\n"
        "customer-managed,0.8.3,not-a-date,x\n"
    )
    assert exc.problems[0].line == 5


def test_wrong_encoding_and_binary_are_refused() -> None:
    latin1 = (HEADER + "customer-managed,0.8.2,2025-11-17,Février,,,\n").encode("latin-1")
    message = str(error(latin1))
    assert message.startswith("cm.csv:2: not UTF-8")
    assert str(error(b"\x00\x01\x02binary")).startswith("cm.csv:1: binary")
    # a UTF-8 byte-order mark (Excel) is fine
    assert parse_release_csv(("\ufeff" + HEADER + "cm,1.0.0,2025-01-01,,,,\n").encode())[0]


def test_export_round_trips() -> None:
    original = parse_release_csv((DATA / "customer_managed_releases.csv").read_bytes())
    text = export_release_csv(original)
    assert text.splitlines()[0] == HEADER.strip()
    again = parse_release_csv(text.encode("utf-8"))
    assert sorted(again, key=lambda r: r.version) == sorted(original, key=lambda r: r.version)
    # ordered by version, not by text: 0.10.0 after 0.9.0
    ordered = export_release_csv(
        parse("product,version,release_date\nx,0.10.0,2025-01-01\nx,0.9.0,2024-01-01\n")
    )
    assert ordered.splitlines()[1].startswith("x,0.9.0")
