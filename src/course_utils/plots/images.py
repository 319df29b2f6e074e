"""Image figures: a grid of images, and a gallery of right or wrong predictions.

Example
-------
>>> axes = image_grid(np.zeros((3, 8, 8)), titles=["a", "b", "c"], ncols=2)
>>> len(axes), axes[3].axison
(4, False)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .._checks import Shown, check_bool, check_int, fail
from ._style import TRUE_COLOR, WRONG_COLOR, axes_grid, show_image

__all__ = ["image_grid", "prediction_gallery"]


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
    ncols = check_int(ncols, "ncols", "image_grid", minimum=1)
    array = np.asarray(images)
    if array.ndim not in (3, 4) or len(array) == 0:
        raise fail("images", "image_grid", "of shape (n, h, w) or (n, h, w, c) with n >= 1",
                   Shown(f"shape {array.shape}"))
    if titles is not None and len(titles) != len(array):
        raise fail("titles", "image_grid", f"one title per image ({len(array)})",
                   Shown(f"{len(titles)} titles"))
    flat = axes_grid(axes, len(array), ncols=ncols, func="image_grid", cell=(1.3, 1.45))
    for i, ax in enumerate(flat):
        if i >= len(array):
            ax.set_axis_off()
            continue
        show_image(ax, array[i], cmap, parameter="images", func="image_grid")
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
    >>> axes = prediction_gallery(np.zeros((3, 8, 8)), [0, 1, 1], [0, 0, 1],
    ...                           class_names=["cat", "dog"], correct=False)
    >>> [ax.get_title() for ax in axes if ax.images]
    ['true dog\\npred cat']
    """
    check_bool(correct, "correct", "prediction_gallery")
    n = check_int(n, "n", "prediction_gallery", minimum=1)
    truth = np.asarray(y_true).astype(np.int64).ravel()
    pred = np.asarray(y_pred).astype(np.int64).ravel()
    for name, values in (("y_true", truth), ("y_pred", pred)):
        if len(values) != len(images):
            raise fail(name, "prediction_gallery", f"as long as 'images' ({len(images)})",
                       Shown(f"{len(values)} labels"))
    names = [str(name) for name in class_names]
    chosen = np.flatnonzero((truth == pred) == correct)[:n]
    kind = "correct" if correct else "wrong"
    if chosen.size == 0:
        flat = axes_grid(axes, 1, ncols=1, func="prediction_gallery", cell=(4.0, 1.5))
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
