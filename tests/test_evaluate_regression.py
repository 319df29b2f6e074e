"""Tests for course_utils.evaluate.regression: the errors against scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from course_utils.errors import ParameterError
from course_utils.evaluate import regression_table


def test_regression_table_matches_sklearn():
    rng = np.random.default_rng(2)
    y_true = np.sin(np.linspace(-np.pi, np.pi, 100))
    y_pred = (y_true + rng.normal(scale=0.1, size=100)).reshape(-1, 1)
    got = regression_table(y_true, y_pred)
    assert got == pytest.approx({
        "mse": skm.mean_squared_error(y_true, y_pred[:, 0]),
        "rmse": np.sqrt(skm.mean_squared_error(y_true, y_pred[:, 0])),
        "mae": skm.mean_absolute_error(y_true, y_pred[:, 0]),
        "max_abs_error": np.max(np.abs(y_true - y_pred[:, 0])),
    })
    assert all(type(value) is float for value in got.values())


def test_regression_table_rejects_mismatched_and_multioutput():
    with pytest.raises(ParameterError, match=r"'y_pred' .* as long as 'y_true' \(3 rows\)\. Got 2"):
        regression_table([0.0, 1.0, 2.0], [0.0, 1.0])
    with pytest.raises(ParameterError, match=r"'y_pred' .* \(n,\) or \(n, 1\).*\(2, 3\)"):
        regression_table([0.0, 1.0], np.zeros((2, 3)))
    with pytest.raises(ParameterError, match=r"'y_true' .* n >= 1\. Got shape \(0,\) instead"):
        regression_table([], [])
