"""Support windows, version ordering, latest release and the Customer-Managed upgrade path."""

from __future__ import annotations

import datetime as dt

import pytest

from triage_app.core.releases.schedule import (
    ENDING_SOON,
    PRERELEASE,
    SUPPORTED,
    UNKNOWN,
    UNSUPPORTED,
    Release,
    Schedule,
    add_months,
    parse_version,
    support_window,
    version_key,
)

D = dt.date.fromisoformat


def cm(version: str, day: str, name: str = "", prerelease: bool = False) -> Release:
    return Release("customer-managed", version, D(day), name, prerelease=prerelease)


CM = (
    cm("0.4.2", "2024-11-18"),
    cm("0.5.0", "2025-01-13"),
    cm("0.5.2", "2025-02-17"),
    cm("0.6.1", "2025-05-05"),
    cm("0.7.0", "2025-07-14"),
    cm("0.8.0", "2025-10-13", "October 2025"),
    cm("0.8.2", "2025-11-17", "October 2025"),
    cm("1.2.0", "2026-01-12", "January 2026"),
    cm("1.2.1", "2026-02-02", "January 2026"),
    cm("1.3.0rc1", "2026-03-30", prerelease=True),
)


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        ("2025-08-31", 6, "2026-02-28"),  # the example in the issue
        ("2023-08-31", 6, "2024-02-29"),  # leap year: clamp to the 29th
        ("2024-02-29", 12, "2025-02-28"),  # from a leap day into a common year
        ("2024-02-29", 48, "2028-02-29"),
        ("2025-01-31", 1, "2025-02-28"),
        ("2025-03-31", 1, "2025-04-30"),
        ("2025-07-15", 6, "2026-01-15"),  # crosses the year
        ("2025-12-31", 12, "2026-12-31"),
        ("2025-05-10", 0, "2025-05-10"),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(start: str, months: int, end: str) -> None:
    assert add_months(D(start), months) == D(end)


def test_supported_on_the_last_day_and_unsupported_the_day_after() -> None:
    r = cm("0.8.0", "2025-08-31")
    last = support_window(r, D("2026-02-28"))
    assert last.supported_until == D("2026-02-28")
    assert last.days_left == 0
    assert last.status == ENDING_SOON  # still supported, with 0 days left
    after = support_window(r, D("2026-03-01"))
    assert after.status == UNSUPPORTED
    assert after.days_left == -1


def test_ending_soon_threshold_is_inclusive_and_configurable() -> None:
    r = cm("0.8.0", "2025-08-31")  # supported until 2026-02-28
    assert support_window(r, D("2026-01-29")).status == ENDING_SOON  # 30 days left
    assert support_window(r, D("2026-01-28")).status == SUPPORTED  # 31 days left
    assert support_window(r, D("2026-01-28"), ending_soon_days=31).status == ENDING_SOON
    assert support_window(r, D("2026-02-27"), ending_soon_days=0).status == SUPPORTED
    assert support_window(r, D("2026-02-28"), ending_soon_days=0).status == ENDING_SOON


def test_duration_comes_from_the_policy_or_the_release() -> None:
    r = cm("0.8.0", "2025-08-31")
    assert support_window(r, D("2026-03-01"), default_months=12).status == SUPPORTED
    assert support_window(r, D("2026-03-01"), default_months=12).supported_until == D("2026-08-31")
    own = Release("customer-managed", "0.8.1", D("2025-08-31"), support_months=3)
    assert support_window(own, D("2025-01-01"), default_months=12).supported_until == D(
        "2025-11-30"
    )


def test_prerelease_is_never_supported() -> None:
    r = cm("1.3.0rc1", "2026-03-30", prerelease=True)
    s = support_window(r, D("2026-04-01"))
    assert (s.status, s.supported_until, s.days_left) == (PRERELEASE, None, None)


@pytest.mark.parametrize(
    "ordered",
    [
        ["3.0.0rc1", "3.0.0rc2", "3.0.0rc10", "3.0.0", "3.0.1", "3.0.10", "3.1.0"],
        ["2.0a1", "2.0b11", "2.0rc1", "2.0.0", "2.0.1.post1", "2.1.0"],
        ["1.0.dev1", "1.0a1", "1.0"],
        ["2.19.0", "2.20.0", "3.0.0"],
        ["2023.02.16", "2023.12.6", "2024.5.23194919", "2024.5.29222000", "2026.7.23210422"],
        ["2025.6.11195951", "2025.6.12", "2025.6.23185650"],  # a customer's short chart version
        ["2026.8.7211611", "2026.8.12210735"],  # 7-digit and 8-digit day+time parts
    ],
)
def test_version_ordering(ordered: list[str]) -> None:
    assert sorted(reversed(ordered), key=version_key) == ordered


def test_version_equality_and_unparseable_text() -> None:
    assert version_key("3.0") == version_key("3.0.0") == version_key("v3.0.0")
    assert version_key("2023.02.16") == version_key("2023.2.16")
    assert parse_version("3.0.0rc1") is not None and parse_version("3.0.0rc1").is_prerelease
    for junk in ("", "abc", "3..1", "1.2.3-python3.12", "x.y"):
        assert parse_version(junk) is None
    assert version_key("zzz") > version_key("999.0")  # junk sorts last instead of raising


def test_release_lines() -> None:
    assert parse_version("3.4.7").line == (3, 4)
    assert parse_version("2.0b11").line == (2, 0)
    assert parse_version("2026.7.23210422").line == (2026, 7)


