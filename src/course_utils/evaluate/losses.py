"""How hard each classification loss pushes: loss and true-class-logit gradient against p.

For a K-way softmax ``s = softmax(z)`` and a one-hot label ``y`` of the true
class ``t``, write ``p = s_t`` and let the other K-1 probabilities be equal,
``(1 - p) / (K - 1)`` each (the spread a model that knows nothing else gives).
Then, for the losses as Keras computes them:

- categorical cross-entropy ``-log p``; its gradient with respect to the
  true-class logit is ``dL/dz_t = p - 1``;
- mean squared error, a *mean* over the K outputs,
  ``(1/K) sum_j (s_j - y_j)**2 = (1 - p)**2 / (K - 1)``; with
  ``ds_j/dz_t = s_j (delta_jt - p)`` its gradient is
  ``dL/dz_t = (2/K) [(p - 1) p (1 - p) - p sum_{j != t} s_j**2]
  = -2 p (1 - p)**2 / (K - 1)``.

For K = 2 the MSE gradient is the single-sigmoid ``2 p (1 - p)**2``; at the start
of training (``p = 1/K``) it is ``2 (K - 1) / K**3``, so cross-entropy pushes
``K**2 / 2`` times harder there.

Example
-------
>>> curves = softmax_loss_curves([0.1], num_classes=10)
>>> round(float(curves["mse_gradient"].iloc[0]), 4), round(2 * 9 / 10**3, 4)
(0.018, 0.018)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._checks import Shown, check_int, fail

__all__ = ["softmax_loss_curves"]


def softmax_loss_curves(p, *, num_classes: int = 2) -> pd.DataFrame:
    """Cross-entropy and Keras' MSE of a K-way softmax, and their true-class-logit gradients.

    The other ``num_classes - 1`` probabilities are taken equal,
    ``(1 - p) / (num_classes - 1)`` each (see the module docstring for the
    derivation). The gradients are given as magnitudes ``|dL/dz_t|``: both
    losses push the true-class logit up.

    Parameters
    ----------
    p : array-like of float in (0, 1)
        Probability the softmax gives the true class.
    num_classes : int, default 2
        K, the number of softmax outputs (at least 2).

    Returns
    -------
    pandas.DataFrame
        One row per ``p``: ``p``, ``ce_loss`` (``-log p``), ``ce_gradient``
        (``1 - p``), ``mse_loss`` (``(1 - p)**2 / (K - 1)``), ``mse_gradient``
        (``2 p (1 - p)**2 / (K - 1)``) and ``gradient_ratio`` (cross-entropy's
        gradient over MSE's).

    Raises
    ------
    ParameterError
        ``num_classes`` below 2, or a ``p`` outside (0, 1).

    Example
    -------
    >>> row = softmax_loss_curves([0.5], num_classes=2).iloc[0]
    >>> float(row["ce_gradient"]), float(row["mse_gradient"]), float(row["gradient_ratio"])
    (0.5, 0.25, 2.0)
    """
    k = check_int(num_classes, "num_classes", "softmax_loss_curves", minimum=2)
    values = np.atleast_1d(np.asarray(p, dtype=float))
    if values.ndim != 1 or not np.all((values > 0) & (values < 1)):
        raise fail("p", "softmax_loss_curves", "probabilities strictly between 0 and 1",
                   Shown(f"values from {values.min():g} to {values.max():g}")
                   if values.size and values.ndim == 1 else Shown(f"shape {values.shape}"))
    ce_gradient = 1.0 - values
    mse_gradient = 2.0 * values * (1.0 - values) ** 2 / (k - 1)
    return pd.DataFrame({
        "p": values,
        "ce_loss": -np.log(values),
        "ce_gradient": ce_gradient,
        "mse_loss": (1.0 - values) ** 2 / (k - 1),
        "mse_gradient": mse_gradient,
        "gradient_ratio": ce_gradient / mse_gradient,
    })
