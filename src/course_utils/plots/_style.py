"""The book's look and the helpers every figure shares: palette, per-Axes style, new Axes
or grids when none are given, column checks and grouped bars.

The look is set on each Axes (white background, light grid behind the data, no
top/right spines, a colour-blind-safe palette), never through Matplotlib's
global ``rcParams``, so importing or calling the plots changes no global state.

Example
-------
>>> len(palette(3))
3
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes

from .._checks import Shown, fail

GRID_COLOR = "#e3e3e3"
TRUE_COLOR = "#1b9e77"
WRONG_COLOR = "#d95f02"
OTHER_COLOR = "#b0b0b0"



def palette(n: int) -> list:
    """``n`` distinct colours: seaborn's colour-blind palette, ``husl`` beyond 10.

    >>> palette(12)[0] != palette(12)[1]
    True
    """
    return sns.color_palette("colorblind" if n <= 10 else "husl", max(n, 1))


def style_axes(ax: Axes, *, grid: str = "both") -> Axes:
    """Give one Axes the book's look: white, light grid behind the data, open top/right."""
    ax.set_facecolor("white")
    ax.set_axisbelow(True)
    if grid != "none":
        ax.grid(True, axis=grid, color=GRID_COLOR, linewidth=0.8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return ax


def new_axes(ax: Axes | None, figsize: tuple[float, float] = (6.4, 4.0)) -> Axes:
    """Return ``ax``, or a new figure's single Axes when ``ax`` is None."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def axes_grid(axes, n: int, *, ncols: int, func: str, cell: tuple[float, float]) -> np.ndarray:
    """Return a flat array of at least ``n`` Axes: ``axes`` checked, or a new grid."""
    if axes is None:
        ncols = max(1, min(ncols, n))
        nrows = math.ceil(n / ncols)
        _, grid = plt.subplots(nrows, ncols, squeeze=False, layout="constrained",
                               figsize=(cell[0] * ncols, cell[1] * nrows))
        return grid.ravel()
    flat = np.asarray(axes, dtype=object).ravel()
    if flat.size < n:
        raise fail("axes", func, f"at least {n} Axes", Shown(f"{flat.size} Axes"))
    return flat



def row_names(frame: pd.DataFrame, col: str) -> list[str]:
    """Labels of the rows: column ``col`` if present, else the index."""
    values = frame[col] if col in frame.columns else frame.index
    return [str(value) for value in values]


def grouped_bars(ax: Axes, frame: pd.DataFrame, groups: list[str], metrics: Sequence[str]):
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


def show_image(ax: Axes, image, cmap: str, *, parameter: str, func: str) -> None:
    """Draw one image without ticks; floats in [0, 1] are shown on a fixed 0-1 scale."""
    array = np.asarray(image)
    if array.ndim == 3 and array.shape[-1] == 1:
        array = array[..., 0]
    if array.ndim not in (2, 3):
        raise fail(parameter, func, "images of shape (h, w), (h, w, 1) or (h, w, 3)",
                   Shown(f"an image of shape {np.shape(image)}"))
    if array.dtype.kind == "f":
        array = np.clip(array, 0.0, 1.0) if array.max() <= 1.0 + 1e-6 else array
        limits = {"vmin": 0.0, "vmax": 1.0} if array.max() <= 1.0 else {}
    else:
        limits = {}
    ax.imshow(array, cmap=cmap if array.ndim == 2 else None, **limits)
    ax.set_xticks([])
    ax.set_yticks([])
