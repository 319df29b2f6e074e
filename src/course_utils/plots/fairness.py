"""Fairness figures: metrics per protected group, accuracy against each fairness metric,
and one confusion heatmap per group.

The numbers come from :mod:`course_utils.fairness`; these functions only draw them.

Example
-------
>>> frame = pd.DataFrame({"group": ["a", "b"], "accuracy": [0.9, 0.8]})
>>> len(group_metric_bars(frame, metrics=["accuracy"]).patches)
2
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from .._checks import Shown, check_bool, check_int, fail, require_columns
from ._style import axes_grid, grouped_bars, new_axes, palette, row_names, style_axes

__all__ = ["group_metric_bars", "fairness_tradeoff", "group_confusion_heatmaps"]


def group_metric_bars(
    frame: pd.DataFrame,
    *,
    metrics: Sequence[str] = ("accuracy", "tpr", "fpr"),
    group_col: str = "group",
    ax: Axes | None = None,
) -> Axes:
    """Grouped bars of ``metrics`` per protected group (one row per group), for fairness.

    Example
    -------
    >>> frame = pd.DataFrame({"group": ["a", "b"], "accuracy": [0.9, 0.8],
    ...                       "tpr": [0.85, 0.7], "fpr": [0.1, 0.2]})
    >>> ax = group_metric_bars(frame)
    """
    metrics = list(metrics)
    require_columns(frame, [group_col, *metrics], "frame", "group_metric_bars")
    ax = style_axes(new_axes(ax), grid="y")
    grouped_bars(ax, frame, row_names(frame, group_col), metrics)
    ax.set(xlabel=group_col, ylabel="value", title=f"metrics per {group_col}")
    return ax


#: Parity value of each aif360 between-group metric (a ratio is fair at 1, a difference at 0).
_PARITY = {"disparate_impact": 1.0, "statistical_parity_difference": 0.0,
           "equal_opportunity_difference": 0.0, "average_odds_difference": 0.0}


def fairness_tradeoff(
    summary: pd.DataFrame,
    *,
    metrics: Sequence[str] = tuple(_PARITY),
    accuracy: str = "accuracy",
    ncols: int = 4,
    axes=None,
) -> np.ndarray:
    """Accuracy against each fairness metric, one panel per metric, one point per variant.

    Each panel marks parity with a dashed line (1 for ``disparate_impact``, 0
    for the differences), so a mitigation that helps moves its point toward
    the line, and its cost shows as a drop along the accuracy axis.

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per variant: a ``variant`` column (else the index), ``accuracy``
        and the ``metrics`` columns (e.g. from
        :func:`course_utils.fairness.fairness_summary` per variant).
    metrics : sequence of str, default the four aif360 metrics
    accuracy : str, default "accuracy"
        Column on the y axis.
    ncols : int, default 4
    axes : array of Axes, optional
        At least ``len(metrics)`` Axes.

    Returns
    -------
    numpy.ndarray of Axes

    Example
    -------
    >>> frame = pd.DataFrame({"variant": ["before", "after"], "accuracy": [0.9, 0.88],
    ...                       "disparate_impact": [0.6, 0.9]})
    >>> axes = fairness_tradeoff(frame, metrics=["disparate_impact"])
    """
    metrics = list(metrics)
    require_columns(summary, [accuracy, *metrics], "summary", "fairness_tradeoff")
    ncols = check_int(ncols, "ncols", "fairness_tradeoff", minimum=1)
    names = row_names(summary, "variant")
    flat = axes_grid(axes, len(metrics), ncols=ncols, func="fairness_tradeoff", cell=(3.4, 3.0))
    colors = palette(len(names))
    y = summary[accuracy].to_numpy(dtype=float)
    for ax, metric in zip(flat, metrics, strict=False):
        style_axes(ax)
        x = summary[metric].to_numpy(dtype=float)
        for name, xi, yi, color in zip(names, x, y, colors, strict=True):
            ax.scatter([xi], [yi], color=color, label=name, zorder=3, s=40)
        if metric in _PARITY:
            ax.axvline(_PARITY[metric], color="black", linestyle="--", linewidth=0.8)
        ax.set(xlabel=metric.replace("_", " "), ylabel=accuracy, title=metric.replace("_", " "))
    for ax in flat[len(metrics):]:
        ax.set_visible(False)
    flat[0].legend(frameon=False, fontsize="small")
    return flat


def _confusion_cells(ax: Axes, cm: pd.DataFrame, *, normalize: bool, title: str):
    """Draw one confusion matrix as an image with its value in each cell; return the image."""
    counts = cm.to_numpy(dtype=float)
    values = counts
    if normalize:
        totals = counts.sum(axis=1, keepdims=True)
        values = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
    vmax = 1.0 if normalize else max(float(counts.max()), 1.0)
    image = ax.imshow(values, cmap="Blues", vmin=0.0, vmax=vmax)
    for (row, col), value in np.ndenumerate(values):
        ax.text(col, row, f"{value:.2f}" if normalize else f"{value:.0f}", ha="center",
                va="center", color="white" if value > 0.6 * vmax else "black")
    columns = [str(c) for c in cm.columns]
    long = max(len(c) for c in columns) > 6
    ax.set_xticks(range(cm.shape[1]), columns, rotation=30 if long else 0,
                  ha="right" if long else "center")
    ax.set_yticks(range(cm.shape[0]), [str(i) for i in cm.index])
    ax.set(xlabel="predicted", ylabel="true", title=f"{title} (n={int(counts.sum())})")
    return image


def group_confusion_heatmaps(
    confusions: Mapping[str, pd.DataFrame],
    *,
    normalize: bool = True,
    ncols: int = 4,
    axes=None,
) -> np.ndarray:
    """One confusion heatmap per protected group, titled with the group and its size.

    Drawn with Matplotlib directly, with one shared colour bar when normalized
    (seaborn's heatmap redraws the whole figure per call, which makes a grid slow).

    Parameters
    ----------
    confusions : mapping of group to DataFrame
        From :func:`course_utils.fairness.group_confusions`: rows true, columns
        predicted.
    normalize : bool, default True
        Rows as shares of the true class (groups of different sizes compare).
    ncols : int, default 4
    axes : array of Axes, optional

    Returns
    -------
    numpy.ndarray of Axes

    Example
    -------
    >>> cm = pd.DataFrame([[5, 1], [2, 4]], index=["no", "yes"], columns=["no", "yes"])
    >>> axes = group_confusion_heatmaps({"a": cm, "b": cm})
    """
    if not isinstance(confusions, Mapping) or not confusions:
        raise fail("confusions", "group_confusion_heatmaps",
                   "a non-empty mapping of group to confusion DataFrame",
                   Shown(f"{type(confusions).__name__} of length {len(confusions)}"
                         if isinstance(confusions, Mapping) else type(confusions).__name__))
    check_bool(normalize, "normalize", "group_confusion_heatmaps")
    ncols = check_int(ncols, "ncols", "group_confusion_heatmaps", minimum=1)
    flat = axes_grid(axes, len(confusions), ncols=ncols, func="group_confusion_heatmaps",
                 cell=(3.0, 2.8))
    image = None
    for ax, (group, cm) in zip(flat, confusions.items(), strict=False):
        image = _confusion_cells(ax, cm, normalize=normalize, title=str(group))
    for ax in flat[len(confusions):]:
        ax.set_visible(False)
    if normalize:
        flat[0].figure.colorbar(image, ax=list(flat[: len(confusions)]), shrink=0.8,
                                label="share of true class")
    return flat
