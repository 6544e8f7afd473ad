"""PySide6 widgets, dialogs, item models and workers; the only package that imports Qt."""
