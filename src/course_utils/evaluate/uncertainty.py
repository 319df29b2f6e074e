"""How sure a test accuracy is: a Wilson interval for one model, and a paired comparison of
two models scored on the same test examples.

On a few hundred test images an accuracy moves by several points from one test
set to another, so a difference between two variants means little without its
uncertainty. :func:`accuracy_interval` gives the Wilson score interval of one
accuracy; :func:`paired_comparison` compares two models on the *same* examples:
a paired bootstrap interval of the difference and McNemar's exact test on the
examples where exactly one of the two is right.

Example
-------
>>> y_true = [0, 1, 1, 0, 1, 1, 0, 1, 1, 0]
>>> acc, low, high = accuracy_interval(y_true, [0, 1, 1, 0, 1, 1, 0, 1, 0, 1])
>>> round(acc, 3), round(low, 3), round(high, 3)
(0.8, 0.49, 0.943)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy import stats

from .._checks import check_int, fail, is_number
from .._stats import wilson_interval
from ._labels import labels, same_length

__all__ = ["accuracy_interval", "paired_comparison", "PairedComparison"]

#: Rows of bootstrap resamples drawn at once are capped so that one draw holds at most
#: this many indices (memory); the split depends only on n, so results do not vary.
_DRAW_CELLS = 2**20


def _check_confidence(confidence: Any, func: str) -> float:
    if not is_number(confidence) or not 0 < confidence < 1:
        raise fail("confidence", func, "a number in (0, 1), such as 0.95", confidence)
    return float(confidence)


def _correct(y_true, y_pred, func: str, pred_name: str = "y_pred") -> np.ndarray:
    """1.0 where the prediction is right, 0.0 where wrong; inputs checked."""
    truth = labels(y_true, "y_true", func)
    pred = labels(y_pred, pred_name, func)
    same_length(truth, pred, ("y_true", pred_name), func)
    return (truth == pred).astype(np.float64)


def accuracy_interval(y_true, y_pred, *, confidence: float = 0.95) -> tuple[float, float, float]:
    """Accuracy and its Wilson score interval.

    The Wilson interval keeps inside [0, 1] and holds its coverage for small
    test sets and accuracies near 0 or 1, where the normal ("Wald") interval
    ``p +- z sqrt(p(1-p)/n)`` does not. The formula lives in
    :func:`course_utils._stats.wilson_interval`, shared with the book's results page.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n,)
        True and predicted class indices.
    confidence : float, default 0.95
        Coverage of the interval, in (0, 1).

    Returns
    -------
    acc, low, high : float
        The accuracy and the interval's bounds.

    Example
    -------
    >>> acc, low, high = accuracy_interval([0, 1, 1, 0], [0, 1, 1, 1])
    >>> acc, round(low, 3), round(high, 3)
    (0.75, 0.301, 0.954)
    """
    confidence = _check_confidence(confidence, "accuracy_interval")
    correct = _correct(y_true, y_pred, "accuracy_interval")
    low, high = wilson_interval(int(correct.sum()), len(correct), confidence=confidence,
                                func="accuracy_interval")
    return float(correct.mean()), low, high


@dataclass(frozen=True)
class PairedComparison:
    """Two models scored on the same test examples (from :func:`paired_comparison`).

    Attributes
    ----------
    acc_a, acc_b : float
        Accuracy of model a and of model b.
    diff : float
        ``acc_b - acc_a``.
    ci_low, ci_high : float
        Paired-bootstrap percentile interval of ``diff``.
    n01 : int
        Examples that a gets wrong and b gets right.
    n10 : int
        Examples that a gets right and b gets wrong.
    mcnemar_p : float
        Exact two-sided McNemar p-value (binomial test of ``n10`` in ``n01 + n10``
        at 0.5); 1.0 when no example tells the two apart.
    within_noise : bool
        True when the interval contains 0: the data cannot tell the two apart.
    """

    acc_a: float
    acc_b: float
    diff: float
    ci_low: float
    ci_high: float
    n01: int
    n10: int
    mcnemar_p: float
    within_noise: bool

    def as_dict(self) -> dict[str, float | int | bool]:
        """The fields as plain Python numbers, ready for a record or ``glue``.

        >>> paired_comparison([0, 1], [0, 1], [0, 1]).as_dict()["mcnemar_p"]
        1.0
        """
        return asdict(self)


def _bootstrap_diffs(delta: np.ndarray, n_boot: int, seed: int) -> np.ndarray:
    """Mean of ``delta`` over ``n_boot`` resamples of the example indices, with replacement."""
    n = len(delta)
    rng = np.random.default_rng(seed)
    rows = max(1, _DRAW_CELLS // n)
    means = []
    for start in range(0, n_boot, rows):
        index = rng.integers(0, n, size=(min(rows, n_boot - start), n))
        means.append(delta[index].mean(axis=1))
    return np.concatenate(means)


def _mcnemar_exact(n01: int, n10: int) -> float:
    if n01 + n10 == 0:
        return 1.0
    return float(stats.binomtest(n10, n01 + n10, 0.5, alternative="two-sided").pvalue)


def paired_comparison(
    y_true, pred_a, pred_b, *, n_boot: int = 2000, seed: int = 0, confidence: float = 0.95
) -> PairedComparison:
    """Compare two models' accuracy on the same test examples.

    The interval of ``acc_b - acc_a`` comes from a paired bootstrap: the test
    examples are resampled with replacement ``n_boot`` times (seeded), each
    resample scoring both models on the same examples, and the percentiles of
    the differences bound the interval. McNemar's exact test looks only at the
    discordant examples (one model right, the other wrong).

    Parameters
    ----------
    y_true : array-like of shape (n,)
        True class indices.
    pred_a, pred_b : array-like of shape (n,)
        Predicted class indices of model a (the baseline) and model b.
    n_boot : int, default 2000
        Bootstrap resamples.
    seed : int, default 0
        Seeds the resampling: the same seed gives the same interval.
    confidence : float, default 0.95
        Coverage of the interval, in (0, 1).

    Returns
    -------
    PairedComparison
        ``acc_a``, ``acc_b``, ``diff``, ``ci_low``, ``ci_high``, ``n01``,
        ``n10``, ``mcnemar_p``, ``within_noise``; ``.as_dict()`` for records.

    Example
    -------
    >>> result = paired_comparison([0, 1, 1, 0, 1], [0, 1, 0, 0, 0], [0, 1, 1, 0, 1], n_boot=200)
    >>> result.diff, result.n01, result.n10, result.mcnemar_p
    (0.4, 2, 0, 0.5)
    """
    func = "paired_comparison"
    n_boot = check_int(n_boot, "n_boot", func, minimum=1)
    seed = check_int(seed, "seed", func, minimum=0)
    confidence = _check_confidence(confidence, func)
    correct_a = _correct(y_true, pred_a, func, "pred_a")
    correct_b = _correct(y_true, pred_b, func, "pred_b")
    delta = correct_b - correct_a
    diffs = _bootstrap_diffs(delta, n_boot, seed)
    tail = (1.0 - confidence) / 2.0
    low, high = (float(q) for q in np.quantile(diffs, [tail, 1.0 - tail]))
    n01, n10 = int((delta > 0).sum()), int((delta < 0).sum())
    acc_a, acc_b = float(correct_a.mean()), float(correct_b.mean())
    return PairedComparison(
        acc_a=acc_a, acc_b=acc_b, diff=acc_b - acc_a, ci_low=low, ci_high=high,
        n01=n01, n10=n10, mcnemar_p=_mcnemar_exact(n01, n10), within_noise=low <= 0.0 <= high,
    )
