"""Every figure of the lab book, drawn from arrays and DataFrames.

Each function takes the data positionally and its options keyword-only,
draws on the ``ax`` (or ``axes``) it is given, creates a figure only when none
is given, returns what it drew on (an Axes, or an ndarray of Axes for grids)
and never calls ``plt.show()``. The look is set per axes (white background,
light grid, no top/right spines, a colour-blind-safe palette), so importing
this module changes no global Matplotlib state. Metrics come from
:mod:`course_utils.evaluate`; nothing is recomputed here.

Example
-------
>>> import pandas as pd
>>> history = pd.DataFrame({"epoch": [1, 2], "accuracy": [0.5, 0.7], "val_accuracy": [0.4, 0.6]})
>>> ax = learning_curves(history)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from . import evaluate
from .errors import ParameterError

__all__ = [
    "learning_curves",
    "metric_bars",
    "confusion_heatmap",
    "per_class_bars",
    "roc_plot",
    "image_grid",
    "prediction_gallery",
    "probability_bars",
    "class_distribution",
    "tsne_plot",
    "regression_curves",
    "gap_bars",
    "weight_histograms",
    "accuracy_vs_params",
    "metric_vs_budget",
    "lr_curve",
    "loss_curves_vs_probability",
    "group_metric_bars",
    "fairness_tradeoff",
    "group_confusion_heatmaps",
]

GRID_COLOR = "#e3e3e3"
TRUE_COLOR = "#1b9e77"
WRONG_COLOR = "#d95f02"
OTHER_COLOR = "#b0b0b0"


# --- shared helpers ----------------------------------------------------------------------------


def palette(n: int) -> list:
    """``n`` distinct colours: seaborn's colour-blind palette, ``husl`` beyond 10."""
    return sns.color_palette("colorblind" if n <= 10 else "husl", max(n, 1))