def test_exact_release_and_nearest_of_the_same_line() -> None:
    s = Schedule(CM)
    today = D("2026-03-01")
    exact = s.status("customer-managed", "0.8.2", today)
    assert exact.release is not None and exact.release.version == "0.8.2" and exact.note == ""
    near = s.status("customer-managed", "0.8.1", today)
    assert near.release is not None and near.release.version == "0.8.0"
    assert "nearest" in near.note and "0.8.0" in near.note
    # below every release of the line: the oldest of the line
    assert s.nearest("customer-managed", "0.5.0a1").version == "0.5.0"
    unknown = s.status("customer-managed", "0.9.0", today)
    assert (unknown.status, unknown.release) == (UNKNOWN, None)
    assert s.status("nope", "1.0.0", today).status == UNKNOWN
    assert s.status(None, "1.0.0", today).status == UNKNOWN


def test_latest_and_latest_supported() -> None:
    s = Schedule(CM)
    assert s.latest("customer-managed", D("2026-03-01")).version == "1.2.1"
    assert s.latest("customer-managed", D("2026-01-20")).version == "1.2.0"  # 1.2.1 not out yet
    assert s.latest("customer-managed", D("2026-04-30")).version == "1.2.1"  # rc is not final
    assert s.latest_supported("customer-managed", D("2026-03-01")).version == "1.2.1"
    assert s.latest_supported("customer-managed", D("2030-01-01")) is None


def test_customer_managed_upgrade_path_is_one_release_line_at_a_time() -> None:
    s = Schedule(CM)
    start = s.find("customer-managed", "0.4.2")
    assert s.upgrade_path(start, D("2026-03-01")) == ("0.5.2", "0.6.1", "0.7.0", "0.8.2", "1.2.1")
    assert s.upgrade_path(s.find("customer-managed", "0.8.0"), D("2026-03-01")) == ("1.2.1",)
    assert s.upgrade_path(s.find("customer-managed", "1.2.1"), D("2026-03-01")) == ()
    # on an earlier date, the later releases are not out yet
    assert s.upgrade_path(start, D("2025-06-01")) == ("0.5.2", "0.6.1")


def test_other_products_upgrade_straight_to_the_latest() -> None:
    s = Schedule(
        (
            Release("prefect", "3.4.7", D("2025-06-26")),
            Release("prefect", "3.5.0", D("2025-10-01")),
            Release("prefect", "3.6.0", D("2025-11-01")),
        )
    )
    assert s.upgrade_path(s.find("prefect", "3.4.7"), D("2026-01-01")) == ("3.6.0",)


def test_status_report_dict_shape() -> None:
    report = Schedule(CM).status("customer-managed", "0.7.0", D("2026-03-01"))
    d = report.to_dict()
    assert d["release"] == "0.7.0"
    assert d["release_date"] == "2025-07-14"
    assert d["supported_until"] == "2026-01-14"
    assert d["status"] == UNSUPPORTED
    assert d["days_left"] == -46
    assert d["latest"] == "1.2.1"
    assert d["upgrade_path"] == ["0.8.2", "1.2.1"]


def test_release_named_and_released_after_the_date() -> None:
    s = Schedule(CM)
    assert s.by_name("january   2026").version == "1.2.0"
    future = s.status("customer-managed", "1.2.1", D("2026-01-20"))
    assert future.status == SUPPORTED and "after 2026-01-20" in future.note


def test_days_left_wording() -> None:
    from triage_app.core.releases.schedule import describe_days_left

    assert describe_days_left(12) == "12 days left"
    assert describe_days_left(1) == "1 day left"
    assert describe_days_left(0) == "last day"
    assert describe_days_left(-1) == "ended 1 day ago"
    assert describe_days_left(-65) == "ended 65 days ago"


def test_plausible_line_knows_which_lines_a_product_can_have() -> None:
    from triage_app.core.releases.schedule import Release

    day = dt.date(2025, 1, 1)
    schedule = Schedule(
        tuple(Release("prefect", v, day) for v in ("2.0.0", "2.20.0", "3.0.0", "3.8.3"))
    )
    assert schedule.plausible_line("prefect", (3, 9))  # the next minor may be out already
    assert schedule.plausible_line("prefect", (1, 4))  # older than the schedule: can't tell
    assert schedule.plausible_line("prefect", (4, 0))
    assert not schedule.plausible_line("prefect", (2, 22))
    assert not schedule.plausible_line("prefect", (3, 29))
    assert not schedule.plausible_line("prefect", (5, 2))
    assert schedule.plausible_line("unknown-product", (9, 9))


def test_days_in_month_is_the_calendar_s():
    import calendar

    from triage_app.core.releases.schedule import _days_in_month

    for year in (1900, 2000, 2023, 2024, 2100):
        for month in range(1, 13):
            assert _days_in_month(year, month) == calendar.monthrange(year, month)[1]


def test_release_keys_are_computed_once_and_kept():
    from triage_app.core.releases import schedule as sched

    calls = []
    release = sched.Release("prefect", "3.1.2", dt.date(2025, 1, 1))
    original = sched.version_key
    try:
        sched.version_key = lambda text: calls.append(text) or original(text)
        assert release.key == release.key == original("3.1.2")
    finally:
        sched.version_key = original
    assert calls == ["3.1.2"]
    assert isinstance(sched.Release.__dict__["key"], sched._computed_once)
