"""Evaluation: metrics tables, per-class views, ROC curves, regression errors.

Every number here is computed by scikit-learn from the labels and the
predicted *probabilities*; this module only checks the inputs at the boundary,
calls the right scikit-learn function and labels the result. ROC AUC is always
computed from probabilities: the original course computed it from hard labels,
which measures a single threshold, not the ranking (see
:func:`roc_auc_from_labels` for the comparison the book shows).

Shapes: ``y_true`` is ``(n,)`` of class indices ``0..k-1``; ``y_prob`` is
``(n, k)`` with rows summing to 1 (a 1-D ``(n,)`` array is read as the
probability of class 1 in a binary task); ``y_pred`` is ``(n,)`` of class
indices.

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

from .errors import ParameterError

__all__ = [
    "metrics_table",
    "scores",
    "per_class_accuracy",
    "confusion",
    "roc_curves",
    "roc_auc_from_labels",
    "top_confused_pairs",
    "regression_table",
    "train_val_gap",
    "change_from",
    "tsne_embed",
]

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
_ROW_SUM_TOLERANCE = 1e-3


# --- input checks ----------------------------------------------------------------------------


def _labels(values, name: str, func: str) -> np.ndarray:
    """Return ``values`` as a 1-D int64 array of class indices, or raise."""
    array = np.asarray(values)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        hint = " Pass class indices, e.g. y_prob.argmax(axis=1)." if array.ndim == 2 else ""
        raise ParameterError(
            f"The {name!r} parameter of {func} must be a 1-D array of class indices, shape (n,). "
            f"Got shape {array.shape} instead.{hint}"
        )
    if array.size == 0:
        raise ParameterError(f"The {name!r} parameter of {func} is empty; expected n >= 1 labels.")
    if array.dtype.kind == "f":
        if not np.all(np.isfinite(array)) or np.any(array != np.round(array)):
            raise ParameterError(
                f"The {name!r} parameter of {func} must hold whole-number class indices. "
                f"Got non-integer values such as {array[array != np.round(array)][:3]} instead."
            )
    elif array.dtype.kind not in "iub":
        raise ParameterError(
            f"The {name!r} parameter of {func} must hold integer class indices. "
            f"Got dtype {array.dtype} instead."
        )
    array = array.astype(np.int64)
    if array.min() < 0:
        raise ParameterError(
            f"The {name!r} parameter of {func} must hold class indices >= 0. "
            f"Got {int(array.min())} instead."
        )
    return array


def _same_length(a: np.ndarray, b: np.ndarray, names: tuple[str, str], func: str) -> None:
    if len(a) != len(b):
        raise ParameterError(
            f"The {names[0]!r} and {names[1]!r} parameters of {func} must have the same number "
            f"of rows. Got {len(a)} (shape {a.shape}) and {len(b)} (shape {b.shape}) instead."
        )


def _num_classes(class_names, y_prob_width: int | None, func: str) -> int | None:
    if class_names is None:
        return None
    names = list(class_names)
    if len(names) < 2:
        raise ParameterError(
            f"The 'class_names' parameter of {func} must name at least 2 classes. "
            f"Got {names!r} instead."
        )
    if y_prob_width is not None and y_prob_width != len(names):
        raise ParameterError(
            f"The 'class_names' parameter of {func} names {len(names)} classes but 'y_prob' has "
            f"{y_prob_width} columns; expected one column per class."
        )
    return len(names)


def _probabilities(y_true, y_prob, class_names, func: str) -> tuple[np.ndarray, np.ndarray]:
    """Check ``y_true``/``y_prob`` and return them as ``(n,)`` ints and ``(n, k)`` floats."""
    labels = _labels(y_true, "y_true", func)
    prob = np.asarray(y_prob, dtype=np.float64)
    if prob.ndim == 1:
        k = len(class_names) if class_names is not None else max(2, int(labels.max()) + 1)
        if k != 2:
            raise ParameterError(
                f"The 'y_prob' parameter of {func} is 1-D (shape {prob.shape}), which is only "
                f"read as P(class 1) in a binary task, but there are {k} classes. "
                f"Expected shape (n, {k}): one probability column per class."
            )
        prob = np.column_stack([1.0 - prob, prob])
    if prob.ndim != 2 or prob.shape[1] < 2:
        raise ParameterError(
            f"The 'y_prob' parameter of {func} must have shape (n, k) with k >= 2 classes. "
            f"Got shape {prob.shape} instead."
        )
    _same_length(labels, prob, ("y_true", "y_prob"), func)
    k = prob.shape[1]
    _num_classes(class_names, k, func)
    if not np.all(np.isfinite(prob)) or prob.min() < 0 or prob.max() > 1:
        raise ParameterError(
            f"The 'y_prob' parameter of {func} must hold probabilities in [0, 1]. Got values "
            f"from {np.nanmin(prob):.4g} to {np.nanmax(prob):.4g} instead. If these are logits, "
            f"apply a softmax first."
        )
    sums = prob.sum(axis=1)
    bad = np.flatnonzero(np.abs(sums - 1.0) > _ROW_SUM_TOLERANCE)
    if bad.size:
        raise ParameterError(
            f"The rows of the 'y_prob' parameter of {func} must sum to 1 (one probability per "
            f"class). Got {bad.size} of {len(prob)} rows that do not, e.g. row {bad[0]} sums to "
            f"{sums[bad[0]]:.4g}. Pass softmax outputs, shape (n, k)."
        )
    if labels.max() >= k:
        raise ParameterError(
            f"The 'y_true' parameter of {func} holds class index {int(labels.max())}, but "
            f"'y_prob' has only {k} columns (classes 0..{k - 1})."
        )
    # float32 softmax rows sum to 1 only within ~1e-7, which scikit-learn's log_loss warns about
    return labels, prob / sums[:, None]


def _hard(y_true, y_pred, class_names, func: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Check two label arrays against ``class_names``; return them and the names."""
    if class_names is None:
        raise ParameterError(f"The 'class_names' parameter of {func} is required; got None.")
    names = [str(name) for name in class_names]
    _num_classes(names, None, func)
    truth = _labels(y_true, "y_true", func)
    pred = _labels(y_pred, "y_pred", func)
    _same_length(truth, pred, ("y_true", "y_pred"), func)
    for name, array in (("y_true", truth), ("y_pred", pred)):
        if array.max() >= len(names):
            raise ParameterError(
                f"The {name!r} parameter of {func} holds class index {int(array.max())}, but "
                f"'class_names' names only {len(names)} classes (0..{len(names) - 1})."
            )
    return truth, pred, names


