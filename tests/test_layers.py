"""The package's three layers: imports point one way, with no cycle.

Every module's imports are read with ``ast`` (function-level imports count the
same as top-level ones), resolved to ``course_utils`` module names, and checked
against the rule

    base (errors, paths, _checks)
      <- core rooms: data, models, evaluate, augment, fairness
                     (train may also use models; plots may also use evaluate)
      <- lessons <- notebooks
    book uses only the base and itself.

Across rooms an import goes through the room's package or a public submodule,
never another room's private (``_``) module. Notebooks import from the top-level
``course_utils`` and from ``course_utils.lessons``.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "course_utils"
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"

BASE = {"errors", "paths", "_checks", "_stats", "_devices"}
CORE = {"data", "models", "evaluate", "augment", "fairness", "train", "plots"}
#: room -> the rooms it may import (the base modules count as one room, "base").
ALLOWED = {
    "base": {"base"},
    "data": {"base", "data"},
    "models": {"base", "models"},
    "evaluate": {"base", "evaluate"},
    "augment": {"base", "augment"},
    "fairness": {"base", "fairness"},
    "train": {"base", "train", "models"},
    "plots": {"base", "plots", "evaluate"},
    "lessons": {"base", "lessons"} | CORE,
    "book": {"base", "book"},
}


def module_names(root: Path, package: str = "course_utils") -> dict[str, Path]:
    """Map every module under ``root`` to its dotted name (packages by ``__init__``)."""
    names = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join([package, *parts])] = path
    return names


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The ``course_utils`` modules that module ``name`` (at ``path``) imports."""
    is_package = path.name == "__init__.py"
    here = name if is_package else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            for alias in node.names:  # `from pkg import submodule` imports the submodule
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in known else target)
    return {target for target in found if target in known and target != name}


def room_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "top"
    if parts[1] in BASE:
        return "base"
    if parts[1] == "__main__":
        return "book"
    return parts[1]


def violations(graph: dict[str, set[str]]) -> list[str]:
    """Every import that runs against the layer rule or reaches a private module."""
    found = []
    for source, targets in graph.items():
        room = room_of(source)
        if room == "top":
            continue
        for target in sorted(targets):
            target_room = room_of(target)
            if target_room not in ALLOWED.get(room, set()):
                found.append(f"{source} imports {target} ({room} may not use {target_room})")
            elif target_room != room and any(
                part.startswith("_") for part in target.split(".")[2:]
            ):
                found.append(f"{source} imports {target}, a private module of {target_room}")
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def import_graph(root: Path) -> dict[str, set[str]]:
    names = module_names(root)
    known = set(names)
    return {name: imports_of(name, path, known) for name, path in names.items()}


# --------------------------------------------------------------------- the real package
def test_imports_point_one_way():
    assert violations(import_graph(SRC)) == []


def test_no_import_cycle():
    assert cycles(import_graph(SRC)) == []


def test_every_module_belongs_to_a_layer():
    rooms = {room_of(m) for m in module_names(SRC)}
    assert rooms <= set(ALLOWED) | {"top"}, rooms - set(ALLOWED)


def notebook_imports(path: Path) -> list[ast.stmt]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return [
        node for node in ast.walk(ast.parse(code))
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_notebooks_import_in_one_style(path):
    import course_utils

    bad = []
    for node in notebook_imports(path):
        if isinstance(node, ast.Import):
            bad += [a.name for a in node.names if a.name.startswith("course_utils")]
        elif node.module == "course_utils":
            bad += [a.name for a in node.names if a.name not in course_utils.__all__]
        elif node.module == "course_utils.lessons" or (
            node.module or ""
        ).startswith("course_utils.lessons."):
            continue
        elif (node.module or "").startswith("course_utils"):
            bad.append(node.module)
    assert bad == [], f"{path.name}: import from course_utils or course_utils.lessons only"


# ------------------------------------------------------------ the checker itself can fail
def write_tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return root


def test_checker_flags_an_upward_import(tmp_path):
    tree = write_tree(tmp_path, {
        "__init__.py": "", "errors.py": "",
        "data/__init__.py": "from .load import x\n",
        "data/load.py": "def f():\n    from ..plots import bars\n",
        "plots/__init__.py": "from ..evaluate import s\n",
        "evaluate/__init__.py": "",
    })
    assert violations(import_graph(tree)) == [
        "course_utils.data.load imports course_utils.plots (data may not use plots)"
    ]


def test_checker_flags_book_using_science_and_private_modules(tmp_path):
    tree = write_tree(tmp_path, {
        "__init__.py": "",
        "book/__init__.py": "import course_utils.models\n",
        "models/__init__.py": "",
        "models/_common.py": "",
        "lessons/__init__.py": "",
        "lessons/x.py": "from course_utils.models._common import y\n",
    })
    found = violations(import_graph(tree))
    assert found == [
        "course_utils.book imports course_utils.models (book may not use models)",
        "course_utils.lessons.x imports course_utils.models._common, a private module of models",
    ]


def test_checker_finds_a_cycle_inside_a_room(tmp_path):
    tree = write_tree(tmp_path, {
        "__init__.py": "",
        "fairness/__init__.py": "from . import metrics\n",
        "fairness/metrics.py": "from .mitigation import m\n",
        "fairness/mitigation.py": "def g():\n    from . import metrics\n",
    })
    assert cycles(import_graph(tree)) == [
        ["course_utils.fairness.metrics", "course_utils.fairness.mitigation"]
    ]


# --------------------------------------------------------------- one list of names
def test_top_level_exports_are_the_rooms_all():
    import importlib

    import course_utils

    union = []
    for room in course_utils.ROOMS:
        module = importlib.import_module(f"course_utils.{room}")
        union += list(module.__all__)
        missing = [n for n in module.__all__ if not hasattr(module, n)]
        assert missing == [], f"course_utils.{room}.__all__ names missing objects: {missing}"
    assert len(union) == len(set(union)), "a name is exported by two rooms"
    assert set(course_utils.__all__) - {
        "CourseUtilsError", "DatasetError", "ParameterError", "__version__"
    } == set(union)
    assert all(getattr(course_utils, n) is not None for n in union)
