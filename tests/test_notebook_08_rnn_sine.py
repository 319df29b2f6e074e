"""Notebook 08: both parts are scored on the same stretch, and the prose follows the errors."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from notebook_cells import execute, run_cell

from course_utils.book.records import Record

NB = "08_rnn_sine"
PARAMS = dict(dataset="sine", data_dir=None, n_points=200, seed=0, limit=None, timesteps=10,
              series_periods=4, forecast_steps=20)


def test_both_parts_are_scored_on_the_points_right_after_pi_with_the_series_spacing():
    _, names = execute(NB, "8feafb25", **PARAMS)
    x_range, x_beyond, data = names["x_range"], names["x_beyond"], names["data"]
    assert x_range[1] == pytest.approx(math.pi)  # the windowed series ends where part 1's data do
    assert data.x_train[:, 0].max() <= math.pi + 1e-6
    step = (x_range[1] - x_range[0]) / (PARAMS["n_points"] - 1)
    np.testing.assert_allclose(np.diff(x_beyond), step)
    assert x_beyond[0] == pytest.approx(math.pi + step) and len(x_beyond) == 20
    np.testing.assert_allclose(names["y_beyond"], np.sin(x_beyond))
    # the windowed series read in part 2 is the one this range describes, split in time order
    seq = names["load_dataset"]("sine", n_points=200, timesteps=10, x_range=x_range)
    assert seq.attributes["test"]["x"].iloc[-1] == pytest.approx(math.pi)
    assert seq.attributes["train"]["x"].max() < seq.attributes["test"]["x"].min()


def _record(table):
    record = Record(NB, params={}, dataset="sine")
    for name, row in table.iterrows():
        record.add(name, row.to_dict())
    return record


def _conclusion(extrapolation, forecast, *, window_test=(1e-5, 2e-5, 3e-5),
                val_forecast=(0.01, 0.02, 0.03), val_step=(1e-5, 2e-5, 3e-5)):
    errors = pd.DataFrame({"val_mse": [1e-4, 2e-4, 3e-4], "test_mse": [1e-4, 2e-4, 3e-4],
                           "extrapolation_mse": extrapolation}, index=["mlp", "lstm", "gru"])
    seq_errors = pd.DataFrame({"val_mse": list(val_step), "val_forecast_mse": list(val_forecast),
                               "test_mse": list(window_test), "forecast_mse": forecast},
                              index=["mlp_window", "lstm_window", "gru_window"])
    record = _record(seq_errors)
    glued = run_cell(NB, "0e4a6c8f", errors=errors, seq_errors=seq_errors, forecast_steps=20,
                     wave_variance=0.5, best_fit="mlp", record=record)
    return glued, record


def _check_choices(record):
    by_name = {e["experiment"]: e["metrics"] for e in record.experiments}
    for choice in record.choices.values():
        values = [by_name[name][choice["metric"]] for name in choice["among"]]
        pick = np.argmax(values) if choice["higher_is_better"] else np.argmin(values)
        assert choice["winner"] == choice["among"][int(pick)] and choice["metric"][:4] == "val_"


def test_the_forecaster_is_chosen_on_its_validation_forecast_not_on_the_forecast_beyond():
    glued, record = _conclusion([0.8, 1.0, 1.2], [0.3, 0.01, 0.5], val_forecast=(0.01, 0.2, 0.3))
    assert glued["best_forecaster"] == "mlp_window"  # lstm_window is lower beyond: not chosen
    assert glued["lowest_forecast"] == "lstm_window"
    assert glued["best_forecaster_mse"] == 0.3
    _check_choices(record)


def test_the_forecast_is_called_lower_only_when_it_is():
    lower, _ = _conclusion([0.8, 1.0, 1.2], [0.01, 0.2, 0.5])
    assert lower["forecast_vs_extrap"] == "lower"
    assert lower["window_reading"].startswith("a window of past values told the model")
    higher, _ = _conclusion([0.05, 1.0, 1.2], [0.3, 0.2, 0.5])
    assert higher["forecast_vs_extrap"] == "higher"
    assert higher["window_reading"].startswith("here the window did not help")


def test_the_one_step_winner_is_said_to_be_the_forecaster_only_when_it_is():
    same, _ = _conclusion([0.8, 1.0, 1.2], [0.01, 0.2, 0.5])
    assert same["step_best"] == "mlp_window"
    assert same["step_best_forecasts"] == "is also the forecaster chosen on validation"
    other, record = _conclusion([0.8, 1.0, 1.2], [0.4, 0.2, 0.5], val_forecast=(0.3, 0.1, 0.5))
    _check_choices(record)
    assert other["step_best_forecasts"] == ("is not the forecaster chosen on validation "
                                            "(lstm_window is)")
    assert other["compounding"] == pytest.approx(0.5 / 3e-5)
    hard, _ = _conclusion([0.8, 1.0, 1.2], [0.4, 0.2, 0.5], window_test=(0.1, 0.2, 0.3))
    assert hard["step_words"] == "not easy for every model"
    assert same["step_words"] == "easy for every model"


def test_part_one_says_which_models_fit_and_how_they_compare_with_predicting_zero():
    base = dict(y_beyond=np.sin(np.linspace(3.2, 8.0, 50)), beyond_label="(3.2, 8.0]",
                data=execute(NB, "8feafb25", **PARAMS)[1]["data"])
    fits = pd.DataFrame({"val_mse": [2e-4, 1e-4], "test_mse": [1e-4, 2e-4],
                         "extrapolation_mse": [0.1, 0.9]}, index=["mlp", "lstm"])
    glued = run_cell(NB, "9c1e4b7d", errors=fits, record=_record(fits), **base)
    assert glued["fit_words"] == "every model fits"
    assert glued["extrap_vs_zero"] == "at least one of these models beats that"
    assert glued["best_fit"] == "lstm" and glued["lowest_test"] == "mlp"  # chosen on val
    misfit = fits.assign(test_mse=[1e-4, 0.1], extrapolation_mse=[2.0, 3.0])
    glued = run_cell(NB, "9c1e4b7d", errors=misfit, record=_record(misfit), **base)
    assert glued["fit_words"] == "not every model fits (lstm stays above that line)"
    assert glued["extrap_vs_zero"] == "every one of these models does worse than that"
