"""Lesson optimizers (notebook 01): scores per run, means and spreads over repeats, the
summary table, and telling SGD from adaptive optimizers."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from course_utils.errors import ParameterError
from course_utils.evaluate import accuracy_interval
from course_utils.lessons.optimizers import (
    is_sgd,
    optimizer_summary,
    predicted_labels,
    repeat_interval,
    repeat_metrics,
    run_scores,
)

Y = np.array([0, 1, 2, 0, 1, 2, 0, 1])


def _run(pred, first_epoch=0.5, seconds=1.0):
    prob = np.eye(3)[np.asarray(pred)] * 0.8 + 0.2 / 3
    data = SimpleNamespace(y_test=Y, y_val=Y, y_train=Y, class_names=("a", "b", "c"))
    correct = float(np.mean(np.asarray(pred) == Y))
    return SimpleNamespace(
        data=data, probabilities=lambda split: prob,
        accuracy=lambda split: {"test": correct}[split],  # train/val come from metrics
        metrics={"train_accuracy": correct + 0.01, "val_accuracy": correct - 0.01},
        history=pd.DataFrame({"val_accuracy": [first_epoch, 0.9],
                              "epoch_seconds": [seconds, seconds]}))


def _comparison(**runs):
    return _Comparison(runs)


class _Comparison:
    def __init__(self, runs):
        self.results = runs

    def __getitem__(self, name):
        return self.results[name]


def test_run_scores_are_macro_scores_and_the_first_epoch():
    values = run_scores(_run([0, 1, 2, 0, 1, 2, 0, 0], first_epoch=0.3))
    assert values["val_accuracy_epoch_1"] == 0.3
    assert values["recall_macro"] == pytest.approx((1 + 2 / 3 + 1) / 3)
    assert set(values) == {"precision_macro", "recall_macro", "f1_macro", "val_accuracy_epoch_1"}


def test_repeat_metrics_average_and_spread_only_with_several_runs():
    one = repeat_metrics([_run(Y)])
    assert "test_accuracy_std" not in one and one["recall_macro"] == 1.0
    two = repeat_metrics([_run(Y, first_epoch=0.2), _run([0, 0, 0, 0, 1, 2, 0, 1],
                                                         first_epoch=0.4)])
    assert two["val_accuracy_epoch_1"] == pytest.approx(0.3)
    assert two["test_accuracy_std"] == pytest.approx(np.std([1.0, 0.75], ddof=1))
    with pytest.raises(ParameterError, match=r"'runs' .* non-empty list"):
        repeat_metrics([])


def test_optimizer_summary_has_means_and_intervals():
    worse = [0, 0, 0, 0, 1, 2, 0, 1]
    repeated = [_comparison(sgd=_run(worse, 0.1, 2.0), adam=_run(Y, 0.6, 1.0)),
                _comparison(sgd=_run(Y, 0.3, 4.0), adam=_run(Y, 0.8, 3.0))]
    table = optimizer_summary(repeated)
    assert table.index.tolist() == ["sgd", "adam"]
    assert table.loc["sgd", "test_accuracy"] == pytest.approx((0.75 + 1.0) / 2)
    assert table.loc["sgd", "train_accuracy"] == pytest.approx((0.76 + 1.01) / 2)
    assert table.loc["sgd", "val_accuracy"] == pytest.approx((0.74 + 0.99) / 2)
    _, low, high = accuracy_interval(Y, worse)
    one = optimizer_summary(repeated[:1])
    assert (one.loc["sgd", "test_low"], one.loc["sgd", "test_high"]) == pytest.approx(
        (low, high))
    assert table.loc["sgd", "val_accuracy_epoch_1"] == pytest.approx(0.2)
    assert table.loc["adam", "epoch_seconds"] == pytest.approx(2.0)
    assert list(table.columns[:9]) == ["train_accuracy", "val_accuracy", "val_accuracy_epoch_1",
                                       "test_accuracy", "test_low", "test_high",
                                       "precision_macro", "recall_macro", "f1_macro"]
    assert {"val_accuracy_std", "test_accuracy_std"} <= set(table.columns)
    assert "test_accuracy_std" not in optimizer_summary(repeated[:1]).columns
    # several repeats: the interval surrounds their mean accuracy
    assert table.loc["sgd", "test_low"] <= table.loc["sgd", "test_accuracy"] <= table.loc[
        "sgd", "test_high"]


def test_repeat_interval_is_centred_on_the_mean_of_the_repeats():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 2000)
    runs = []
    for accuracy in (0.6, 0.8):
        pred = np.where(rng.random(2000) < accuracy, y, (y + 1) % 3)
        data = SimpleNamespace(y_test=y)
        runs.append(SimpleNamespace(data=data, probabilities=lambda s, p=pred: np.eye(3)[p]))
    low, high = repeat_interval(runs)
    mean = np.mean([np.mean(r.probabilities("test").argmax(axis=1) == y) for r in runs])
    assert low < mean < high and 0.01 < high - low < 0.05
    one_low, one_high = repeat_interval(runs[:1])
    want = accuracy_interval(y, runs[0].probabilities("test").argmax(axis=1))[1:]
    assert (one_low, one_high) == pytest.approx(want)


@pytest.mark.parametrize(("variant", "want"), [
    ({"optimizer": "sgd"}, True), ({"optimizer": {"name": "SGD", "momentum": 0.9}}, True),
    ({"optimizer": "adam", "learning_rate": 0.001}, False), ({"optimizer": {"name": "rmsprop"}},
                                                            False),
])
def test_is_sgd(variant, want):
    assert is_sgd(variant) is want


def test_is_sgd_refuses_a_variant_without_an_optimizer():
    with pytest.raises(ParameterError, match=r"'variant' parameter of is_sgd must be a variant "
                                             r"dict with an 'optimizer' key\. Got 'sgd'"):
        is_sgd("sgd")


def test_predicted_labels_are_the_argmax_of_each_runs_probabilities():
    labels = predicted_labels(_comparison(sgd=_run([2, 1, 0, 0, 1, 2, 0, 1])))
    assert labels["sgd"].tolist() == [2, 1, 0, 0, 1, 2, 0, 1]
