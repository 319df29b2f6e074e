"""Lesson sequences (notebook 08): extrapolation grid, continuation, forecasts, error tables."""

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from course_utils.errors import ParameterError
from course_utils.lessons.sequences import (
    continuation,
    error_table,
    extrapolation_grid,
    forecasts,
    lowest_and_highest,
    split_forecast_errors,
)


def test_extrapolation_grid_spans_factor_times_the_training_range():
    grid = extrapolation_grid(2.0, points=101)
    assert grid.x.shape == (101, 1) and grid.x.dtype == np.float32
    assert grid.x[0, 0] == pytest.approx(-2 * math.pi) and grid.x[-1, 0] == pytest.approx(
        2 * math.pi)
    np.testing.assert_allclose(grid.y, np.sin(grid.x[:, 0]))
    assert grid.outside.sum() == pytest.approx(50, abs=2)
    assert set(grid.region) == {"inside", "outside"}
    assert grid.label == "[-2π, 2π]"


def test_extrapolation_grid_names_a_custom_range_in_numbers():
    assert extrapolation_grid(3, train_range=(0.0, 1.0)).label == "[0, 3]"


@pytest.mark.parametrize("factor", [1.0, 0.5, True, "2", float("nan")])
def test_extrapolation_grid_rejects_a_factor_that_leaves_nothing_outside(factor):
    with pytest.raises(ParameterError, match=r"The 'factor' parameter of extrapolation_grid "
                       r"must be a number > 1\. Got .* instead\. At 1 or below"):
        extrapolation_grid(factor)


def test_extrapolation_grid_takes_numpy_numbers_and_refuses_a_bool_point_count():
    grid = extrapolation_grid(np.float32(1.5), points=np.int64(4))
    assert grid.x.shape == (4, 1) and grid.label == "[-1.5π, 1.5π]"
    with pytest.raises(ParameterError, match="'points' parameter of extrapolation_grid must "
                       "be an int >= 2. Got True instead."):
        extrapolation_grid(2.0, points=True)


def test_continuation_follows_the_series_spacing():
    x_seed, x_future = continuation((0.0, 9.0), 10, timesteps=3, steps=2)
    assert x_seed.tolist() == [7.0, 8.0, 9.0]
    assert x_future.tolist() == [10.0, 11.0]


def test_continuation_rejects_a_window_as_long_as_the_series():
    with pytest.raises(ParameterError, match=r"'timesteps' parameter of continuation must be "
                       r"an int below n_points \(5\). Got 5 instead."):
        continuation((0.0, 1.0), 5, timesteps=5, steps=1)
    with pytest.raises(ParameterError, match="'steps' parameter of continuation must be an "
                       "int >= 1. Got 0 instead."):
        continuation((0.0, 1.0), 5, timesteps=2, steps=0)


def test_continuation_takes_numpy_ints():
    x_seed, x_future = continuation((0.0, 4.0), np.int64(5), timesteps=np.int32(2),
                                    steps=np.int64(1))
    assert x_seed.tolist() == [3.0, 4.0] and x_future.tolist() == [5.0]


class _Constant:
    """A stand-in next-value model that always predicts 0.5."""

    def __call__(self, window, training=False):
        return np.full((1, 1), 0.5, dtype="float32")


def test_forecasts_rolls_every_model_forward():
    paths = forecasts({"a": SimpleNamespace(model=_Constant())}, np.zeros(4), 3)
    np.testing.assert_allclose(paths["a"], [0.5, 0.5, 0.5])


def _run(y_test, predicted, **metrics):
    data = SimpleNamespace(y_test=np.asarray(y_test, dtype=float))
    return SimpleNamespace(params=7, wall_seconds=1.5, data=data,
                           metrics={"train_loss": 0.1, "val_loss": 0.2, **metrics},
                           probabilities=lambda split: np.asarray(predicted, dtype=float))


def test_error_table_scores_test_predictions_and_only_the_masked_points_beyond():
    results = {"m": _run([0.0, 1.0], [0.0, 0.0])}
    table = error_table(results, {"m": np.array([1.0, 3.0])}, [1.0, 1.0], column="beyond_mse",
                        where=np.array([False, True]))
    assert list(table.columns) == ["params", "train_mse", "val_mse", "test_mse", "beyond_mse",
                                   "seconds"]
    assert table.loc["m", "test_mse"] == pytest.approx(0.5)
    assert table.loc["m", "beyond_mse"] == pytest.approx(4.0)


