"""PySide6 only, by window: main/, history/, knowledge/, releases/, and shared/ for what they share; launch.py starts it."""
