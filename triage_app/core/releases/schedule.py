"""Release schedule and support windows: version ordering, end of support, status, latest release, upgrade path."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, NamedTuple, TypeVar, overload

SUPPORTED = "supported"
ENDING_SOON = "ending_soon"
UNSUPPORTED = "unsupported"
PRERELEASE = "prerelease"
UNKNOWN = "unknown"
STATUSES = (SUPPORTED, ENDING_SOON, UNSUPPORTED, PRERELEASE, UNKNOWN)

CUSTOMER_MANAGED = "customer-managed"
PREFECT = "prefect"
PREFECT_HELM = "prefect-helm"
# Customer-Managed must be upgraded one release line at a time (the public upgrade guide's rule).
STEPWISE_PRODUCTS = frozenset({CUSTOMER_MANAGED})

DEFAULT_SUPPORT_MONTHS = 6  # used only when neither the policy nor the release says otherwise
DEFAULT_ENDING_SOON_DAYS = 30

_VERSION = re.compile(
    r"""^[vV]?(?P<release>\d{1,12}(?:\.\d{1,12}){0,5})
    (?:[-_.]?(?P<pre>alpha|beta|preview|pre|rc|a|b|c)[-_.]?(?P<pre_n>\d{0,6}))?
    (?:[-_.]?(?:post|rev|r)[-_.]?(?P<post>\d{0,6}))?
    (?:[-_.]?dev[-_.]?(?P<dev>\d{0,6}))?
    (?:\+[a-zA-Z0-9.]{1,64})?$""",
    re.VERBOSE | re.IGNORECASE,
)
_T = TypeVar("_T")


class _computed_once(Generic[_T]):  # noqa: N801 - used as a decorator, like cached_property
    """functools.cached_property without its lock (as Python 3.12 made it): the first read stores
    the value in the instance's __dict__, which later reads find first. Two threads racing on a
    first read compute the same immutable value twice, which is harmless; the lock of Python
    3.11's cached_property cost 7 of the schedule's 11 ms to load (2,694 first reads)."""

    def __init__(self, compute: Callable[[Any], _T]) -> None:
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> _computed_once[_T]: ...

    @overload
    def __get__(self, obj: object, owner: type | None = None) -> _T: ...

    def __get__(self, obj: object, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = self.compute(obj)
        obj.__dict__[self.name] = value
        return value


_PRE_RANK = {"a": -3, "alpha": -3, "b": -2, "beta": -2, "c": -1, "rc": -1, "pre": -1, "preview": -1}


@dataclass(frozen=True, order=False)
class Version:
    """A parsed version; `key` orders 3.0.0rc1 < 3.0.0 < 3.0.1 and calendar versions by date and time."""

    text: str
    release: tuple[int, ...]
    pre: tuple[int, int] | None = None  # (rank, number): a=-3, b=-2, rc=-1
    post: int | None = None
    dev: int | None = None

    # Cached: a schedule compares the same versions thousands of times (frozen dataclasses still
    # have a __dict__, which cached_property writes to directly).
    @_computed_once
    def numbers(self) -> tuple[int, ...]:
        """The release numbers, with a prefect-helm style DDHHMMSS third part split into day and time."""
        rel = self.release
        # prefect-helm versions are YYYY.M.DDHHMMSS (2026.7.23210422): compare by day first, so the
        # short form a customer writes ("chart 2025.6.12") sorts between the releases of June 11 and 23.
        if len(rel) >= 3 and 1990 <= rel[0] <= 2999 and rel[2] >= 1_000_000:
            return (rel[0], rel[1], rel[2] // 1_000_000, rel[2] % 1_000_000, *rel[3:])
        return rel

    @property
    def is_calendar(self) -> bool:
        return 1990 <= self.release[0] <= 2999 and len(self.release) >= 3

    @property
    def is_prerelease(self) -> bool:
        return self.pre is not None or self.dev is not None

    @_computed_once
    def line(self) -> tuple[int, ...]:
        """The release line: major.minor (year.month for calendar versions)."""
        return self.numbers[:2]

    @_computed_once
    def key(self) -> tuple[Any, ...]:
        nums = list(self.numbers)
        while len(nums) > 1 and nums[-1] == 0:  # 3.0 == 3.0.0
            nums.pop()
        if self.pre is None and self.post is None and self.dev is not None:
            pre: tuple[int, int] = (-4, 0)  # 1.0.dev1 sorts before 1.0a1
        else:
            pre = self.pre if self.pre is not None else (0, 0)
        post = self.post if self.post is not None else -1
        dev = (0, self.dev) if self.dev is not None else (1, 0)
        return (tuple(nums), pre, post, dev)


@functools.lru_cache(maxsize=8192)  # Version is immutable; tickets and schedules repeat versions
def parse_version(text: str) -> Version | None:
    """Parse '3.4.7', 'v2.0b11', '3.0.0rc1', '2026.7.23210422'; None when it is not a version."""
    m = _VERSION.match(text.strip())
    if not m:
        return None
    release = tuple(int(p) for p in m.group("release").split("."))
    pre = None
    if m.group("pre"):
        pre = (_PRE_RANK[m.group("pre").lower()], int(m.group("pre_n") or 0))
    post = int(m.group("post") or 0) if m.group("post") is not None else None
    dev = int(m.group("dev") or 0) if m.group("dev") is not None else None
    return Version(text.strip(), release, pre, post, dev)


def version_key(text: str) -> tuple[Any, ...]:
    """A sort key for any version text; unparseable text sorts after every real version, by text."""
    v = parse_version(text)
    if v is None:
        return (1, text.lower())
    return (0, v.key)


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus calendar months, clamped to the month's end (2025-08-31 + 6 = 2026-02-28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, _days_in_month(year, month)))


def _days_in_month(year: int, month: int) -> int:
    # calendar.monthrange's answer, without importing calendar (and locale) on the way to a triage.
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


@dataclass(frozen=True)
class Release:
    """One release of a product in the schedule."""

    product: str
    version: str
    release_date: dt.date
    name: str = ""
    app_version: str = ""
    prerelease: bool = False
    support_months: int | None = None  # overrides the policy's duration for this release

    @_computed_once
    def parsed(self) -> Version | None:
        return parse_version(self.version)

    @_computed_once
    def key(self) -> tuple[Any, ...]:
        return version_key(self.version)

    @_computed_once
    def line(self) -> tuple[int, ...] | None:
        v = self.parsed
        return v.line if v else None

    def to_row(self) -> dict[str, Any]:
        return {
            "product": self.product,
            "version": self.version,
            "release_date": self.release_date.isoformat(),
            "name": self.name,
            "app_version": self.app_version,
            "support_months": self.support_months,
            "prerelease": self.prerelease,
        }


class Support(NamedTuple):
    """The support window of one release on one date."""

    supported_until: dt.date | None
    days_left: int | None  # negative: days since support ended
    status: str


def support_window(
    release: Release,
    today: dt.date,
    default_months: int = DEFAULT_SUPPORT_MONTHS,
    ending_soon_days: int = DEFAULT_ENDING_SOON_DAYS,
) -> Support:
    """Status on `today`: supported through the last day inclusive, unsupported the day after."""
    if release.prerelease:
        return Support(None, None, PRERELEASE)  # a pre-release is never covered by support
    months = release.support_months if release.support_months is not None else default_months
    until = add_months(release.release_date, months)
    days_left = (until - today).days
    if days_left < 0:
        status = UNSUPPORTED
    elif days_left <= ending_soon_days:
        status = ENDING_SOON
    else:
        status = SUPPORTED
    return Support(until, days_left, status)


class StatusReport(NamedTuple):
    """Everything `releases status VERSION` answers about one version on one date."""

    product: str | None
    version: str
    release: Release | None
    supported_until: dt.date | None
    status: str
    days_left: int | None
    latest: str | None
    upgrade_path: tuple[str, ...] = ()
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "product": self.product,
            "version": self.version,
            "release": self.release.version if self.release else None,
            "release_name": self.release.name if self.release and self.release.name else None,
            "release_date": self.release.release_date.isoformat() if self.release else None,
            "supported_until": self.supported_until.isoformat() if self.supported_until else None,
            "status": self.status,
            "days_left": self.days_left,
            "latest": self.latest,
            "upgrade_path": list(self.upgrade_path),
            "note": self.note,
        }


class _ProductIndex:
    """One product's releases in version order, with what lookups bisect on (built once per Schedule)."""

    def __init__(self, releases: list[Release]) -> None:
        # A stable sort: releases with equal keys keep their order in the file.
        self.releases = tuple(sorted(releases, key=lambda r: r.key))
        self.keys = [r.key for r in self.releases]
        self.lines: dict[tuple[int, ...], tuple[list[tuple[Any, ...]], list[Release]]] = {}
        self.line_prefixes: set[tuple[int, ...]] = set()
        self.newest_minor: dict[int, int] = {}  # major -> its newest minor line
        for r in self.releases:
            if r.line is None:
                continue
            if len(r.line) == 2:
                major, minor = r.line
                self.newest_minor[major] = max(minor, self.newest_minor.get(major, minor))
            keys, members = self.lines.setdefault(r.line, ([], []))
            keys.append(r.key)
            members.append(r)
            self.line_prefixes.update(r.line[:k] for k in range(len(r.line) + 1))


