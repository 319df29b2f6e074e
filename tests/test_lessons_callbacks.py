"""Lesson callbacks (notebook 02) and the run tables it shares with notebook 04."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from course_utils.errors import ParameterError
from course_utils.lessons._run_tables import accuracy_summary, compare_runs, score_table
from course_utils.lessons.callbacks import drift_after, image_size_for, prediction_agreement


def fake_run(y, predicted, *, name="run", num_classes=3, **attributes):
    """A stand-in RunResult: cached one-hot predictions of the same labels on every split."""
    y = np.asarray(y)
    probs = np.eye(num_classes)[np.asarray(predicted)] * 0.8 + 0.2 / num_classes
    data = SimpleNamespace(y_test=y, class_names=tuple("abc"[:num_classes]),
                           split=lambda split: (None, y))
    accuracy = float(np.mean(np.asarray(predicted) == y)) if len(y) else float("nan")
    return SimpleNamespace(name=name, data=data, probabilities=lambda split: probs,
                           accuracy=lambda split: accuracy, **attributes)


def history(val_loss, *, loss=None, accuracy=None, val_accuracy=None):
    n = len(val_loss)
    return pd.DataFrame({"epoch": np.arange(1, n + 1), "val_loss": val_loss,
                         "loss": loss or np.linspace(1.0, 0.1, n),
                         "accuracy": accuracy or np.linspace(0.5, 0.95, n),
                         "val_accuracy": val_accuracy or [0.6] * n})


# --------------------------------------------------------------------------- drift_after


def test_drift_after_measures_from_the_given_epoch_to_the_end():
    rising = history([1.0, 0.5, 0.6, 0.9], accuracy=[0.5, 0.7, 0.8, 0.9],
                     val_accuracy=[0.5, 0.6, 0.6, 0.6])
    drift = drift_after(rising, epoch=2)
    assert drift["epochs"] == 2
    assert drift["val_loss_change"] == pytest.approx(0.4)
    assert drift["gap_change"] == pytest.approx(0.2)
    assert drift["train_loss_change"] < 0


def test_drift_after_measures_the_rise_above_the_best_loss_so_far():
    spiky = history([1.0, 0.5, 0.9, 0.7])  # epoch 3 a noisy spike
    drift = drift_after(spiky, epoch=3)
    assert drift["val_loss_change"] == pytest.approx(-0.2)  # fooled by the spike
    assert drift["val_loss_above_best"] == pytest.approx(0.2)  # still above the best, 0.5


def test_drift_after_tells_a_stalled_run_from_an_overfitting_one():
    overfitting = drift_after(history([1.0, 0.5, 0.7, 0.9]), epoch=2)["val_loss_change"]
    settled = drift_after(history([1.0, 0.5, 0.49, 0.49]), epoch=2)["val_loss_change"]
    assert overfitting > 0 >= settled


def test_drift_after_checks_the_epoch_and_the_columns():
    with pytest.raises(ParameterError, match=r"'epoch' parameter of drift_after must be an int "
                       r"in \[1, 3\]. Got 4 instead."):
        drift_after(history([1.0, 0.9, 0.8]), epoch=4)
    with pytest.raises(ParameterError, match="Got True instead"):
        drift_after(history([1.0, 0.9, 0.8]), epoch=True)
    assert drift_after(history([1.0, 0.9, 0.8]), epoch=np.int64(3))["epochs"] == 0
    with pytest.raises(ParameterError, match="'history' parameter of drift_after"):
        drift_after(pd.DataFrame({"epoch": [1], "loss": [1.0]}), epoch=1)


# --------------------------------------------------------------------------- agreement


def test_prediction_agreement_says_equal_only_when_every_class_matches():
    y = [0, 1, 2, 1]
    same = prediction_agreement(fake_run(y, [0, 1, 2, 2]), fake_run(y, [0, 1, 2, 2]))
    assert same == {"same_labels": True, "label_differences": 0, "max_difference": 0.0,
                    "accuracy_difference": 0.0}
    moved = prediction_agreement(fake_run(y, [0, 1, 2, 2]), fake_run(y, [0, 1, 2, 1]))
    assert not moved["same_labels"] and moved["label_differences"] == 1
    assert moved["accuracy_difference"] == pytest.approx(0.25)
    assert moved["max_difference"] == pytest.approx(0.8)


def test_prediction_agreement_reports_tiny_probability_differences_with_same_labels():
    first = fake_run([0, 1], [0, 1], num_classes=2)
    second = fake_run([0, 1], [0, 1], num_classes=2)
    nudged = first.probabilities("test") + 1e-7
    second.probabilities = lambda split: nudged
    agreement = prediction_agreement(first, second)
    assert agreement["same_labels"] and 0 < agreement["max_difference"] < 1e-6


def test_prediction_agreement_refuses_runs_of_other_shapes():
    with pytest.raises(ParameterError, match="'second' parameter of prediction_agreement"):
        prediction_agreement(fake_run([0, 1], [0, 1]), fake_run([0, 1, 1], [0, 1, 1]))


# --------------------------------------------------------------------------- run tables


def test_compare_runs_is_second_minus_first_on_the_test_split():
    y = np.array([0, 1, 2] * 20)
    worse, better = fake_run(y, np.zeros_like(y)), fake_run(y, y)
    cmp = compare_runs(worse, better)
    assert cmp.acc_a == pytest.approx(1 / 3) and cmp.acc_b == 1.0
    assert cmp.diff == pytest.approx(2 / 3) and cmp.ci_low > 0 and not cmp.within_noise
    assert compare_runs(better, worse).diff == pytest.approx(-2 / 3)


def test_compare_runs_refuses_runs_scored_on_other_examples():
    with pytest.raises(ParameterError, match="'second' parameter of compare_runs must be a run "
                       "scored on the same test examples"):
        compare_runs(fake_run([0, 1], [0, 1]), fake_run([1, 0], [1, 0], name="other"))


def test_accuracy_summary_gives_each_split_its_wilson_interval():
    table = accuracy_summary({"a": fake_run([0, 1, 1, 0], [0, 1, 1, 1], num_classes=2,
                                            best_epoch=3)}, extra=["best_epoch"])
    row = table.loc["a"]
    for split in ("train", "val", "test"):
        assert row[f"{split}_accuracy"] == 0.75
        assert row[f"{split}_low"] == pytest.approx(0.301, abs=1e-3)
        assert row[f"{split}_high"] == pytest.approx(0.954, abs=1e-3)
    assert row["best_epoch"] == 3
    with pytest.raises(ParameterError, match="'splits' parameter of accuracy_summary"):
        accuracy_summary({"a": fake_run([0], [0])}, splits=["testing"])


def test_accuracy_summary_reads_train_and_val_from_metrics_and_test_from_predictions():
    run = fake_run([0, 1, 1, 0], [0, 1, 1, 1], num_classes=2,
                   metrics={"train_accuracy": 1.0, "val_accuracy": 0.5, "test_accuracy": 0.0})
    row = accuracy_summary({"a": run}).loc["a"]
    assert (row["train_accuracy"], row["val_accuracy"], row["test_accuracy"]) == (1.0, 0.5, 0.75)
    assert row["train_low"] == pytest.approx(0.510, abs=1e-3) and row["train_high"] == 1.0


def test_score_table_has_macro_and_weighted_scores_per_run():
    y = [0, 0, 1, 1, 2, 2]
    table = score_table({"a": fake_run(y, [0, 0, 1, 2, 2, 2])})
    assert table.loc["a", "accuracy"] == pytest.approx(5 / 6)
    assert table.loc["a", "recall_weighted"] == pytest.approx(5 / 6)  # always the accuracy
    assert table.loc["a", "recall_macro"] == pytest.approx((1 + 0.5 + 1) / 3)
    assert {"precision_macro", "f1_macro", "precision_weighted", "f1_weighted",
            "roc_auc_ovr"} <= set(table.columns)


# --------------------------------------------------------------------------- image size


def test_image_size_for_upsamples_digits_only():
    assert image_size_for("digits") == (32, 32)
    assert image_size_for("fashion_mnist") is None
    assert image_size_for("digits", [16, 16]) == (16, 16)
