"""PySide6 asks of every module imported after it whether it uses PySide6: answered from the file.

PySide6 (its `__feature__` support) runs `inspect.getsource` on each newly imported module and
looks for the text "PySide6" in it; tokenizing the source through linecache cost 6 ms of the
knowledge base's loading and 3 ms before the first paint (about 0.1 ms a module). Reading the
file's bytes gives the same answer for every module that has a .py file; the standard library and
our Qt-free packages are answered by name; anything else (built-in, source-less, a file that
cannot be read) still gets PySide6's own check. A PySide6 without this internal hook is left alone.
"""

from __future__ import annotations

import sys
from types import ModuleType

_MARK = "_reads_the_file"
# Packages that never touch Qt (tests/test_architecture.py holds them to it): whatever their text
# says, PySide6's answer would not matter for them, since "uses PySide6" only decides how Qt
# attribute lookups made from inside a module are served. Neither does the standard library's.
_QT_FREE = ("triage_app.core.", "triage_app.storage.", "triage_app.resources")


def answer_from_the_file() -> bool:
    """Put the faster check in place (once); False when this PySide6 has no such hook."""
    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or not callable(original):
        return False
    if getattr(original, _MARK, False):
        return True

    def uses_pyside(module: ModuleType) -> bool:
        name = getattr(module, "__name__", "")
        if name.partition(".")[0] in sys.stdlib_module_names or name.startswith(_QT_FREE):
            return False
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py"):
            try:
                with open(path, "rb") as source:
                    return b"PySide6" in source.read()
            except OSError:
                pass  # unreadable now: PySide6's own check below decides, as it always did
        return bool(original(module))

    setattr(uses_pyside, _MARK, True)
    feature._mod_uses_pyside = uses_pyside  # type: ignore[attr-defined]
    return True
