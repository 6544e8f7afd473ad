"""Version mentions in tickets: each pattern found with its span and product, each look-alike ignored."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage_app.core.knowledge import defaults
from triage_app.core.releases.release_csv import parse_release_csv
from triage_app.core.releases.schedule import Schedule
from triage_app.core.releases.versions import (
    MAX_MENTIONS,
    MAX_SCAN_CHARS,
    detect_versions,
    make_resolver,
    resolve_versions,
)
from triage_app.core.service import TriageService

DATA = Path(__file__).parents[2] / "data"
TODAY = dt.date(2026, 3, 1)


@pytest.fixture(scope="module")
def shipped() -> Schedule:
    data = defaults.resource(defaults.RELEASES_FILE).read_bytes()
    return Schedule(tuple(parse_release_csv(data)))


@pytest.fixture(scope="module")
def with_cm(shipped: Schedule) -> Schedule:
    cm = parse_release_csv((DATA / "customer_managed_releases.csv").read_bytes())
    return Schedule(shipped.releases + tuple(cm))


def found(text: str, schedule: Schedule | None) -> list[tuple[str, str | None, str]]:
    out = []
    for d in detect_versions(text, schedule):
        assert text[d.start : d.end] == d.text  # the span is exactly the reported text
        out.append((d.text, d.product, d.version))
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We run Prefect 3.4.7 in prod.", [("Prefect 3.4.7", "prefect", "3.4.7")]),
        ("pip install prefect==2.19.4", [("prefect==2.19.4", "prefect", "2.19.4")]),
        ("Flow: prefect-client==2.16.2", [("prefect-client==2.16.2", "prefect", "2.16.2")]),
        ("workers on prefect>=3.4.1 fail", [("prefect>=3.4.1", "prefect", "3.4.1")]),
        (
            "Prefect server version 2.7.0 rejects",
            [("Prefect server version 2.7.0", "prefect", "2.7.0")],
        ),
        ("helm chart 2025.6.12 broke it", [("chart 2025.6.12", "prefect-helm", "2025.6.12")]),
        (
            "chart prefect-server @ 2026.6.18212926",
            [("prefect-server @ 2026.6.18212926", "prefect-helm", "2026.6.18212926")],
        ),
        (
            "installed prefect-cloud-0.8.1.tgz",
            [("prefect-cloud-0.8.1.tgz", "customer-managed", "0.8.1")],
        ),
        ("our prefect helm chart 1.2.3 fails", [("chart 1.2.3", "customer-managed", "1.2.3")]),
        (
            "we're on the January 2026 release",
            [("January 2026 release", "customer-managed", "January 2026")],
        ),
        (
            "still on the Oct 2025 release",
            [("Oct 2025 release", "customer-managed", "October 2025")],
        ),
        ("Does this happen in Prefect 3.x?", [("Prefect 3.x", "prefect", "3.x")]),
        # a bare major names a generation, not a version (LABELING.md: such tickets name none)
        ("We migrated to Prefect 3 last month", []),
        ("Running prefect after upgrading to 2.0b11:", [("2.0b11", "prefect", "2.0b11")]),
        ("prefect 3.0.0rc1 is broken", [("prefect 3.0.0rc1", "prefect", "3.0.0rc1")]),
        (
            "image prefecthq/prefect:3.6.8-python3.14-kubernetes",
            [("prefecthq/prefect:3.6.8", "prefect", "3.6.8")],
        ),
        ("the 2026.7.23210422 chart", [("2026.7.23210422", "prefect-helm", "2026.7.23210422")]),
    ],
)
def test_each_detection_pattern(text: str, expected: list, shipped: Schedule) -> None:
    assert found(text, shipped) == expected


def test_prefect_version_output_takes_only_the_prefect_version(shipped: Schedule) -> None:
    output = (
        "$ prefect version\n"
        "Version:             3.1.0\n"
        "API version:         0.8.4\n"
        "Python version:      3.12.2\n"
        "Git commit:          a1b2c3d4\n"
        "Built:               Thu, Oct 31, 2024 12:00 PM\n"
        "OS/Arch:             linux/x86_64\n"
        "Server type:         server\n"
        "Pydantic version:    2.9.2\n"
        "Integrations:\n"
        "  prefect-kubernetes: 0.5.3\n"
    )
    assert found(output, shipped) == [("Version:             3.1.0", "prefect", "3.1.0")]
    one_line = "Version: 3.2.13 | Server type: server | prefect-redis 0.2.2"
    assert found(one_line, shipped) == [("Version: 3.2.13", "prefect", "3.2.13")]


@pytest.mark.parametrize(
    "text",
    [
        "python3.12 -m pip install prefect",
        "Python 3.12.1 and Python version: 3.11.5 with prefect",
        "Kubernetes 1.29 cluster, k8s v1.29.3, EKS 1.29, kubectl v1.30.0 (prefect)",
        "Postgres 15, PostgreSQL 15.4 and PostgreSQL 18.x, image postgres:16.2 for prefect",
        "Helm v3.14.0 and helm 3.15.2 installed the prefect chart",
        "prefect logs from 2025-06-12 and 12.06.2025 and 2025.06.12 10:31",
        "prefect server at 10.0.0.12 and 192.168.1.10:4200 (cidr 10.0.0.0/16)",
        "prefect api on port 4200, localhost:4200, postgres:5432",
        "prefecthq/prefect@sha256:4f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b",
        "API version: 0.8.4 (prefect)",
        "prefect uses 1.5 GB of memory and 0.25 CPU, 99.9% of the time",
        "prefect with pydantic 2.9.2, sqlalchemy 2.0.30, httpx 0.27.0 and uvicorn 0.30.1",
        "prefect-aws 0.7.4 and prefect-redis 0.2.8 with our 0.7.0 release",
        "Prefect 2 days ago the deployment failed",
    ],
)
def test_look_alikes_are_not_taken(text: str, with_cm: Schedule) -> None:
    takes = [d for d in found(text, with_cm) if d[2] != "0.7.0"]
    assert takes == []


def test_integration_version_is_not_the_customer_managed_release(with_cm: Schedule) -> None:
    text = "prefect-aws 0.7.4 and prefect-redis 0.2.8 with our 0.7.0 release"
    assert found(text, with_cm) == [("0.7.0", "customer-managed", "0.7.0")]


def test_context_decides_the_product_of_a_bare_version(
    shipped: Schedule, with_cm: Schedule
) -> None:
    text = "Do we need to change something in the Prefect chart? We're on 0.8.2 going to 1.2.0."
    assert found(text, with_cm) == [
        ("0.8.2", "customer-managed", "0.8.2"),
        ("1.2.0", "customer-managed", "1.2.0"),
    ]
    # no Customer-Managed schedule: still a Customer-Managed release by its words, but unknown
    # (in a ticket about Prefect: "the chart" alone is any chart, bitnami/postgresql 15.1.2)
    assert [p for _, p, _ in found(text, shipped)] == ["customer-managed"] * 2
    # a bare version of a Prefect line, in a Prefect ticket, is Prefect
    assert found("Prefect 2.7.1 breaks when deploying to 2.7.0 servers", shipped) == [
        ("Prefect 2.7.1", "prefect", "2.7.1"),
        ("2.7.0", "prefect", "2.7.0"),
    ]
    # ... but not when the ticket never mentions Prefect
    assert found("We upgraded to 2.7.0 yesterday", shipped) == []
    # "the 0.7.0 release" names a release of ours even in a ticket that never says Prefect
    assert found("We're on the 0.7.0 release. Can we skip one?", shipped) == [
        ("0.7.0", "customer-managed", "0.7.0")
    ]
    assert found("helm release security-vault 0.24.1 fails", shipped) == []
    # a short calendar version is a chart only with a chart nearby, else it is a date
    assert found("the latest release version (2022.12.6) of the Helm chart", shipped)[0][1] == (
        "prefect-helm"
    )


def test_customer_managed_line_named_by_two_numbers(with_cm: Schedule) -> None:
    text = "We're on the 0.7.0 release. Can we jump straight to 1.2 or go through 0.8 first?"
    assert found(text, with_cm) == [
        ("0.7.0", "customer-managed", "0.7.0"),
        ("1.2", "customer-managed", "1.2.x"),
        ("0.8", "customer-managed", "0.8.x"),
    ]
    assert found("it uses 1.2 GB of memory", with_cm) == []


def test_resolution_fills_the_mention(with_cm: Schedule) -> None:
    text = "We run Prefect 3.4.7, prefect==2.19.4, the January 2026 release and Prefect 3.x"
    got = {m.text: m for m in resolve_versions(text, with_cm, TODAY)}
    exact = got["Prefect 3.4.7"]
    assert (exact.release, exact.release_date, exact.supported_until) == (
        "3.4.7",
        "2025-06-26",
        "2025-12-26",
    )
    assert (exact.status, exact.days_left, exact.note) == ("unsupported", -65, "")
    assert exact.upgrade_target == "3.6.20"  # the latest Prefect release on 2026-03-01
    near = got["prefect==2.19.4"]
    assert near.release == "2.19.0" and "the nearest release is 2.19.0" in near.note
    # 2.19.0's dates are not 2.19.4's: the mention says what 2.20.0 proves instead
    assert (near.substitute, near.status, near.supported_until) == (True, "unsupported", None)
    assert near.basis.startswith("2.19.4 is older than 2.20.0, whose support ended on 2025-02-01")
    named = got["January 2026 release"]
    assert (named.product, named.release, named.status) == (
        "customer-managed",
        "1.2.0",
        "supported",
    )
    assert named.upgrade_target == "1.2.1"
    line = got["Prefect 3.x"]
    assert line.release == "3.6.20" and "exact version" in line.note


def test_unknown_versions_and_prereleases(shipped: Schedule, with_cm: Schedule) -> None:
    cm_missing = resolve_versions("prefect-cloud-0.8.1.tgz", shipped, TODAY)[0]
    assert (cm_missing.status, cm_missing.release) == ("unknown", None)
    assert "no Customer-Managed schedule" in cm_missing.note
    not_in_line = resolve_versions("helm chart 0.9.9", with_cm, TODAY)[0]
    assert (not_in_line.status, not_in_line.release) == ("unknown", None)
    rc = resolve_versions("prefect 3.0.0rc1", shipped, TODAY)[0]
    assert (rc.status, rc.supported_until, rc.days_left) == ("prerelease", None, None)
    assert "pre-release" in rc.note


def test_the_resolver_plugs_into_the_triage_service(with_cm: Schedule) -> None:
    class Engine:
        def triage(self, text: str):  # a fake engine: the service only adds versions to it
            from triage_app.core.result import TriageResult

            return TriageResult("unclear", 0.0)

    service = TriageService(Engine(), resolve_versions=make_resolver(with_cm), today=TODAY)  # type: ignore[arg-type]
    result = service.triage("we're on prefect-cloud-0.8.2.tgz")
    assert [v.to_dict()["status"] for v in result.versions] == ["supported"]


def test_mentions_are_capped_on_huge_input(shipped: Schedule) -> None:
    text = "Version: 3.1.0\n" * (MAX_MENTIONS * 3)
    assert len(detect_versions(text, shipped)) == MAX_MENTIONS


def test_ten_megabyte_paste_is_scanned_up_to_the_cap(shipped: Schedule) -> None:
    # Long runs of digits and dots, and words with no version, must not blow up the scanner.
    chunk = "1." * 5000 + "prefect release " * 2000 + "9" * 5000 + " v" * 2000 + "\n"
    filler = (chunk * (10_000_000 // len(chunk) + 1))[:10_000_000]
    text = "We run Prefect 3.4.7.\n" + filler + " Prefect 3.1.0"
    mentions = detect_versions(text, shipped)
    # the head is scanned; what lies beyond MAX_SCAN_CHARS is not (documented cap)
    assert [m.text for m in mentions] == ["Prefect 3.4.7"]
    assert len(text) > MAX_SCAN_CHARS


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("0123456789.xXvV-=:/@ \nPrefectchartreleasJnuy"), max_size=200)
)
def test_never_raises_and_spans_stay_inside(text: str) -> None:
    for d in detect_versions(text, None):
        assert 0 <= d.start < d.end <= len(text)
        assert text[d.start : d.end] == d.text


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_never_raises_on_any_text(text: str) -> None:
    detect_versions(text, None)
    assert detect_versions("", None) == []


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "0",
                "1",
                "2",
                "8",
                ".",
                "x",
                " ",
                "\n",
                "==",
                ":",
                "-",
                "rc1",
                ".tgz",
                "prefect",
                "chart",
                "release",
                "January 2026",
                "Version:",
                "prefect-cloud-",
                "helm",
                "python",
            ]
        ),
        max_size=60,
    ).map("".join)
)
def test_resolving_never_raises_with_a_full_schedule(text: str) -> None:
    cm = parse_release_csv((DATA / "customer_managed_releases.csv").read_bytes())
    schedule = Schedule(tuple(cm))
    for m in resolve_versions(text, schedule, TODAY):
        assert 0 <= m.start < m.end <= len(text) and text[m.start : m.end] == m.text
        assert m.status in {"supported", "ending_soon", "unsupported", "prerelease", "unknown"}


def test_a_named_release_is_reported_once_and_the_next_one_still_found(
    with_cm: Schedule,
) -> None:
    text = "We are on the January 2025 release, and 0.8.2 release"
    assert found(text, with_cm) == [
        ("January 2025 release", "customer-managed", "January 2025"),
        ("0.8.2", "customer-managed", "0.8.2"),
    ]
    # two names close together: each is found once, with its own span
    two = "the Oct 2025 release and the January 2026 release"
    assert found(two, with_cm) == [
        ("Oct 2025 release", "customer-managed", "October 2025"),
        ("January 2026 release", "customer-managed", "January 2026"),
    ]
    spans = [(d.start, d.end) for d in detect_versions("January 2025 release release", with_cm)]
    assert spans == [(0, 20)]


@pytest.mark.parametrize(
    "text",
    [
        "We are on the January 2025 release, then 0.8.2 release",
        "bare 0.8.2 release chart.",
        "then 0.8.2 release",
        "Customer says 0.8.2 release is what they run",
        "We are stuck; basically 0.8.2 per the chart",
    ],
)
def test_an_ordinary_word_before_a_bare_version_lets_context_decide(
    text: str, with_cm: Schedule
) -> None:
    assert ("0.8.2", "customer-managed", "0.8.2") in found(text, with_cm)


@pytest.mark.parametrize(
    "text",
    [
        "then python 3.12.1 in the release chart",
        "then Kubernetes 1.29.3 for the release chart",
        "then Postgres 15.4.1 in the release chart",
        "docker 24.0.7 and redis 7.2.4 for the prefect release chart",
        "sqlalchemy 2.0.30 and numpy 1.26.4 break prefect",
        "numpy==1.26.4 and boto3>=1.34.0 with prefect",
        "prefect-kubernetes 0.5.3 and prefect_aws 0.4.1 in the release",
        "we use EKS 1.29.3 and AKS 1.28.5 for the chart release",
        "helm 3.15.2 installs the release chart",
    ],
)
def test_program_names_before_a_version_are_still_refused(text: str, with_cm: Schedule) -> None:
    assert found(text, with_cm) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "We upgraded to 3.4.7 last week and now flow runs crash on the workers. "
            "Server is 3.8.3.",
            [("3.4.7", "upgraded to"), ("3.8.3", "Server is")],
        ),
        ("Our flow runs broke when we tried to go from 3.1.15 to the latest", [("3.1.15", "from")]),
        (
            "Upgrading from 3.3.7 to 3.4.1 broke the work pool",
            [("3.3.7", "Upgrading from"), ("3.4.1", "to")],
        ),
        ('deployment meta: {"prefect_version": "0.13.12"}', [("0.13.12", "key prefect_version")]),
        (
            "the flow run pod has prefect.io/version=2.7.8 as a label",
            [("2.7.8", "key prefect.io/version")],
        ),
        ("per https://docs.prefect.io/2.14.2/concepts/flows/", [("2.14.2", "Prefect docs URL")]),
        (
            "workers run 3.8.1, client 3.7.0 (flow runs hang)",
            [("3.8.1", "workers run"), ("3.7.0", "client")],
        ),
        (
            "Version 3.1.4, API 0.8.4, Python 3.10.14: every flow is Late",
            [("Version 3.1.4", "prefect version output")],
        ),
        (
            "the work pool runs prefecthq/prefect:3-latest",
            [("3-latest", "image tag of prefecthq/prefect")],
        ),
        ("Seen on 2.10.x with flow runs", [("2.10.x", "on")]),
        ("the work pool broke, so we rolled back to 3.4.1", [("3.4.1", "rolled back to")]),
        ("the flow runs fail; server is still on 3.2", [("3.2", "on")]),
        ("the work pool lost runs after we moved to 3.7", []),  # "to" alone: 1.5 GB-like
        (
            "We are on 3.0.10 server + 3.0.10 worker.",  # no "Prefect": the component decides
            [("3.0.10", "on"), ("3.0.10", "server")],
        ),
        (
            "dev install of prefect 2.16.0+26.gf00a520c4c",
            [("prefect 2.16.0+26.gf00a520c4c", "prefect")],
        ),
    ],
)
def test_context_decides_a_bare_version_and_says_which_words(
    text: str, expected: list[tuple[str, str]], shipped: Schedule
) -> None:
    got = [(d.text, d.reason) for d in detect_versions(text, shipped)]
    assert got == expected
    assert all(d.product == "prefect" for d in detect_versions(text, shipped))


@pytest.mark.parametrize(
    "text",
    [
        "Our Prefect workers run on Kubernetes 1.29.3 behind ingress-nginx 1.9.4",
        "Prefect server with postgres 15.4 and redis 7.2.4, flows in python 3.11.7",
        "Terraform provider registry.terraform.io/prefecthq/prefect v2.22.0 fails on flow runs",
        "We upgraded Kubernetes to 1.29.3 and now flow runs crash",
        "Prefect flows with python_version: 3.11.7 and redis_version=7.2.4",
        "Chart: bitnami/postgresql 15.1.2 (app version 16.2.0), Kubernetes 1.28.2",
        "argo-cd chart 7.4.x, Argo CD v2.12.1",
        "Docker version 19.03.8, docker-compose version 1.25.4 for the Docker agent",
        "Chart: vault-helm 0.24.1, appVersion 1.13.1, release security-vault",
        "We upgraded to 2.7.0 yesterday",  # nothing says whose 2.7.0 it is
        "the flow runs broke when we moved to 2.22.0",  # Prefect has no 2.22 line: not ours
        "flow runs hang since the cluster went to 5.2.0",
        "Our flow runs use 1.5 GB at 0.25 CPU; since 3.2 GB of memory is on 2.5 cores",
    ],
)
def test_neighbours_naming_other_programs_refuse_the_version(text: str, shipped: Schedule) -> None:
    assert found(text, shipped) == []


def test_the_deciding_words_reach_the_resolved_mention(shipped: Schedule) -> None:
    (mention,) = resolve_versions("flow runs fail after we upgraded to 3.4.7", shipped, TODAY)
    assert (mention.product, mention.reason) == ("prefect", "upgraded to")
    assert mention.to_dict()["reason"] == "upgraded to"


@pytest.mark.parametrize(
    "text",
    [
        "version " * 200_000,
        "prefect_version: " * 60_000,
        "a" * 500_000 + ": 3.4.7",
        "prefect.io/" * 100_000 + "3.4.7",
        "prefecthq/prefect:" * 60_000,
        "upgraded to " * 100_000 + "3.4.7",
        "3.4.7+" + "a." * 300_000,
        "1.2.3 " * 200_000,
        "flow run on 3.4.7, " * 50_000,
    ],
    ids=lambda t: t[:12],
)
def test_adversarial_lines_stay_linear(text: str, shipped: Schedule) -> None:
    from tests.watchdog import WATCHDOG_SECONDS, watchdog

    with watchdog(WATCHDOG_SECONDS, f"versions in {text[:12]!r} x {len(text)} chars"):
        detect_versions(text, shipped)
