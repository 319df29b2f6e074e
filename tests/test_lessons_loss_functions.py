"""Lesson loss functions (notebook 03): the summary table and binary vs categorical
cross-entropy on a softmax."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from course_utils.errors import ParameterError
from course_utils.evaluate import accuracy_interval
from course_utils.lessons.loss_functions import binary_vs_categorical, loss_summary


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_binary_equals_categorical_on_two_way_softmax_only():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 10, 400)
    prob = _softmax(rng.normal(size=(400, 10)) + 2 * np.eye(10)[y])
    table = binary_vs_categorical(y, prob, class_names=[str(i) for i in range(10)])
    assert table.index.tolist() == ["two-way softmax (0, 1)", "ten-way softmax"]
    two, full = table.iloc[0], table.iloc[1]
    assert two["examples"] == np.isin(y, [0, 1]).sum() and full["examples"] == 400
    assert abs(two["difference"]) < 1e-5
    # the full softmax: categorical is -log p_true; binary averages -log of each column's
    # yes/no answer over the ten columns
    p_true = prob[np.arange(400), y]
    assert full["categorical_crossentropy"] == pytest.approx(np.mean(-np.log(p_true)), rel=1e-4)
    others = np.where(np.eye(10)[y] == 1, prob, 1 - prob)
    assert full["binary_crossentropy"] == pytest.approx(np.mean(-np.log(others)), rel=1e-4)
    assert abs(full["difference"]) > 0.1


def test_binary_vs_categorical_checks_the_probabilities():
    with pytest.raises(ParameterError, match=r"'y_prob' .* shape \(n, k\) with k >= 2 and "
                                             r"n = len\(y_true\) = 2\. Got shape \(3, 2\)"):
        binary_vs_categorical([0, 1], np.full((3, 2), 0.5), class_names=["a", "b"])


def _run(y, prob, history):
    data = SimpleNamespace(y_test=np.asarray(y), class_names=("a", "b"),
                           split=lambda s: (None, np.asarray(y)))
    return SimpleNamespace(
        data=data, history=pd.DataFrame({"val_accuracy": history}),
        probabilities=lambda split: np.asarray(prob),
        metrics={"test_loss": 0.4, "train_accuracy": 0.9, "val_accuracy": 0.8})


def test_loss_summary_rows_carry_intervals_and_macro_scores():
    y = [0, 1, 1, 0, 1]
    good = _run(y, [[0.9, 0.1], [0.2, 0.8], [0.3, 0.7], [0.6, 0.4], [0.6, 0.4]], [0.5, 0.7])
    comparison = SimpleNamespace(results={"cross_entropy": good})
    table = loss_summary(comparison)
    row = table.loc["cross_entropy"]
    acc, low, high = accuracy_interval(y, [0, 1, 1, 0, 0])
    assert (row["test_accuracy"], row["test_low"], row["test_high"]) == pytest.approx(
        (acc, low, high))
    assert row["mean_val_accuracy"] == pytest.approx(0.6)
    assert (row["train_accuracy"], row["val_accuracy"], row["test_loss"]) == (0.9, 0.8, 0.4)
    assert row["recall_macro"] == pytest.approx((1.0 + 2 / 3) / 2)
    assert list(table.columns) == ["train_accuracy", "val_accuracy", "test_accuracy",
                                   "test_low", "test_high", "mean_val_accuracy",
                                   "precision_macro", "recall_macro", "f1_macro", "test_loss"]
