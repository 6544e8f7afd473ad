"""`triage-app releases ...` and the versions of `triage --json`, through a real subprocess."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.cli.conftest import CliRunner

DATA = Path(__file__).parents[1] / "data"
CM_CSV = DATA / "customer_managed_releases.csv"
TODAY = ("--today", "2026-03-01")


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of the data folder, byte for byte."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_list_with_filters_and_json(run_cli: CliRunner) -> None:
    proc = run_cli("releases", "--product", "prefect", "--status", "supported", "--json", *TODAY)
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert rows and {r["product"] for r in rows} == {"prefect"}
    assert {r["status"] for r in rows} == {"supported"}
    assert all(r["days_left"] > 30 for r in rows)
    first = min(rows, key=lambda r: r["release_date"])
    assert set(first) >= {"version", "release_date", "supported_until", "status", "days_left"}

    # newest first, in JSON and in the table
    dates = [(r["release_date"], r["version"]) for r in rows]
    assert dates[0] == max(dates) and [d for d, _ in dates] == sorted(
        (d for d, _ in dates), reverse=True
    )

    text = run_cli("releases", *TODAY)
    assert text.returncode == 0, text.stderr
    released = [
        m.group(0)
        for line in text.stdout.splitlines()
        if line.startswith(("prefect ", "prefect-helm "))
        and (m := re.search(r"\d{4}-\d{2}-\d{2}", line))
    ]
    assert len(released) == 449 and released == sorted(released, reverse=True)
    assert "prefect_releases.csv (real release dates of Prefect and prefect-helm)" in text.stdout
    assert "6 months from the release date" in text.stdout
    assert "449 release(s)" in text.stdout


def test_unknown_product_is_a_usage_error(run_cli: CliRunner) -> None:
    proc = run_cli("releases", "--product", "nope")
    assert proc.returncode == 2
    assert "nope" in proc.stderr and "Traceback" not in proc.stderr


def test_import_then_status_with_upgrade_path(run_cli: CliRunner) -> None:
    imp = run_cli("releases", "import", str(CM_CSV))
    assert imp.returncode == 0, imp.stderr
    assert "15 added" in imp.stdout
    proc = run_cli("releases", "status", "0.4.2", "--json", *TODAY)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {
        "product": "customer-managed",
        "version": "0.4.2",
        "release": "0.4.2",
        "release_name": "October 2024",
        "release_date": "2024-11-18",
        "supported_until": "2025-05-18",
        "status": "unsupported",
        "days_left": -287,
        "latest": "1.2.1",
        "upgrade_path": ["0.5.2", "0.6.1", "0.7.0", "0.8.2", "1.2.1"],
        "note": "",
    }
    readable = run_cli("releases", "status", "0.4.2", *TODAY)
    assert "0.4.2 -> 0.5.2 -> 0.6.1 -> 0.7.0 -> 0.8.2 -> 1.2.1" in readable.stdout
    assert "ended 287 days ago" in readable.stdout
    # --today pins the date: the same release was supported back then
    earlier = json.loads(
        run_cli("releases", "status", "0.4.2", "--json", "--today", "2025-01-01").stdout
    )
    assert earlier["status"] == "supported" and earlier["upgrade_path"] == []


def test_status_of_prefect_versions(run_cli: CliRunner) -> None:
    nearest = json.loads(run_cli("releases", "status", "2.19.4", "--json", *TODAY).stdout)
    assert (nearest["product"], nearest["release"]) == ("prefect", "2.19.0")
    assert "nearest" in nearest["note"]
    # 2.19.0's dates are not 2.19.4's: the status comes from what 2.20.0 proves
    assert (nearest["status"], nearest["supported_until"], nearest["days_left"]) == (
        "unsupported",
        None,
        None,
    )
    assert "older than 2.20.0, whose support ended on 2025-02-01" in nearest["note"]
    unknown_json = run_cli("releases", "status", "9.9.9", "--json", *TODAY)
    unknown = json.loads(unknown_json.stdout)
    assert (unknown["status"], unknown["release"]) == ("unknown", None)
    assert unknown_json.returncode == 1
    for proc in (unknown_json, run_cli("releases", "status", "9.9.9", *TODAY)):
        assert proc.returncode == 1
        lines = proc.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith(
            "triage-app: 9.9.9: not in the release schedule"
        )
    assert run_cli("releases", "status", "9.9.9", *TODAY).stdout == ""
    older = json.loads(
        run_cli("releases", "status", "0.15.3", "--product", "prefect", "--json", *TODAY).stdout
    )
    assert (older["status"], older["release"]) == ("unsupported", None)
    assert "older than every prefect release" in older["note"]
    bad = run_cli("releases", "status", "latest")
    assert bad.returncode == 2 and "neither a version" in bad.stderr


BAD_FILES: list[tuple[str | bytes, str]] = [
    ("product,version,release_date\ncustomer-managed,0.8.2,2025-02-30\n", ":2: release_date"),
    ("product,version,release_date\ncustomer-managed,,2025-02-03\n", ":2: version: empty"),
    (
        "product,version,release_date\ncm,1.0.0,2025-01-01\ncm,1.0.0,2025-01-02\n",
        ":3: version: duplicate",
    ),
    ("product,version,release_date,colour\n", ":1: colour: unknown column"),
    ("product,version\ncm,1.0.0\n", ":1: release_date: required column is missing"),
    (
        "product,version,release_date,name\ncm,1.0.0,2025-01-01,Février\n".encode("latin-1"),
        ":2: not UTF-8",
    ),
]


def test_bad_imports_change_nothing(run_cli: CliRunner, data_dir: Path, tmp_path: Path) -> None:
    assert run_cli("releases", "import", str(CM_CSV)).returncode == 0  # a knowledge base with data
    before = snapshot(data_dir)
    assert "knowledge.db" in before
    dump_before = run_cli("releases", "export").stdout
    for n, (content, expected) in enumerate(BAD_FILES):
        bad = tmp_path / f"bad{n}.csv"
        bad.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        proc = run_cli("releases", "import", str(bad), "--replace")
        assert proc.returncode == 2, (expected, proc.stdout)
        assert f"{bad}{expected}" in proc.stderr
        assert "Traceback" not in proc.stderr
        assert snapshot(data_dir) == before, expected  # byte for byte
    assert run_cli("releases", "export").stdout == dump_before
    # the snapshot does see a real change: a good import alters the file
    assert run_cli("releases", "import", str(CM_CSV), "--replace").returncode == 0
    assert snapshot(data_dir) != before


def test_all_problems_are_reported_at_once(run_cli: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("product,version,release_date\ncm,,2025-01-01\ncm,1.0.0,someday\n", "utf-8")
    proc = run_cli("releases", "import", str(bad))
    assert proc.returncode == 2
    assert f"{bad}:2: version: empty" in proc.stderr
    assert f"{bad}:3: release_date" in proc.stderr


def test_import_missing_file(run_cli: CliRunner, tmp_path: Path) -> None:
    proc = run_cli("releases", "import", str(tmp_path / "nope.csv"))
    assert proc.returncode == 2 and "no such file" in proc.stderr


def test_replace_and_export_round_trip(run_cli: CliRunner, tmp_path: Path) -> None:
    proc = run_cli("releases", "import", str(CM_CSV), "--replace")
    assert proc.returncode == 0, proc.stderr
    assert "15 added, 0 updated (customer-managed)" in proc.stdout
    out = tmp_path / "export.csv"
    exp = run_cli("releases", "export", "-o", str(out))
    assert exp.returncode == 0, exp.stderr
    lines = out.read_text("utf-8").splitlines()
    assert lines[0] == "product,version,release_date,name,app_version,support_months,prerelease"
    assert len(lines) == 1 + 449 + 15  # the shipped products are kept by --replace
    assert "customer-managed,1.2.0,2026-01-12,January 2026,,,false" in lines
    assert [
        p.name for p in tmp_path.iterdir() if p.name.startswith(".export")
    ] == []  # no temp left
    again = run_cli("releases", "import", str(out), "--replace")
    assert again.returncode == 0 and "0 added, 464 updated" in again.stdout
    assert run_cli("releases", "export").stdout == out.read_text("utf-8")


def test_export_to_an_unwritable_place(run_cli: CliRunner, tmp_path: Path) -> None:
    proc = run_cli("releases", "export", "-o", str(tmp_path / "no" / "such" / "dir" / "x.csv"))
    assert proc.returncode == 2
    assert "cannot write" in proc.stderr and "Traceback" not in proc.stderr


def test_triage_json_fills_versions(run_cli: CliRunner) -> None:
    assert run_cli("releases", "import", str(CM_CSV)).returncode == 0
    ticket = (
        "Our Prefect workers run prefect==2.19.4 and the server chart is prefect-cloud-0.8.2.tgz.\n"
        "We're on the January 2026 release on Kubernetes 1.29 with Postgres 15 and python3.12."
    )
    proc = run_cli("triage", "--json", *TODAY, input=ticket)
    assert proc.returncode == 0, proc.stderr
    versions = json.loads(proc.stdout)["versions"]
    assert [(v["text"], v["product"], v["release"], v["status"]) for v in versions] == [
        ("prefect==2.19.4", "prefect", "2.19.0", "unsupported"),
        ("prefect-cloud-0.8.2.tgz", "customer-managed", "0.8.2", "supported"),
        ("January 2026 release", "customer-managed", "1.2.0", "supported"),
    ]
    for v in versions:
        assert ticket[v["start"] : v["end"]] == v["text"]
        assert set(v) >= {"release_date", "supported_until", "days_left"}


def test_triage_reads_bare_versions_and_says_why(run_cli: CliRunner) -> None:
    ticket = (
        "We upgraded to 3.4.7 last week and now flow runs crash on the workers. Server is 3.8.3. "
        "One worker still runs prefect==2.19.4 on Kubernetes 1.29.3 with python 3.11.7."
    )
    as_json = run_cli("triage", "--json", "--today", "2026-12-01", input=ticket)
    assert as_json.returncode == 0, as_json.stderr
    versions = json.loads(as_json.stdout)["versions"]
    assert [(v["text"], v["product"], v["reason"]) for v in versions] == [
        ("3.4.7", "prefect", "upgraded to"),
        ("3.8.3", "prefect", "Server is"),
        ("prefect==2.19.4", "prefect", "prefect"),
    ]
    stand_in = versions[2]
    assert (stand_in["substitute"], stand_in["supported_until"]) == (True, None)
    text = run_cli("triage", "--today", "2026-12-01", input=ticket).stdout
    assert (
        "'3.4.7': prefect 3.4.7 -> unsupported" in text and "[read as prefect: upgraded to]" in text
    )
    assert (
        "prefect 2.19.4 (nearest release 2.19.0) -> unsupported: 2.19.4 is older than 2.20.0"
        in text
    )
    assert "2024-11-13" not in text  # 2.19.0's end of support is not the customer's
    draft = run_cli("draft", "--today", "2026-12-01", input=ticket)
    assert draft.returncode == 0, draft.stderr
    assert (
        "2.19.4 is older than 2.20.0" in draft.stdout
        and "3.4.7 (its support ended on 2025-12-26)" in draft.stdout
    )
