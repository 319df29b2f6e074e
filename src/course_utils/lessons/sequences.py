"""Serves notebook 08_rnn_sine: where to test a sine model beyond its data, and how to score it.

Notebook 08 fits ``x -> sin x`` and a next-value-from-a-window model, then asks
each model about inputs it never saw: wider x for the first, a forecast rolled
past the end of the series for the second. This module builds those inputs
(:func:`extrapolation_grid`, :func:`continuation`), rolls every model forward
(:func:`forecasts`, and through its own validation stretch:
:func:`split_forecast_errors`, so that a forecaster can be chosen on validation),
and scores them in one table (:func:`error_table`), with the lowest and highest
error of a column ready to glue (:func:`lowest_and_highest`).

Example
-------
>>> grid = extrapolation_grid(2.0, points=9)
>>> grid.region.tolist()[:3]
['outside', 'outside', 'inside']
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._checks import check_choice, check_int, fail, is_number
from ..evaluate import regression_table
from ..models import forecast

__all__ = [
    "SineGrid",
    "extrapolation_grid",
    "continuation",
    "forecasts",
    "split_forecast_errors",
    "error_table",
    "lowest_and_highest",
]


@dataclass(frozen=True)
class SineGrid:
    """Evenly spaced inputs over a wide range, with the true sine and the training range.

    Attributes
    ----------
    x : numpy.ndarray of shape (n, 1)
        float32 inputs, as the ``x -> sin x`` models take them.
    y : numpy.ndarray of shape (n,)
        ``sin x``.
    train_range : (float, float)
        The range the models were trained on.
    label : str
        The wide range in words, e.g. ``"[-2π, 2π]"``.

    Example
    -------
    >>> grid = extrapolation_grid(2.0, points=5)
    >>> grid.outside.tolist()
    [True, False, False, False, True]
    """

    x: np.ndarray
    y: np.ndarray
    train_range: tuple[float, float]
    label: str

    @property
    def outside(self) -> np.ndarray:
        """Boolean mask of the points outside ``train_range``, shape (n,)."""
        low, high = self.train_range
        return (self.x[:, 0] < low) | (self.x[:, 0] > high)

    @property
    def region(self) -> np.ndarray:
        """``"inside"`` or ``"outside"`` per point, shape (n,)."""
        return np.where(self.outside, "outside", "inside")


def extrapolation_grid(factor: float = 2.0, *, points: int = 1000,
                       train_range: tuple[float, float] = (-math.pi, math.pi)) -> SineGrid:
    """Inputs spanning ``factor`` times the training range, to test extrapolation.

    Parameters
    ----------
    factor : float, default 2.0
        The grid covers ``[factor * low, factor * high]`` of ``train_range``;
        must be > 1 so that some points lie outside it.
    points : int, default 1000
        Number of evenly spaced points.
    train_range : (float, float), default (-pi, pi)
        The range the models saw in training.

    Returns
    -------
    SineGrid

    Example
    -------
    >>> extrapolation_grid(2.0).label
    '[-2π, 2π]'
    """
    if not is_number(factor) or factor <= 1:
        raise fail("factor", "extrapolation_grid", "a number > 1", factor,
                   hint="At 1 or below no point lies outside the training range.")
    points = check_int(points, "points", "extrapolation_grid", minimum=2)
    low, high = (float(v) for v in train_range)
    x = np.linspace(factor * low, factor * high, points, dtype="float32")[:, None]
    if (low, high) == (-math.pi, math.pi):
        label = f"[-{factor:.3g}π, {factor:.3g}π]"
    else:
        label = f"[{factor * low:.3g}, {factor * high:.3g}]"
    return SineGrid(x=x, y=np.sin(x[:, 0]), train_range=(low, high), label=label)


def continuation(x_range: tuple[float, float], n_points: int, *, timesteps: int,
                 steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the last window of a series and of the values that would follow it.

    The series is ``n_points`` evenly spaced x over ``x_range`` (as
    ``load_dataset("sine", n_points=..., x_range=...)`` builds it).

    Parameters
    ----------
    x_range : (float, float)
        First and last x of the series.
    n_points : int
        Points in the series.
    timesteps : int
        Length of the window a model reads; below ``n_points``.
    steps : int
        How many values to forecast past the end.

    Returns
    -------
    (x_seed, x_future) : numpy.ndarray of shape (timesteps,), numpy.ndarray of shape (steps,)
        The x of the series' last window (oldest first) and of the next ``steps`` points.

    Example
    -------
    >>> seed, future = continuation((0.0, 9.0), 10, timesteps=3, steps=2)
    >>> seed.tolist(), future.tolist()
    ([7.0, 8.0, 9.0], [10.0, 11.0])
    """
    n_points = check_int(n_points, "n_points", "continuation", minimum=2)
    timesteps = check_int(timesteps, "timesteps", "continuation", minimum=1)
    steps = check_int(steps, "steps", "continuation", minimum=1)
    if timesteps >= n_points:
        raise fail("timesteps", "continuation", f"an int below n_points ({n_points})", timesteps)
    start, end = (float(v) for v in x_range)
    step = (end - start) / (n_points - 1)
    return end - step * np.arange(timesteps)[::-1], end + step * np.arange(1, steps + 1)


