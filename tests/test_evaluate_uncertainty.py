"""Tests for course_utils.evaluate.uncertainty: Wilson intervals, the paired bootstrap and
McNemar's exact test."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from course_utils.errors import ParameterError
from course_utils.evaluate import PairedComparison, accuracy_interval, paired_comparison


def _predictions(correct: np.ndarray, rng, num_classes: int = 10):
    """Labels and predictions that are right exactly where ``correct`` is True."""
    y_true = rng.integers(0, num_classes, len(correct))
    wrong = (y_true + rng.integers(1, num_classes, len(correct))) % num_classes
    return y_true, np.where(correct, y_true, wrong)


# --- accuracy_interval ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("right", "n", "confidence", "want"),
    [
        # proportion_confint(right, n, alpha=1 - confidence, method="wilson") of statsmodels
        (8, 10, 0.95, (0.4901625, 0.9433178)),
        (0, 10, 0.95, (0.0, 0.2775328)),
        (10, 10, 0.95, (0.7224672, 1.0)),
        (50, 100, 0.95, (0.4038315, 0.5961685)),
        (8, 10, 0.90, (0.5407928, 0.9314420)),
    ],
)
def test_accuracy_interval_is_the_wilson_interval(right, n, confidence, want):
    y_true = np.zeros(n, dtype=int)
    y_pred = np.r_[np.zeros(right, dtype=int), np.ones(n - right, dtype=int)]
    acc, low, high = accuracy_interval(y_true, y_pred, confidence=confidence)
    assert acc == right / n
    assert (low, high) == pytest.approx(want, abs=1e-6)
    assert all(type(value) is float for value in (acc, low, high))


def test_wilson_bounds_are_where_the_score_test_is_exactly_at_its_critical_value():
    """Wilson's bounds p solve (p_hat - p)**2 = z**2 p (1 - p) / n."""
    rng = np.random.default_rng(4)
    correct = rng.uniform(size=73) < 0.6
    y_true, y_pred = _predictions(correct, rng)
    acc, low, high = accuracy_interval(y_true, y_pred, confidence=0.99)
    z = stats.norm.ppf(0.995)
    for bound in (low, high):
        assert (acc - bound) ** 2 == pytest.approx(z**2 * bound * (1 - bound) / 73, rel=1e-9)
    assert low < acc < high


def test_accuracy_interval_widens_with_confidence_and_narrows_with_n():
    rng = np.random.default_rng(0)
    y_true, y_pred = _predictions(rng.uniform(size=400) < 0.8, rng)
    _, low90, high90 = accuracy_interval(y_true, y_pred, confidence=0.90)
    _, low99, high99 = accuracy_interval(y_true, y_pred, confidence=0.99)
    _, low_few, high_few = accuracy_interval(y_true[:40], y_pred[:40], confidence=0.90)
    assert low99 < low90 and high90 < high99
    assert high90 - low90 < (high_few - low_few) / 2


@pytest.mark.parametrize(
    ("args", "options", "match"),
    [
        (([0, 1, 1], [0, 1]), {},
         r"^The 'y_pred' parameter of accuracy_interval must be as long as 'y_true' \(3 rows\)\. "
         r"Got 2 rows \(shape \(2,\)\) instead\.$"),
        (([], []), {}, r"'y_true' parameter of accuracy_interval must be a non-empty"),
        (([0], [0]), {"confidence": 1.0},
         r"'confidence' parameter of accuracy_interval must be a number in \(0, 1\).*Got 1\.0"),
        (([0], [0]), {"confidence": True}, r"'confidence' .* Got True instead"),
    ],
)
def test_accuracy_interval_rejects_bad_input(args, options, match):
    with pytest.raises(ParameterError, match=match):
        accuracy_interval(*args, **options)


# --- paired_comparison ------------------------------------------------------------------------


def _paired(n: int, p_a: float, p_b: float, seed: int):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 10, n)
    correct_a, correct_b = rng.uniform(size=n) < p_a, rng.uniform(size=n) < p_b
    wrong = (y_true + 1) % 10
    return y_true, np.where(correct_a, y_true, wrong), np.where(correct_b, y_true, wrong)


def test_paired_interval_contains_the_true_difference_and_excludes_zero():
    y_true, pred_a, pred_b = _paired(3000, 0.70, 0.78, seed=1)
    result = paired_comparison(y_true, pred_a, pred_b, seed=0)
    assert isinstance(result, PairedComparison)
    assert result.ci_low < 0.08 < result.ci_high
    assert result.ci_low < result.diff < result.ci_high
    assert not result.within_noise
    assert result.mcnemar_p < 1e-6


