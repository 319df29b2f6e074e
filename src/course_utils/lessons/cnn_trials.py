"""Serves notebook 06_cnn_trials: the one-knob CNN trials and the Fashion-MNIST course's
seven cumulative models.

The trials differ from a one-block baseline CNN in one knob each
(:func:`cnn_trial_variants`); the seven models are the original Fashion-MNIST
course's (:func:`course_model_variants`, shared with notebook 07 through
:mod:`course_utils.lessons._fashion_course`). The rest turns the runs into the
page's numbers: accuracies with their 95% intervals (:func:`accuracy_table`,
:func:`beside_originals`), paired comparisons of the test predictions
(:func:`compare_pairs`, :func:`comparison_frame`, :func:`course_pairs`), which
epoch early stopping keeps (:func:`early_stopping_epochs`) and which model a
split would pick (:func:`pick_on`, to show the original's choice on test).

Example
-------
>>> trials = cnn_trial_variants(["mlp"])
>>> list(trials), course_pairs(["d_baseline", "d_mlp", "d_l1"])
(['mlp', 'one_block'], [('d_baseline', 'd_mlp')])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._checks import check_bool, check_choice, check_fraction, check_int, fail
from .._stats import wilson_interval
from ..evaluate import PairedComparison, paired_comparison
from ._fashion_course import (
    COURSE_MODELS,
    COURSE_STEPS,
    course_augmentation,
    course_features,
    course_model_variants,
    image_size_for,
    load_course_data,
    shrink,
)

__all__ = [
    "TRIALS",
    "cnn_trial_variants",
    "COURSE_MODELS",
    "COURSE_STEPS",
    "course_features",
    "course_model_variants",
    "course_augmentation",
    "course_pairs",
    "image_size_for",
    "load_course_data",
    "shrink",
    "early_stopping_epochs",
    "accuracy_table",
    "beside_originals",
    "compare_pairs",
    "comparison_frame",
    "pick_on",
    "plot_beside_originals",
]

_ONE_BLOCK = {"blocks": (64,), "dense": (128,)}
#: The trials, in the order of the page; the knobs are the trials other than these.
TRIALS = ("mlp", "one_block", "three_blocks", "valid_padding", "same_padding", "kernel_3x3",
          "kernel_5x5", "wider", "stacked_no_pool", "bn_dropout_l2")


def _cnn_trials(momentum: float) -> dict[str, dict[str, Any]]:
    bundle = {"batch_norm": True, "batch_norm_momentum": momentum, "dropout": 0.4, "l2": 1e-4}
    return {
        "mlp": {"build": "mlp", "model": {"hidden": (256,)}},
        "one_block": {"model": _ONE_BLOCK},
        "three_blocks": {"model": {**_ONE_BLOCK, "blocks": (64, 64, 64)}},
        "valid_padding": {"model": {**_ONE_BLOCK, "padding": "valid"}},
        "same_padding": {"model": _ONE_BLOCK},
        "kernel_3x3": {"model": _ONE_BLOCK},
        "kernel_5x5": {"model": {**_ONE_BLOCK, "kernel_size": 5}},
        "wider": {"model": {**_ONE_BLOCK, "blocks": (128,)}},
        "stacked_no_pool": {"model": {**_ONE_BLOCK, "convs_per_block": 3}},
        "bn_dropout_l2": {"model": {**_ONE_BLOCK, **bundle}},
    }


def cnn_trial_variants(names: Sequence[str], *, batch_norm_momentum: float = 0.99
                       ) -> dict[str, dict[str, Any]]:
    """The CNN design trials, as ``run_variants`` variants.

    The trials differ from ``one_block`` (one 64-filter 3x3 conv, same
    padding, 2x2 max-pool, Dense(128)) in one knob each: ``mlp`` (Dense(256),
    no conv), ``three_blocks``, ``valid_padding``, ``kernel_5x5``, ``wider``
    (128 filters), ``stacked_no_pool`` (three convs in the block),
    ``bn_dropout_l2`` (batch norm, dropout 0.4, L2 1e-4); ``same_padding`` and
    ``kernel_3x3`` *are* ``one_block`` (a reproducibility check).

    Parameters
    ----------
    names : sequence of str
        The trials to run, from :data:`TRIALS`. ``one_block`` always runs, as
        their baseline.
    batch_norm_momentum : float, default 0.99
        Momentum of the batch-normalization layers' running statistics.

    Returns
    -------
    dict of str to dict
        ``{name: {"model": cnn kwargs}}`` (``"build": "mlp"`` for the MLP), in
        the order of :data:`TRIALS`.

    Examples
    --------
    >>> list(cnn_trial_variants(["wider", "mlp"]))
    ['mlp', 'one_block', 'wider']
    """
    momentum = check_fraction(batch_norm_momentum, "batch_norm_momentum", "cnn_trial_variants")
    trials = _cnn_trials(momentum)
    if isinstance(names, str) or not isinstance(names, Sequence):
        raise fail("names", "cnn_trial_variants", f"a list of names among {list(TRIALS)}",
                   names)
    unknown = [n for n in names if n not in trials]
    if unknown:
        raise fail("names", "cnn_trial_variants", f"a list of names among {list(TRIALS)}",
                   names, hint=f"Unknown: {unknown}.")
    return {n: v for n, v in trials.items() if n in names or n == "one_block"}


def course_pairs(names: Sequence[str]) -> list[tuple[str, str]]:
    """``(parent, model)`` for each of the course's models in ``names`` whose parent is too.

    >>> course_pairs(["d_dropout", "d_l2", "d_l1"])
    [('d_dropout', 'd_l2'), ('d_dropout', 'd_l1')]
    """
    return [(COURSE_STEPS[n][0], n) for n in names
            if n in COURSE_STEPS and COURSE_STEPS[n][0] in names]


def _improves(value: float, best: float, min_delta: float, mode: str) -> bool:
    """Keras' test: ``value - min_delta > best`` ("max"), compared in float32 as Keras does."""
    if mode == "max":
        return bool(np.float32(value - min_delta) > np.float32(best))
    return bool(np.float32(value + min_delta) < np.float32(best))


