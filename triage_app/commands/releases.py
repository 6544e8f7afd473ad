"""`triage-app releases [status VERSION | import FILE.csv | export]`: the release schedule and support status."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from triage_app.commands.output import read_input_file, write_output
from triage_app.core.releases.release_csv import (
    ReleaseCsvError,
    export_release_csv,
    parse_release_csv,
)
from triage_app.core.releases.schedule import (
    STATUSES,
    UNKNOWN,
    Schedule,
    StatusReport,
    describe_days_left,
    parse_version,
    version_key,
)
from triage_app.storage import releases_repo

if TYPE_CHECKING:
    from triage_app.cli import CommandContext

MAX_PROBLEMS_SHOWN = 20


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "releases",
        parents=[common],
        help="the release schedule with support status; status, import, export",
        description="Without an action: list the schedule with each release's support status.",
    )
    _filters(p)
    p.set_defaults(func=list_releases)
    actions = p.add_subparsers(dest="releases_action", metavar="ACTION")

    st = actions.add_parser(
        "status", parents=[common], help="support status and upgrade path of one version"
    )
    st.add_argument("version", metavar="VERSION", help='a version ("0.8.2") or release name')
    st.add_argument("--product", metavar="P", help="product (default: guessed from the schedule)")
    st.add_argument("--json", action="store_true", help="print one JSON object")
    st.set_defaults(func=show_status)

    imp = actions.add_parser(
        "import",
        parents=[common],
        help="import a release CSV (merge; --replace replaces the schedule of the products in the file)",
        description="Header: product,version,release_date[,name][,app_version]"
        "[,support_months][,prerelease]. Every row is checked before anything is written.",
    )
    imp.add_argument("file", type=Path, metavar="FILE.csv")
    imp.add_argument(
        "--replace",
        action="store_true",
        help="replace the releases of the products in the file (other products are kept)",
    )
    imp.set_defaults(func=import_releases)

    exp = actions.add_parser("export", parents=[common], help="export the schedule as CSV")
    exp.add_argument("-o", "--output", type=Path, metavar="FILE", help="default: stdout")
    exp.set_defaults(func=export_releases)


def _filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--product", metavar="P", help="only this product")
    p.add_argument("--status", choices=STATUSES, metavar="S", help=f"only {'|'.join(STATUSES)}")
    p.add_argument("--json", action="store_true", help="print a JSON list")


def _today(ctx: CommandContext) -> dt.date:
    return ctx.today or dt.date.today()


def _schedule(ctx: CommandContext) -> Schedule:
    services = ctx.services()
    with services.kb.lock:
        return releases_repo.read_schedule(services.kb.db, services.policy)


def list_releases(args: argparse.Namespace, ctx: CommandContext) -> int:
    from triage_app.cli import UsageError

    schedule = _schedule(ctx)
    today = _today(ctx)
    product = args.product.lower() if args.product else None
    if product and not schedule.has_product(product):
        known = ", ".join(schedule.products()) or "none"
        raise UsageError(f"--product {args.product}: not in the schedule (known: {known})")
    rows: list[dict[str, Any]] = []
    for name in [product] if product else schedule.products():
        for r in schedule.of(name):
            support = schedule.support(r, today)
            if args.status and support.status != args.status:
                continue
            rows.append(
                {
                    **r.to_row(),
                    "supported_until": support.supported_until.isoformat()
                    if support.supported_until
                    else None,
                    "status": support.status,
                    "days_left": support.days_left,
                }
            )
    # Newest first: the releases a support engineer asks about are the recent ones.
    rows.sort(key=lambda r: (r["release_date"], version_key(r["version"])), reverse=True)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    print(f"Release schedule on {today}: {schedule.source or 'empty'}")
    print(
        f"Support: {schedule.default_months} months from the release date (policy), "
        f"ending soon at {schedule.ending_soon_days} days or less"
    )
    header = ("product", "version", "name", "released", "supported until", "status", "days left")
    table = [header] + [
        (
            r["product"],
            r["version"],
            r["name"],
            r["release_date"],
            r["supported_until"] or "-",
            r["status"],
            "-" if r["days_left"] is None else str(r["days_left"]),
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    print(f"{len(rows)} release(s)")
    return 0


def _guess_product(schedule: Schedule, version: str) -> str | None:
    """The one product that has this version (or its line, or a release of this name)."""
    exact = [p for p in schedule.products() if schedule.find(p, version)]
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        return _ambiguous(version, exact)
    parsed = parse_version(version)
    if parsed is not None:
        by_line = [p for p in schedule.products() if schedule.has_line(p, parsed.line)]
        if len(by_line) == 1:
            return by_line[0]
        if len(by_line) > 1:
            return _ambiguous(version, by_line)
        return None
    named = schedule.by_name(version)
    return named.product if named else None


def _ambiguous(version: str, products: list[str]) -> str:
    from triage_app.cli import UsageError

    raise UsageError(f"{version} is in several products ({', '.join(products)}): pass --product")


def show_status(args: argparse.Namespace, ctx: CommandContext) -> int:
    from triage_app.cli import UsageError

    version = args.version.strip()
    if not version:
        raise UsageError("VERSION is empty")
    schedule = _schedule(ctx)
    today = _today(ctx)
    product = args.product.lower() if args.product else _guess_product(schedule, version)
    if parse_version(version) is None and (
        product is None or schedule.by_name(version, product) is None
    ):
        raise UsageError(f"{version!r} is neither a version number nor a release name")
    report = schedule.status(product, version, today)
    if product is None:
        known = ", ".join(schedule.products()) or "none"
        report = report._replace(
            note=f"{version} matches no release line of {known}; pass --product"
        )
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    if report.status == UNKNOWN:
        # Not found is a failure a script must see: one line on stderr, exit status 1.
        where = f"the {product} schedule" if product else "the release schedule"
        print(f"triage-app: {version}: not in {where} ({report.note})", file=sys.stderr)
        return 1
    if not args.json:
        print(format_status(report, today))
    return 0


def format_status(report: StatusReport, today: dt.date) -> str:
    d = report.to_dict()
    name = f" ({d['release_name']})" if d["release_name"] else ""
    lines = [f"{d['product'] or 'unknown product'} {d['version']} on {today}: {d['status']}"]
    if d["release"]:
        lines.append(f"  release:          {d['release']}{name}, released {d['release_date']}")
    if d["supported_until"]:
        left = describe_days_left(d["days_left"])
        lines.append(f"  supported until:  {d['supported_until']} ({left})")
    if d["latest"]:
        lines.append(f"  latest release:   {d['latest']}")
    if d["upgrade_path"]:
        lines.append(f"  upgrade path:     {' -> '.join([d['version'], *d['upgrade_path']])}")
    if d["note"]:
        lines.append(f"  note:             {d['note']}")
    return "\n".join(lines)


def import_releases(args: argparse.Namespace, ctx: CommandContext) -> int:
    from triage_app.cli import UsageError

    path: Path = args.file
    data = read_input_file(path)
    # Validate every row before the knowledge base is even opened: a bad file changes nothing.
    try:
        releases = parse_release_csv(data, str(path))
    except ReleaseCsvError as exc:
        for problem in exc.problems[1:MAX_PROBLEMS_SHOWN]:
            print(f"triage-app: {problem}", file=sys.stderr)
        raise UsageError(str(exc)) from None
    services = ctx.services()
    with services.kb.transaction() as db:
        summary = releases_repo.import_releases(
            db, releases, source=path.name, replace=args.replace
        )
    services.reload()
    verb = "Replaced the schedule of these products" if args.replace else "Imported"
    print(f"{verb} from {path}: {summary.describe()}")
    return 0


def export_releases(args: argparse.Namespace, ctx: CommandContext) -> int:

    services = ctx.services()
    with services.kb.lock:
        text = export_release_csv(releases_repo.export_releases(services.kb.db))
    if write_output(args.output, text):
        print(f"Exported {text.count(chr(10)) - 1} releases to {args.output}", file=sys.stderr)
    return 0
