"""One book page per sweep: each metric against each swept parameter, and the runs.

``course-book build`` writes ``book/sweeps/<sweep id>.md`` for every manifest
under ``results/sweeps/`` (:mod:`.sweeps`) and lists the pages in the staged
``_toc.yml`` after the results page. A page's figure has one panel per metric
and swept parameter: one line per experiment through the mean over the runs
at each value (the other swept parameters, seeds among them, vary within it),
with the 95% t interval of that mean as a band where two or more runs share
the value; against the seed, the runs as points around their mean and its
band. Its table lists every run with its swept values and each experiment's
headline metric.

Example
-------
>>> import tempfile
>>> write_sweep_pages(Path(tempfile.mkdtemp()), Path(tempfile.mkdtemp()))
[]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .._stats import mean_interval
from ._results_rows import NONE, _headline, _is_number
from .runs import bounded
from .sweeps import load_sweeps

__all__ = ["sweep_metrics", "sweep_table", "write_sweep_pages", "add_to_toc"]

#: The metrics a sweep page plots first, when the runs recorded them.
_PREFERRED = ("test_accuracy", "test_loss", "test_mse", "test_mae")
_MAX_METRICS = 3


def _records(sweep: Mapping[str, Any]) -> list[tuple[Mapping[str, Any], Mapping[str, Any]]]:
    return [(run, run["record"]) for run in sweep["runs"] if run.get("record")]


def sweep_metrics(sweep: Mapping[str, Any]) -> list[str]:
    """The test metrics a sweep's page plots: those every finished run recorded (at most 3)."""
    found: list[set[str]] = []
    for _, record in _records(sweep):
        names = {m for e in record["experiments"] for m, v in e.get("metrics", {}).items()
                 if m.startswith("test_") and _is_number(v)}
        found.append(names)
    shared = set.intersection(*found) if found else set()
    ordered = [m for m in _PREFERRED if m in shared] + sorted(shared - set(_PREFERRED))
    return ordered[:_MAX_METRICS]


def _value(record: Mapping[str, Any], experiment: str, metric: str) -> float | None:
    for entry in record["experiments"]:
        if entry["experiment"] == experiment:
            value = entry.get("metrics", {}).get(metric)
            return float(value) if _is_number(value) else None
    return None


def _experiments(sweep: Mapping[str, Any]) -> list[str]:
    names: dict[str, None] = {}
    for _, record in _records(sweep):
        names.update(dict.fromkeys(e["experiment"] for e in record["experiments"]))
    return list(names)


def sweep_table(sweep: Mapping[str, Any]) -> Any:
    """One row per run: run id, swept values, each experiment's headline metric, wall time."""
    import pandas as pd

    rows = []
    for run in sweep["runs"]:
        record = run.get("record")
        row = {"run": run["run_id"], **{k: repr(v) if isinstance(v, str) else v
                                        for k, v in run["parameters"].items()}}
        if record is None:
            row["status"] = "no record (not run, or failed)"
        else:
            for entry in record["experiments"]:
                metric = _headline(entry)
                value = entry.get("metrics", {}).get(metric)
                row[f"{entry['experiment']} {metric}"] = (f"{value:.3f}" if _is_number(value)
                                                         else NONE)
            row["wall time"] = f"{record.get('wall_seconds', 0):.0f} s"
        rows.append(row)
    return pd.DataFrame(rows).fillna(NONE)


def _positions(values: Sequence[Any]) -> tuple[list[float], list[str] | None]:
    """Numeric values on their own axis; anything else at 0, 1, 2, ... with labels."""
    if all(_is_number(v) for v in values):
        return [float(v) for v in values], None
    return list(range(len(values))), [str(v) for v in values]


def _draw(ax: Any, done: Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]],
          experiment: str, metric: str, parameter: str, values: Sequence[Any],
          xs: Sequence[float]) -> None:
    """One experiment in one panel: mean line and t band per value; across seeds, the
    runs as points around their overall mean and its band."""
    points = []
    for x, value in zip(xs, values, strict=True):
        ys = [y for run, record in done if run["parameters"].get(parameter) == value
              and (y := _value(record, experiment, metric)) is not None]
        if ys:
            points.append((x, ys))
    if not points:
        return
    if parameter == "seed":  # seeds have no order: show the spread, not a trend
        every = [y for _, ys in points for y in ys]
        mean, low, high = bounded(metric, *mean_interval(every))
        (dots,) = ax.plot([x for x, ys in points for _ in ys], every, "o", label=experiment)
        ax.axhline(mean, color=dots.get_color(), lw=1)
        ax.axhspan(low, high, color=dots.get_color(), alpha=0.15, lw=0)
        return
    px = [x for x, _ in points]
    mean, low, high = zip(*(bounded(metric, *mean_interval(ys)) for _, ys in points),
                          strict=True)
    (line,) = ax.plot(px, mean, marker="o", label=experiment)
    ax.fill_between(px, low, high, color=line.get_color(), alpha=0.18, lw=0)


