"""Plain statistics that more than one layer needs: the Wilson interval of a proportion
and the t interval of a mean over runs.

Part of the base layer: it imports nothing from ``course_utils`` but the other base
modules, so that both :mod:`course_utils.evaluate` (accuracy intervals in the
notebooks) and :mod:`course_utils.book` (our intervals on the results page) use
this one formula. Importing it stays quick: only the standard library at import time
(SciPy's t quantile is imported when :func:`mean_interval` is called).

Example
-------
>>> low, high = wilson_interval(8, 10)
>>> round(low, 4), round(high, 4)
(0.4902, 0.9433)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist

from ._checks import check_int, check_number, fail, is_number

__all__ = ["wilson_interval", "mean_interval"]


def wilson_interval(successes: float, n: int, *, confidence: float = 0.95,
                    func: str = "wilson_interval") -> tuple[float, float]:
    """Wilson score interval of a proportion ``successes / n``.

    The bounds are the two proportions ``p`` at which the score test is exactly
    at its critical value, ``(successes / n - p) ** 2 = z ** 2 p (1 - p) / n``,
    as statsmodels' ``proportion_confint(..., method="wilson")`` computes them.
    Unlike the normal ("Wald") interval it stays inside [0, 1] and keeps its
    coverage for small ``n`` and proportions near 0 or 1.

    Parameters
    ----------
    successes : float
        Number of successes (for example correct predictions), ``0 <= successes <= n``.
        A non-integer count is accepted (a mean accuracy times ``n``).
    n : int
        Number of trials, at least 1.
    confidence : float, default 0.95
        Coverage of the interval, in (0, 1).
    func : str, default "wilson_interval"
        The public function named in error messages (callers pass their own name).

    Returns
    -------
    low, high : float
        The interval's bounds, within [0, 1].

    Raises
    ------
    ParameterError
        When ``n`` is not a positive count, ``successes`` lies outside ``[0, n]``
        or ``confidence`` outside (0, 1).

    Examples
    --------
    >>> wilson_interval(0, 10)[0], round(wilson_interval(10, 10)[0], 4)
    (0.0, 0.7225)
    """
    n = check_int(n, "n", func, minimum=1)
    successes = check_number(successes, "successes", func, minimum=0, maximum=n)
    if not is_number(confidence) or not 0 < confidence < 1:
        raise fail("confidence", func, "a number in (0, 1), such as 0.95", confidence)
    z = NormalDist().inv_cdf(0.5 + float(confidence) / 2.0)
    share = successes / n
    denominator = 1.0 + z**2 / n
    center = (share + z**2 / (2.0 * n)) / denominator
    half = z * math.sqrt(share * (1.0 - share) / n + z**2 / (4.0 * n**2)) / denominator
    low = 0.0 if successes == 0 else max(0.0, center - half)
    high = 1.0 if successes == n else min(1.0, center + half)
    return low, high


def mean_interval(values: Sequence[float], *, confidence: float = 0.95
                  ) -> tuple[float, float, float]:
    """Mean of ``values`` and its Student-t interval: ``mean -+ t * sd / sqrt(n)``.

    The interval of a mean over a few independent runs (seeds), where the
    spread between runs is all we know of the noise. With one value the
    interval is that value (nothing to estimate a spread from).

    Parameters
    ----------
    values : sequence of float
        One number per run, at least one.
    confidence : float, default 0.95

    Returns
    -------
    mean, low, high : float

    Examples
    --------
    >>> [round(v, 4) for v in mean_interval([0.80, 0.82, 0.84])]
    [0.82, 0.7703, 0.8697]
    >>> mean_interval([0.5])
    (0.5, 0.5, 0.5)
    """
    from scipy import stats

    values = [float(v) for v in values]
    if not values or not all(is_number(v) for v in values):
        raise fail("values", "mean_interval", "a non-empty sequence of numbers", values)
    check_number(confidence, "confidence", "mean_interval", minimum=0, maximum=1)
    n = len(values)
    mean = sum(values) / n
    if n == 1:
        return mean, mean, mean
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * sd / math.sqrt(n)
    return mean, mean - half, mean + half
