"""Tests for course_utils.train.callbacks: Keras callbacks in fit, and fit's shortcuts."""

from __future__ import annotations

import keras
import numpy as np
import pandas as pd
import pytest

from course_utils.data import load_dataset
from course_utils.errors import ParameterError
from course_utils.models import mlp
from course_utils.train import fit, load_model
from course_utils.train.callbacks import EARLY_STOPPING, best_stopper, callback_options

QUIET = {"progress": False, "batch_size": 32}
SGD = {"optimizer": "sgd", "learning_rate": 0.1}


@pytest.fixture(scope="module")
def digits():
    return load_dataset("digits", limit=96)


def small_mlp(data):
    return mlp(data.input_shape, data.num_classes, hidden=(16,))


def builder(data):
    return lambda: small_mlp(data)


def without_seconds(history):
    return history.drop(columns="epoch_seconds")


# ---------------------------------------------------------------- Keras' own callbacks
def test_early_stopping_stops_and_restores_the_best_epoch(digits):
    result = fit(small_mlp(digits), digits, epochs=20, **QUIET,
                 early_stopping={"monitor": "val_loss", "patience": 1, "min_delta": 100.0})
    assert result.stopped_epoch == 2
    assert result.best_epoch == 1
    assert result.metrics["val_loss"] == pytest.approx(result.history["val_loss"][0], rel=1e-4)


def test_a_keras_early_stopping_gives_the_shortcuts_run(digits):
    options = {"monitor": "val_loss", "patience": 1, "min_delta": 0.05}
    shortcut = fit(builder(digits), digits, epochs=8, early_stopping=options, **SGD, **QUIET)
    early = keras.callbacks.EarlyStopping(restore_best_weights=True, **options)
    own = fit(builder(digits), digits, epochs=8, callbacks=[early], **SGD, **QUIET)
    pd.testing.assert_frame_equal(without_seconds(own.history),
                                  without_seconds(shortcut.history))
    assert own.best_epoch == shortcut.best_epoch == early.best_epoch + 1
    assert own.metrics == shortcut.metrics


def test_a_keras_reduce_lr_on_plateau_gives_the_shortcuts_learning_rates(digits):
    options = {"factor": 0.5, "patience": 0, "min_delta": 100.0}
    shortcut = fit(builder(digits), digits, epochs=3, reduce_lr=options, **SGD, **QUIET)
    plateau = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", **options)
    own = fit(builder(digits), digits, epochs=3, callbacks=[plateau], **SGD, **QUIET)
    np.testing.assert_allclose(own.history["lr"], [0.1, 0.1, 0.05], rtol=1e-6)
    pd.testing.assert_frame_equal(without_seconds(own.history),
                                  without_seconds(shortcut.history))


def test_a_keras_model_checkpoint_saves_the_weights_early_stopping_restores(digits, tmp_path):
    path = tmp_path / "sub" / "best.keras"
    saver = keras.callbacks.ModelCheckpoint(path, monitor="val_loss", save_best_only=True)
    early = keras.callbacks.EarlyStopping(monitor="val_loss", patience=10,
                                          restore_best_weights=True)
    run = fit(builder(digits), digits, epochs=3, callbacks=[early, saver], **SGD, **QUIET)
    assert run.best_epoch == int(run.history["val_loss"].idxmin()) + 1
    saved = load_model(path)
    for a, b in zip(saved.get_weights(), run.model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_the_best_epoch_follows_the_early_stoppings_monitor_and_mode(digits):
    early = keras.callbacks.EarlyStopping(monitor="val_accuracy", mode="max", patience=10)
    run = fit(builder(digits), digits, epochs=4, callbacks=[early], **SGD, **QUIET)
    assert run.stopped_epoch == 4
    assert run.best_epoch == int(np.argmax(run.history["val_accuracy"].to_numpy())) + 1


def test_callbacks_run_after_the_epoch_log_and_see_the_learning_rate(digits):
    seen = []

    class Spy(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append(sorted(logs))

    fit(builder(digits), digits, epochs=1, callbacks=[Spy()], **QUIET)
    assert "lr" in seen[0] and "epoch_seconds" in seen[0]


@pytest.mark.parametrize(("value", "message"), [
    (keras.callbacks.EarlyStopping(), "Wrap a single callback in a list"),
    (["stop"], "'stop' is not a keras.callbacks.Callback"),
    ("stop", "'callbacks' parameter of fit must be None or a list"),
])
def test_callbacks_must_be_a_list_of_keras_callbacks(digits, value, message):
    with pytest.raises(ParameterError, match=message):
        fit(small_mlp(digits), digits, callbacks=value, **QUIET)


# ---------------------------------------------------------------- which EarlyStopping counts
def test_best_stopper_prefers_the_last_one_restoring_weights():
    plain = keras.callbacks.EarlyStopping()
    first = keras.callbacks.EarlyStopping(restore_best_weights=True)
    last = keras.callbacks.EarlyStopping(restore_best_weights=True)
    assert best_stopper([plain, first, keras.callbacks.TerminateOnNaN(), last]) is last
    assert best_stopper([keras.callbacks.TerminateOnNaN(), plain]) is plain
    assert best_stopper([keras.callbacks.TerminateOnNaN()]) is None


# ---------------------------------------------------------------- shortcuts
def test_shortcut_options_fill_in_the_defaults():
    assert callback_options(True, "early_stopping") == EARLY_STOPPING
    assert callback_options({"patience": 2}, "reduce_lr") == {"monitor": "val_loss",
                                                              "factor": 0.1, "patience": 2}
    assert callback_options(False, "reduce_lr") is None


def test_early_stopping_rejects_unknown_options(digits):
    with pytest.raises(ParameterError,
                       match="'early_stopping' parameter of fit.*unknown options \\['wait'\\]"):
        fit(small_mlp(digits), digits, early_stopping={"wait": 3}, **QUIET)


def test_reduce_lr_rejects_a_number(digits):
    with pytest.raises(ParameterError, match="'reduce_lr' parameter of fit must be True, False "
                       "or a dict of options. Got 3 instead."):
        fit(small_mlp(digits), digits, reduce_lr=3, **QUIET)
