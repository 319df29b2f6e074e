"""Classification scores, per-class accuracy, confusion matrices and the most confused pairs.

Every number is computed by scikit-learn from the labels and the predicted
*probabilities*; this module checks the inputs, calls the right scikit-learn
function and labels the result. Shapes: ``y_true`` and ``y_pred`` are ``(n,)``
class indices ``0..k-1``; ``y_prob`` is ``(n, k)`` with rows summing to 1 (a
1-D ``(n,)`` array is read as P(class 1) in a binary task).

Example
-------
>>> y_true, y_prob = [0, 1, 1, 0], [[0.8, 0.2], [0.3, 0.7], [0.6, 0.4], [0.9, 0.1]]
>>> float(metrics_table(y_true, y_prob).loc[0, "accuracy"])
0.75
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn import metrics as skm
from sklearn.exceptions import UndefinedMetricWarning

from .._checks import check_choice, check_int
from ._labels import hard_labels, probabilities

__all__ = [
    "SCORE_NAMES",
    "scores",
    "metrics_table",
    "per_class_accuracy",
    "confusion",
    "top_confused_pairs",
]

#: The keys of :func:`scores`, in order (the columns of :func:`metrics_table`).
SCORE_NAMES = (
    "accuracy",
    "precision_macro",
    "recall_macro",
    "f1_macro",
    "precision_weighted",
    "recall_weighted",
    "f1_weighted",
    "roc_auc_ovr",
    "log_loss",
)
_NORMALIZE = (None, "true", "pred", "all")


def _auc_ovr(labels: np.ndarray, prob: np.ndarray, func: str) -> float:
    k = prob.shape[1]
    absent = sorted(set(range(k)) - set(labels.tolist()))
    if absent:
        warnings.warn(
            f"{func}: roc_auc_ovr is undefined (NaN) because class indices {absent} do not occur "
            f"in 'y_true'; every class needs positives and negatives.",
            UndefinedMetricWarning,
            stacklevel=3,
        )
        return float("nan")
    if k == 2:
        return float(skm.roc_auc_score(labels, prob[:, 1]))
    return float(
        skm.roc_auc_score(labels, prob, multi_class="ovr", average="macro", labels=np.arange(k))
    )


def scores(y_true, y_prob, *, class_names: Sequence[str] | None = None) -> dict[str, float]:
    """Classification scores as plain floats, ready for :meth:`Record.add`.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        True class indices ``0..k-1``.
    y_prob : array-like of shape (n, k), or (n,) for a binary task
        Predicted probabilities (softmax outputs); rows sum to 1.
    class_names : sequence of str, optional
        Only checked against the number of columns of ``y_prob``.

    Returns
    -------
    dict
        ``accuracy``, ``precision_macro``, ``recall_macro``, ``f1_macro``,
        ``precision_weighted``, ``recall_weighted``, ``f1_weighted``,
        ``roc_auc_ovr`` (macro one-vs-rest, from probabilities; NaN with an
        ``UndefinedMetricWarning`` when a class is absent from ``y_true``) and
        ``log_loss``.

    Example
    -------
    >>> scores([0, 1], [[0.9, 0.1], [0.2, 0.8]])["roc_auc_ovr"]
    1.0
    """
    labels, prob = probabilities(y_true, y_prob, class_names, "scores")
    classes = np.arange(prob.shape[1])
    pred = prob.argmax(axis=1)
    out = {"accuracy": float(skm.accuracy_score(labels, pred))}
    for average in ("macro", "weighted"):
        precision, recall, f1, _ = skm.precision_recall_fscore_support(
            labels, pred, labels=classes, average=average, zero_division=0
        )
        out[f"precision_{average}"] = float(precision)
        out[f"recall_{average}"] = float(recall)
        out[f"f1_{average}"] = float(f1)
    out["roc_auc_ovr"] = _auc_ovr(labels, prob, "scores")
    out["log_loss"] = float(skm.log_loss(labels, prob, labels=classes))
    return {name: out[name] for name in SCORE_NAMES}


def metrics_table(
    y_true, y_prob, *, class_names: Sequence[str] | None = None, name: str | None = None
) -> pd.DataFrame:
    """One-row table of :func:`scores` (accuracy, macro/weighted P/R/F1, ROC AUC, log loss).

    Parameters
    ----------
    y_true : array-like of shape (n,)
        True class indices.
    y_prob : array-like of shape (n, k), or (n,) for a binary task
        Predicted probabilities; never hard labels.
    class_names : sequence of str, optional
        Checked against ``k``.
    name : str, optional
        Index label of the row (for example the variant); ``0`` when omitted.

    Returns
    -------
    pandas.DataFrame
        One row, one column per score in :data:`SCORE_NAMES`.

    Example
    -------
    >>> float(metrics_table([0, 1, 1], [[0.7, 0.3], [0.4, 0.6], [0.2, 0.8]])["accuracy"].iloc[0])
    1.0
    """
    values = scores(y_true, y_prob, class_names=class_names)
    return pd.DataFrame([values], index=[0 if name is None else name])


def per_class_accuracy(y_true, y_pred, *, class_names: Sequence[str]) -> pd.DataFrame:
    """Accuracy within each true class (the per-class recall), with its support.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n,)
        True and predicted class indices.
    class_names : sequence of str
        One name per class index.

    Returns
    -------
    pandas.DataFrame
        Columns ``class``, ``support`` (examples of that class), ``accuracy``
        (NaN for a class with no examples).

    Example
    -------
    >>> per_class_accuracy([0, 0, 1], [0, 1, 1], class_names=["a", "b"])["accuracy"].tolist()
    [0.5, 1.0]
    """
    truth, pred, names = hard_labels(y_true, y_pred, class_names, "per_class_accuracy")
    classes = np.arange(len(names))
    _, recall, _, support = skm.precision_recall_fscore_support(
        truth, pred, labels=classes, average=None, zero_division=np.nan
    )
    return pd.DataFrame({"class": names, "support": support.astype(np.int64), "accuracy": recall})


def confusion(
    y_true, y_pred, *, class_names: Sequence[str], normalize: str | None = None
) -> pd.DataFrame:
    """Confusion matrix labelled with class names (rows true, columns predicted).

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n,)
        True and predicted class indices.
    class_names : sequence of str
        One name per class index.
    normalize : {None, "true", "pred", "all"}, default None
        As in :func:`sklearn.metrics.confusion_matrix`: counts, or shares of
        each true row, predicted column, or of everything.

    Returns
    -------
    pandas.DataFrame
        ``(k, k)``; index named ``true``, columns named ``predicted``.

    Example
    -------
    >>> confusion([0, 1, 1], [0, 0, 1], class_names=["cat", "dog"]).loc["dog", "cat"]
    np.int64(1)
    """
    check_choice(normalize, "normalize", "confusion", _NORMALIZE)
    truth, pred, names = hard_labels(y_true, y_pred, class_names, "confusion")
    matrix = skm.confusion_matrix(truth, pred, labels=np.arange(len(names)), normalize=normalize)
    frame = pd.DataFrame(matrix, index=names, columns=names)
    frame.index.name = "true"
    frame.columns.name = "predicted"
    return frame


def top_confused_pairs(
    y_true, y_pred, *, class_names: Sequence[str], k: int = 5
) -> pd.DataFrame:
    """The ``k`` most frequent (true, predicted) mistakes.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n,)
        True and predicted class indices.
    class_names : sequence of str
        One name per class index.
    k : int, default 5
        How many pairs to keep (pairs never confused are left out).

    Returns
    -------
    pandas.DataFrame
        Columns ``true``, ``predicted``, ``count``, ``share_of_true`` (count
        over the examples of that true class), sorted by ``count`` descending.

    Example
    -------
    >>> top_confused_pairs([0, 0, 1], [1, 1, 1], class_names=["shirt", "t-shirt"], k=1)["count"][0]
    np.int64(2)
    """
    k = check_int(k, "k", "top_confused_pairs", minimum=1)
    counts = confusion(y_true, y_pred, class_names=class_names)
    rows = counts.sum(axis=1)
    pairs = counts.stack().rename("count").reset_index()
    pairs = pairs[(pairs["true"] != pairs["predicted"]) & (pairs["count"] > 0)]
    pairs["share_of_true"] = pairs["count"] / pairs["true"].map(rows)
    pairs = pairs.sort_values(["count", "true", "predicted"], ascending=[False, True, True],
                              kind="stable")
    return pairs.head(k).reset_index(drop=True)[["true", "predicted", "count", "share_of_true"]]
