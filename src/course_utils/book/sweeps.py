"""Sweeps: many runs of a notebook over a grid of parameter values, side by side.

A sweep is a notebook, a preset and a grid (each swept parameter with its
values); its runs are the product of the values, each a run beside the page
(``results/runs/<notebook>/<run id>/``, see :func:`~.runner.run_id`), so a
sweep never overwrites what the book publishes. Its manifest,
``results/sweeps/<sweep id>.json``, lists the runs; ``course-book build``
turns each manifest into a page.

Example
-------
>>> parse_values("0,1,2"), parse_values("sgd, adam"), parse_values("[1, 5], [25]")
([0, 1, 2], ['sgd', 'adam'], [[1, 5], [25]])
>>> expand({"seed": [0, 1], "bias": [0.0, 0.5]})  # doctest: +NORMALIZE_WHITESPACE
[{'seed': 0, 'bias': 0.0}, {'seed': 0, 'bias': 0.5},
 {'seed': 1, 'bias': 0.0}, {'seed': 1, 'bias': 0.5}]
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .._checks import fail
from ..errors import ParameterError
from ._files import write_json_atomic
from .layout import Layout
from .runner import RunPlan, plan_runs

__all__ = ["Sweep", "parse_values", "parse_grid", "load_grid", "expand", "plan_sweep",
           "load_sweeps"]


def parse_values(text: str) -> list[Any]:
    """The values of one ``-p NAME A,B,C``: a YAML flow list without its brackets."""
    try:
        values = yaml.safe_load(f"[{text}]")
    except yaml.YAMLError as exc:
        raise ParameterError(f"Cannot read the values {text!r} as a comma-separated list: "
                             f"{exc}. Quote a value that holds a comma.") from None
    if not values:
        raise fail("values", "parse_values", "at least one value, e.g. 0,1,2", text)
    return values


def parse_grid(pairs: Sequence[Sequence[str]]) -> dict[str, list[Any]]:
    """The grid of ``-p NAME VALUES`` pairs, in the order given; a name given twice is refused."""
    grid: dict[str, list[Any]] = {}
    for name, text in pairs:
        if name in grid:
            raise fail("grid", "sweep", "each parameter once", name,
                       hint="List all its values in one -p, e.g. -p seed 0,1,2.")
        grid[name] = parse_values(text)
    return grid


def load_grid(path: str | Path) -> dict[str, list[Any]]:
    """A grid written down: a YAML mapping of each parameter to its list of values.

    A scalar stands for a one-value list. An empty file, a non-mapping or an
    empty list is refused with the file named.
    """
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ParameterError(f"Cannot read the grid file {path}: {exc.strerror}.") from None
    if not isinstance(data, Mapping) or not data:
        raise fail("grid", "sweep", f"a YAML mapping of parameter names to value lists in {path}",
                   type(data).__name__, hint="e.g. 'seed: [0, 1, 2]'.")
    grid = {str(k): list(v) if isinstance(v, list) else [v] for k, v in data.items()}
    empty = [k for k, v in grid.items() if not v]
    if empty:
        raise fail("grid", "sweep", f"at least one value per parameter in {path}", empty[0])
    return grid


def expand(grid: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Every combination of the grid's values (the last parameter varies fastest)."""
    names = list(grid)
    return [dict(zip(names, combo, strict=True))
            for combo in itertools.product(*(grid[n] for n in names))]


def _sweep_id(name: str, preset: str, backend: str, grid: Mapping[str, Any]) -> str:
    digest = hashlib.sha256(json.dumps({"grid": grid, "backend": backend}, sort_keys=True,
                                       default=str).encode()).hexdigest()[:8]
    return f"{name}-{preset}-{'-'.join(grid)}-{digest}"


@dataclass(frozen=True)
class Sweep:
    """One notebook's grid of runs: its id, the grid, and one plan per grid point."""

    id: str
    name: str
    preset: str
    backend: str
    grid: dict[str, list[Any]]
    plans: tuple[RunPlan, ...]

    def manifest(self) -> dict[str, Any]:
        """The sweep as ``results/sweeps/<id>.json`` stores it."""
        return {"sweep": self.id, "notebook": self.name, "preset": self.preset,
                "backend": self.backend, "grid": self.grid,
                "runs": [{"run_id": p.run_id, "parameters": p.overrides} for p in self.plans]}

    def save(self, layout: Layout) -> Path:
        """Write the manifest (before the runs start, so a half-done sweep is visible)."""
        path = layout.sweeps_dir / f"{self.id}.json"
        write_json_atomic(path, self.manifest())
        return path


def plan_sweep(names: Sequence[str], grid: Mapping[str, Sequence[Any]], *, preset: str,
               layout: Layout, backend: str | None = None, timeout: int | None = None
               ) -> list[Sweep]:
    """Plan one sweep per notebook; every run is checked before anything runs.

    Parameters
    ----------
    names : sequence of str
        Notebook stems (or unique prefixes).
    grid : mapping
        Each swept parameter and its values.
    preset : str
    layout : Layout
    backend : str, optional
        See :func:`~.runner.plan_runs`.
    timeout : int, optional
        Per-cell timeout.

    Raises
    ------
    ParameterError
        For an unknown notebook, preset or parameter, or an empty grid.
    """
    if not grid:
        raise fail("grid", "sweep", "at least one parameter with values (-p NAME A,B or --grid)",
                   dict(grid))
    if not names:
        raise fail("names", "sweep", "at least one notebook", list(names))
    sweeps = []
    for point_plans in _plans_by_notebook(names, grid, preset, layout, backend, timeout):
        first = point_plans[0]
        sweeps.append(Sweep(id=_sweep_id(first.name, preset, first.backend, dict(grid)),
                            name=first.name, preset=preset, backend=first.backend,
                            grid={k: list(v) for k, v in grid.items()},
                            plans=tuple(point_plans)))
    return sweeps


def _plans_by_notebook(names, grid, preset, layout, backend, timeout):
    """The plans of every grid point, one list per notebook."""
    by_point = [plan_runs(names, preset=preset, overrides=point, timeout=timeout,
                          layout=layout, backend=backend, beside=True) for point in expand(grid)]
    return [list(column) for column in zip(*by_point, strict=True)]


def load_sweeps(results_dir: Path) -> list[dict[str, Any]]:
    """Every sweep manifest under ``<results>/sweeps/``, each with its runs' records.

    A run whose record is missing (not run yet, or failed) has ``record: None``.
    """
    sweeps = []
    for path in sorted((Path(results_dir) / "sweeps").glob("*.json")):
        manifest = json.loads(path.read_text(encoding="utf-8"))
        for run in manifest["runs"]:
            record = (Path(results_dir) / "runs" / manifest["notebook"] / run["run_id"]
                      / f"{manifest['notebook']}.json")
            run["record"] = (json.loads(record.read_text(encoding="utf-8"))
                             if record.is_file() else None)
        sweeps.append(manifest)
    return sweeps
