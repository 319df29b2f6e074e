"""Figures that compare variants: metric bars, generalization gaps, accuracy against model
size or label budget, and weight histograms.

Example
-------
>>> summary = pd.DataFrame({"variant": ["a", "b"], "train_accuracy": [0.9, 0.8],
...                         "val_accuracy": [0.8, 0.8], "test_accuracy": [0.8, 0.7]})
>>> ax = metric_bars(summary, metrics=["test_accuracy"])
>>> [tick.get_text() for tick in ax.get_xticklabels()]
['a', 'b']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from .._checks import Shown, check_int, fail, require_columns
from ..evaluate import train_val_gap
from ._style import (
    OTHER_COLOR,
    TRUE_COLOR,
    WRONG_COLOR,
    axes_grid,
    grouped_bars,
    new_axes,
    palette,
    row_names,
    style_axes,
)

__all__ = ["metric_bars", "gap_bars", "accuracy_vs_params", "metric_vs_budget",
           "weight_histograms"]


def metric_bars(
    summary: pd.DataFrame,
    *,
    metrics: Sequence[str] = ("train_accuracy", "val_accuracy", "test_accuracy"),
    ax: Axes | None = None,
) -> Axes:
    """Grouped bars of ``metrics`` per variant (``Comparison.summary``).

    The variant names come from a ``variant`` column, else the index.

    Example
    -------
    >>> summary = pd.DataFrame({"variant": ["sgd", "adam"], "train_accuracy": [0.8, 0.9],
    ...                         "val_accuracy": [0.7, 0.8], "test_accuracy": [0.7, 0.75]})
    >>> len(metric_bars(summary).patches)
    6
    """
    metrics = list(metrics)
    require_columns(summary, metrics, "summary", "metric_bars")
    ax = style_axes(new_axes(ax), grid="y")
    grouped_bars(ax, summary, row_names(summary, "variant"), metrics)
    ax.set(xlabel="variant", ylabel="value", title="metrics per variant")
    return ax


def gap_bars(summary: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Train minus validation accuracy per variant (overfitting shows as a tall bar).

    Example
    -------
    >>> summary = pd.DataFrame({"variant": ["none", "dropout"], "train_accuracy": [0.99, 0.9],
    ...                         "val_accuracy": [0.8, 0.85]})
    >>> [round(float(bar.get_height()), 2) for bar in gap_bars(summary).patches]
    [0.19, 0.05]
    """
    require_columns(summary, ["train_accuracy", "val_accuracy"], "summary", "gap_bars")
    frame = train_val_gap(summary)
    names = row_names(frame, "variant")
    ax = style_axes(new_axes(ax), grid="y")
    gaps = frame["gap"].to_numpy(dtype=float)
    colors = [WRONG_COLOR if gap > 0 else TRUE_COLOR for gap in gaps]
    bars = ax.bar(names, gaps, color=colors)
    ax.bar_label(bars, fmt="%.3f", fontsize="small")
    ax.axhline(0.0, color="black", linewidth=0.8)
    if len(names) > 4:
        ax.tick_params(axis="x", labelrotation=30)
    ax.set(xlabel="variant", ylabel="train - validation accuracy",
           title="generalization gap per variant")
    return ax


def accuracy_vs_params(
    summary: pd.DataFrame, *, metric: str = "test_accuracy", ax: Axes | None = None
) -> Axes:
    """``metric`` against parameter count (log x), each point labelled with its variant.

    Example
    -------
    >>> summary = pd.DataFrame({"variant": ["mlp", "cnn"], "params": [100_000, 20_000],
    ...                         "test_accuracy": [0.84, 0.9]})
    >>> [text.get_text() for text in accuracy_vs_params(summary).texts]
    ['mlp', 'cnn']
    """
    require_columns(summary, ["params", metric], "summary", "accuracy_vs_params")
    names = row_names(summary, "variant")
    ax = style_axes(new_axes(ax))
    params = summary["params"].to_numpy(dtype=float)
    values = summary[metric].to_numpy(dtype=float)
    ax.scatter(params, values, color=palette(1)[0], zorder=3)
    for name, x, y in zip(names, params, values, strict=True):
        ax.annotate(name, (x, y), xytext=(4, 4), textcoords="offset points", fontsize="small")
    ax.set_xscale("log")
    ax.set(xlabel="parameters (log scale)", ylabel=metric, title=f"{metric} vs model size")
    return ax


