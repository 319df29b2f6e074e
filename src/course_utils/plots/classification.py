"""Figures of classification results: confusion heatmap, per-class bars, ROC curves,
class counts, a t-SNE map of embeddings and one prediction's probabilities.

Each figure draws what :mod:`course_utils.evaluate` computed; nothing is
recomputed here.

Example
-------
>>> ax = class_distribution([0, 0, 1], class_names=["cat", "dog"])
>>> [float(bar.get_height()) for bar in ax.patches]
[2.0, 1.0]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes

from .._checks import Shown, check_bool, fail, is_int, require_columns
from ..evaluate import tsne_embed
from ._style import (
    OTHER_COLOR,
    TRUE_COLOR,
    WRONG_COLOR,
    axes_grid,
    grouped_bars,
    new_axes,
    palette,
    show_image,
    style_axes,
)

__all__ = ["confusion_heatmap", "per_class_bars", "roc_plot", "class_distribution",
           "tsne_plot", "probability_bars"]


def confusion_heatmap(
    cm_df: pd.DataFrame, *, normalize: bool = False, annot: bool | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Heatmap of a labelled confusion matrix (from :func:`course_utils.evaluate.confusion`).

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
    >>> from course_utils.evaluate import confusion
    >>> cm = confusion([0, 1, 1], [0, 0, 1], class_names=["cat", "dog"])
    >>> [text.get_text() for text in confusion_heatmap(cm, normalize=True).texts]
    ['1.00', '0.00', '0.50', '0.50']
    """
    check_bool(normalize, "normalize", "confusion_heatmap")
    if annot is not None:
        check_bool(annot, "annot", "confusion_heatmap")
    if not isinstance(cm_df, pd.DataFrame) or cm_df.shape[0] != cm_df.shape[1]:
        shape = getattr(cm_df, "shape", None)
        raise fail("cm_df", "confusion_heatmap",
                   "a square DataFrame (k, k), as returned by evaluate.confusion",
                   Shown(f"{type(cm_df).__name__} of shape {shape}"))
    values = cm_df.to_numpy(dtype=float)
    if normalize:
        totals = values.sum(axis=1, keepdims=True)
        values = np.divide(values, totals, out=np.zeros_like(values), where=totals > 0)
    whole = np.allclose(values, np.round(values))
    k = len(cm_df)
    ax = new_axes(ax, figsize=(max(4.0, 0.5 * k + 2), max(3.5, 0.45 * k + 1.5)))
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
    """Horizontal bars of accuracy per class (from ``evaluate.per_class_accuracy``).

    Each bar is labelled with its value; the dashed line is the mean over classes
    (the macro recall).

    Example
    -------
    >>> from course_utils.evaluate import per_class_accuracy
    >>> table = per_class_accuracy([0, 0, 1], [0, 1, 1], class_names=["a", "b"])
    >>> [float(bar.get_width()) for bar in per_class_bars(table).patches]
    [0.5, 1.0]
    """
    require_columns(per_class_df, ["class", "accuracy"], "per_class_df", "per_class_bars")
    k = len(per_class_df)
    ax = style_axes(new_axes(ax, figsize=(6.0, max(2.5, 0.3 * k + 1))), grid="x")
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
    """ROC curves (from :func:`course_utils.evaluate.roc_curves`) with each AUC in the legend.

    Example
    -------
    >>> from course_utils.evaluate import roc_curves
    >>> curves = roc_curves([0, 1, 1], [[0.8, 0.2], [0.3, 0.7], [0.4, 0.6]], class_names=["a", "b"])
    >>> [text.get_text() for text in roc_plot(curves).get_legend().get_texts()]
    ['b (AUC 1.000)', 'chance (AUC 0.5)']
    """
    if not isinstance(curves, Mapping) or not curves:
        raise fail("curves", "roc_plot",
                   "a non-empty dict of name -> (fpr, tpr, auc), as returned by "
                   "evaluate.roc_curves", Shown(f"{curves!r:.60}"))
    ax = style_axes(new_axes(ax, figsize=(5.2, 5.0)))
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
            raise fail("labels", "class_distribution",
                       f"1-D class indices in 0..{len(names) - 1}",
                       Shown(f"shape {array.shape} with values {np.unique(array)[:5]} "
                             f"for {split!r}"))
        counts[split] = np.bincount(array.astype(np.int64), minlength=len(names))
    frame = pd.DataFrame(counts, index=names)
    ax = style_axes(new_axes(ax), grid="y")
    grouped_bars(ax, frame, names, list(counts))
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
        Passed to :func:`course_utils.evaluate.tsne_embed`.
    ax : matplotlib Axes, optional

    Example
    -------
    >>> features = np.random.default_rng(0).normal(size=(20, 4))
    >>> ax = tsne_plot(features, np.arange(20) % 2, class_names=["a", "b"], perplexity=5,
    ...                max_iter=250)
    >>> len(ax.collections)
    2
    """
    names = [str(name) for name in class_names]
    labels = np.asarray(labels).astype(np.int64).ravel()
    if len(labels) != len(embeddings):
        raise fail("labels", "tsne_plot", f"as long as 'embeddings' ({len(embeddings)} rows)",
                   Shown(f"{len(labels)} labels"))
    points, index = tsne_embed(embeddings, seed=seed, perplexity=perplexity,
                               max_points=max_points, max_iter=max_iter)
    kept = labels[index]
    ax = style_axes(new_axes(ax, figsize=(6.0, 5.0)), grid="none")
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


def _class_index(true_label: int | str, names: list[str]) -> int:
    """The index of ``true_label`` (a class index or name) among ``names``, or raise."""
    if isinstance(true_label, str):
        if true_label not in names:
            raise fail("true_label", "probability_bars", f"a class index or one of {names}",
                       true_label)
        return names.index(true_label)
    if not is_int(true_label) or not 0 <= true_label < len(names):
        raise fail("true_label", "probability_bars",
                   f"a class index in 0..{len(names) - 1} or a class name", true_label)
    return int(true_label)


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
        raise fail("probs", "probability_bars", f"one probability per class ({len(names)})",
                   Shown(f"shape {np.shape(probs)}"))
    true_index = _class_index(true_label, names)
    predicted = int(values.argmax())
    flat = axes_grid(axes, 2, ncols=2, func="probability_bars", cell=(3.0, 2.8))[:2]
    show_image(flat[0], image, "gray", parameter="image", func="probability_bars")
    flat[0].set_title(f"true {names[true_index]}, predicted {names[predicted]}",
                      color=TRUE_COLOR if predicted == true_index else WRONG_COLOR,
                      fontsize="small")
    colors = [OTHER_COLOR] * len(names)
    colors[predicted] = WRONG_COLOR
    colors[true_index] = TRUE_COLOR
    ax = style_axes(flat[1], grid="x")
    ax.barh(names, values, color=colors)
    ax.invert_yaxis()
    ax.set(xlim=(0, 1), xlabel="predicted probability", title="probabilities")
    return flat