def test_error_table_needs_predictions_beyond_for_every_run():
    with pytest.raises(ParameterError, match=r"'beyond' parameter of error_table must be a "
                       r"mapping with predictions for every run \(missing: \['m'\]\)"):
        error_table({"m": _run([0.0], [0.0])}, {}, [0.0], column="x_mse")


def test_lowest_and_highest_name_the_extreme_rows_of_a_column():
    table = pd.DataFrame({"mse": [0.3, 0.1, 0.2]}, index=["a", "b", "c"])
    assert lowest_and_highest(table, "mse", label="fit") == {
        "lowest_fit": "b", "lowest_fit_mse": 0.1, "highest_fit": "a", "highest_fit_mse": 0.3}
    with pytest.raises(ParameterError, match=r"'column' parameter of lowest_and_highest must "
                       r"be one of \['mse'\]. Got 'mae' instead."):
        lowest_and_highest(table, "mae", label="fit")


def test_error_table_reads_the_cached_test_predictions_and_never_predicts_again():
    calls = []
    run = _run([0.0, 1.0], [0.0, 1.0])
    cached = run.probabilities
    run.probabilities = lambda split: calls.append(split) or cached(split)
    table = error_table({"m": run}, {"m": np.zeros(2)}, [0.0, 0.0], column="beyond_mse")
    assert calls == ["test"] and not hasattr(run, "predict")
    assert table.loc["m", "test_mse"] == 0.0


class _Compiled:
    """A compiled model stand-in: its eager call must not be used."""

    compiled = True

    def __init__(self):
        self.calls = 0

    def predict_on_batch(self, window):
        self.calls += 1
        return np.full((1, 1), float(window[0, -1, 0]) + 1.0, dtype="float32")

    def __call__(self, window, training=False):
        raise AssertionError("forecasts called a compiled model eagerly")


def test_forecasts_roll_a_compiled_model_through_its_compiled_predict_step():
    model = _Compiled()
    paths = forecasts({"m": SimpleNamespace(model=model)}, np.zeros(3), 4)
    np.testing.assert_allclose(paths["m"], [1.0, 2.0, 3.0, 4.0])
    assert model.calls == 4


def test_forecasts_give_the_same_numbers_compiled_and_eager():
    from course_utils.models import rnn

    eager = rnn((4, 1), kind="lstm")
    compiled = rnn((4, 1), kind="lstm")
    compiled.set_weights(eager.get_weights())
    compiled.compile(loss="mse")
    window = np.sin(np.linspace(0, 1, 4))
    np.testing.assert_allclose(
        forecasts({"a": SimpleNamespace(model=compiled)}, window, 5)["a"],
        forecasts({"a": SimpleNamespace(model=eager)}, window, 5)["a"], atol=1e-6)


class _Persistent:
    """A next-value model that repeats the last value it read."""

    compiled = False

    def __call__(self, window, training=False):
        return np.asarray(window)[:, -1, :]


def test_split_forecast_errors_roll_through_the_validation_stretch():
    from course_utils.data import load_dataset

    seq = load_dataset("sine", n_points=120, timesteps=5)
    errors = split_forecast_errors({"last": SimpleNamespace(model=_Persistent(), data=seq)})
    first_window = seq.x_val[0, :, 0]
    assert errors["last"] == pytest.approx(np.mean((seq.y_val - first_window[-1]) ** 2))
    limited = load_dataset("sine", n_points=120, timesteps=5, limit=5)
    kept = split_forecast_errors({"last": SimpleNamespace(model=_Persistent(), data=limited)})
    assert kept["last"] == pytest.approx(np.mean((limited.y_val - limited.x_val[0, -1, 0]) ** 2))


def test_split_forecast_errors_need_windowed_data():
    from course_utils.data import load_dataset

    points = load_dataset("sine", n_points=50)
    with pytest.raises(ParameterError, match="'results' parameter of split_forecast_errors"):
        split_forecast_errors({"x": SimpleNamespace(model=_Persistent(), data=points)})
