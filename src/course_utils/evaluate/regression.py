"""Regression errors of a fitted curve (the sine notebook), computed by scikit-learn.

Example
-------
>>> regression_table([0.0, 1.0, 2.0], [0.0, 1.0, 1.0])["mae"]
0.3333333333333333
"""

from __future__ import annotations

import numpy as np
from sklearn import metrics as skm

from .._checks import fail
from ._labels import same_length, shape_of

__all__ = ["regression_table"]


def _values(values, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1 or array.size == 0:
        raise fail(name, "regression_table", "of shape (n,) or (n, 1) with n >= 1",
                   shape_of(array))
    return array


def regression_table(y_true, y_pred) -> dict[str, float]:
    """Regression errors: ``mse``, ``rmse``, ``mae`` and ``max_abs_error``.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n,) or (n, 1)
        True and predicted values.

    Returns
    -------
    dict of str to float

    Example
    -------
    >>> regression_table([0.0, 1.0], [0.0, 0.5])["max_abs_error"]
    0.5
    """
    truth, pred = _values(y_true, "y_true"), _values(y_pred, "y_pred")
    same_length(truth, pred, ("y_true", "y_pred"), "regression_table")
    return {
        "mse": float(skm.mean_squared_error(truth, pred)),
        "rmse": float(skm.root_mean_squared_error(truth, pred)),
        "mae": float(skm.mean_absolute_error(truth, pred)),
        "max_abs_error": float(skm.max_error(truth, pred)),
    }
