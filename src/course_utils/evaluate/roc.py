"""ROC curves from probabilities, and the hard-label AUC the original course reported.

ROC AUC is always computed from probabilities: the original course computed it
from hard labels, which measures a single threshold, not the ranking (see
:func:`roc_auc_from_labels` for the comparison the book shows).

Example
-------
>>> curves = roc_curves([0, 1, 1], [[0.8, 0.2], [0.3, 0.7], [0.4, 0.6]], class_names=["a", "b"])
>>> list(curves)
['b']
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
from sklearn import metrics as skm
from sklearn.exceptions import UndefinedMetricWarning

from .._checks import check_int
from ._labels import labels, probabilities, required_names, same_length

__all__ = ["roc_curves", "roc_auc_from_labels"]


def roc_curves(
    y_true, y_prob, *, class_names: Sequence[str]
) -> dict[str, tuple[np.ndarray, np.ndarray, float]]:
    """One-vs-rest ROC curve of each class, from probabilities.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        True class indices.
    y_prob : array-like of shape (n, k), or (n,) for a binary task
        Predicted probabilities.
    class_names : sequence of str
        One name per column.

    Returns
    -------
    dict
        ``name -> (fpr, tpr, auc)``. In a binary task only the positive class
        (``class_names[1]``) is returned; classes absent from ``y_true`` are left
        out with an ``UndefinedMetricWarning``.

    Example
    -------
    >>> curves = roc_curves([0, 1, 1], [[0.8, 0.2], [0.3, 0.7], [0.4, 0.6]], class_names=["a", "b"])
    >>> curves["b"][2]
    1.0
    """
    names = required_names(class_names, "roc_curves")
    truth, prob = probabilities(y_true, y_prob, names, "roc_curves")
    present = set(truth.tolist())
    classes = [1] if len(names) == 2 else range(len(names))
    curves = {}
    absent = []
    for index in classes:
        positives = truth == index
        if index not in present or positives.all():
            absent.append(names[index])
            continue
        fpr, tpr, _ = skm.roc_curve(positives, prob[:, index])
        curves[names[index]] = (fpr, tpr, float(skm.roc_auc_score(positives, prob[:, index])))
    if absent:
        warnings.warn(
            f"roc_curves: no ROC curve for classes {absent}: 'y_true' needs both examples of "
            f"the class and of other classes.",
            UndefinedMetricWarning,
            stacklevel=2,
        )
    return curves


def roc_auc_from_labels(y_true, y_pred, *, num_classes: int | None = None) -> float:
    """ROC AUC computed from hard labels: the original course's mistake, kept to show it.

    A hard label is a single threshold, so the "curve" has one corner and the
    AUC is the balanced accuracy of that threshold, not the ranking quality the
    probabilities carry. Use :func:`~course_utils.evaluate.scores` for the real value.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n,)
        True and predicted class indices.
    num_classes : int, optional
        Number of classes; by default the largest index seen plus one.

    Example
    -------
    >>> roc_auc_from_labels([0, 1, 1, 0], [0, 1, 0, 0])
    0.75
    """
    num_classes = check_int(num_classes, "num_classes", "roc_auc_from_labels", minimum=2,
                            allow_none=True)
    truth = labels(y_true, "y_true", "roc_auc_from_labels")
    pred = labels(y_pred, "y_pred", "roc_auc_from_labels")
    same_length(truth, pred, ("y_true", "y_pred"), "roc_auc_from_labels")
    k = num_classes or int(max(truth.max(), pred.max())) + 1
    if k <= 2:
        return float(skm.roc_auc_score(truth, pred))
    onehot = np.eye(k)[pred]
    return float(skm.roc_auc_score(truth, onehot, multi_class="ovr", labels=np.arange(k)))
