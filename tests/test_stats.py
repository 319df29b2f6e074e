"""Tests for course_utils._stats: the one Wilson interval that evaluate and the book share."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from course_utils._stats import wilson_interval
from course_utils.errors import ParameterError
from course_utils.evaluate import accuracy_interval


@pytest.mark.parametrize(
    ("successes", "n", "confidence", "want"),
    [
        # statsmodels' proportion_confint(successes, n, alpha=1 - confidence, method="wilson")
        (8, 10, 0.95, (0.4901625, 0.9433178)),
        (0, 10, 0.95, (0.0, 0.2775328)),
        (10, 10, 0.95, (0.7224672, 1.0)),
        (885, 1000, 0.95, (0.8637368, 0.9033166)),  # by hand: center 0.883527, half 0.019790
        (8, 10, 0.90, (0.5407928, 0.9314420)),
    ],
)
def test_wilson_interval_matches_statsmodels(successes, n, confidence, want):
    assert wilson_interval(successes, n, confidence=confidence) == pytest.approx(want, abs=1e-6)


def test_bounds_are_exactly_zero_and_one_at_the_edges():
    assert wilson_interval(0, 7)[0] == 0.0
    assert wilson_interval(7, 7)[1] == 1.0


def test_bounds_solve_the_score_equation_with_scipys_normal_quantile():
    z = stats.norm.isf(0.025)
    low, high = wilson_interval(37, 73)
    for bound in (low, high):
        assert (37 / 73 - bound) ** 2 == pytest.approx(z**2 * bound * (1 - bound) / 73, rel=1e-9)


def test_a_mean_count_is_accepted_and_numpy_integers_too():
    assert wilson_interval(42.5, np.int64(50)) == pytest.approx(wilson_interval(85, 100), abs=0.05)
    assert wilson_interval(np.int32(5), 10) == wilson_interval(5, 10)


def test_evaluate_accuracy_interval_uses_the_same_formula():
    y_true = np.zeros(40, dtype=int)
    y_pred = np.r_[np.zeros(29, dtype=int), np.ones(11, dtype=int)]
    acc, low, high = accuracy_interval(y_true, y_pred, confidence=0.9)
    assert (low, high) == wilson_interval(29, 40, confidence=0.9)
    assert acc == 29 / 40


@pytest.mark.parametrize(
    ("args", "options", "match"),
    [
        ((5, 0), {}, r"^The 'n' parameter of wilson_interval must be an int >= 1\. Got 0 instead"),
        ((5, True), {}, r"'n' parameter of wilson_interval must be an int"),
        ((11, 10), {}, r"^The 'successes' parameter of wilson_interval must be a number in "),
        ((-1, 10), {}, r"'successes' parameter"),
        ((5, 10), {"confidence": 1.0}, r"'confidence' parameter of wilson_interval must be a "
                                       r"number in \(0, 1\)"),
        ((5, 10), {"func": "interval_of"}, None),
    ],
)
def test_bad_input_is_refused_naming_the_parameter(args, options, match):
    if match is None:
        assert wilson_interval(*args, **options)[0] > 0
        return
    with pytest.raises(ParameterError, match=match):
        wilson_interval(*args, **options)
