"""Tests for course_utils.models.recurrent: sine regressors and the forecast roll-forward."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from course_utils.errors import ParameterError
from course_utils.models import forecast, param_table, rnn


def kinds(model):
    return [type(layer).__name__ for layer in model.layers]


def assert_formulas_match_keras(model):
    table = param_table(model)
    assert (table["params_formula"] == table["params_keras"]).all(), table
    assert int(table["params_keras"].sum()) == model.count_params()


def test_sine_lstm_has_7457_parameters():
    model = rnn((1, 1), kind="lstm")
    assert model.count_params() == 7_457
    assert_formulas_match_keras(model)


def test_sine_gru_default_reset_after_gives_5745_parameters():
    model = rnn((1, 1), kind="gru")
    assert model.count_params() == 5_745
    assert_formulas_match_keras(model)


def test_sine_gru_without_reset_after_gives_5601_parameters():
    model = rnn((1, 1), kind="gru", reset_after=False)
    assert model.count_params() == 5_601
    assert_formulas_match_keras(model)
    assert param_table(model).loc[0, "formula"] == "3*((1+16)*16+16)"


def test_sine_mlp_is_dense16_dense32_dense1():
    model = rnn((1,), kind="mlp")
    assert [layer.units for layer in model.layers] == [16, 32, 1]
    assert model.count_params() == 609


def test_simple_rnn_formula_matches_keras():
    assert_formulas_match_keras(rnn((5, 1), kind="simple"))


def test_rnn_rejects_unknown_kind():
    with pytest.raises(ParameterError, match="'kind' parameter of rnn.*Got 'transformer'"):
        rnn((1, 1), kind="transformer")


def test_rnn_rejects_a_boolean_output_count():
    with pytest.raises(ParameterError, match="'outputs' parameter of rnn must be an int >= 1. "
                       "Got False instead."):
        rnn((1, 1), outputs=False)


def test_rnn_reads_a_flat_input_as_one_timestep_with_the_same_counts():
    for kind, count in (("lstm", 7457), ("gru", 5745)):
        model = rnn((1,), kind=kind)
        assert kinds(model)[0] == "Reshape"
        assert model.count_params() == count
        assert model.predict(np.zeros((3, 1)), verbose=0).shape == (3, 1)
        assert_formulas_match_keras(model)


def _last_plus_one(timesteps):
    model = keras.Sequential([keras.Input((timesteps, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(1)])
    kernel = np.zeros((timesteps, 1), dtype="float32")
    kernel[-1] = 1.0
    model.layers[-1].set_weights([kernel, np.ones(1, dtype="float32")])
    return model


def test_forecast_feeds_each_prediction_back_into_the_window():
    np.testing.assert_allclose(forecast(_last_plus_one(3), np.zeros(3), 4), [1, 2, 3, 4])


def test_forecast_takes_a_numpy_step_count():
    assert forecast(_last_plus_one(3), np.zeros(3), np.int64(2)).tolist() == [1.0, 2.0]


def test_forecast_slides_the_window_rather_than_growing_it():
    model = keras.Sequential([keras.Input((2, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
    model.layers[-1].set_weights([np.ones((2, 1), dtype="float32"), np.zeros(1, "float32")])
    # each value is the sum of the previous two: a Fibonacci roll-forward
    np.testing.assert_allclose(forecast(model, np.array([[1.0], [1.0]]), 4), [2, 3, 5, 8])


def test_forecast_rejects_zero_steps():
    with pytest.raises(ParameterError, match="'steps' parameter of forecast.*Got 0"):
        forecast(_last_plus_one(2), np.zeros(2), 0)


def test_forecast_rejects_an_empty_window():
    with pytest.raises(ParameterError, match="'seed_window' parameter of forecast.*Got \\(0,\\)"):
        forecast(_last_plus_one(2), np.zeros(0), 2)