class _CompiledCall:
    """Call a compiled Keras model through ``predict_on_batch`` instead of eagerly.

    ``models.forecast`` calls the model once per step; an eager call of a
    recurrent model runs its timestep loop op by op in Python, while
    ``predict_on_batch`` runs one traced graph (the same numbers, some 25x
    faster for a 20-step LSTM on a CPU).
    """

    def __init__(self, model: Any) -> None:
        self.model = model

    def __call__(self, window: np.ndarray, training: bool = False) -> np.ndarray:
        return self.model.predict_on_batch(window)


def forecasts(results: Mapping[str, Any], seed_window: np.ndarray, steps: int
              ) -> dict[str, np.ndarray]:
    """Roll every trained next-value model forward from the same window.

    Parameters
    ----------
    results : mapping of str to RunResult
        E.g. ``run_variants(...).results``; each needs ``.model``. A compiled
        model (as :func:`~course_utils.train.fit` leaves it) is called through
        its compiled predict step; any other callable is called directly.
    seed_window : array-like of shape (timesteps,)
        The last known values, oldest first.
    steps : int
        Values to produce (see :func:`course_utils.models.forecast`).

    Returns
    -------
    dict of str to numpy.ndarray of shape (steps,)

    Example
    -------
    >>> from types import SimpleNamespace
    >>> from course_utils.models import rnn
    >>> paths = forecasts({"mlp": SimpleNamespace(model=rnn((5, 1), kind="mlp"))},
    ...                   np.zeros(5), 3)
    >>> paths["mlp"].shape
    (3,)
    """
    def step(model: Any) -> Any:
        return _CompiledCall(model) if getattr(model, "compiled", False) else model

    return {name: forecast(step(result.model), seed_window, steps)
            for name, result in results.items()}


def split_forecast_errors(results: Mapping[str, Any], *, split: str = "val") -> dict[str, float]:
    """Each next-value model rolled through one split's stretch of the series, scored.

    The forecast starts from the split's first window and feeds its own outputs
    back in up to the split's last target; it is scored on the split's targets
    (those that ``limit`` kept). On the validation stretch this measures what the
    forecast beyond the data measures, on data that may be used to choose a model.

    Parameters
    ----------
    results : mapping of str to RunResult
        Runs trained on ``load_dataset("sine", timesteps=...)`` (time-ordered
        splits with a ``position`` attribute).
    split : {"train", "val", "test"}, default "val"

    Returns
    -------
    dict of str to float
        Mean squared error of each run's forecast over the split.

    Example
    -------
    >>> from course_utils.data import load_dataset
    >>> from course_utils.models import rnn
    >>> from types import SimpleNamespace
    >>> seq = load_dataset("sine", n_points=60, timesteps=4)
    >>> run = SimpleNamespace(model=rnn((4, 1), kind="mlp"), data=seq)
    >>> sorted(split_forecast_errors({"mlp": run}))
    ['mlp']
    """
    check_choice(split, "split", "split_forecast_errors", ("train", "val", "test"))
    errors = {}
    for name, result in results.items():
        data = result.data
        x, y = data.split(split)
        table = data.attributes.get(split)
        if not len(y) or x.ndim != 3 or table is None or "position" not in table:
            raise fail("results", "split_forecast_errors",
                       f"runs on windowed sine data with a non-empty {split!r} split", name)
        positions = table["position"].to_numpy()
        path = forecasts({name: result}, x[0, :, 0], int(positions[-1] - positions[0] + 1))
        errors[name] = regression_table(y, path[name][positions - positions[0]])["mse"]
    return errors


