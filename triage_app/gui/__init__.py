"""PySide6 only, by window: main/, history/, knowledge/, releases/, and shared/ for what they share; launch.py starts it."""

import PySide6.QtCore  # noqa: F401 - loads PySide6's import hook, which the next line speeds up

from triage_app.gui.shared.pyside_imports import answer_from_the_file

answer_from_the_file()