def test_paired_interval_matches_the_normal_width_and_shrinks_with_n():
    widths = {}
    for n in (300, 3000):
        y_true, pred_a, pred_b = _paired(n, 0.70, 0.75, seed=2)
        result = paired_comparison(y_true, pred_a, pred_b, n_boot=4000, seed=0)
        delta = (pred_b == y_true).astype(float) - (pred_a == y_true)
        normal = 2 * stats.norm.ppf(0.975) * delta.std() / np.sqrt(n)
        widths[n] = result.ci_high - result.ci_low
        assert widths[n] == pytest.approx(normal, rel=0.15)
    assert widths[3000] < widths[300] / 2.5


def test_identical_predictions_differ_by_nothing():
    y_true, pred, _ = _paired(200, 0.7, 0.7, seed=3)
    result = paired_comparison(y_true, pred, pred.copy())
    assert result.diff == 0.0
    assert (result.ci_low, result.ci_high) == (0.0, 0.0)
    assert (result.n01, result.n10) == (0, 0)
    assert result.mcnemar_p == 1.0
    assert result.within_noise is True


def test_mcnemar_p_is_the_exact_binomial_of_the_discordant_examples():
    # 2 examples only b gets right, 8 only a gets right, 20 both right, 5 both wrong
    y_true = np.zeros(35, dtype=int)
    pred_a = np.r_[np.ones(2), np.zeros(8), np.zeros(20), np.ones(5)].astype(int)
    pred_b = np.r_[np.zeros(2), np.ones(8), np.zeros(20), np.ones(5)].astype(int)
    result = paired_comparison(y_true, pred_a, pred_b, n_boot=500)
    assert (result.n01, result.n10) == (2, 8)
    # P(X <= 2) + P(X >= 8) for X ~ Binomial(10, 1/2) = 2 * (1 + 10 + 45) / 1024
    assert result.mcnemar_p == pytest.approx(112 / 1024)
    assert result.acc_a == pytest.approx(28 / 35) and result.acc_b == pytest.approx(22 / 35)
    assert result.diff == pytest.approx(-6 / 35)


def test_paired_comparison_is_seeded():
    y_true, pred_a, pred_b = _paired(150, 0.6, 0.65, seed=5)
    first = paired_comparison(y_true, pred_a, pred_b, n_boot=300, seed=7)
    again = paired_comparison(y_true, pred_a, pred_b, n_boot=300, seed=np.int64(7))
    other = paired_comparison(y_true, pred_a, pred_b, n_boot=300, seed=8)
    assert first == again
    assert (first.ci_low, first.ci_high) != (other.ci_low, other.ci_high)


@pytest.mark.parametrize("seed", range(25))
def test_diff_is_acc_b_minus_acc_a_for_random_labels(seed):
    """A property, over seeded random cases (hypothesis is not installed)."""
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(1, 80)), int(rng.integers(2, 6))
    y_true, pred_a, pred_b = (rng.integers(0, k, n) for _ in range(3))
    result = paired_comparison(y_true, pred_a, pred_b, n_boot=50, seed=seed)
    acc_a, acc_b = np.mean(pred_a == y_true), np.mean(pred_b == y_true)
    assert result.acc_a == acc_a and result.acc_b == acc_b
    assert result.diff == acc_b - acc_a
    assert result.n01 - result.n10 == int(np.sum(pred_b == y_true) - np.sum(pred_a == y_true))
    assert -1.0 <= result.ci_low <= result.ci_high <= 1.0
    assert 0.0 <= result.mcnemar_p <= 1.0
    assert result.within_noise == (result.ci_low <= 0.0 <= result.ci_high)


def test_as_dict_holds_plain_python_values():
    y_true, pred_a, pred_b = _paired(60, 0.6, 0.7, seed=6)
    values = paired_comparison(y_true, pred_a, pred_b, n_boot=100).as_dict()
    assert list(values) == ["acc_a", "acc_b", "diff", "ci_low", "ci_high", "n01", "n10",
                            "mcnemar_p", "within_noise"]
    assert [type(v).__name__ for v in values.values()] == ["float"] * 5 + ["int"] * 2 + [
        "float", "bool"]


