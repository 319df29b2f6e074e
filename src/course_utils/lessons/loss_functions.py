"""Serves notebook 03_loss_functions: cross-entropy against squared error, and two look-alikes.

Notebook 03 trains the course's MLP with four losses (cross-entropy, MSE on the
softmax, sparse labels, from logits). This module lays out their summary table
with Wilson intervals and macro scores (:func:`loss_summary`) and computes, with
Keras' own losses, the original course's binary cross-entropy on a softmax
beside the categorical cross-entropy that belongs there
(:func:`binary_vs_categorical`). The gradient formulas behind the lesson live in
:func:`course_utils.evaluate.softmax_loss_curves`.

Example
-------
>>> y_prob = [[0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.1, 0.3, 0.6]]
>>> table = binary_vs_categorical([0, 1, 2], y_prob, class_names=["a", "b", "c"])
>>> table.index.tolist()
['two-way softmax (a, b)', 'three-way softmax']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras
import numpy as np
import pandas as pd

from .._checks import Shown, fail
from ..evaluate import accuracy_interval, scores

__all__ = ["loss_summary", "binary_vs_categorical"]

_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
          9: "nine", 10: "ten"}


def loss_summary(comparison: Any) -> pd.DataFrame:
    """One row per loss variant: accuracies with the test interval, macro scores, test loss.

    Parameters
    ----------
    comparison : Comparison
        From :func:`course_utils.train.run_variants` on a classification dataset.

    Returns
    -------
    pandas.DataFrame
        Indexed by variant: ``train_accuracy``, ``val_accuracy``, ``test_accuracy``,
        ``test_low``, ``test_high`` (Wilson 95% interval), ``mean_val_accuracy``
        (over the epochs), ``precision_macro``, ``recall_macro``, ``f1_macro`` (test
        split) and ``test_loss`` (each run's own loss, so not comparable across losses).
    """
    rows = {}
    for name, run in comparison.results.items():
        y, prob = run.data.y_test, run.probabilities("test")
        acc, low, high = accuracy_interval(y, prob.argmax(axis=1))
        macro = scores(y, prob, class_names=run.data.class_names)
        rows[name] = {
            "train_accuracy": float(run.metrics["train_accuracy"]),
            "val_accuracy": float(run.metrics["val_accuracy"]),
            "test_accuracy": acc, "test_low": low, "test_high": high,
            "mean_val_accuracy": float(run.history["val_accuracy"].mean()),
            **{k: macro[k] for k in ("precision_macro", "recall_macro", "f1_macro")},
            "test_loss": run.metrics.get("test_loss", float("nan")),
        }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("variant")


def _mean_losses(y_true: np.ndarray, y_prob: np.ndarray) -> tuple[float, float]:
    """Keras' categorical and binary cross-entropy of one-hot ``y_true`` against ``y_prob``."""
    target = np.eye(y_prob.shape[1], dtype="float32")[y_true]
    prob = y_prob.astype("float32")
    categorical = keras.losses.CategoricalCrossentropy()(target, prob)
    binary = keras.losses.BinaryCrossentropy()(target, prob)
    return (float(keras.ops.convert_to_numpy(categorical)),
            float(keras.ops.convert_to_numpy(binary)))


def binary_vs_categorical(y_true, y_prob, *, class_names: Sequence[str]) -> pd.DataFrame:
    """Binary against categorical cross-entropy on a two-way and on the full softmax.

    The two-way softmax is the model's own, restricted to the first two classes:
    the test examples of those classes, with their two probabilities
    renormalised (the softmax of those two logits). There the two columns mirror
    each other, so binary cross-entropy (the mean over the columns of a yes/no
    loss) equals categorical cross-entropy; on K > 2 outputs it is another
    objective.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        True class indices.
    y_prob : array-like of shape (n, k)
        Softmax probabilities, k >= 2.
    class_names : sequence of str

    Returns
    -------
    pandas.DataFrame
        Rows ``"two-way softmax (<first>, <second>)"`` and ``"<k>-way softmax"``;
        columns ``examples``, ``categorical_crossentropy``,
        ``binary_crossentropy`` (Keras' means over the examples) and
        ``difference`` (binary minus categorical).
    """
    truth = np.asarray(y_true, dtype=np.int64)
    prob = np.asarray(y_prob, dtype=np.float64)
    if prob.ndim != 2 or prob.shape[1] < 2 or len(prob) != len(truth):
        raise fail("y_prob", "binary_vs_categorical",
                   f"of shape (n, k) with k >= 2 and n = len(y_true) = {len(truth)}",
                   Shown(f"shape {prob.shape}"))
    names = [str(c) for c in class_names]
    k = prob.shape[1]
    pair = np.isin(truth, [0, 1])
    two = prob[pair][:, :2]
    two = two / two.sum(axis=1, keepdims=True)
    rows = {}
    for label, (labels, probs) in {
        f"two-way softmax ({names[0]}, {names[1]})": (truth[pair], two),
        f"{_WORDS.get(k, k)}-way softmax": (truth, prob),
    }.items():
        categorical, binary = (_mean_losses(labels, probs) if len(labels)
                               else (float("nan"), float("nan")))
        rows[label] = {"examples": len(labels), "categorical_crossentropy": categorical,
                       "binary_crossentropy": binary, "difference": binary - categorical}
    return pd.DataFrame.from_dict(rows, orient="index")
