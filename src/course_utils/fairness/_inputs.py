"""Checks and coding of the label arrays every fairness function takes (private).

The labels, predictions and protected attribute arrive as 1-D arrays, one value
per example; :func:`column` and :func:`check_lengths` check their shape, and
:func:`label_coder` checks that the labels are binary and codes them as aif360
wants them: 1.0 for the favorable label, 0.0 for the other.

Examples
--------
>>> coder = label_coder(1, "audit", y_true=np.array([0, 1, 1]))
>>> coder.encode(np.array([0, 1, 1]))
array([0., 1., 1.])
>>> coder.decode(np.array([1.0, 0.0]))
array([1, 0])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._checks import fail


def column(values: Any, name: str, func: str) -> np.ndarray:
    """``values`` as a 1-D array; an (n, 1) column is flattened.

    >>> column([[1], [0]], "y_true", "audit")
    array([1, 0])
    """
    array = np.asarray(values)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise fail(name, func, "a 1-D array of shape (n,), one value per example", array.shape)
    return array


def check_lengths(func: str, **arrays: np.ndarray | None) -> int:
    """The common length of ``arrays`` (``None`` entries skipped); raise naming the odd one.

    >>> check_lengths("audit", y_true=np.zeros(3), y_pred=np.ones(3), y_score=None)
    3
    """
    lengths = {name: len(a) for name, a in arrays.items() if a is not None}
    first, n = next(iter(lengths.items()))
    for name, length in lengths.items():
        if length != n:
            shown = ", ".join(f"{key}={value}" for key, value in lengths.items())
            raise fail(
                name,
                func,
                f"an array of length {n} (one value per example, as in {first!r})",
                length,
                hint=f"The lengths are {shown}.",
            )
    return n


@dataclass(frozen=True)
class Labels:
    """Binary labels coded 1.0 = favorable, 0.0 = unfavorable, and how to decode them."""

    favorable: Any
    unfavorable: Any

    def encode(self, values: np.ndarray) -> np.ndarray:
        """1.0 where ``values`` is the favorable label, else 0.0."""
        return (values == self.favorable).astype(np.float64)

    def decode(self, coded: np.ndarray) -> np.ndarray:
        """The label values back from 1.0 / 0.0 codes."""
        return np.where(coded == 1.0, self.favorable, self.unfavorable)


def label_coder(favorable: Any, func: str, **arrays: np.ndarray | None) -> Labels:
    """Check that the label arrays are binary and find the unfavorable value.

    >>> label_coder("yes", "audit", y_true=np.array(["yes", "no"])).unfavorable
    'no'
    """
    present: set = set()
    for name, values in arrays.items():
        if values is None:
            continue
        distinct = pd.unique(values)
        if len(distinct) > 2:
            shown = sorted(distinct.tolist(), key=str)[:10]
            raise fail(
                name,
                func,
                f"binary labels (two values, one of them favorable={favorable!r})",
                shown,
                hint=f"It holds {len(distinct)} distinct values. Map the labels to two classes "
                "first (e.g. y >= 5), and pass predicted probabilities as y_score, not as labels.",
            )
        present.update(distinct.tolist())
    others = [v for v in present if v != favorable]
    if len(others) > 1:
        raise fail(
            "favorable",
            func,
            "one of two label values shared by the label arrays",
            favorable,
            hint=f"The labels take the values {sorted(present, key=str)}; "
            "set favorable= to one of them.",
        )
    if others:
        unfavorable = others[0]
    elif isinstance(favorable, (bool, int, np.integer)) and favorable in (0, 1):
        unfavorable = type(favorable)(1 - favorable)
    else:
        unfavorable = f"not {favorable}"
    return Labels(favorable, unfavorable)