def _style(ax: Axes, *, grid: str = "both") -> Axes:
    """Give one Axes the book's look: white, light grid behind the data, open top/right."""
    ax.set_facecolor("white")
    ax.set_axisbelow(True)
    if grid != "none":
        ax.grid(True, axis=grid, color=GRID_COLOR, linewidth=0.8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return ax


def _axes(ax: Axes | None, figsize: tuple[float, float] = (6.4, 4.0)) -> Axes:
    """Return ``ax``, or a new figure's single Axes when ``ax`` is None."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _grid(axes, n: int, *, ncols: int, func: str, cell: tuple[float, float]) -> np.ndarray:
    """Return a flat array of at least ``n`` Axes: ``axes`` checked, or a new grid."""
    if axes is None:
        ncols = max(1, min(ncols, n))
        nrows = math.ceil(n / ncols)
        _, grid = plt.subplots(nrows, ncols, squeeze=False, layout="constrained",
                               figsize=(cell[0] * ncols, cell[1] * nrows))
        return grid.ravel()
    flat = np.asarray(axes, dtype=object).ravel()
    if flat.size < n:
        raise ParameterError(
            f"The 'axes' parameter of {func} must hold at least {n} Axes. "
            f"Got {flat.size} instead."
        )
    return flat


def _columns(frame, needed: Sequence[str], name: str, func: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(
            f"The {name!r} parameter of {func} must be a pandas DataFrame. "
            f"Got {type(frame).__name__} instead."
        )
    missing = [col for col in needed if col not in frame.columns]
    if missing:
        raise ParameterError(
            f"The {name!r} parameter of {func} needs columns {list(needed)}; missing {missing}. "
            f"Got columns {list(frame.columns)}."
        )
    return frame


def _names(frame: pd.DataFrame, col: str) -> list[str]:
    """Labels of the rows: column ``col`` if present, else the index."""
    values = frame[col] if col in frame.columns else frame.index
    return [str(value) for value in values]


def _grouped_bars(ax: Axes, frame: pd.DataFrame, groups: list[str], metrics: Sequence[str]):
    """Draw one bar per (group, metric): groups along x, metrics side by side."""
    x = np.arange(len(groups))
    width = 0.8 / len(metrics)
    colors = palette(len(metrics))
    for i, metric in enumerate(metrics):
        offset = (i - (len(metrics) - 1) / 2) * width
        ax.bar(x + offset, frame[metric].to_numpy(dtype=float), width, label=metric,
               color=colors[i])
    ax.set_xticks(x, groups, rotation=30 if len(groups) > 4 else 0,
                  ha="right" if len(groups) > 4 else "center")
    values = frame[list(metrics)].to_numpy(dtype=float)
    if np.nanmin(values) >= 0 and np.nanmax(values) <= 1:
        ax.set_ylim(0, 1.05)
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))


def _show_image(ax: Axes, image, cmap: str) -> None:
    array = np.asarray(image)
    if array.ndim == 3 and array.shape[-1] == 1:
        array = array[..., 0]
    if array.ndim not in (2, 3):
        raise ParameterError(
            f"Each image must have shape (h, w), (h, w, 1) or (h, w, 3). Got {array.shape}."
        )
    if array.dtype.kind == "f":
        array = np.clip(array, 0.0, 1.0) if array.max() <= 1.0 + 1e-6 else array
        limits = {"vmin": 0.0, "vmax": 1.0} if array.max() <= 1.0 else {}
    else:
        limits = {}
    ax.imshow(array, cmap=cmap if array.ndim == 2 else None, **limits)
    ax.set_xticks([])
    ax.set_yticks([])


# --- training ----------------------------------------------------------------------------------


def learning_curves(
    history: pd.DataFrame, *, metric: str = "accuracy", ax: Axes | None = None
) -> Axes:
    """Train (dashed) and validation (solid) ``metric`` per epoch, one colour per variant.

    Parameters
    ----------
    history : pandas.DataFrame
        Tidy: columns ``epoch``, ``<metric>`` and/or ``val_<metric>``, and
        ``variant`` (optional; one run when absent), e.g. ``Comparison.history``.
    metric : str, default "accuracy"
        Any metric column, e.g. ``"loss"``.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Example
    -------
    >>> ax = learning_curves(comparison.history, metric="loss")  # doctest: +SKIP
    """
    _columns(history, ["epoch"], "history", "learning_curves")
    columns = [col for col in (metric, f"val_{metric}") if col in history.columns]
    if not columns:
        raise ParameterError(
            f"The 'metric' parameter of learning_curves is {metric!r}, but 'history' has neither "
            f"{metric!r} nor 'val_{metric}'. Got columns {list(history.columns)}."
        )
    ax = _style(_axes(ax))
    frame = history if "variant" in history.columns else history.assign(variant="model")
    variants = list(dict.fromkeys(frame["variant"]))
    colors = palette(len(variants))
    for color, variant in zip(colors, variants, strict=True):
        rows = frame[frame["variant"] == variant].sort_values("epoch")
        for col in columns:
            style = "-" if col.startswith("val_") else "--"
            ax.plot(rows["epoch"], rows[col], linestyle=style, color=color, marker=".")
    handles = [Line2D([], [], color=color, label=str(v)) for color, v in zip(colors, variants,
                                                                             strict=True)]
    handles += [Line2D([], [], color="black", linestyle="--", label="train"),
                Line2D([], [], color="black", linestyle="-", label="validation")]
    ax.legend(handles=handles, frameon=False, fontsize="small")
    ax.set(xlabel="epoch", ylabel=metric, title=f"{metric}: train (dashed) and validation (solid)")
    return ax


def lr_curve(history: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Learning rate per epoch (log scale), one line per variant when there is one.

    Example
    -------
    >>> ax = lr_curve(result.history)  # doctest: +SKIP
    """
    _columns(history, ["epoch", "lr"], "history", "lr_curve")
    ax = _style(_axes(ax))
    frame = history if "variant" in history.columns else history.assign(variant="model")
    variants = list(dict.fromkeys(frame["variant"]))
    for color, variant in zip(palette(len(variants)), variants, strict=True):
        rows = frame[frame["variant"] == variant].sort_values("epoch")
        ax.plot(rows["epoch"], rows["lr"], color=color, marker=".", label=str(variant),
                drawstyle="steps-post")
    ax.set_yscale("log")
    if len(variants) > 1:
        ax.legend(frameon=False)
    ax.set(xlabel="epoch", ylabel="learning rate", title="learning rate per epoch")
    return ax


def loss_curves_vs_probability(*, axes=None, points: int = 400) -> np.ndarray:
    """Cross-entropy and MSE, and their gradients, against p(true class).

    Computed from the formulas for one sigmoid output with logit ``z`` and
    ``p = sigmoid(z)`` the probability given to the true class: cross-entropy
    ``-log p`` with gradient magnitude ``|dL/dz| = 1 - p``; squared error
    ``(1 - p)**2`` with ``|dL/dz| = 2 p (1 - p)**2``. The MSE gradient vanishes
    when the model is confidently wrong (p near 0), which is why the MSE run in
    the loss-functions notebook stalls.

    Parameters
    ----------
    axes : pair of matplotlib Axes, optional
        Where to draw the losses and the gradient magnitudes.
    points : int, default 400
        Resolution of the curves.

    Returns
    -------
    ndarray of 2 Axes

    Example
    -------
    >>> losses_ax, gradients_ax = loss_curves_vs_probability()
    """
    flat = _grid(axes, 2, ncols=2, func="loss_curves_vs_probability", cell=(4.2, 3.6))[:2]
    p = np.linspace(1e-3, 1 - 1e-3, points)
    curves = {
        "cross-entropy": (-np.log(p), 1 - p),
        "squared error": ((1 - p) ** 2, 2 * p * (1 - p) ** 2),
    }
    colors = palette(2)
    for color, (name, (loss, grad)) in zip(colors, curves.items(), strict=True):
        flat[0].plot(p, loss, color=color, label=name)
        flat[1].plot(p, grad, color=color, label=name)
    flat[0].set(xlabel="predicted probability of the true class", ylabel="loss",
                title="loss", ylim=(0, 5))
    flat[1].set(xlabel="predicted probability of the true class",
                ylabel="|d loss / d logit|", title="gradient magnitude w.r.t. the logit")
    for ax in flat:
        _style(ax)
        ax.legend(frameon=False)
    return flat


# --- summaries of variants ---------------------------------------------------------------------


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
    >>> ax = metric_bars(comparison.summary)  # doctest: +SKIP
    """
    metrics = list(metrics)
    _columns(summary, metrics, "summary", "metric_bars")
    ax = _style(_axes(ax), grid="y")
    _grouped_bars(ax, summary, _names(summary, "variant"), metrics)
    ax.set(xlabel="variant", ylabel="value", title="metrics per variant")
    return ax


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
    _columns(frame, [group_col, *metrics], "frame", "group_metric_bars")
    ax = _style(_axes(ax), grid="y")
    _grouped_bars(ax, frame, _names(frame, group_col), metrics)
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
    _columns(summary, [accuracy, *metrics], "summary", "fairness_tradeoff")
    names = _names(summary, "variant")
    flat = _grid(axes, len(metrics), ncols=ncols, func="fairness_tradeoff", cell=(3.4, 3.0))
    colors = palette(len(names))
    y = summary[accuracy].to_numpy(dtype=float)
    for ax, metric in zip(flat, metrics, strict=False):
        _style(ax)
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
        raise ParameterError(
            "The 'confusions' parameter of group_confusion_heatmaps must be a non-empty "
            f"mapping of group to confusion DataFrame. Got {type(confusions).__name__}."
        )
    flat = _grid(axes, len(confusions), ncols=ncols, func="group_confusion_heatmaps",
                 cell=(3.0, 2.8))
    image = None
    for ax, (group, cm) in zip(flat, confusions.items(), strict=False):
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
        ax.set(xlabel="predicted", ylabel="true",
               title=f"{group} (n={int(counts.sum())})")
    for ax in flat[len(confusions):]:
        ax.set_visible(False)
    if normalize:
        flat[0].figure.colorbar(image, ax=list(flat[: len(confusions)]), shrink=0.8,
                                label="share of true class")
    return flat


def gap_bars(summary: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Train minus validation accuracy per variant (overfitting shows as a tall bar).

    Example
    -------
    >>> ax = gap_bars(comparison.summary)  # doctest: +SKIP
    """
    _columns(summary, ["train_accuracy", "val_accuracy"], "summary", "gap_bars")
    frame = evaluate.train_val_gap(summary)
    names = _names(frame, "variant")
    ax = _style(_axes(ax), grid="y")
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
    >>> ax = accuracy_vs_params(comparison.summary)  # doctest: +SKIP
    """
    _columns(summary, ["params", metric], "summary", "accuracy_vs_params")
    names = _names(summary, "variant")
    ax = _style(_axes(ax))
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
    _columns(table, [budget, metric, by], "table", "metric_vs_budget")
    ax = _style(_axes(ax))
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
        raise ParameterError(
            "The 'weights' parameter of weight_histograms must be a non-empty dict of name -> "
            f"array. Got {weights!r:.60} instead."
        )
    arrays = {name: np.asarray(values, dtype=float).ravel() for name, values in weights.items()}
    every = np.concatenate(list(arrays.values()))
    edges = np.histogram_bin_edges(every[np.isfinite(every)], bins=bins)
    flat = _grid(axes, len(arrays), ncols=ncols, func="weight_histograms", cell=(3.2, 2.6))
    colors = palette(len(arrays))
    for ax, color, (name, values) in zip(flat, colors, arrays.items(), strict=False):
        _style(ax, grid="y")
        ax.hist(values, bins=edges, color=color)
        ax.set(title=f"{name} (std {values.std():.3g})", xlabel="weight", ylabel="count")
    for ax in flat[len(arrays):]:
        ax.set_axis_off()
    return flat[: len(arrays)]


# --- classification results --------------------------------------------------------------------


def confusion_heatmap(
    cm_df: pd.DataFrame, *, normalize: bool = False, annot: bool | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Heatmap of a labelled confusion matrix (from :func:`evaluate.confusion`).

    Parameters
    ----------
    cm_df : pandas.DataFrame of shape (k, k)
        Rows true classes, columns predicted classes.
    normalize : bool, default False
        Show each row as shares of its true class instead of counts.
    annot : bool, optional
        Write the value in each cell; default when there are at most 20 classes.
    ax : matplotlib Axes, optional

    Example
    -------
    >>> cm = evaluate.confusion([0, 1, 1], [0, 0, 1], class_names=["cat", "dog"])
    >>> ax = confusion_heatmap(cm, normalize=True)
    """
    if not isinstance(cm_df, pd.DataFrame) or cm_df.shape[0] != cm_df.shape[1]:
        shape = getattr(cm_df, "shape", None)
        raise ParameterError(
            "The 'cm_df' parameter of confusion_heatmap must be a square DataFrame (k, k), as "
            f"returned by evaluate.confusion. Got {type(cm_df).__name__} of shape {shape}."
        )
    values = cm_df.to_numpy(dtype=float)
    if normalize:
        totals = values.sum(axis=1, keepdims=True)
        values = np.divide(values, totals, out=np.zeros_like(values), where=totals > 0)
    whole = np.allclose(values, np.round(values))
    k = len(cm_df)
    ax = _axes(ax, figsize=(max(4.0, 0.5 * k + 2), max(3.5, 0.45 * k + 1.5)))
    sns.heatmap(
        pd.DataFrame(values, index=cm_df.index, columns=cm_df.columns),
        ax=ax, cmap="Blues", annot=k <= 20 if annot is None else annot,
        fmt=".0f" if whole else ".2f", square=True, cbar=True, linewidths=0.5,
        linecolor="white", xticklabels=True, yticklabels=True,
        vmin=0, vmax=1 if normalize else None,
    )
    ax.set(xlabel="predicted", ylabel="true",
           title="confusion matrix (share of true class)" if normalize else "confusion matrix")
    ax.tick_params(axis="x", labelrotation=45 if k > 5 else 0)
    ax.tick_params(axis="y", labelrotation=0)
    return ax


def per_class_bars(per_class_df: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Horizontal bars of accuracy per class (from :func:`evaluate.per_class_accuracy`).

    Each bar is labelled with its value; the dashed line is the mean over classes
    (the macro recall).

    Example
    -------
    >>> table = evaluate.per_class_accuracy([0, 0, 1], [0, 1, 1], class_names=["a", "b"])
    >>> ax = per_class_bars(table)
    """
    _columns(per_class_df, ["class", "accuracy"], "per_class_df", "per_class_bars")
    k = len(per_class_df)
    ax = _style(_axes(ax, figsize=(6.0, max(2.5, 0.3 * k + 1))), grid="x")
    names = [str(name) for name in per_class_df["class"]]
    values = per_class_df["accuracy"].to_numpy(dtype=float)
    bars = ax.barh(names, values, color=palette(1)[0])
    ax.bar_label(bars, fmt="%.3f", fontsize="small", padding=2)
    mean = np.nanmean(values)
    ax.axvline(mean, color="black", linestyle="--", linewidth=1)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.12)
    ax.set(xlabel="accuracy", ylabel="class",
           title=f"accuracy per class (dashed: mean over classes, {mean:.3f})")
    return ax


def roc_plot(
    curves: Mapping[str, tuple[np.ndarray, np.ndarray, float]], *, ax: Axes | None = None
) -> Axes:
    """ROC curves (from :func:`evaluate.roc_curves`) with each AUC in the legend.

    Example
    -------
    >>> curves = evaluate.roc_curves([0, 1, 1], [[0.8, 0.2], [0.3, 0.7], [0.4, 0.6]],
    ...                              class_names=["a", "b"])
    >>> ax = roc_plot(curves)
    """
    if not isinstance(curves, Mapping) or not curves:
        raise ParameterError(
            "The 'curves' parameter of roc_plot must be a non-empty dict of name -> "
            f"(fpr, tpr, auc), as returned by evaluate.roc_curves. Got {curves!r:.60} instead."
        )
    ax = _style(_axes(ax, figsize=(5.2, 5.0)))
    for color, (name, (fpr, tpr, auc)) in zip(palette(len(curves)), curves.items(), strict=True):
        ax.plot(fpr, tpr, color=color, label=f"{name} (AUC {auc:.3f})")
    ax.plot([0, 1], [0, 1], color=OTHER_COLOR, linestyle="--", label="chance (AUC 0.5)")
    ax.set(xlim=(0, 1), ylim=(0, 1.01), xlabel="false positive rate",
           ylabel="true positive rate", title="ROC curves (one vs rest)")
    ax.set_aspect("equal")
    ax.legend(frameon=False, fontsize="small", loc="lower right")
    return ax


def class_distribution(
    labels, *, class_names: Sequence[str], ax: Axes | None = None
) -> Axes:
    """Bar chart of examples per class; a dict ``split -> labels`` gives grouped bars.

    Example
    -------
    >>> ax = class_distribution({"train": [0, 0, 1], "test": [1]}, class_names=["a", "b"])
    """
    names = [str(name) for name in class_names]
    splits = labels if isinstance(labels, Mapping) else {"examples": labels}
    counts = {}
    for split, values in splits.items():
        array = np.asarray(values)
        if array.ndim != 1 or (array.size and (array.min() < 0 or array.max() >= len(names))):
            raise ParameterError(
                f"The 'labels' parameter of class_distribution must be 1-D class indices in "
                f"0..{len(names) - 1}. Got shape {array.shape} with values "
                f"{np.unique(array)[:5]} for {split!r}."
            )
        counts[split] = np.bincount(array.astype(np.int64), minlength=len(names))
    frame = pd.DataFrame(counts, index=names)
    ax = _style(_axes(ax), grid="y")
    _grouped_bars(ax, frame, names, list(counts))
    if len(counts) == 1:
        ax.get_legend().remove()
    ax.set(xlabel="class", ylabel="examples", title="examples per class")
    return ax


def tsne_plot(
    embeddings,
    labels,
    *,
    class_names: Sequence[str],
    seed: int = 0,
    perplexity: float = 30.0,
    max_points: int = 2000,
    max_iter: int = 1000,
    ax: Axes | None = None,
) -> Axes:
    """2-D t-SNE of ``embeddings`` (computed with scikit-learn), coloured by class.

    Parameters
    ----------
    embeddings : array-like of shape (n, d)
        For example ``models.penultimate(model).predict(x)``.
    labels : array-like of shape (n,)
        Class index of each row.
    class_names : sequence of str
    seed, perplexity, max_points, max_iter
        Passed to :func:`evaluate.tsne_embed`.
    ax : matplotlib Axes, optional

    Example
    -------
    >>> ax = tsne_plot(features, y_test, class_names=data.class_names)  # doctest: +SKIP
    """
    names = [str(name) for name in class_names]
    labels = np.asarray(labels).astype(np.int64).ravel()
    if len(labels) != len(embeddings):
        raise ParameterError(
            f"The 'embeddings' and 'labels' parameters of tsne_plot must have the same number "
            f"of rows. Got {len(embeddings)} and {len(labels)} instead."
        )
    points, index = evaluate.tsne_embed(embeddings, seed=seed, perplexity=perplexity,
                                        max_points=max_points, max_iter=max_iter)
    kept = labels[index]
    ax = _style(_axes(ax, figsize=(6.0, 5.0)), grid="none")
    colors = palette(len(names))
    for cls in np.unique(kept):
        rows = kept == cls
        ax.scatter(points[rows, 0], points[rows, 1], s=8, color=colors[cls], label=names[cls])
    ax.set_xticks([])
    ax.set_yticks([])
    ax.legend(frameon=False, fontsize="small", markerscale=2, loc="center left",
              bbox_to_anchor=(1.0, 0.5))
    ax.set(title=f"t-SNE of {len(index)} embeddings (perplexity {perplexity:g})")
    return ax


def regression_curves(
    x,
    curves: Mapping[str, np.ndarray],
    *,
    y_true=None,
    train_range: tuple[float, float] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Each learned curve against the true one, with the training range shaded.

    Parameters
    ----------
    x : array-like of shape (n,) or (n, 1)
        Input positions (sorted here before drawing).
    curves : mapping of str to array-like of shape (n,)
        Model name -> predictions at ``x``.
    y_true : array-like of shape (n,), optional
        The true function at ``x`` (e.g. ``sin x``), drawn in black.
    train_range : (low, high), optional
        The inputs seen in training, shaded.
    ax : matplotlib Axes, optional

    Example
    -------
    >>> x = np.linspace(-3, 3, 50)
    >>> ax = regression_curves(x, {"mlp": 0.9 * np.sin(x)}, y_true=np.sin(x), train_range=(-2, 2))
    """
    positions = np.asarray(x, dtype=float)
    positions = positions[:, 0] if positions.ndim == 2 and positions.shape[1] == 1 else positions
    if positions.ndim != 1:
        raise ParameterError(
            f"The 'x' parameter of regression_curves must have shape (n,) or (n, 1). "
            f"Got shape {np.shape(x)} instead."
        )
    named = {"true": y_true} if y_true is not None else {}
    for name, values in {**named, **dict(curves)}.items():
        if np.asarray(values).size != len(positions):
            raise ParameterError(
                f"Curve {name!r} given to regression_curves has {np.asarray(values).size} "
                f"values; expected one per x ({len(positions)})."
            )
    order = np.argsort(positions)
    ax = _style(_axes(ax))
    if train_range is not None:
        ax.axvspan(*train_range, color=OTHER_COLOR, alpha=0.25, label="training range")
    if y_true is not None:
        ax.plot(positions[order], np.asarray(y_true, dtype=float).ravel()[order], color="black",
                linewidth=2.5, label="true")
    for color, (name, values) in zip(palette(len(curves)), curves.items(), strict=True):
        ax.plot(positions[order], np.asarray(values, dtype=float).ravel()[order], color=color,
                linestyle="--", label=name)
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set(xlabel="x", ylabel="y", title="learned curves vs the true function")
    return ax


# --- images ------------------------------------------------------------------------------------


def image_grid(
    images,
    *,
    titles: Sequence[str] | None = None,
    ncols: int = 8,
    cmap: str = "gray",
    axes=None,
) -> np.ndarray:
    """Show images in a grid, one per Axes, with optional titles.

    Parameters
    ----------
    images : array-like of shape (n, h, w), (n, h, w, 1) or (n, h, w, 3)
        Floats in [0, 1] or integers.
    titles : sequence of str, optional
        One per image.
    ncols : int, default 8
        Columns of the grid created when ``axes`` is None.
    cmap : str, default "gray"
        Colormap for single-channel images.
    axes : array of matplotlib Axes, optional
        At least ``n``; extra ones are switched off.

    Returns
    -------
    ndarray of Axes
        Flat, every Axes of the grid (those beyond ``n`` switched off).

    Example
    -------
    >>> axes = image_grid(np.zeros((3, 8, 8)), titles=["a", "b", "c"])
    """
    array = np.asarray(images)
    if array.ndim not in (3, 4) or len(array) == 0:
        raise ParameterError(
            "The 'images' parameter of image_grid must have shape (n, h, w) or (n, h, w, c) "
            f"with n >= 1. Got shape {array.shape} instead."
        )
    if titles is not None and len(titles) != len(array):
        raise ParameterError(
            f"The 'titles' parameter of image_grid must hold one title per image ({len(array)}). "
            f"Got {len(titles)} instead."
        )
    flat = _grid(axes, len(array), ncols=ncols, func="image_grid", cell=(1.3, 1.45))
    for i, ax in enumerate(flat):
        if i >= len(array):
            ax.set_axis_off()
            continue
        _show_image(ax, array[i], cmap)
        if titles is not None:
            ax.set_title(str(titles[i]), fontsize="small")
    return flat


def prediction_gallery(
    images,
    y_true,
    y_pred,
    *,
    class_names: Sequence[str],
    correct: bool = True,
    n: int = 12,
    ncols: int = 6,
    axes=None,
) -> np.ndarray:
    """The first ``n`` correctly (or wrongly) classified images, titled true / predicted.

    When there is no such example, one Axes says so instead.

    Example
    -------
    >>> axes = prediction_gallery(x_test, y_test, y_pred, class_names=names,
    ...                           correct=False)  # doctest: +SKIP
    """
    truth = np.asarray(y_true).astype(np.int64).ravel()
    pred = np.asarray(y_pred).astype(np.int64).ravel()
    if not len(images) == len(truth) == len(pred):
        raise ParameterError(
            "The 'images', 'y_true' and 'y_pred' parameters of prediction_gallery must have the "
            f"same length. Got {len(images)}, {len(truth)} and {len(pred)} instead."
        )
    names = [str(name) for name in class_names]
    chosen = np.flatnonzero((truth == pred) == correct)[:n]
    kind = "correct" if correct else "wrong"
    if chosen.size == 0:
        flat = _grid(axes, 1, ncols=1, func="prediction_gallery", cell=(4.0, 1.5))
        flat[0].text(0.5, 0.5, f"no {kind} predictions", ha="center", va="center")
        flat[0].set_axis_off()
        return flat
    titles = [f"true {names[truth[i]]}\npred {names[pred[i]]}" for i in chosen]
    created = axes is None
    flat = image_grid(np.asarray(images)[chosen], titles=titles, ncols=ncols, axes=axes)
    for ax in flat[: chosen.size]:
        ax.title.set_color(TRUE_COLOR if correct else WRONG_COLOR)
    if created:
        flat[0].figure.suptitle(f"{kind} predictions")
    return flat


def probability_bars(
    image,
    probs,
    *,
    class_names: Sequence[str],
    true_label: int | str,
    axes=None,
) -> np.ndarray:
    """An image beside a bar chart of its predicted probabilities.

    The true class's bar is green; the predicted class's bar, when it is a
    different class, is orange; the others grey.

    Returns
    -------
    ndarray of 2 Axes (image, bars)

    Example
    -------
    >>> axes = probability_bars(np.zeros((8, 8)), [0.1, 0.9], class_names=["a", "b"],
    ...                         true_label="b")
    """
    names = [str(name) for name in class_names]
    values = np.asarray(probs, dtype=float).ravel()
    if values.size != len(names):
        raise ParameterError(
            f"The 'probs' parameter of probability_bars must hold one probability per class "
            f"({len(names)}). Got shape {np.shape(probs)} instead."
        )
    if isinstance(true_label, str):
        if true_label not in names:
            raise ParameterError(
                f"The 'true_label' parameter of probability_bars must be a class index or one "
                f"of {names}. Got {true_label!r} instead."
            )
        true_index = names.index(true_label)
    else:
        true_index = int(true_label)
        if not 0 <= true_index < len(names):
            raise ParameterError(
                f"The 'true_label' parameter of probability_bars must be in 0..{len(names) - 1}."
                f" Got {true_label!r} instead."
            )
    predicted = int(values.argmax())
    flat = _grid(axes, 2, ncols=2, func="probability_bars", cell=(3.0, 2.8))[:2]
    _show_image(flat[0], image, "gray")
    flat[0].set_title(f"true {names[true_index]}, predicted {names[predicted]}",
                      color=TRUE_COLOR if predicted == true_index else WRONG_COLOR,
                      fontsize="small")
    colors = [OTHER_COLOR] * len(names)
    colors[predicted] = WRONG_COLOR
    colors[true_index] = TRUE_COLOR
    ax = _style(flat[1], grid="x")
    ax.barh(names, values, color=colors)
    ax.invert_yaxis()
    ax.set(xlim=(0, 1), xlabel="predicted probability", title="probabilities")
    return flat
