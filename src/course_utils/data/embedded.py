"""The datasets that are always there: scikit-learn's digits and the synthetic sine.

Both are loaded through :func:`course_utils.data.load_dataset`; nothing is read
from disk beyond what scikit-learn ships, and nothing is downloaded.

Examples
--------
>>> from course_utils.data import load_dataset
>>> load_dataset("digits", limit=5).input_shape
(8, 8, 1)
>>> load_dataset("sine", n_points=50).task
'regression'
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .._checks import check_int, check_number, fail, is_number
from ..errors import DatasetError
from ._dataset import Dataset
from ._splits import Request, assemble, cap_indices, split_indices
from .transforms import check_channels, resize_images

__all__ = ["load_digits", "load_sine", "time_stretches"]

_WHERE = "load_dataset('sine')"


def load_digits(request: Request, *, channels: int = 1) -> Dataset:
    """scikit-learn's 1,797 handwritten 8x8 digits, pixels/16, stratified seeded splits.

    ``channels=3`` repeats the gray channel; ``request.image_size`` resizes
    (bilinear).
    """
    from sklearn.datasets import load_digits as sklearn_digits

    channels = check_channels(channels)
    bunch = sklearn_digits()
    images = (bunch.images / 16.0).astype(np.float32)[..., None]
    labels = bunch.target.astype(np.int64)
    parts = split_indices(labels, request, stratify=True)
    size = request.image_size

    def prepare(rows: np.ndarray) -> np.ndarray:
        x = images[rows]
        if size is not None and tuple(size) != x.shape[1:3]:
            x = resize_images(x, size)
        return np.repeat(x, 3, axis=-1) if channels == 3 else x

    shape = f"{size[0]}x{size[1]}" if size else "8x8"
    return assemble(
        "digits",
        {s: (prepare(r), labels[r]) for s, r in parts.items()},
        class_names=tuple(str(d) for d in range(10)),
        description=(
            "digits: scikit-learn's bundled handwritten digits (1,797 real 8x8 images, "
            f"UCI), pixels/16, {shape}, {channels} channel(s)"
        ),
        source="embedded",
    )


def _check_sine(n_points, noise, timesteps, x_range) -> tuple[int, float, int | None]:
    n_points = check_int(n_points, "n_points", _WHERE, minimum=2, error=DatasetError)
    noise = check_number(noise, "noise", _WHERE, minimum=0, error=DatasetError)
    timesteps = check_int(timesteps, "timesteps", _WHERE, minimum=1, maximum=n_points - 1,
                          allow_none=True, error=DatasetError)
    if (
        not isinstance(x_range, tuple | list)
        or len(x_range) != 2
        or not all(is_number(v) for v in x_range)
        or not x_range[0] < x_range[1]
    ):
        raise fail("x_range", _WHERE, "(low, high) with numbers low < high", x_range,
                   error=DatasetError)
    return n_points, noise, timesteps


def time_stretches(n_points: int, timesteps: int, *, val_fraction: float,
                   test_fraction: float) -> dict[str, np.ndarray]:
    """Target positions of each split when a series is cut in time order.

    The series' points ``0 .. n_points - 1`` are cut into a training stretch,
    then a validation stretch, then a test stretch (an empty split has none).
    A window reads ``timesteps`` points and predicts the next one, and each
    split keeps only the windows whose points all lie in its own stretch;
    ``timesteps`` points between two stretches belong to no split. So no window
    of one split shares a point with a window of another, and the nearest points
    of two splits are more than ``timesteps`` steps apart. The test split takes
    ``test_fraction`` of the windows, validation ``val_fraction`` of the rest.

    Parameters
    ----------
    n_points : int
        Length of the series.
    timesteps : int
        Points each window reads before its target.
    val_fraction, test_fraction : float
        Shares of the windows, as :func:`~course_utils.data.load_dataset` takes them.

    Returns
    -------
    dict of str to numpy.ndarray
        ``"train"``, ``"val"``, ``"test"`` to the positions of their targets, in
        time order; the window of target ``p`` holds points ``p - timesteps .. p - 1``.

    Raises
    ------
    DatasetError
        When the series is too short to give every non-empty split a window.

    Examples
    --------
    >>> parts = time_stretches(20, 2, val_fraction=0.25, test_fraction=0.25)
    >>> {name: rows.tolist() for name, rows in parts.items()}
    {'train': [2, 3, 4, 5, 6, 7], 'val': [12, 13], 'test': [18, 19]}
    """
    used = 1 + (val_fraction > 0) + (test_fraction > 0)
    windows = n_points - timesteps * (2 * used - 1)
    if windows < used:
        need = timesteps * (2 * used - 1) + used
        raise fail("n_points", _WHERE, f"an int >= {need} for timesteps={timesteps}", n_points,
                   hint=f"The series is cut in time order into {used} stretches, each reading "
                   f"{timesteps} points before its first target, with {timesteps} unused "
                   "points between stretches.", error=DatasetError)
    n_test = max(1, int(round(test_fraction * windows))) if test_fraction > 0 else 0
    n_val = max(1, int(round(val_fraction * (windows - n_test)))) if val_fraction > 0 else 0
    counts = {"train": windows - n_test - n_val, "val": n_val, "test": n_test}
    if counts["train"] < 1:
        raise fail("n_points", _WHERE, "long enough to leave training windows", n_points,
                   hint=f"val_fraction={val_fraction} and test_fraction={test_fraction} take "
                   f"all {windows} windows.", error=DatasetError)
    parts, start = {}, 0
    for name, count in counts.items():
        first = start + timesteps
        parts[name] = np.arange(first, first + count, dtype=np.int64)
        if count:
            start = first + count + timesteps
    return parts


def _sine_parts(n_points: int, timesteps: int | None, request: Request) -> dict[str, np.ndarray]:
    """Target positions per split: random points for x -> sin x, time order for windows."""
    if timesteps is None:
        parts = split_indices(np.zeros(n_points), request, stratify=False)
        return {name: np.sort(rows) for name, rows in parts.items()}
    parts = time_stretches(n_points, timesteps, val_fraction=request.val_fraction,
                           test_fraction=request.test_fraction)
    return {name: np.sort(cap_indices(rows, np.zeros(len(rows)), request.limit, request.seed))
            for name, rows in parts.items()}


def load_sine(
    request: Request,
    *,
    n_points: int = 1000,
    noise: float = 0.0,
    timesteps: int | None = None,
    x_range: tuple[float, float] = (-math.pi, math.pi),
) -> Dataset:
    """Synthetic ``sin(x)`` at ``n_points`` evenly spaced ``x`` in ``x_range``, plus noise.

    ``timesteps=None``: inputs ``x``, targets ``sin(x) + noise``, the points
    split at random (seeded, unstratified), so that test points lie between
    training points: the test error measures interpolation. An int: inputs are
    windows of that many previous (noisy) values, the target the next value,
    and the series is split in time order (:func:`time_stretches`): training
    windows from its first stretch, validation and test windows from later
    stretches, no window sharing a point with a window of another split.
    ``limit`` keeps a seeded choice of each split's rows. Each split is sorted
    by ``x``; attributes hold ``x``, the noise-free ``sin_x`` and the
    ``position`` (index in the series) of each target.
    """
    n_points, noise, timesteps = _check_sine(n_points, noise, timesteps, x_range)
    rng = np.random.default_rng(request.seed)
    x = np.linspace(x_range[0], x_range[1], n_points)
    clean = np.sin(x)
    values = (clean + noise * rng.standard_normal(n_points)).astype(np.float32)
    if timesteps is None:
        inputs, offset = x.astype(np.float32)[:, None], 0
        shape_note = "x -> sin(x), points split at random"
    else:
        windows = np.lib.stride_tricks.sliding_window_view(values, timesteps)[:-1]
        inputs, offset = np.ascontiguousarray(windows, dtype=np.float32)[..., None], timesteps
        shape_note = (f"windows of {timesteps} previous values -> next value, split in time "
                      f"order (train, val, test stretches {timesteps} points apart)")
    arrays, attributes = {}, {}
    for name, positions in _sine_parts(n_points, timesteps, request).items():
        arrays[name] = (inputs[positions - offset], values[positions])
        attributes[name] = pd.DataFrame({"x": x[positions], "sin_x": clean[positions],
                                         "position": positions})
    return assemble(
        "sine",
        arrays,
        class_names=(),
        attributes=attributes,
        task="regression",
        description=(
            f"sine: synthetic, sin(x) at {n_points} evenly spaced x in "
            f"[{x_range[0]:.3g}, {x_range[1]:.3g}], noise std {noise:g}, {shape_note}; "
            "each split sorted by x"
        ),
        source="embedded",
    )
