"""Command line: `triage-app [--data-dir DIR] <command>`; without a command it opens the GUI."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from triage_app import __version__

if TYPE_CHECKING:
    import datetime as dt

    from triage_app.services import Services
    from triage_app.storage.database import KnowledgeBase

# Each module in triage_app/commands registers its own subcommand(s).
COMMAND_MODULES = (
    "triage_app.commands.triage",
    "triage_app.commands.batch",
    "triage_app.commands.policy",
    "triage_app.commands.eval",
    "triage_app.commands.train",
    "triage_app.commands.history",
    "triage_app.commands.kb",
    "triage_app.commands.draft",
    "triage_app.commands.redact",
    "triage_app.commands.releases",
    "triage_app.commands.gui",
    "triage_app.commands.desktop",
)


class CommandContext:
    """What a subcommand gets: the global options and lazily built services."""

    def __init__(self, data_dir: Path | None, today: dt.date | None) -> None:
        self.data_dir = data_dir
        self.today = today
        self._services: Services | None = None
        self._kb: KnowledgeBase | None = None

    def services(self) -> Services:
        if self._services is None:
            from triage_app.services import build_services

            if self._kb is not None:  # a command that read first and now triages: one connection
                self._kb.close()
                self._kb = None
            self._services = build_services(self.data_dir, self.today, progress=_progress)
            for notice in self._services.notices:
                print(f"triage-app: {notice}", file=sys.stderr)
        return self._services

    def knowledge_base(self) -> KnowledgeBase:
        """The knowledge base alone, for commands that only read or write it (history, corrections):
        no policy, engine or drafter is built, which is most of what `services()` costs."""
        if self._services is not None:
            return self._services.kb
        if self._kb is None:
            from triage_app import paths
            from triage_app.storage.database import open_knowledge_base

            # A KB this user cannot write (a shared team file, a full disk) is read read-only.
            self._kb = open_knowledge_base(
                paths.database_path(paths.data_dir(self.data_dir)), or_read_only=True
            )
            for notice in self._kb.notices:
                print(f"triage-app: {notice}", file=sys.stderr)
        return self._kb


def _progress(message: str) -> None:
    print(f"triage-app: {message}", file=sys.stderr, flush=True)


class UsageError(Exception):
    """A problem with what the user asked for; printed as one line, exit code 2."""


def parse_date(value: str) -> dt.date:
    import datetime as dt  # not at import: plain `triage-app` starts the GUI without it

    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from exc


def common_options() -> argparse.ArgumentParser:
    """Options every subcommand accepts too, so `triage-app triage --data-dir D` works."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--data-dir",
        type=Path,
        default=argparse.SUPPRESS,
        help="knowledge base folder (default: $TRIAGE_APP_DATA_DIR or the user data dir)",
    )
    parent.add_argument(
        "--today",
        type=parse_date,
        default=argparse.SUPPRESS,
        help="pin today's date (YYYY-MM-DD) for support status",
    )
    return parent


def build_parser(modules: Sequence[ModuleType]) -> argparse.ArgumentParser:
    common = common_options()
    parser = argparse.ArgumentParser(
        prog="triage-app",
        description="Triage Prefect Customer-Managed support issues: scope verdict, release status, reply draft.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"triage-app {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in modules:
        module.register(sub, common)
    return parser


def load_command_modules() -> list[ModuleType]:
    return [importlib.import_module(name) for name in COMMAND_MODULES]


def _gui_only(argv: Sequence[str]) -> argparse.Namespace | None:
    """The global options and no command (plain `triage-app`): parsed without importing the
    command modules, whose imports would double the GUI's start-up time."""
    if not argv:  # plain `triage-app`: nothing to parse, so no parser is built either
        return argparse.Namespace()
    if any(a in ("-h", "--help", "--version") for a in argv):
        return None
    options = argparse.ArgumentParser(prog="triage-app", add_help=False, parents=[common_options()])
    args, rest = options.parse_known_args(argv)
    return None if rest else args


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    quick = _gui_only(argv)
    if quick is not None:
        ctx = CommandContext(getattr(quick, "data_dir", None), getattr(quick, "today", None))
        return open_gui(None, ctx)
    parser = build_parser(load_command_modules())
    args = parser.parse_args(argv)
    ctx = CommandContext(getattr(args, "data_dir", None), getattr(args, "today", None))
    if not getattr(args, "func", None):
        return open_gui(parser, ctx)
    from triage_app.storage.errors import StorageError

    try:
        return int(args.func(args, ctx))
    except UsageError as exc:
        print(f"triage-app: {exc}", file=sys.stderr)
        return 2
    except StorageError as exc:
        print(f"triage-app: {exc}", file=sys.stderr)
        return 3
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130


def open_gui(parser: argparse.ArgumentParser | None, ctx: CommandContext) -> int:
    """Run the GUI; without PySide6, print the help (`parser`, built here when not given)."""
    import gc

    # Start-up allocates ~36,000 objects that live as long as the window and almost no garbage
    # (380 unreachable objects when it ends): the collector only rescanned them, about 8 ms of
    # ready to triage (Qt's import included). run_gui turns it back on once the knowledge base
    # is loaded.
    gc.disable()
    try:
        from triage_app.gui.launch import run_gui
    except ImportError:
        gc.enable()
        (parser or build_parser([])).print_help()
        return 0
    return run_gui(ctx.data_dir, ctx.today)