def metric_vs_budget(
    table: pd.DataFrame, *, budget: str = "labels_per_class", metric: str = "test_accuracy",
    by: str = "method", chance: float | None = None, ax: Axes | None = None
) -> Axes:
    """``metric`` against a label budget (log x), one line with markers per ``by`` value.

    Rows that share a ``by`` value and a budget (repeats with other seeds) are
    drawn as small faint dots, and the line joins their means.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per run with columns ``budget``, ``metric`` and ``by``.
    budget, metric, by : str
        Column names: the x axis, the y axis and what makes one line.
    chance : float, optional
        Draw the chance level as a dotted line.
    ax : matplotlib Axes, optional

    Example
    -------
    >>> runs = pd.DataFrame({"method": ["a", "a"], "labels_per_class": [5, 10],
    ...                      "test_accuracy": [0.5, 0.7]})
    >>> ax = metric_vs_budget(runs)
    """
    require_columns(table, [budget, metric, by], "table", "metric_vs_budget")
    ax = style_axes(new_axes(ax))
    groups = list(dict.fromkeys(table[by]))
    for color, group in zip(palette(len(groups)), groups, strict=True):
        rows = table[table[by] == group]
        means = rows.groupby(budget)[metric].mean().sort_index()
        ax.plot(means.index, means.to_numpy(), marker="o", color=color, label=str(group))
        if len(means) < len(rows):
            ax.scatter(rows[budget], rows[metric], s=12, color=color, alpha=0.35, zorder=1)
    if chance is not None:
        ax.axhline(chance, color=OTHER_COLOR, linestyle=":", label="chance")
    ax.set_xscale("log")
    ticks = sorted(set(table[budget]))
    ax.set_xticks(ticks, [str(t) for t in ticks])
    ax.minorticks_off()
    ax.legend(frameon=False)
    ax.set(xlabel=budget.replace("_", " ") + " (log scale)", ylabel=metric,
           title=f"{metric} vs {budget.replace('_', ' ')}")
    return ax


def weight_histograms(
    weights: Mapping[str, np.ndarray], *, bins: int = 50, ncols: int = 4, axes=None
) -> np.ndarray:
    """Histogram of each named weight array, on shared bins (e.g. L1 vs L2 vs none).

    Parameters
    ----------
    weights : mapping of str to array-like
        Name -> weights (any shape; flattened).
    bins : int, default 50
    ncols : int, default 4
        Columns of the grid created when ``axes`` is None.
    axes : array of matplotlib Axes, optional

    Returns
    -------
    ndarray of Axes (one per name)

    Example
    -------
    >>> axes = weight_histograms({"l2": np.random.default_rng(0).normal(size=100)})
    """
    if not isinstance(weights, Mapping) or not weights:
        raise fail("weights", "weight_histograms", "a non-empty dict of name -> array",
                   Shown(f"{weights!r:.60}"))
    bins = check_int(bins, "bins", "weight_histograms", minimum=1)
    ncols = check_int(ncols, "ncols", "weight_histograms", minimum=1)
    arrays = {name: np.asarray(values, dtype=float).ravel() for name, values in weights.items()}
    every = np.concatenate(list(arrays.values()))
    edges = np.histogram_bin_edges(every[np.isfinite(every)], bins=bins)
    flat = axes_grid(axes, len(arrays), ncols=ncols, func="weight_histograms", cell=(3.2, 2.6))
    colors = palette(len(arrays))
    for ax, color, (name, values) in zip(flat, colors, arrays.items(), strict=False):
        style_axes(ax, grid="y")
        ax.hist(values, bins=edges, color=color)
        ax.set(title=f"{name} (std {values.std():.3g})", xlabel="weight", ylabel="count")
    for ax in flat[len(arrays):]:
        ax.set_axis_off()
    return flat[: len(arrays)]