def early_stopping_epochs(values: Sequence[float], *, patience: int, min_delta: float = 0.0,
                          restore_best_weights: bool = True, mode: str = "max"
                          ) -> tuple[int, int]:
    """The epoch whose weights Keras' EarlyStopping leaves in the model, and the epochs run.

    Replays ``keras.callbacks.EarlyStopping`` on a curve of its monitored
    value: an epoch counts as better only when it beats the best so far by
    more than ``min_delta``; training stops once ``patience`` epochs in a row
    were not better. With ``restore_best_weights`` the model ends with the best
    epoch's weights, so a positive ``min_delta`` throws away later gains smaller
    than it.

    Parameters
    ----------
    values : sequence of float
        The monitored value after each epoch (e.g. ``history["val_accuracy"]``).
    patience : int
    min_delta : float, default 0.0
    restore_best_weights : bool, default True
    mode : {"max", "min"}, default "max"

    Returns
    -------
    kept, run : int
        The epoch (from 1) of the weights the model ends with, and the epochs run.

    Example
    -------
    >>> curve = [0.80, 0.83, 0.84, 0.845, 0.849]
    >>> early_stopping_epochs(curve, patience=5, min_delta=0.02)
    (2, 5)
    >>> early_stopping_epochs(curve, patience=5)
    (5, 5)
    """
    patience = check_int(patience, "patience", "early_stopping_epochs", minimum=0)
    min_delta = abs(float(min_delta))
    restore = check_bool(restore_best_weights, "restore_best_weights", "early_stopping_epochs")
    check_choice(mode, "mode", "early_stopping_epochs", ("max", "min"))
    best, best_epoch, wait, run = None, 0, 0, len(values)
    for epoch, value in enumerate(float(v) for v in values):
        wait += 1
        if best is None or _improves(value, best, min_delta, mode):
            best, best_epoch, wait = value, epoch, 0
        elif wait >= patience and epoch > 0:
            run = epoch + 1
            break
    return (best_epoch + 1 if restore else run), run