def error_table(results: Mapping[str, Any], beyond: Mapping[str, np.ndarray],
                y_beyond: Sequence[float], *, column: str,
                where: np.ndarray | None = None) -> pd.DataFrame:
    """Mean squared errors of each regression run on its splits and beyond its data.

    Parameters
    ----------
    results : mapping of str to RunResult
        Regression runs (``metrics`` with ``train_loss`` and ``val_loss`` as MSE,
        ``params``, ``wall_seconds`` and the cached ``probabilities("test")``).
    beyond : mapping of str to array of shape (n,)
        Each run's predictions where it was not trained (a wide grid, a forecast).
    y_beyond : array of shape (n,)
        The true values there.
    column : str
        Name of the column of those errors, e.g. ``"extrapolation_mse"``.
    where : boolean array of shape (n,), optional
        Score only these points of ``beyond`` (e.g. ``grid.outside``).

    Returns
    -------
    pandas.DataFrame
        Index ``model``; columns ``params``, ``train_mse``, ``val_mse``,
        ``test_mse`` (from the run's cached test predictions), ``column`` and
        ``seconds``.

    Example
    -------
    >>> from course_utils.data import load_dataset
    >>> from course_utils.models import rnn
    >>> from course_utils.train import fit
    >>> run = fit(rnn((1,), kind="mlp"), load_dataset("sine", n_points=60), epochs=1,
    ...           progress=False)
    >>> grid = extrapolation_grid(2.0, points=20)
    >>> table = error_table({"mlp": run}, {"mlp": run.predict(grid.x)}, grid.y,
    ...                     column="extrapolation_mse", where=grid.outside)
    >>> table.columns.tolist()
    ['params', 'train_mse', 'val_mse', 'test_mse', 'extrapolation_mse', 'seconds']
    """
    missing = sorted(set(results) - set(beyond))
    if missing:
        raise fail("beyond", "error_table",
                   f"a mapping with predictions for every run (missing: {missing})",
                   sorted(beyond))
    y_beyond = np.asarray(y_beyond, dtype=float)
    mask = np.ones(len(y_beyond), dtype=bool) if where is None else np.asarray(where, bool)
    rows = []
    for name, result in results.items():
        rows.append({
            "model": name, "params": result.params,
            "train_mse": result.metrics["train_loss"],
            "val_mse": result.metrics.get("val_loss", float("nan")),
            "test_mse": regression_table(result.data.y_test,
                                         result.probabilities("test"))["mse"],
            column: regression_table(y_beyond[mask], np.asarray(beyond[name])[mask])["mse"],
            "seconds": result.wall_seconds,
        })
    return pd.DataFrame(rows).set_index("model")


def lowest_and_highest(table: pd.DataFrame, column: str, *, label: str) -> dict[str, Any]:
    """The rows with the lowest and the highest value of an error column, named for glue.

    This describes a column (on test data, say); it chooses nothing. To name the
    best model, choose on a validation column with ``record.choose``.

    Parameters
    ----------
    table : pandas.DataFrame
        Indexed by model name, e.g. from :func:`error_table`.
    column : str
        An error column (lower is better).
    label : str
        Suffix of the names, e.g. ``"fit"``.

    Returns
    -------
    dict
        ``lowest_<label>`` and ``highest_<label>`` (the models' index labels) and
        ``lowest_<label>_mse``/``highest_<label>_mse`` (their values).

    Example
    -------
    >>> lowest_and_highest(pd.DataFrame({"mse": [0.1, 0.3]}, index=["a", "b"]), "mse",
    ...                    label="fit")
    {'lowest_fit': 'a', 'lowest_fit_mse': 0.1, 'highest_fit': 'b', 'highest_fit_mse': 0.3}
    """
    check_choice(column, "column", "lowest_and_highest", list(table.columns))
    low, high = table[column].idxmin(), table[column].idxmax()
    return {f"lowest_{label}": str(low), f"lowest_{label}_mse": float(table.loc[low, column]),
            f"highest_{label}": str(high),
            f"highest_{label}_mse": float(table.loc[high, column])}