# --- classification ----------------------------------------------------------------------------


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
    labels, prob = _probabilities(y_true, y_prob, class_names, "scores")
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
    truth, pred, names = _hard(y_true, y_pred, class_names, "per_class_accuracy")
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
    if normalize not in _NORMALIZE:
        raise ParameterError(
            f"The 'normalize' parameter of confusion must be one of {_NORMALIZE}. "
            f"Got {normalize!r} instead."
        )
    truth, pred, names = _hard(y_true, y_pred, class_names, "confusion")
    matrix = skm.confusion_matrix(truth, pred, labels=np.arange(len(names)), normalize=normalize)
    frame = pd.DataFrame(matrix, index=names, columns=names)
    frame.index.name = "true"
    frame.columns.name = "predicted"
    return frame


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
    if class_names is None:
        raise ParameterError("The 'class_names' parameter of roc_curves is required; got None.")
    labels, prob = _probabilities(y_true, y_prob, class_names, "roc_curves")
    names = [str(name) for name in class_names]
    present = set(labels.tolist())
    classes = [1] if len(names) == 2 else range(len(names))
    curves = {}
    absent = []
    for index in classes:
        positives = labels == index
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
    probabilities carry. Use :func:`scores` for the real value.

    Example
    -------
    >>> roc_auc_from_labels([0, 1, 1, 0], [0, 1, 0, 0])
    0.75
    """
    truth = _labels(y_true, "y_true", "roc_auc_from_labels")
    pred = _labels(y_pred, "y_pred", "roc_auc_from_labels")
    _same_length(truth, pred, ("y_true", "y_pred"), "roc_auc_from_labels")
    k = num_classes or int(max(truth.max(), pred.max())) + 1
    if k <= 2:
        return float(skm.roc_auc_score(truth, pred))
    onehot = np.eye(k)[pred]
    return float(skm.roc_auc_score(truth, onehot, multi_class="ovr", labels=np.arange(k)))


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
    if not isinstance(k, int | np.integer) or k < 1:
        raise ParameterError(
            f"The 'k' parameter of top_confused_pairs must be an int >= 1. Got {k!r} instead."
        )
    counts = confusion(y_true, y_pred, class_names=class_names)
    rows = counts.sum(axis=1)
    pairs = counts.stack().rename("count").reset_index()
    pairs = pairs[(pairs["true"] != pairs["predicted"]) & (pairs["count"] > 0)]
    pairs["share_of_true"] = pairs["count"] / pairs["true"].map(rows)
    pairs = pairs.sort_values(["count", "true", "predicted"], ascending=[False, True, True],
                              kind="stable")
    return pairs.head(k).reset_index(drop=True)[["true", "predicted", "count", "share_of_true"]]


# --- regression and summaries ----------------------------------------------------------------


def regression_table(y_true, y_pred) -> dict[str, float]:
    """Regression errors: ``mse``, ``rmse``, ``mae`` and ``max_abs_error``.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n,) or (n, 1)
        True and predicted values.

    Example
    -------
    >>> regression_table([0.0, 1.0], [0.0, 0.5])["max_abs_error"]
    0.5
    """
    arrays = []
    for name, values in (("y_true", y_true), ("y_pred", y_pred)):
        array = np.asarray(values, dtype=np.float64)
        if array.ndim == 2 and array.shape[1] == 1:
            array = array[:, 0]
        if array.ndim != 1 or array.size == 0:
            raise ParameterError(
                f"The {name!r} parameter of regression_table must have shape (n,) or (n, 1) "
                f"with n >= 1. Got shape {array.shape} instead."
            )
        arrays.append(array)
    truth, pred = arrays
    _same_length(truth, pred, ("y_true", "y_pred"), "regression_table")
    return {
        "mse": float(skm.mean_squared_error(truth, pred)),
        "rmse": float(skm.root_mean_squared_error(truth, pred)),
        "mae": float(skm.mean_absolute_error(truth, pred)),
        "max_abs_error": float(skm.max_error(truth, pred)),
    }


def train_val_gap(
    summary: pd.DataFrame,
    *,
    train_col: str = "train_accuracy",
    val_col: str = "val_accuracy",
    name: str = "gap",
) -> pd.DataFrame:
    """Return a copy of ``summary`` with a ``gap`` column: train minus validation.

    A large positive gap is the overfitting the regularization notebook looks for.

    Example
    -------
    >>> frame = pd.DataFrame({"train_accuracy": [0.9], "val_accuracy": [0.8]})
    >>> round(float(train_val_gap(frame)["gap"][0]), 2)
    0.1
    """
    missing = [col for col in (train_col, val_col) if col not in summary.columns]
    if missing:
        raise ParameterError(
            f"The 'summary' parameter of train_val_gap needs columns {[train_col, val_col]}; "
            f"missing {missing}. Got columns {list(summary.columns)}."
        )
    out = summary.copy()
    out[name] = out[train_col] - out[val_col]
    return out


def change_from(
    summary: pd.DataFrame,
    baseline: str | dict[str, str],
    *,
    metric: str = "test_accuracy",
) -> pd.DataFrame:
    """Return a copy of ``summary`` with ``compared_to`` and ``change`` columns.

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per variant, indexed by variant name, with a ``metric`` column.
    baseline : str or dict of str to str
        The variant every row is compared with, or ``{variant: its baseline}``
        (rows left out compare with themselves).
    metric : str, default "test_accuracy"

    Returns
    -------
    pandas.DataFrame
        ``change`` is the row's ``metric`` minus its baseline's.

    Example
    -------
    >>> frame = pd.DataFrame({"test_accuracy": [0.5, 0.75]}, index=["base", "wide"])
    >>> change_from(frame, "base")["change"].tolist()
    [0.0, 0.25]
    """
    if metric not in summary.columns:
        raise ParameterError(
            f"The 'summary' parameter of change_from needs a {metric!r} column. Got columns "
            f"{list(summary.columns)}."
        )
    names = list(summary.index)
    reference = ({name: baseline for name in names} if isinstance(baseline, str)
                 else {name: baseline.get(name, name) for name in names})
    missing = sorted({str(r) for r in reference.values()} - {str(n) for n in names})
    if missing:
        raise ParameterError(
            f"The 'baseline' parameter of change_from names {missing}, which are not rows of "
            f"'summary'. Got rows {names}."
        )
    out = summary.copy()
    out["compared_to"] = [reference[name] for name in names]
    out["change"] = out[metric] - out.loc[out["compared_to"], metric].to_numpy()
    return out


def tsne_embed(
    embeddings,
    *,
    seed: int = 0,
    perplexity: float = 30.0,
    max_points: int = 2000,
    max_iter: int = 1000,
) -> tuple[np.ndarray, np.ndarray]:
    """2-D t-SNE (scikit-learn) of at most ``max_points`` rows, sampled with ``seed``.

    Parameters
    ----------
    embeddings : array-like of shape (n, d) (extra axes are flattened)
        For example the penultimate layer's outputs.
    seed : int, default 0
        Seeds both the sample and t-SNE.
    perplexity : float, default 30
        Must be below the number of points used.
    max_points : int, default 2000
        Cap on the points embedded (t-SNE is quadratic-ish in n).
    max_iter : int, default 1000
        Optimisation steps of :class:`sklearn.manifold.TSNE` (at least 250).

    Returns
    -------
    points : ndarray of shape (m, 2)
    index : ndarray of shape (m,)
        Sorted row positions of ``embeddings`` that were embedded (select the
        matching labels with it).

    Example
    -------
    >>> points, index = tsne_embed(np.random.default_rng(0).normal(size=(50, 8)), perplexity=10)
    >>> points.shape
    (50, 2)
    """
    from sklearn.manifold import TSNE

    array = np.asarray(embeddings, dtype=np.float32)
    if array.ndim < 2 or len(array) < 2:
        raise ParameterError(
            f"The 'embeddings' parameter of tsne_embed must have shape (n, d) with n >= 2. "
            f"Got shape {array.shape} instead."
        )
    array = array.reshape(len(array), -1)
    if max_points < 2:
        raise ParameterError(
            f"The 'max_points' parameter of tsne_embed must be >= 2. Got {max_points!r} instead."
        )
    index = np.arange(len(array))
    if len(array) > max_points:
        index = np.sort(np.random.default_rng(seed).choice(len(array), max_points, replace=False))
    if not 0 < perplexity < len(index):
        raise ParameterError(
            f"The 'perplexity' parameter of tsne_embed must be > 0 and below the number of "
            f"points ({len(index)}). Got {perplexity!r} instead; pass a smaller perplexity."
        )
    tsne = TSNE(n_components=2, perplexity=perplexity, init="pca", learning_rate="auto",
                random_state=seed, max_iter=max_iter)
    return tsne.fit_transform(array[index]), index