def _intervals(run: Any, split: str) -> tuple[float, float, float]:
    """Accuracy on ``split`` and its Wilson interval, without predicting a split twice.

    The test split's accuracy comes from the run's cached test predictions (the
    ones the record keeps); the others from Keras' own evaluation in ``fit``
    (``metrics["<split>_accuracy"]``, the same argmax accuracy), where present.
    """
    n = len(run.data.split(split)[1])
    if not n:
        return float("nan"), float("nan"), float("nan")
    known = getattr(run, "metrics", {}).get(f"{split}_accuracy")
    acc = float(known) if split != "test" and known is not None else None
    if acc is None:
        acc = float(np.mean(run.probabilities(split).argmax(axis=1) == run.data.split(split)[1]))
    low, high = wilson_interval(acc * n, n, func="accuracy_table")
    return acc, low, high


def accuracy_table(runs: Mapping[str, Any], splits: Sequence[str] = ("train", "val", "test")
                   ) -> pd.DataFrame:
    """Each run's accuracy on each split with its Wilson 95% interval.

    Parameters
    ----------
    runs : dict of str to RunResult
    splits : sequence of {"train", "val", "test"}

    Returns
    -------
    pandas.DataFrame
        Indexed by run name: ``<split>_accuracy``, ``<split>_low``, ``<split>_high``
        for each split. Test accuracy is computed from the run's cached test
        predictions; train and validation accuracy are Keras' evaluation of the
        same weights (so those splits are not predicted again).
    """
    rows = {}
    for name, run in runs.items():
        row = {}
        for split in splits:
            acc, low, high = _intervals(run, split)
            row |= {f"{split}_accuracy": acc, f"{split}_low": low, f"{split}_high": high}
        rows[name] = row
    return pd.DataFrame.from_dict(rows, orient="index")


def beside_originals(table: pd.DataFrame, figures: Mapping[str, Mapping[str, float]],
                     splits: Sequence[str] = ("train", "val", "test")) -> pd.DataFrame:
    """``table`` (from :func:`accuracy_table`) with the original's figure beside each accuracy.

    ``figures`` maps a run name to ``{"<split>_accuracy": value}`` (the
    ``values`` of the reference file's entries); missing figures are NaN. The
    ``<split>_original`` columns follow each split's interval.

    Example
    -------
    >>> ours = pd.DataFrame({"test_accuracy": [0.9], "test_low": [0.88], "test_high": [0.92]},
    ...                     index=["d_cnn"])
    >>> beside_originals(ours, {"d_cnn": {"test_accuracy": 0.9096}}, ["test"]).columns.tolist()
    ['test_accuracy', 'test_low', 'test_high', 'test_original']
    """
    columns: dict[str, Any] = {}
    for split in splits:
        for part in ("accuracy", "low", "high"):
            columns[f"{split}_{part}"] = table[f"{split}_{part}"]
        columns[f"{split}_original"] = [
            float(figures.get(name, {}).get(f"{split}_accuracy", np.nan)) for name in table.index]
    return pd.DataFrame(columns, index=table.index)


