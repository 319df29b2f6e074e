"""The book's notebooks: which there are, their parameters and their presets.

The topic notebooks are the ``notebooks/...`` entries of ``_toc.yml``, in its
order. Each has a cell tagged ``parameters`` holding its defaults (the
``quick`` values); ``notebooks/presets.yml`` gives every notebook a ``smoke``,
``quick`` and ``full`` preset, each a mapping of parameter overrides.

Example
-------
>>> parse_value("[sgd, adam]"), parse_value("3"), parse_value("null") is None
(['sgd', 'adam'], 3, True)
>>> resolve_names(["01"], ["01_optimizers", "02_training_callbacks"])
['01_optimizers']
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from .._checks import fail
from ..errors import ParameterError
from .layout import Layout

__all__ = ["PRESETS", "notebook_names", "load_presets", "notebook_parameters", "parse_value",
           "resolve_names"]

#: The presets every notebook has, from fastest to the original course settings.
PRESETS = ("smoke", "quick", "full")


def notebook_names(layout: Layout) -> list[str]:
    """Return the topic notebooks in ``_toc.yml`` order (stems under ``notebooks/``)."""
    toc = yaml.safe_load((layout.root / "_toc.yml").read_text(encoding="utf-8"))
    names: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            entry = node.get("file")
            if isinstance(entry, str) and entry.startswith("notebooks/"):
                names.append(Path(entry).stem)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc)
    return names


def load_presets(layout: Layout) -> dict[str, dict[str, dict[str, Any]]]:
    """Read ``notebooks/presets.yml``: notebook -> preset -> parameters.

    Raises
    ------
    ParameterError
        When a notebook lacks one of :data:`PRESETS`.
    """
    data = yaml.safe_load(layout.presets_file.read_text(encoding="utf-8")) or {}
    for name, presets in data.items():
        missing = [p for p in PRESETS if p not in (presets or {})]
        if missing:
            raise ParameterError(
                f"{layout.presets_file} gives notebook {name!r} no {', '.join(missing)} preset; "
                f"every notebook needs {', '.join(PRESETS)} (an empty mapping means the "
                "notebook's defaults).")
    return data


def _assigned_values(source: str) -> dict[str, Any]:
    """Names assigned in ``source`` and their values (literals, else the expression's text)."""
    values: dict[str, Any] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    try:
                        values[target.id] = ast.literal_eval(node.value)
                    except ValueError:
                        values[target.id] = ast.unparse(node.value)
    return values


def notebook_parameters(path: Path) -> dict[str, Any]:
    """Return the names and default values of a notebook's ``parameters`` cell.

    Raises
    ------
    ParameterError
        When no cell is tagged ``parameters``.
    """
    import nbformat

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            return _assigned_values(cell.source)
    raise ParameterError(
        f"{path} has no cell tagged 'parameters'; tag the cell that holds its defaults.")


def parse_value(text: str) -> Any:
    """Parse a ``-p`` value as papermill does: YAML scalars, lists and mappings."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def resolve_names(requested: Sequence[str], known: Sequence[str]) -> list[str]:
    """Map each requested name (a stem, a path or a unique prefix) to a known notebook.

    Raises
    ------
    ParameterError
        For a name that matches no notebook, or more than one.
    """
    resolved = []
    for raw in requested:
        stem = Path(raw).stem
        matches = [k for k in known if k == stem] or [k for k in known if k.startswith(stem)]
        if len(matches) != 1:
            raise fail("names", "plan_runs", f"notebooks of _toc.yml, each one of {list(known)}",
                       raw, hint="A unique prefix such as '01' is enough.")
        resolved.append(matches[0])
    return resolved
