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
from ._splits import Request, assemble, split_indices
from .transforms import check_channels, resize_images

__all__ = ["load_digits", "load_sine"]

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


def load_sine(
    request: Request,
    *,
    n_points: int = 1000,
    noise: float = 0.0,
    timesteps: int | None = None,
    x_range: tuple[float, float] = (-math.pi, math.pi),
) -> Dataset:
    """Synthetic ``sin(x)`` at ``n_points`` evenly spaced ``x`` in ``x_range``, plus noise.

    ``timesteps=None``: inputs ``x``, targets ``sin(x) + noise``. An int: inputs
    are windows of that many previous (noisy) values, the target the next
    value. Splits are seeded (unstratified) and each is sorted by ``x``;
    attributes hold ``x`` and the noise-free ``sin_x`` of each target.
    """
    n_points, noise, timesteps = _check_sine(n_points, noise, timesteps, x_range)
    rng = np.random.default_rng(request.seed)
    x = np.linspace(x_range[0], x_range[1], n_points)
    clean = np.sin(x)
    values = (clean + noise * rng.standard_normal(n_points)).astype(np.float32)
    if timesteps is None:
        inputs = x.astype(np.float32)[:, None]
        targets, target_x, target_clean = values, x, clean
        shape_note = "x -> sin(x)"
    else:
        k = int(timesteps)
        windows = np.lib.stride_tricks.sliding_window_view(values, k)[:-1]
        inputs = np.ascontiguousarray(windows, dtype=np.float32)[..., None]
        targets, target_x, target_clean = values[k:], x[k:], clean[k:]
        shape_note = f"windows of {k} previous values -> next value"
    parts = split_indices(np.zeros(len(targets)), request, stratify=False)
    arrays, attributes = {}, {}
    for name, rows in parts.items():
        rows = rows[np.argsort(target_x[rows], kind="stable")]
        arrays[name] = (inputs[rows], targets[rows].astype(np.float32))
        attributes[name] = pd.DataFrame({"x": target_x[rows], "sin_x": target_clean[rows]})
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
