"""Shipped data files (policy, vocabulary, releases, model, templates, icons) and where they are."""

from pathlib import Path

_FOLDER = Path(__file__).parent


def shipped_file(name: str) -> Path:
    """The shipped file `name`. This package is a folder of real files in every way the app is
    installed (editable, wheel, PyInstaller folder), which is what importlib.resources.files()
    returns for it too; found without importing importlib.resources (1.3 ms of every start)."""
    return _FOLDER / name
