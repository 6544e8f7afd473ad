"""Where the knowledge base and logs live: platformdirs, overridden by --data-dir or TRIAGE_APP_DATA_DIR."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "triage-app"
ENV_DATA_DIR = "TRIAGE_APP_DATA_DIR"
DATABASE_NAME = "knowledge.db"
LOG_NAME = "triage-app.log"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data folder: the explicit override, else the environment variable, else the user data dir."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser()
    import platformdirs  # only without an override: a few ms of start-up otherwise

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def database_path(folder: Path) -> Path:
    return folder / DATABASE_NAME


def log_path(folder: Path) -> Path:
    return folder / LOG_NAME


def documents_dir() -> Path:
    """Default export folder (the user's documents folder)."""
    import platformdirs

    return Path(platformdirs.user_documents_dir())


def config_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """GUI settings (window geometry) sit beside the data so tests using a tmp data dir stay isolated."""
    return data_dir(override)
