"""Runs beside the pages, and the spread of a result across seeds.

Every record of a notebook (its page run, ``results/<notebook>.json``, and its
runs beside it, ``results/runs/<notebook>/<run id>/<notebook>.json``) that
shares the preset, the backend and every parameter but ``seed`` belongs to one
*seed group*. A group with two or more seeds shows, per experiment, the mean of
its headline metric across the seeds and the Student-t 95% interval of that
mean (clipped to [0, 1] for an accuracy): the part of a difference that
chance (initial weights, batch order, data split) alone makes.

Example
-------
>>> a = {"notebook": "nb", "preset": "smoke", "parameters": {"seed": 0, "epochs": 1},
...      "experiments": [{"experiment": "adam", "metrics": {"test_accuracy": 0.80}}]}
>>> b = {**a, "parameters": {"seed": 1, "epochs": 1},
...      "experiments": [{"experiment": "adam", "metrics": {"test_accuracy": 0.84}}]}
>>> (group,) = seed_groups([a, b])
>>> row = spread_rows(group, {})[0]
>>> row["seeds"], row["mean"], row["95% interval across seeds"]
('2 (0, 1)', '0.820', '[0.566, 1.000]')
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .._stats import mean_interval
from ._results_rows import NONE, _format_original, _headline, _is_number

__all__ = ["load_runs", "seed_groups", "group_label", "spread_rows", "bounded"]


def bounded(metric: str, mean: float, low: float, high: float) -> tuple[float, float, float]:
    """A t interval of an accuracy (a proportion) clipped to [0, 1]; other metrics as given.

    >>> bounded("test_accuracy", 0.17, -0.004, 0.344)
    (0.17, 0.0, 0.344)
    >>> bounded("test_loss", 1.2, -0.1, 2.5)
    (1.2, -0.1, 2.5)
    """
    if "accuracy" in metric:
        return mean, max(0.0, low), min(1.0, high)
    return mean, low, high


def load_runs(results_dir: Path, notebook: str) -> list[dict[str, Any]]:
    """The records of the runs of ``notebook`` beside its page, by run id."""
    folder = Path(results_dir) / "runs" / notebook
    records = []
    for path in sorted(folder.glob(f"*/{notebook}.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        if "experiments" in record:
            records.append(record)
    return records


def _key(record: Mapping[str, Any]) -> str:
    parameters = {k: v for k, v in (record.get("parameters") or {}).items() if k != "seed"}
    return json.dumps({"preset": record.get("preset"), "backend": record.get("backend"),
                       "parameters": parameters}, sort_keys=True, default=str)


def seed_groups(records: Sequence[Mapping[str, Any]]) -> list[list[Mapping[str, Any]]]:
    """Groups of records equal in all but the seed, with two or more distinct seeds.

    A seed run twice (the page run and the same run beside it) counts once.
    """
    groups: dict[str, dict[Any, Mapping[str, Any]]] = {}
    for record in records:
        seed = (record.get("parameters") or {}).get("seed")
        groups.setdefault(_key(record), {}).setdefault(seed, record)
    return [list(by_seed.values()) for by_seed in groups.values() if len(by_seed) > 1]


def group_label(group: Sequence[Mapping[str, Any]]) -> str:
    """``preset smoke, seeds 0-2`` and any override the group's runs share, for a heading."""
    first = group[0]
    shared = {k: v for k, v in (first.get("overrides") or {}).items() if k != "seed"}
    seeds = sorted((r.get("parameters") or {}).get("seed") for r in group)
    parts = [f"preset {first.get('preset')}", f"seeds {', '.join(map(str, seeds))}"]
    if first.get("backend", "tensorflow") != "tensorflow":
        parts.append(f"backend {first['backend']}")
    parts += [f"{k}={v!r}" for k, v in shared.items()]
    return ", ".join(parts)


def spread_rows(group: Sequence[Mapping[str, Any]], reference: Mapping[str, Any]
                ) -> list[dict[str, str]]:
    """One row per experiment of the group (its headline metric, or the ones the original
    reported): the seeds, the mean, the 95% t interval of the mean, the standard
    deviation across seeds and the original's figure."""
    seeds = sorted((r.get("parameters") or {}).get("seed") for r in group)
    experiments: dict[str, list[Mapping[str, Any]]] = {}
    for record in group:
        for entry in record.get("experiments", []):
            experiments.setdefault(entry["experiment"], []).append(entry)
    rows = []
    for name, entries in experiments.items():
        original = reference.get(name) or {}
        metrics = list(original.get("values", {})) or [_headline(entries[0])]
        for metric in metrics:
            values = [e["metrics"][metric] for e in entries
                      if _is_number(e.get("metrics", {}).get(metric))]
            if len(values) < 2:
                continue
            mean, low, high = bounded(metric, *mean_interval(values))
            sd = (sum((v - mean) ** 2 for v in values) / (len(values) - 1)) ** 0.5
            theirs = original.get("values", {}).get(metric)
            rows.append({
                "experiment": name, "metric": metric,
                "seeds": f"{len(values)} ({', '.join(map(str, seeds))})",
                "mean": f"{mean:.3f}", "95% interval across seeds": f"[{low:.3f}, {high:.3f}]",
                "sd": f"{sd:.3f}",
                "original": NONE if theirs is None else (
                    f"{_format_original(theirs)} ({original.get('dataset')})"),
            })
    return rows
