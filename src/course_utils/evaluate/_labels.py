"""Input checks shared by the evaluation functions: labels, probabilities, class names.

Every message has the project's one form, built by :func:`course_utils._checks.fail`:
``The 'x' parameter of f must be ... Got ... instead.`` Where the value itself
would say little (a whole array), the message shows what was wrong with it
(its shape, its dtype, its range) through :class:`Shown`.

Shapes: ``y_true`` and ``y_pred`` are ``(n,)`` of class indices ``0..k-1`` (an
``(n, 1)`` column is accepted); ``y_prob`` is ``(n, k)`` with rows summing to 1,
or ``(n,)`` read as P(class 1) in a binary task.

Example
-------
>>> labels("1 2".split(), "y_true", "scores")
Traceback (most recent call last):
...
course_utils.errors.ParameterError: The 'y_true' parameter of scores must be integer class \
indices. Got dtype <U1 instead.
"""

from __future__ import annotations

import numpy as np

from .._checks import Shown, fail

ROW_SUM_TOLERANCE = 1e-3



def shape_of(array: np.ndarray) -> Shown:
    """``shape (n, ...)`` of ``array``, for the 'Got ... instead' part of a message."""
    return Shown(f"shape {array.shape}")


def labels(values, name: str, func: str) -> np.ndarray:
    """Return ``values`` as a 1-D int64 array of class indices, or raise.

    >>> labels([[1], [0]], "y_true", "scores").tolist()
    [1, 0]
    """
    array = np.asarray(values)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        hint = "Pass class indices, e.g. y_prob.argmax(axis=1)." if array.ndim == 2 else ""
        raise fail(name, func, "a 1-D array of class indices, shape (n,)", shape_of(array),
                   hint=hint)
    if array.size == 0:
        raise fail(name, func, "a non-empty array of class indices (n >= 1)",
                   Shown("an empty array"))
    if array.dtype.kind == "f":
        if not np.all(np.isfinite(array)) or np.any(array != np.round(array)):
            examples = array[array != np.round(array)][:3]
            raise fail(name, func, "whole-number class indices",
                       Shown(f"non-integer values such as {examples}"))
    elif array.dtype.kind not in "iub":
        raise fail(name, func, "integer class indices", Shown(f"dtype {array.dtype}"))
    array = array.astype(np.int64)
    if array.min() < 0:
        raise fail(name, func, "class indices >= 0", int(array.min()))
    return array


def same_length(a: np.ndarray, b: np.ndarray, names: tuple[str, str], func: str) -> None:
    """Raise, naming the second array, when ``a`` and ``b`` differ in length."""
    if len(a) != len(b):
        raise fail(names[1], func, f"as long as {names[0]!r} ({len(a)} rows)",
                   Shown(f"{len(b)} rows (shape {b.shape})"))


def check_class_names(class_names, y_prob_width: int | None, func: str) -> int | None:
    """The number of classes that ``class_names`` names (None when it is None)."""
    if class_names is None:
        return None
    names = list(class_names)
    if len(names) < 2:
        raise fail("class_names", func, "a sequence of at least 2 class names", names)
    if y_prob_width is not None and y_prob_width != len(names):
        raise fail("class_names", func, f"one name per column of 'y_prob' ({y_prob_width})",
                   Shown(f"{len(names)} names"))
    return len(names)


def required_names(class_names, func: str) -> list[str]:
    """``class_names`` as a list of str, required and at least 2 long."""
    if class_names is None:
        raise fail("class_names", func, "a sequence of at least 2 class names", None)
    names = [str(name) for name in class_names]
    check_class_names(names, None, func)
    return names


def _as_two_columns(prob: np.ndarray, truth: np.ndarray, class_names, func: str) -> np.ndarray:
    """A 1-D ``y_prob`` of a binary task as ``(n, 2)``; anything else checked and returned."""
    if prob.ndim == 1:
        k = len(class_names) if class_names is not None else max(2, int(truth.max()) + 1)
        if k != 2:
            raise fail("y_prob", func,
                       f"of shape (n, {k}), one probability column per class (a 1-D array is "
                       f"read as P(class 1) only in a binary task)",
                       Shown(f"shape {prob.shape} with {k} classes"))
        prob = np.column_stack([1.0 - prob, prob])
    if prob.ndim != 2 or prob.shape[1] < 2:
        raise fail("y_prob", func, "of shape (n, k) with k >= 2 classes", shape_of(prob))
    return prob


def probabilities(y_true, y_prob, class_names, func: str) -> tuple[np.ndarray, np.ndarray]:
    """Check ``y_true``/``y_prob``; return them as ``(n,)`` ints and ``(n, k)`` floats.

    Rows are divided by their sums, which float32 softmax outputs miss by ~1e-7.

    >>> probabilities([0, 1], [0.2, 0.9], None, "scores")[1].tolist()
    [[0.8, 0.2], [0.09999999999999998, 0.9]]
    """
    truth = labels(y_true, "y_true", func)
    prob = _as_two_columns(np.asarray(y_prob, dtype=np.float64), truth, class_names, func)
    same_length(truth, prob, ("y_true", "y_prob"), func)
    k = prob.shape[1]
    check_class_names(class_names, k, func)
    if not np.all(np.isfinite(prob)) or prob.min() < 0 or prob.max() > 1:
        raise fail("y_prob", func, "probabilities in [0, 1]",
                   Shown(f"values from {np.nanmin(prob):.4g} to {np.nanmax(prob):.4g}"),
                   hint="If these are logits, apply a softmax first.")
    sums = prob.sum(axis=1)
    bad = np.flatnonzero(np.abs(sums - 1.0) > ROW_SUM_TOLERANCE)
    if bad.size:
        raise fail("y_prob", func, "probabilities whose rows sum to 1 (one per class)",
                   Shown(f"{bad.size} of {len(prob)} rows that do not, e.g. row {bad[0]} sums "
                         f"to {sums[bad[0]]:.4g}"),
                   hint="Pass softmax outputs, shape (n, k).")
    if truth.max() >= k:
        raise fail("y_true", func, f"class indices below the number of 'y_prob' columns ({k})",
                   int(truth.max()))
    return truth, prob / sums[:, None]


def hard_labels(y_true, y_pred, class_names, func: str
                ) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Check two label arrays against ``class_names``; return them and the names."""
    names = required_names(class_names, func)
    truth = labels(y_true, "y_true", func)
    pred = labels(y_pred, "y_pred", func)
    same_length(truth, pred, ("y_true", "y_pred"), func)
    for name, array in (("y_true", truth), ("y_pred", pred)):
        if array.max() >= len(names):
            expected = f"class indices below the number of 'class_names' ({len(names)})"
            raise fail(name, func, expected, int(array.max()))
    return truth, pred, names


