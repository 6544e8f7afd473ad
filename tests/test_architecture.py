"""The layout's rules, read from the source: no import circles, arrows one way, small folders."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "triage_app"
MAX_MODULES_PER_FOLDER = 15


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _owner(name: str) -> str | None:
    """The triage_app module `name` refers to (a module, or the package holding a name)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imported_names(module: str) -> set[str]:
    """Every name `module` imports, at any level and under TYPE_CHECKING too (types are arrows)."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module in MODULES:
        targets = {_owner(name) for name in imported_names(module)}
        graph[module] = {t for t in targets if t and t != module}
    return graph


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    cycles.append(sorted(group))
    return cycles


def test_cycle_finder_sees_a_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycles(graph) == [["a", "b", "c"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def test_imports_for_type_checking_and_inside_functions_count() -> None:
    names = imported_names("triage_app.app")
    assert "triage_app.gui.main.main_window.MainWindow" in names  # under TYPE_CHECKING
    assert "triage_app.services.build_gui_services" in names


def test_no_import_circles_in_the_package() -> None:
    assert find_cycles(_graph()) == []


@pytest.mark.parametrize(
    ("area", "forbidden"),
    [
        ("triage_app.core", ("PySide6", "triage_app.gui", "triage_app.storage", "triage_app.app")),
        ("triage_app.storage", ("PySide6", "triage_app.gui", "triage_app.app")),
        ("triage_app.services", ("PySide6", "triage_app.gui", "triage_app.app")),
        ("triage_app.gui", ("triage_app.commands", "triage_app.cli", "triage_app.app")),
    ],
)
def test_arrows_point_one_way(area: str, forbidden: tuple[str, ...]) -> None:
    """gui -> core, gui -> storage, storage -> core; core imports neither, nothing imports up."""
    wrong = [
        f"{module} imports {name}"
        for module in MODULES
        if module == area or module.startswith(area + ".")
        for name in sorted(imported_names(module))
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    ]
    assert wrong == []


def test_no_folder_holds_more_than_fifteen_modules() -> None:
    crowded = {
        str(folder.relative_to(PACKAGE.parent)): count
        for folder in [PACKAGE, *(p for p in PACKAGE.rglob("*") if p.is_dir())]
        if (count := sum(1 for p in folder.glob("*.py") if p.name != "__init__.py"))
        > MAX_MODULES_PER_FOLDER
    }
    assert crowded == {}


def test_only_the_entry_points_know_the_composition_root() -> None:
    """app.py wires everything; a module it wires that imported it would close a circle later."""
    graph = _graph()
    wrong = [m for m in MODULES if m != "triage_app.app" and "triage_app.app" in graph[m]]
    assert wrong == []


def test_every_package_is_listed_for_the_wheel() -> None:
    """A sub-package missing from pyproject's `packages` is left out of the wheel (and the app)."""
    import tomllib

    pyproject = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(pyproject["tool"]["setuptools"]["packages"])
    packages = {m for m, p in MODULES.items() if p.name == "__init__.py"}
    assert packages - listed == set()
