"""Notebook 04: the best regularizer is chosen on validation, and the verdicts follow the test.

The notebook's own cells run on fake runs: the choice must be the validation argmax
even where another variant scores higher on test, the recorded choice must agree
with the recorded metrics, and the words must flip with the sign of the paired
comparison.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from notebook_cells import fake_classifier, run_cell

from course_utils.book.records import Record

NB = "04_regularization"
Y = np.array([0, 1, 2] * 50)


def _wrong(count):
    predicted = Y.copy()
    predicted[:count] = (predicted[:count] + 1) % 3
    return predicted


def _choose_cell(val, test_wrong):
    """MLP variants with the given validation accuracies and test mistakes."""
    runs = {name: fake_classifier(Y, _wrong(test_wrong[name]), name=name,
                                  metrics={"train_accuracy": 1.0, "val_accuracy": val[name]})
            for name in val}
    summary = pd.DataFrame({
        "val_accuracy": val,
        "test_accuracy": {n: float(np.mean(_wrong(k) == Y)) for n, k in test_wrong.items()},
        "test_low": 0.5, "test_high": 0.9, "gap": {n: 1.0 - v for n, v in val.items()},
    })
    record = Record(NB, params={}, dataset="fake")
    for name in val:
        record.add(name, {"val_accuracy": val[name],
                          "test_accuracy": summary.loc[name, "test_accuracy"]})
    glued = run_cell(NB, "5f7a9b21", runs=runs, mlp_summary=summary,
                     cnn_summary=summary.iloc[:0], record=record, seed=0)
    return glued, record


def _check_choices(record):
    """Every recorded choice is the argmax of its metric among its candidates."""
    by_name = {e["experiment"]: e["metrics"] for e in record.experiments}
    for choice in record.choices.values():
        values = [by_name[name][choice["metric"]] for name in choice["among"]]
        assert choice["winner"] == choice["among"][int(np.argmax(values))]
        assert choice["metric"].startswith("val_")


def test_the_best_regularizer_is_the_validation_winner_not_the_test_winner():
    glued, record = _choose_cell({"mlp_none": 0.80, "mlp_l1": 0.78, "mlp_l2": 0.85},
                                 {"mlp_none": 40, "mlp_l1": 0, "mlp_l2": 20})
    assert glued["mlp_winner"] == "mlp_l2"  # mlp_l1 is better on test, never chosen by it
    assert record.choices["mlp_best_regularizer"]["winner"] == "mlp_l2"
    _check_choices(record)
    assert glued["mlp_verdict"] == ("so on this data regularization raised the MLP's test "
                                    "accuracy")
    assert glued["mlp_ci_low"] > 0 and glued["mlp_better"] == 2 and glued["mlp_worse"] == 0


def test_the_verdict_flips_when_the_validation_winner_is_worse_on_test():
    glued, record = _choose_cell({"mlp_none": 0.80, "mlp_l1": 0.78, "mlp_l2": 0.85},
                                 {"mlp_none": 0, "mlp_l1": 5, "mlp_l2": 40})
    _check_choices(record)
    assert glued["mlp_winner"] == "mlp_l2"
    assert glued["mlp_verdict"] == ("so on this data regularization lowered the MLP's test "
                                    "accuracy")
    assert glued["mlp_worse"] == 2 and glued["mlp_better"] == 0


def test_a_difference_within_noise_is_called_so_and_a_plain_winner_is_named():
    noisy, _ = _choose_cell({"mlp_none": 0.80, "mlp_l2": 0.85}, {"mlp_none": 2, "mlp_l2": 1})
    assert "did not change, beyond noise," in noisy["mlp_verdict"]
    plain, record = _choose_cell({"mlp_none": 0.90, "mlp_l2": 0.85}, {"mlp_none": 10,
                                                                      "mlp_l2": 0})
    _check_choices(record)
    assert plain["mlp_winner"] == "mlp_none"
    assert plain["mlp_verdict"] == ("the plain MLP had the best validation accuracy, so no "
                                    "regularizer was chosen")
    assert record.comparisons["mlp_l2_vs_mlp_none"]["diff"] > 0


def _near_zero_cell(l1_weights):
    rng = np.random.default_rng(0)
    kernels = {"mlp_none": rng.normal(0, 0.05, 1000), "mlp_l1": l1_weights,
               "mlp_l2": rng.normal(0, 0.02, 1000)}
    return run_cell(NB, "03dd6667", kernels=kernels, zero_threshold=1e-3)["l1_sentence"]


def test_l1_is_said_to_reach_exactly_zero_only_when_weights_are_exactly_zero():
    hovering = np.full(1000, 1e-4)
    sentence = _near_zero_cell(hovering)
    assert "L1 pulled more" in sentence and "share of 1.000" in sentence
    assert "none of them is exactly zero" in sentence and "towards zero, not to it" in sentence
    landed = np.concatenate([np.zeros(600), np.full(400, 0.3)])
    sentence = _near_zero_cell(landed)
    assert "600 of them are exactly zero" in sentence and "towards zero" not in sentence
    spread = np.full(1000, 0.5)
    assert "L1 did not pull more" in _near_zero_cell(spread)
