"""Tests for course_utils.train.history: checkpoints, CSV histories, what late epochs did."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_utils.data import load_dataset
from course_utils.errors import ParameterError
from course_utils.models import mlp
from course_utils.train import (
    after_best_epoch,
    fit,
    history_difference,
    load_model,
    lr_cuts,
    read_history_csv,
    reload_checkpoint,
)

QUIET = {"progress": False, "batch_size": 32}


@pytest.fixture(scope="module")
def digits():
    return load_dataset("digits", limit=96)


@pytest.fixture(scope="module")
def trained(digits, tmp_path_factory):
    """One SGD run with a checkpoint and a CSV history."""
    folder = tmp_path_factory.mktemp("run") / "out"
    result = fit(mlp(digits.input_shape, 10, hidden=(16,)), digits, name="mlp",
                 optimizer="sgd", learning_rate=0.1, epochs=3, checkpoint=folder / "best.keras",
                 history_csv=folder / "history.csv", **QUIET)
    return result, folder


def test_reload_checkpoint_scores_the_saved_best_model(trained, digits):
    result, folder = trained
    reloaded = reload_checkpoint(result, folder / "best.keras", name="again")
    assert reloaded.name == "again" and reloaded.best_epoch == result.best_epoch
    assert sorted(reloaded.metrics) == ["test_accuracy", "train_accuracy", "val_accuracy"]
    expected = float((reloaded.predict("test").argmax(axis=1) == digits.y_test).mean())
    assert reloaded.metrics["test_accuracy"] == expected
    assert reloaded.probabilities("test") is not result.probabilities("test")


def test_load_model_rejects_a_missing_file(tmp_path):
    with pytest.raises(ParameterError, match="existing '.keras' file"):
        load_model(tmp_path / "none.keras")


def test_read_history_csv_counts_epochs_from_one_and_matches_the_history(trained):
    result, folder = trained
    from_disk = read_history_csv(folder / "history.csv")
    assert from_disk["epoch"].tolist() == result.history["epoch"].tolist()
    assert history_difference(from_disk, result.history,
                              columns=["loss", "val_loss"]) == pytest.approx(0, abs=1e-6)


def test_read_history_csv_names_a_missing_file(tmp_path):
    with pytest.raises(ParameterError, match="'nothing.csv' instead. It does not exist"):
        read_history_csv(tmp_path / "nothing.csv")


def test_history_difference_compares_the_common_epochs_only():
    short = pd.DataFrame({"loss": [1.0, 0.5], "val_loss": [1.0, 0.9]})
    long = pd.DataFrame({"loss": [1.0, 0.5, 0.1], "val_loss": [1.0, 0.8, 2.0]})
    assert history_difference(short, long) == pytest.approx(0.1)
    with pytest.raises(ParameterError, match="names \\['accuracy'\\]"):
        history_difference(short, long, columns=["accuracy"])


def test_lr_cuts_lists_the_epochs_that_start_with_a_lower_rate():
    history = pd.DataFrame({"epoch": [1, 2, 3, 4], "lr": [0.1, 0.1, 0.01, 0.001]})
    assert lr_cuts(history) == [3, 4]
    assert lr_cuts(history.assign(lr=0.1)) == []
    with pytest.raises(ParameterError, match="'history' parameter of lr_cuts must be a history "
                       "with an 'lr' column"):
        lr_cuts(history.drop(columns="lr"))


HISTORY = pd.DataFrame({"epoch": [1, 2, 3], "loss": [1.0, 0.5, 0.2],
                        "val_loss": [1.0, 0.6, 0.7], "accuracy": [0.5, 0.8, 0.9],
                        "val_accuracy": [0.5, 0.7, 0.75], "epoch_seconds": [1.0, 2.0, 4.0]})


def test_after_best_epoch_reports_both_ends_of_the_run_as_numbers():
    facts = after_best_epoch(HISTORY, best_epoch=np.int64(2))
    assert facts["best_epoch"] == 2 and facts["epochs"] == 3 and facts["extra_seconds"] == 4.0
    assert facts["val_loss_rise"] == pytest.approx(0.1)
    assert facts["end_gap"] == pytest.approx(0.15)
    assert facts["val_accuracy_gain"] == pytest.approx(0.05)
    assert all(isinstance(value, int | float) for value in facts.values())


@pytest.mark.parametrize("best_epoch", [0, 4, True])
def test_after_best_epoch_rejects_an_epoch_outside_the_run(best_epoch):
    with pytest.raises(ParameterError, match=r"'best_epoch' parameter of after_best_epoch must "
                       r"be an int in \[1, 3\]"):
        after_best_epoch(HISTORY, best_epoch=best_epoch)
