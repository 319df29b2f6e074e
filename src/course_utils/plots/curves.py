"""Training curves: learning curves, the learning rate, losses against probability, and
learned regression curves against the true function.

Example
-------
>>> history = pd.DataFrame({"epoch": [1, 2], "accuracy": [0.5, 0.7], "val_accuracy": [0.4, 0.6]})
>>> ax = learning_curves(history)
>>> [line.get_linestyle() for line in ax.get_lines()]
['--', '-']
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from .._checks import Shown, check_int, fail, require_columns
from ..evaluate import softmax_loss_curves
from ._style import OTHER_COLOR, axes_grid, new_axes, palette, style_axes

__all__ = ["learning_curves", "lr_curve", "loss_curves_vs_probability", "regression_curves"]


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
    >>> history = pd.DataFrame({"variant": ["sgd", "sgd", "adam", "adam"], "epoch": [1, 2, 1, 2],
    ...                         "loss": [1.0, 0.8, 0.9, 0.5], "val_loss": [1.1, 0.9, 1.0, 0.7]})
    >>> len(learning_curves(history, metric="loss").get_lines())
    4
    """
    require_columns(history, ["epoch"], "history", "learning_curves")
    columns = [col for col in (metric, f"val_{metric}") if col in history.columns]
    if not columns:
        raise fail("metric", "learning_curves",
                   f"a metric that 'history' holds as {metric!r} or 'val_{metric}'", metric,
                   hint=f"'history' has columns {list(history.columns)}.")
    ax = style_axes(new_axes(ax))
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
    >>> ax = lr_curve(pd.DataFrame({"epoch": [1, 2, 3], "lr": [0.01, 0.01, 0.001]}))
    >>> ax.get_yscale()
    'log'
    """
    require_columns(history, ["epoch", "lr"], "history", "lr_curve")
    ax = style_axes(new_axes(ax))
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


def loss_curves_vs_probability(
    *, num_classes: int = 2, axes=None, points: int = 400
) -> np.ndarray:
    """Cross-entropy and Keras' MSE of a K-way softmax, and their gradients, against p.

    ``p`` is the probability the softmax gives the true class, the other
    ``num_classes - 1`` outputs sharing the rest equally. The curves are those of
    :func:`course_utils.evaluate.softmax_loss_curves`: cross-entropy ``-log p``
    with ``|dL/dz_t| = 1 - p``; MSE as Keras computes it (a mean over the K
    outputs) ``(1 - p)**2 / (K - 1)`` with ``|dL/dz_t| = 2 p (1 - p)**2 / (K - 1)``,
    where ``z_t`` is the true class's logit. The MSE gradient vanishes when the
    model is confidently wrong (p near 0) and is small at the start of training
    (``p = 1/K``, marked by a dotted line), which is why the MSE run in the
    loss-functions notebook stalls.

    Parameters
    ----------
    num_classes : int, default 2
        K, the number of softmax outputs (2: the same curves as one sigmoid unit).
    axes : pair of matplotlib Axes, optional
        Where to draw the losses and the gradient magnitudes.
    points : int, default 400
        Resolution of the curves.

    Returns
    -------
    ndarray of 2 Axes

    Example
    -------
    >>> losses_ax, gradients_ax = loss_curves_vs_probability(num_classes=10)
    >>> gradients_ax.get_legend_handles_labels()[1]
    ['cross-entropy', 'squared error (Keras MSE)', 'p = 1/K (start)']
    """
    func = "loss_curves_vs_probability"
    points = check_int(points, "points", func, minimum=2)
    num_classes = check_int(num_classes, "num_classes", func, minimum=2)
    flat = axes_grid(axes, 2, ncols=2, func=func, cell=(4.2, 3.6))[:2]
    curves = softmax_loss_curves(np.linspace(1e-3, 1 - 1e-3, points), num_classes=num_classes)
    p = curves["p"].to_numpy()
    shapes = {"cross-entropy": ("ce_loss", "ce_gradient"),
              "squared error (Keras MSE)": ("mse_loss", "mse_gradient")}
    for color, (name, (loss, grad)) in zip(palette(2), shapes.items(), strict=True):
        flat[0].plot(p, curves[loss].to_numpy(), color=color, label=name)
        flat[1].plot(p, curves[grad].to_numpy(), color=color, label=name)
    for ax in flat:
        ax.axvline(1 / num_classes, color=OTHER_COLOR, linestyle=":", label="p = 1/K (start)")
    flat[0].set(xlabel="predicted probability of the true class", ylabel="loss",
                title=f"loss ({num_classes}-way softmax)", ylim=(0, 5))
    flat[1].set(xlabel="predicted probability of the true class",
                ylabel="|d loss / d true-class logit|",
                title="gradient magnitude w.r.t. the true-class logit")
    for ax in flat:
        style_axes(ax)
        ax.legend(frameon=False)
    return flat


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
        raise fail("x", "regression_curves", "of shape (n,) or (n, 1)",
                   Shown(f"shape {np.shape(x)}"))
    given = {**({"y_true": {"true": y_true}} if y_true is not None else {}),
             "curves": dict(curves)}
    for parameter, named in given.items():
        for name, values in named.items():
            if np.asarray(values).size != len(positions):
                raise fail(parameter, "regression_curves",
                           f"arrays of one value per x ({len(positions)})",
                           Shown(f"{np.asarray(values).size} values for {name!r}"))
    order = np.argsort(positions)
    ax = style_axes(new_axes(ax))
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