@pytest.mark.parametrize(
    ("args", "options", "match"),
    [
        (([0, 1, 1], [0, 1, 1], [0, 1]), {},
         r"^The 'pred_b' parameter of paired_comparison must be as long as 'y_true' \(3 rows\)\. "
         r"Got 2 rows \(shape \(2,\)\) instead\.$"),
        (([0, 1], [0], [0, 1]), {}, r"'pred_a' .* as long as 'y_true' \(2 rows\)"),
        (([], [], []), {}, r"'y_true' parameter of paired_comparison must be a non-empty"),
        (([0], [0], [0]), {"n_boot": 0}, r"'n_boot' .* an int >= 1\. Got 0 instead"),
        (([0], [0], [0]), {"seed": 1.5}, r"'seed' .* an int >= 0\. Got 1\.5 instead"),
        (([0], [0], [0]), {"confidence": 95}, r"'confidence' .* \(0, 1\).*Got 95 instead"),
        (([0], [[0, 1]], [0]), {}, r"'pred_a' .* 1-D"),
    ],
)
def test_paired_comparison_rejects_bad_input(args, options, match):
    with pytest.raises(ParameterError, match=match):
        paired_comparison(*args, **options)


# --- the details a published interval depends on (found by mutation testing) -----------------
def _three_class_predictions(n=997, seed=7):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    a = np.where(rng.random(n) < 0.7, y, (y + 1) % 3)
    b = np.where(rng.random(n) < 0.75, y, (y + 2) % 3)
    return y, a, b


def test_paired_comparison_pins_its_bootstrap_interval():
    result = paired_comparison(*_three_class_predictions())
    assert (result.n01, result.n10) == (222, 198)
    assert result.diff == pytest.approx(24 / 997)
    assert (result.ci_low, result.ci_high) == pytest.approx((-18 / 997, 65 / 997), abs=1e-3)
    assert result.ci_low == pytest.approx(-0.01805416248746239, abs=1e-12)
    assert result.ci_high == pytest.approx(0.06519558676028084, abs=1e-12)
    assert result.mcnemar_p == pytest.approx(0.26171694347580854, rel=1e-9)


def test_paired_comparison_defaults_are_2000_resamples_seed_0(monkeypatch):
    from course_utils.evaluate import uncertainty

    seen = []
    real = uncertainty._bootstrap_diffs
    monkeypatch.setattr(uncertainty, "_bootstrap_diffs",
                        lambda delta, n_boot, seed: seen.append((n_boot, seed))
                        or real(delta, n_boot, seed))
    paired_comparison([0, 1, 1], [0, 1, 0], [0, 0, 1])
    assert seen == [(2000, 0)]


@pytest.mark.parametrize("cells", [997 * 7, 997 * 2, 997])
def test_drawing_the_resamples_in_chunks_gives_the_same_interval(monkeypatch, cells):
    from course_utils.evaluate import uncertainty

    data = _three_class_predictions()
    whole = paired_comparison(*data, n_boot=301, seed=4)
    monkeypatch.setattr(uncertainty, "_DRAW_CELLS", cells)
    assert paired_comparison(*data, n_boot=301, seed=4) == whole
    diffs = uncertainty._bootstrap_diffs(np.arange(997) % 3 - 1.0, 301, 4)
    assert len(diffs) == 301


@pytest.mark.parametrize("confidence", [0, 0.0, 1, 1.0, 1.5, -0.5])
@pytest.mark.parametrize("function", [accuracy_interval, paired_comparison])
def test_confidence_must_lie_strictly_between_zero_and_one(function, confidence):
    args = ([0, 1], [0, 1]) if function is accuracy_interval else ([0, 1], [0, 1], [0, 1])
    with pytest.raises(ParameterError,
                       match=rf"^The 'confidence' parameter of {function.__name__} must be"):
        function(*args, confidence=confidence)


def test_bad_predictions_name_the_function_called():
    with pytest.raises(ParameterError, match=r"^The 'y_pred' parameter of accuracy_interval"):
        accuracy_interval([0, 1], [[0, 1]])
    with pytest.raises(ParameterError, match=r"^The 'y_pred' parameter of accuracy_interval"):
        accuracy_interval([0, 1], [0])
    with pytest.raises(ParameterError, match=r"^The 'n_boot' parameter of paired_comparison"):
        paired_comparison([0], [0], [0], n_boot=0)
    with pytest.raises(ParameterError, match=r"^The 'seed' parameter of paired_comparison"):
        paired_comparison([0], [0], [0], seed=-1)
