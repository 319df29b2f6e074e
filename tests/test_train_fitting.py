"""Tests for course_utils.train.fitting: one run of fit, its options and their checks."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from course_utils.data import load_dataset
from course_utils.errors import ParameterError
from course_utils.models import cnn, mlp, rnn
from course_utils.train import RunResult, fit, load_model, set_seed

QUIET = {"progress": False, "batch_size": 32}


@pytest.fixture(scope="module")
def digits():
    return load_dataset("digits", limit=96)


@pytest.fixture(scope="module")
def sine():
    return load_dataset("sine", limit=64)


def small_mlp(data, **options):
    return mlp(data.input_shape, data.num_classes, hidden=(16,), **options)


def seeded_fit(data, seed, **options):
    set_seed(seed)
    return fit(small_mlp(data, dropout=0.2), data, seed=seed, epochs=2, **QUIET, **options)


# ---------------------------------------------------------------- seeds
@pytest.fixture(scope="module")
def seed3_history(digits):
    return seeded_fit(digits, 3).history.drop(columns="epoch_seconds")


def test_same_seed_gives_identical_history(digits, seed3_history):
    again = seeded_fit(digits, 3).history.drop(columns="epoch_seconds")
    pd.testing.assert_frame_equal(seed3_history, again)


def test_different_seed_gives_different_history(digits, seed3_history):
    other = seeded_fit(digits, 4).history
    assert not np.allclose(seed3_history["loss"], other["loss"])


def test_numpy_integers_train_like_python_ints(digits, seed3_history):
    set_seed(3)
    numpy = fit(small_mlp(digits, dropout=0.2), digits, seed=np.int64(3), epochs=np.int64(2),
                batch_size=np.int32(32), progress=False)
    assert numpy.stopped_epoch == 2
    pd.testing.assert_frame_equal(numpy.history.drop(columns="epoch_seconds"), seed3_history)


@pytest.mark.parametrize(("option", "expected"), [
    ("epochs", "an int >= 1"), ("batch_size", "an int >= 1"), ("seed", "an int >= 0")])
def test_boolean_counts_are_refused_with_the_standard_message(digits, option, expected):
    options = {**QUIET, option: True}
    with pytest.raises(ParameterError, match=rf"^The '{option}' parameter of fit must be "
                       rf"{expected}\. Got True instead\.$"):
        fit(small_mlp(digits), digits, **options)


# ---------------------------------------------------------------- one run and its files
@pytest.fixture(scope="module")
def trained(digits, tmp_path_factory):
    """One SGD run whose learning rate halves every epoch, with checkpoint and CSV."""
    folder = tmp_path_factory.mktemp("run") / "out"
    result = fit(small_mlp(digits), digits, name="mlp", optimizer="sgd", learning_rate=0.1,
                 epochs=3, reduce_lr={"factor": 0.5, "patience": 0, "min_delta": 100.0},
                 checkpoint=folder / "best.keras", history_csv=folder / "history.csv", **QUIET)
    return result, folder


def test_fit_returns_a_tidy_history(trained):
    result, _ = trained
    assert isinstance(result, RunResult)
    assert list(result.history.columns) == ["epoch", "accuracy", "loss", "val_accuracy",
                                            "val_loss", "lr", "epoch_seconds"]
    assert result.history["epoch"].tolist() == [1, 2, 3]
    assert (result.history["epoch_seconds"] > 0).all()
    assert result.stopped_epoch == 3 and result.epochs_run == 3
    assert result.params == result.model.count_params()


def test_learning_rate_is_recorded_per_epoch_and_reduced_on_plateau(trained):
    result, _ = trained
    # epoch 1 sets the plateau's reference, epoch 2 misses it, so epoch 3 runs at half
    np.testing.assert_allclose(result.history["lr"], [0.1, 0.1, 0.05], rtol=1e-6)
    assert "learning_rate" not in result.history


def test_fit_metrics_are_those_of_the_returned_model(trained, digits):
    result, _ = trained
    prob = result.predict("test")
    assert prob.shape == (len(digits.y_test), 10)
    np.testing.assert_allclose(prob.sum(axis=1), 1.0, rtol=1e-5)
    assert result.metrics["test_accuracy"] == pytest.approx(result.accuracy("test"))
    assert {"train_accuracy", "val_accuracy", "test_loss", "val_loss"} <= set(result.metrics)


def test_checkpoint_and_history_csv_are_written(trained):
    result, folder = trained
    assert load_model(folder / "best.keras").count_params() == result.params
    logged = pd.read_csv(folder / "history.csv")
    assert {"lr", "epoch_seconds", "val_accuracy"} <= set(logged.columns)
    assert len(logged) == 3


def test_from_logits_model_predicts_probabilities_under_a_progress_bar(digits, capsys):
    model = small_mlp(digits, output_activation=None)
    result = fit(model, digits, name="shown", from_logits=True, epochs=1, batch_size=32)
    np.testing.assert_allclose(result.predict("val").sum(axis=1), 1.0, rtol=1e-5)
    assert "shown" in capsys.readouterr().err


@pytest.mark.parametrize("loss", ["categorical_crossentropy", "mse"])
def test_losses_needing_one_hot_labels_get_them(digits, loss):
    result = fit(small_mlp(digits), digits, loss=loss, epochs=1, **QUIET)
    assert 0.0 <= result.metrics["test_accuracy"] <= 1.0


def test_unknown_loss_is_rejected(digits):
    with pytest.raises(ParameterError, match="'loss' parameter of fit.*Got 'hinge'"):
        fit(small_mlp(digits), digits, loss="hinge", **QUIET)


def test_unknown_metric_is_rejected(digits):
    with pytest.raises(ParameterError, match="'metrics' parameter of fit.*Got 'f1'"):
        fit(small_mlp(digits), digits, metrics=["f1"], epochs=1, **QUIET)


def test_regression_reports_mse_loss_and_mae(sine):
    result = fit(rnn(sine.input_shape, kind="mlp"), sine, optimizer="adam", learning_rate=0.01,
                 epochs=2, **QUIET)
    assert {"test_loss", "test_mae", "train_mae"} <= set(result.metrics)
    assert result.predict("test").shape == (len(sine.y_test),)


def test_checkpoint_must_end_in_keras(digits, tmp_path):
    with pytest.raises(ParameterError, match="ending in '.keras'.*Use e.g. 'best.keras'"):
        fit(small_mlp(digits), digits, checkpoint=tmp_path / "best.h5", **QUIET)


def test_tensorboard_writes_event_files(digits, tmp_path):
    fit(small_mlp(digits), digits, epochs=1, tensorboard=tmp_path / "tb", **QUIET)
    assert list((tmp_path / "tb").rglob("events.out.tfevents.*"))


def test_sample_weight_is_used(digits):
    set_seed(0)
    model = small_mlp(digits)
    before = [w.copy() for w in model.get_weights()]
    fit(model, digits, epochs=1, sample_weight=np.zeros(len(digits.y_train)), **QUIET)
    for old, new in zip(before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(old, new)


def test_sample_weight_of_the_wrong_length_is_rejected(digits):
    with pytest.raises(ParameterError, match="one weight per training example"):
        fit(small_mlp(digits), digits, sample_weight=np.ones(3), **QUIET)


def test_augment_trains_from_the_tf_dataset(digits):
    calls = []

    def augment(images):
        calls.append(1)
        return images

    model = cnn(digits.input_shape, 10, blocks=(4,), dense=())
    result = fit(model, digits, augment=augment, epochs=1, **QUIET)
    assert calls and result.stopped_epoch == 1
    with pytest.raises(ParameterError, match="cannot be combined with 'augment'"):
        fit(model, digits, augment=augment, sample_weight=np.ones(len(digits.y_train)), **QUIET)


def test_fit_builds_a_model_from_a_function_after_seeding(digits):
    def build():
        return small_mlp(digits, dropout=0.2)

    first = fit(build, digits, seed=4, epochs=1, **QUIET)
    second = fit(build, digits, seed=4, epochs=1, **QUIET)
    assert first.history["loss"].tolist() == second.history["loss"].tolist()


def test_fit_rejects_a_model_that_is_neither_a_model_nor_a_builder(digits):
    with pytest.raises(ParameterError, match="'model' parameter of fit must be a Keras model"):
        fit("mlp", digits, epochs=1, **QUIET)


def test_tensorflow_retracing_warnings_are_dropped_but_other_warnings_pass():
    seen = []

    class Keep(logging.Handler):
        def emit(self, record):
            seen.append(record.getMessage())

    logger = logging.getLogger("tensorflow")
    handler = Keep()
    logger.addHandler(handler)
    try:
        logger.warning("5 out of the last 5 calls to <function f> triggered tf.function "
                       "retracing. Tracing is expensive.")
        logger.warning("something else")
    finally:
        logger.removeHandler(handler)
    assert seen == ["something else"]
