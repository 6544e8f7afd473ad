"""PySide6's "does this module use PySide6?" check, answered from the file: the same answers."""

from __future__ import annotations

import importlib.util
import inspect
import sys
from pathlib import Path

import triage_app.gui  # noqa: F401 - puts the faster check in place
from triage_app.gui.shared import pyside_imports


def _module_from(path: Path):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_check_is_in_place_once() -> None:
    feature = sys.modules["shibokensupport.feature"]
    check = feature._mod_uses_pyside
    assert getattr(check, pyside_imports._MARK)
    assert pyside_imports.answer_from_the_file()
    assert feature._mod_uses_pyside is check  # not wrapped twice


def test_same_answer_as_reading_the_source(tmp_path: Path) -> None:
    check = sys.modules["shibokensupport.feature"]._mod_uses_pyside
    uses = tmp_path / "uses_qt.py"
    uses.write_text("# a widget\nNAME = 'PySide6.QtWidgets'\n", encoding="utf-8")
    plain = tmp_path / "plain_core.py"
    plain.write_text("VALUE = 1  # no Qt here\n", encoding="utf-8")
    for path, expected in ((uses, True), (plain, False)):
        module = _module_from(path)
        assert check(module) is expected
        assert ("PySide6" in inspect.getsource(module)) is expected
    assert check(sys) is False  # built in: PySide6's own check answers


def test_a_module_whose_file_is_gone_gets_pyside_own_answer(tmp_path: Path) -> None:
    check = sys.modules["shibokensupport.feature"]._mod_uses_pyside
    path = tmp_path / "vanishing.py"
    path.write_text("X = 'PySide6'\n", encoding="utf-8")
    module = _module_from(path)
    path.unlink()
    assert check(module) is False  # PySide6 answers "no" for a source it cannot read; never raises


def test_without_the_hook_nothing_is_touched(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delitem(sys.modules, "shibokensupport.feature")
    assert pyside_imports.answer_from_the_file() is False


def test_the_standard_library_and_qt_free_packages_are_answered_by_name(tmp_path: Path) -> None:
    import json
    import types

    check = sys.modules["shibokensupport.feature"]._mod_uses_pyside
    assert check(json) is False
    # A core module may say "PySide6" in a comment ("never imports PySide6"): it is not read.
    source = tmp_path / "engine.py"
    source.write_text("# Qt-free: never imports PySide6\n", encoding="utf-8")
    core = types.ModuleType("triage_app.core.triage.engine")
    core.__file__ = str(source)
    assert check(core) is False
    gui = types.ModuleType("triage_app.gui.main.some_widget")
    gui.__file__ = str(source)
    assert check(gui) is True  # a GUI module is read