def compare_pairs(runs: Mapping[str, Any], pairs: Sequence[tuple[str, str]], *,
                  seed: int = 0) -> dict[str, PairedComparison]:
    """Paired comparisons of two runs' test predictions, for each ``(first, second)`` pair.

    Both runs must have been scored on the same test examples. Each
    comparison's ``diff`` is ``second`` minus ``first`` (see
    :func:`course_utils.evaluate.paired_comparison`).

    Returns
    -------
    dict of str to PairedComparison
        Keyed ``"<second>_vs_<first>"``, in the order of ``pairs``.
    """
    out = {}
    for first, second in pairs:
        y_first, y_second = runs[first].data.y_test, runs[second].data.y_test
        if not np.array_equal(y_first, y_second):
            raise fail("pairs", "compare_pairs", "pairs of runs scored on the same test split",
                       (first, second))
        out[f"{second}_vs_{first}"] = paired_comparison(
            y_first, runs[first].probabilities("test").argmax(axis=1),
            runs[second].probabilities("test").argmax(axis=1), seed=seed)
    return out


def comparison_frame(comparisons: Mapping[str, PairedComparison],
                     pairs: Sequence[tuple[str, str]]) -> pd.DataFrame:
    """One row per comparison: ``first``, ``second`` and the fields of each comparison.

    >>> cmp = paired_comparison([0, 1, 1], [0, 1, 0], [0, 1, 1], n_boot=50)
    >>> round(float(comparison_frame({"b_vs_a": cmp}, [("a", "b")]).loc["b_vs_a", "diff"]), 3)
    0.333
    """
    rows = [{"first": a, "second": b, **comparisons[f"{b}_vs_{a}"].as_dict()} for a, b in pairs]
    return pd.DataFrame(rows, index=[f"{b}_vs_{a}" for a, b in pairs])


def pick_on(table: pd.DataFrame, among: Sequence[str], split: str) -> str:
    """The row of ``among`` with the highest ``<split>_accuracy`` (first on ties, NaN skipped).

    The book chooses on validation (``Record.choose``); this names what a
    choice on another split would have been, to show the original's choice on
    the test split beside it.

    >>> frame = pd.DataFrame({"val_accuracy": [0.9, 0.8], "test_accuracy": [0.8, 0.9]},
    ...                      index=["a", "b"])
    >>> pick_on(frame, ["a", "b"], "val"), pick_on(frame, ["a", "b"], "test")
    ('a', 'b')
    """
    check_choice(split, "split", "pick_on", ("train", "val", "test"))
    values = table.loc[list(among), f"{split}_accuracy"].astype(float)
    if values.isna().all():
        raise fail("table", "pick_on", f"a '{split}_accuracy' value for some of {list(among)}",
                   "only missing values")
    return str(values.idxmax())



def plot_beside_originals(table: pd.DataFrame, *, split: str = "test", ax: Any = None) -> Any:
    """Our accuracy with its 95% interval beside the original's figure, one row per model.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`beside_originals`.
    split : {"train", "val", "test"}, default "test"
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Example
    -------
    >>> ours = pd.DataFrame({"test_accuracy": [0.9], "test_low": [0.88], "test_high": [0.92],
    ...                      "test_original": [0.91]}, index=["d_cnn"])
    >>> len(plot_beside_originals(ours).get_yticklabels())
    1
    """
    import matplotlib.pyplot as plt

    from ..plots import palette

    check_choice(split, "split", "plot_beside_originals", ("train", "val", "test"))
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.45 * len(table) + 1.2), layout="constrained")
    rows = np.arange(len(table))[::-1]
    ours, original = palette(2)
    acc = table[f"{split}_accuracy"].to_numpy(dtype=float)
    error = [acc - table[f"{split}_low"].to_numpy(dtype=float),
             table[f"{split}_high"].to_numpy(dtype=float) - acc]
    ax.errorbar(acc, rows, xerr=error, fmt="o", color=ours, capsize=3,
                label="this run (95% interval)")
    ax.scatter(table[f"{split}_original"].to_numpy(dtype=float), rows, marker="x", s=60,
               color=original, zorder=3, label="original course")
    ax.set_yticks(rows, list(table.index))
    ax.set(xlabel=f"{split} accuracy", title=f"{split} accuracy: this run and the original")
    ax.legend(loc="lower right", fontsize="small")
    return ax
