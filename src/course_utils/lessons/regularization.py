"""Serves notebook 04_regularization: regularized variants of one MLP and one CNN, compared.

Notebook 04 trains each network plain and with one regularizer at a time, picks
the best variant on the validation split and compares it (and every other
variant) with the plain network on the test split. This module reads each
variant's first Dense kernel (:func:`first_dense_kernels`), counts the weights a
penalty pushed near zero (:func:`near_zero_table`), and lays out the tables the
page shows (:func:`accuracy_summary`, :func:`compare_to_baseline`,
:func:`score_table`). :func:`cnn_image_size_for` picks the CNN's input size per
dataset.

Example
-------
>>> import numpy as np
>>> table = near_zero_table({"l1": np.array([0.0, 1e-4, 0.5, -0.2])}, threshold=1e-3)
>>> table.loc["l1", ["weights", "near_zero", "exactly_zero"]].tolist()
[4, 2, 1]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._checks import check_number, fail
from ._run_tables import accuracy_summary, compare_runs, compare_to_baseline, score_table

__all__ = [
    "DIGITS_CNN_IMAGE_SIZE",
    "cnn_image_size_for",
    "first_dense_kernels",
    "near_zero_table",
    "accuracy_summary",
    "compare_runs",
    "compare_to_baseline",
    "score_table",
]

#: Digits are upsampled for the CNN, so that its two 2x2 poolings leave a 4x4 map
#: (8x8 would leave 2x2).
DIGITS_CNN_IMAGE_SIZE = (16, 16)


def cnn_image_size_for(dataset_name: str, image_size: Sequence[int] | None = None
                       ) -> tuple[int, int] | None:
    """The CNN's input size: ``image_size`` when given, else 16x16 for digits, else None.

    ``None`` keeps the files' own size (Fashion-MNIST's 28x28, the course's).

    >>> cnn_image_size_for("digits"), cnn_image_size_for("fashion_mnist")
    ((16, 16), None)
    """
    if image_size is not None:
        return int(image_size[0]), int(image_size[1])
    return DIGITS_CNN_IMAGE_SIZE if dataset_name == "digits" else None


def first_dense_kernels(runs: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """The kernel of each run's first Dense layer (for a CNN, the one after Flatten).

    Parameters
    ----------
    runs : mapping of str to RunResult
        Each needs ``.model`` (a Keras model with a Dense layer).

    Returns
    -------
    dict of str to numpy.ndarray of shape (inputs, units)

    Example
    -------
    >>> from types import SimpleNamespace
    >>> from course_utils.models import mlp
    >>> kernels = first_dense_kernels({"a": SimpleNamespace(model=mlp((4, 4, 1), 3,
    ...                                                             hidden=(5,)))})
    >>> kernels["a"].shape
    (16, 5)
    """
    import keras

    kernels = {}
    for name, run in runs.items():
        dense = [layer for layer in run.model.layers if isinstance(layer, keras.layers.Dense)]
        if not dense:
            raise fail("runs", "first_dense_kernels", "runs whose models have a Dense layer",
                       name)
        kernels[name] = np.asarray(dense[0].get_weights()[0])
    return kernels


def near_zero_table(kernels: Mapping[str, Any], *, threshold: float = 1e-3) -> pd.DataFrame:
    """How many weights of each kernel lie near zero, and how many exactly at it.

    Under Adam an L1 penalty pulls weights towards zero but rarely lands one
    exactly on it (each step is scaled by the gradient's running size), so the
    count below a small ``threshold`` is what tells L1 from no penalty.

    Parameters
    ----------
    kernels : mapping of str to array-like
        Name -> weights (any shape; flattened), e.g. from :func:`first_dense_kernels`.
    threshold : float, default 1e-3
        Weights with ``|w| < threshold`` count as near zero.

    Returns
    -------
    pandas.DataFrame
        Indexed by name: ``weights``, ``near_zero``, ``near_zero_share``,
        ``exactly_zero`` and ``median_abs`` (median of ``|w|``).
    """
    threshold = check_number(threshold, "threshold", "near_zero_table", minimum=0)
    if not isinstance(kernels, Mapping) or not kernels:
        raise fail("kernels", "near_zero_table", "a non-empty dict of name -> weights", kernels)
    rows = {}
    for name, values in kernels.items():
        weights = np.abs(np.asarray(values, dtype=float).ravel())
        rows[name] = {"weights": int(weights.size), "near_zero": int((weights < threshold).sum()),
                      "near_zero_share": float(np.mean(weights < threshold)),
                      "exactly_zero": int((weights == 0).sum()),
                      "median_abs": float(np.median(weights))}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("variant")
