"""The schedule's index: lookups agree with a plain scan and parse each schedule version only once."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from triage_app.core.releases import schedule as rel
from triage_app.core.releases.release_csv import parse_release_csv
from triage_app.core.releases.schedule import Release, Schedule

DATA = Path(__file__).resolve().parents[2] / "data"
TODAY = dt.date(2026, 3, 1)


def _schedule() -> Schedule:
    shipped = list(parse_release_csv((DATA / "customer_managed_releases.csv").read_bytes()))
    day0 = dt.date(2024, 1, 1)
    rng = random.Random(5)
    extra = [
        Release(
            "prefect",
            f"3.{i // 40}.{i % 40}" + ("rc1" if i % 17 == 0 else ""),
            day0 + dt.timedelta(days=rng.randrange(900)),
            prerelease=i % 17 == 0,
        )
        for i in range(400)
    ]
    extra += [Release("prefect", "3.0", day0), Release("prefect", "v3.0.0", day0)]  # equal keys
    return Schedule(tuple(shipped + extra))


def _naive_find(s: Schedule, product: str, version: str) -> Release | None:
    key = rel.version_key(version)
    return next((r for r in s.of(product) if r.key == key), None)


def _naive_nearest(s: Schedule, product: str, version: str) -> Release | None:
    v = rel.parse_version(version)
    if v is None:
        return None
    same = [r for r in s.of(product) if r.line == v.line]
    before = [r for r in same if r.key <= (0, v.key)]
    return before[-1] if before else (same[0] if same else None)


def _naive_latest(s: Schedule, product: str, today: dt.date) -> Release | None:
    final = [r for r in s.of(product) if not r.prerelease and r.release_date <= today]
    return final[-1] if final else None


def _asks() -> list[tuple[str, str]]:
    rng = random.Random(9)
    asks = [("prefect", f"3.{rng.randrange(12)}.{rng.randrange(45)}") for _ in range(300)]
    asks += [("customer-managed", f"{rng.randrange(3)}.{rng.randrange(10)}.{rng.randrange(4)}")]
    asks += [("prefect", "3.0.0"), ("prefect", "3"), ("prefect", "nonsense"), ("other", "1.0")]
    return asks


def test_indexed_lookups_agree_with_a_plain_scan() -> None:
    s = _schedule()
    for product, version in _asks():
        assert s.find(product, version) is _naive_find(s, product, version), version
        assert s.nearest(product, version) is _naive_nearest(s, product, version), version
    for product in ("prefect", "customer-managed", "other"):
        for day in (dt.date(2023, 1, 1), dt.date(2024, 6, 30), TODAY):
            assert s.latest(product, day) is _naive_latest(s, product, day)
    assert s.has_line("prefect", (3, 5)) and s.has_line("prefect", (3,))
    assert not s.has_line("prefect", (4,)) and not s.has_line("other", (3,))


@pytest.mark.parametrize("product", ["prefect", "customer-managed"])
def test_status_answers_do_not_change_when_asked_again(product: str) -> None:
    s = _schedule()
    first = [s.status(product, v, TODAY) for p, v in _asks() if p == product]
    again = [s.status(product, v, TODAY) for p, v in _asks() if p == product]
    assert first == again
    other_day = [s.status(product, v, dt.date(2024, 6, 30)) for p, v in _asks() if p == product]
    fresh = Schedule(s.releases)
    assert other_day == [
        fresh.status(product, v, dt.date(2024, 6, 30)) for p, v in _asks() if p == product
    ]


def test_many_statuses_parse_each_schedule_version_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Status must scale with the asks, not asks x schedule size (the 1,000 x 1,000 benchmark)."""
    calls = 0
    real = rel.version_key

    def counting(text: str) -> tuple[object, ...]:
        nonlocal calls
        calls += 1
        return real(text)

    monkeypatch.setattr(rel, "version_key", counting)
    day0 = dt.date(2023, 1, 1)
    schedule = Schedule(
        tuple(
            Release("prefect", f"3.{i // 100}.{i % 100}", day0 + dt.timedelta(days=i))
            for i in range(1000)
        )
    )
    rng = random.Random(11)
    for _ in range(1000):
        schedule.status("prefect", f"3.{rng.randrange(12)}.{rng.randrange(100)}", TODAY)
    # One key per schedule release (built once) plus a few per ask; a scan would be ~10^6.
    assert calls <= 1000 + 3 * 1000