def _figure(sweep: Mapping[str, Any], metrics: Sequence[str], path: Path) -> bool:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    grid = sweep["grid"]
    done = _records(sweep)
    if not metrics or not done:
        return False
    fig, axes = plt.subplots(len(metrics), len(grid), squeeze=False,
                             figsize=(4.2 * len(grid) + 1.5, 3.0 * len(metrics)))
    for col, (parameter, values) in enumerate(grid.items()):
        xs, labels = _positions(values)
        for row, metric in enumerate(metrics):
            ax = axes[row][col]
            for experiment in _experiments(sweep):
                _draw(ax, done, experiment, metric, parameter, values, xs)
            if labels is not None:
                ax.set_xticks(xs, labels, rotation=20, fontsize=8)
            elif all(float(x).is_integer() for x in xs):
                ax.set_xticks(xs)
            ax.set_xlabel(parameter)
            ax.set_ylabel(metric)
            ax.grid(alpha=0.3)
    handles, names = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, names, loc="upper center", ncol=min(4, len(names)), fontsize=8,
               bbox_to_anchor=(0.5, 1.0), frameon=False)
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def _page(sweep: Mapping[str, Any], figure: str | None, metrics: Sequence[str]) -> str:
    grid = ", ".join(f"`{k}` in {v!r}" for k, v in sweep["grid"].items())
    done = len(_records(sweep))
    lines = [
        f"# Sweep: {sweep['notebook']} ({sweep['preset']})",
        "",
        f"Sweep `{sweep['sweep']}`: notebook `{sweep['notebook']}` with preset "
        f"`{sweep['preset']}` on the {sweep.get('backend', 'tensorflow')} backend, over {grid}: "
        f"{len(sweep['runs'])} runs, {done} with a record. Each run sits beside the notebook's "
        "page (`results/runs/<notebook>/<run id>/`); rerun it with `course-book sweep` and the "
        "same values.",
        "",
    ]
    if figure:
        lines += [
            f"Each panel: one {'metric' if len(metrics) == 1 else 'of ' + ', '.join(metrics)} "
            "against one swept parameter, a line per experiment through the mean over the runs "
            "with that value; the band is the 95% t interval of that mean where two or more "
            "runs share the value (the other swept parameters vary within it). Against the "
            "seed, each run is a point, the line is their mean and the band its 95% t "
            "interval: how far chance alone moves the metric.",
            "",
            f"![Each metric against each swept parameter]({figure})",
            "",
        ]
    lines += ["## Runs", "", sweep_table(sweep).to_markdown(index=False, disable_numparse=True),
              ""]
    return "\n".join(lines)


def write_sweep_pages(results_dir: Path, book_folder: Path) -> list[str]:
    """Write one page (and figure) per sweep into ``<book_folder>/sweeps/``.

    Returns the pages as ``_toc.yml`` entries (``book/sweeps/<id>``), in sweep order.
    """
    sweeps = load_sweeps(results_dir)
    if not sweeps:
        return []
    folder = Path(book_folder) / "sweeps"
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for sweep in sweeps:
        metrics = sweep_metrics(sweep)
        figure = f"{sweep['sweep']}.png"
        drawn = _figure(sweep, metrics, folder / figure)
        (folder / f"{sweep['sweep']}.md").write_text(
            _page(sweep, figure if drawn else None, metrics), encoding="utf-8")
        entries.append(f"book/sweeps/{sweep['sweep']}")
    return entries


def add_to_toc(toc: Path, entries: Sequence[str], *, after: str = "book/results") -> None:
    """List ``entries`` in ``toc`` right after the chapter ``after`` (the results page)."""
    import yaml

    if not entries:
        return
    data = yaml.safe_load(toc.read_text(encoding="utf-8"))
    for part in data.get("parts", []):
        chapters = part.get("chapters", [])
        files = [c.get("file") for c in chapters]
        if after in files:
            at = files.index(after) + 1
            chapters[at:at] = [{"file": e} for e in entries]
            break
    else:
        data.setdefault("parts", []).append(
            {"caption": "Sweeps", "chapters": [{"file": e} for e in entries]})
    toc.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