@dataclass(frozen=True)
class Schedule:
    """All known releases plus the support rules; immutable, so it is safe to share across threads."""

    releases: tuple[Release, ...] = ()
    default_months: int = DEFAULT_SUPPORT_MONTHS
    ending_soon_days: int = DEFAULT_ENDING_SOON_DAYS
    source: str = ""
    _index: dict[str, _ProductIndex] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    # Answers that depend on the date (latest, upgrade paths): memoized per (question, day), since a
    # triage or a `releases` listing asks them over and over for the same day. Bounded, lock-guarded.
    _memo: dict[tuple[Any, ...], Any] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _memo_lock: threading.Lock = field(
        default_factory=threading.Lock, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        groups: dict[str, list[Release]] = {}
        for r in self.releases:
            groups.setdefault(r.product, []).append(r)
        object.__setattr__(self, "_index", {p: _ProductIndex(rs) for p, rs in groups.items()})

    def _memoized(self, key: tuple[Any, ...], compute: Callable[[], _T]) -> _T:
        with self._memo_lock:
            if key in self._memo:
                return self._memo[key]
        value = compute()
        with self._memo_lock:
            if len(self._memo) >= _MEMO_SIZE:
                self._memo.clear()  # simple and bounded; a day's questions refill it quickly
            self._memo[key] = value
        return value

    def products(self) -> list[str]:
        return sorted(self._index)

    def has_product(self, product: str) -> bool:
        return product in self._index

    def of(self, product: str) -> tuple[Release, ...]:
        """The product's releases, oldest version first."""
        index = self._index.get(product)
        return index.releases if index is not None else ()

    def has_line(self, product: str, line: tuple[int, ...]) -> bool:
        index = self._index.get(product)
        return index is not None and tuple(line) in index.line_prefixes

    def plausible_line(self, product: str, line: tuple[int, ...]) -> bool:
        """False for a line the product cannot have: a major two past its newest, or a minor two
        past the newest of a known major (Prefect 2.22, 3.29: another program's number)."""
        index = self._index.get(product)
        if index is None or not index.newest_minor or not line:
            return True
        newest_major = max(index.newest_minor)
        if line[0] > newest_major + 1:
            return False
        newest = index.newest_minor.get(line[0])
        return newest is None or len(line) < 2 or line[1] <= newest + 1

    def support(self, release: Release, today: dt.date) -> Support:
        return support_window(release, today, self.default_months, self.ending_soon_days)

    def find(self, product: str, version: str) -> Release | None:
        """The release with exactly this version (3.0 == 3.0.0, 2023.02.16 == 2023.2.16)."""
        index = self._index.get(product)
        if index is None:
            return None
        key = version_key(version)
        i = bisect.bisect_left(index.keys, key)
        return index.releases[i] if i < len(index.keys) and index.keys[i] == key else None

    def by_name(self, name: str, product: str | None = None) -> Release | None:
        """A release by its name ("January 2026"), Customer-Managed first."""
        wanted = " ".join(name.lower().split())
        products = [product] if product else sorted(self._index, key=_cm_first)
        for p in products:
            for r in self.of(p):
                if r.name and " ".join(r.name.lower().split()) == wanted:
                    return r
        return None

    def nearest(self, product: str, version: str) -> Release | None:
        """The closest release of the same line: the newest one not after `version`, else the oldest after."""
        v = parse_version(version)
        index = self._index.get(product)
        if v is None or index is None or v.line not in index.lines:
            return None
        keys, same = index.lines[v.line]
        i = bisect.bisect_right(keys, (0, v.key))
        return same[i - 1] if i else same[0]

    def next_after(self, product: str, version: str) -> Release | None:
        """The oldest final release whose version is after `version`, in any line."""
        index = self._index.get(product)
        if index is None or parse_version(version) is None:
            return None
        i = bisect.bisect_right(index.keys, version_key(version))
        for r in index.releases[i:]:
            if not r.prerelease:
                return r
        return None

    def stand_in_status(
        self, product: str, version: str, nearest: Release, today: dt.date
    ) -> tuple[str, str]:
        """(status, why) of a version the schedule lacks, from what its neighbours prove.

        A release older than one whose support has ended is unsupported too; one newer than a
        supported release is supported at least as long. Otherwise only the nearest release's
        status is known, and the words say so. Never the neighbours' dates as its own.
        """
        newer = self.next_after(product, version)
        if newer is not None:
            support = self.support(newer, today)
            if support.status == UNSUPPORTED and support.supported_until is not None:
                return UNSUPPORTED, (
                    f"{version} is older than {newer.version}, whose support ended on "
                    f"{support.supported_until.isoformat()}, so it is no longer supported"
                )
        if nearest.key < version_key(version):
            support = self.support(nearest, today)
            if support.status == SUPPORTED and support.supported_until is not None:
                return SUPPORTED, (
                    f"{version} is newer than {nearest.version}, which is supported until "
                    f"{support.supported_until.isoformat()}, so it is supported at least as long"
                )
        status = self.support(nearest, today).status
        return status, (
            f"{version} is not in our release schedule; the nearest release, {nearest.version}, "
            f"is {status.replace('_', ' ')}, so please confirm the exact version"
        )

    def _older_than_every_release(self, product: str, version: str, today: dt.date) -> str:
        """Why `version` is unsupported when it predates the product's oldest (unsupported) release."""
        oldest = next((r for r in self.of(product) if not r.prerelease), None)
        if oldest is None or version_key(version) >= oldest.key:
            return ""
        support = self.support(oldest, today)
        if support.status != UNSUPPORTED or support.supported_until is None:
            return ""
        return (
            f"{version} is older than every {product} release in the schedule; the oldest, "
            f"{oldest.version}, lost support on {support.supported_until.isoformat()}, "
            "so it is no longer supported"
        )

    def latest_of_line(
        self, product: str, line: tuple[int, ...], today: dt.date | None = None
    ) -> Release | None:
        """The newest final release whose version starts with `line` (e.g. (3,) for "3.x")."""
        return self._memoized(
            ("latest_of_line", product, tuple(line), today),
            lambda: self._latest_of_line(product, line, today),
        )

    def _latest_of_line(
        self, product: str, line: tuple[int, ...], today: dt.date | None
    ) -> Release | None:
        candidates = [
            r
            for r in self.of(product)
            if r.line is not None
            and (r.parsed is not None and r.parsed.numbers[: len(line)] == line)
            and not r.prerelease
            and (today is None or r.release_date <= today)
        ]
        return candidates[-1] if candidates else None

    def latest(self, product: str, today: dt.date) -> Release | None:
        """The newest final release published on or before `today`."""

        def compute() -> Release | None:
            for r in reversed(self.of(product)):
                if not r.prerelease and r.release_date <= today:
                    return r
            return None

        return self._memoized(("latest", product, today), compute)

    def latest_supported(self, product: str, today: dt.date) -> Release | None:
        """The newest final release that is still supported (or ending soon) on `today`."""
        for r in reversed(self.of(product)):
            if r.prerelease or r.release_date > today:
                continue
            if self.support(r, today).status in (SUPPORTED, ENDING_SOON):
                return r
        return None

    def upgrade_path(self, release: Release, today: dt.date) -> tuple[str, ...]:
        """Versions to install, in order, to get from `release` to the latest release.

        Customer-Managed goes one release line at a time, each at its newest patch
        (0.4.2 -> 0.5.2 -> 0.6.1 -> 0.7.0 -> 0.8.x -> 1.2.x); other products go straight to the latest.
        """
        latest = self.latest(release.product, today)
        if latest is None or latest.key <= release.key:
            return ()
        if release.product not in STEPWISE_PRODUCTS:
            return (latest.version,)
        return self._memoized(
            ("upgrade_path", release.product, release.key, release.line, today),
            lambda: self._stepwise_path(release, latest, today),
        )

    def _stepwise_path(self, release: Release, latest: Release, today: dt.date) -> tuple[str, ...]:
        newest_per_line: dict[tuple[int, ...], Release] = {}
        for r in self.of(release.product):
            if r.prerelease or r.release_date > today or r.key <= release.key or r.line is None:
                continue
            if r.line == release.line:
                continue  # a patch of the customer's own line is not a step of its own
            newest_per_line[r.line] = r  # releases are ordered, so the last one wins
        steps = [r.version for r in newest_per_line.values()]
        return tuple(steps) if steps else (latest.version,)

    def status(self, product: str | None, version: str, today: dt.date) -> StatusReport:
        """Status of `version` of `product` on `today`: exact release, else nearest of the same line."""
        if product is None or not self.has_product(product):
            note = (
                "product unknown: pass --product"
                if product is None
                else f"no {product} releases in the schedule"
            )
            return StatusReport(product, version, None, None, UNKNOWN, None, None, (), note)
        latest_r = self.latest(product, today)
        latest = latest_r.version if latest_r else None
        v = parse_version(version)
        release = self.find(product, version)
        note = ""
        if release is None and v is None:
            release = self.by_name(version, product)
        if release is None and v is not None:
            release = self.nearest(product, version)
            if release is not None:
                note = (
                    f"{version} is not in the schedule; "
                    f"using the nearest release of the same line, {release.version}"
                )
        if release is None and v is not None:
            older = self._older_than_every_release(product, version, today)
            if older:
                path = (latest,) if latest else ()
                return StatusReport(
                    product, version, None, None, UNSUPPORTED, None, latest, path, older
                )
        if release is None:
            return StatusReport(
                product,
                version,
                None,
                None,
                UNKNOWN,
                None,
                latest,
                (),
                f"{version} is not in the {product} schedule",
            )
        support = self.support(release, today)
        if note:  # a stand-in: its dates are not this version's
            status, basis = self.stand_in_status(product, version, release, today)
            support = Support(None, None, status)
            note = _join(note, basis)
        if support.status == PRERELEASE:
            note = _join(note, "a pre-release is not covered by support; use a final release")
        if release.release_date > today:
            note = _join(note, f"released on {release.release_date}, after {today}")
        return StatusReport(
            product,
            version,
            release,
            support.supported_until,
            support.status,
            support.days_left,
            latest,
            self.upgrade_path(release, today),
            note,
        )


_MEMO_SIZE = 4096


def _cm_first(product: str) -> tuple[int, str]:
    return (0 if product == CUSTOMER_MANAGED else 1, product)


def _join(a: str, b: str) -> str:
    return f"{a}; {b}" if a else b


def describe_days_left(days: int) -> str:
    """'12 days left', 'last day', or 'ended 65 days ago' — one wording for every front end."""
    if days > 0:
        return f"{days} day{'s' if days != 1 else ''} left"
    if days == 0:
        return "last day"
    return f"ended {-days} day{'s' if days != -1 else ''} ago"
