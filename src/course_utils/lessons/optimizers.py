"""Serves notebook 01_optimizers: one MLP trained once per optimizer, compared.

Notebook 01 trains the same model with each optimizer (and, with ``repeats``,
with the seeds ``seed, seed + 1, ...``). This module scores each run the way
the page reports it (:func:`run_scores`: macro precision, recall and F1 on the
test split, and the validation accuracy after the first epoch), averages the
repeats of one optimizer (:func:`repeat_metrics`), lays out the summary table
with 95% intervals (:func:`optimizer_summary`, :func:`repeat_interval`), and tells an SGD variant
from an adaptive optimizer (:func:`is_sgd`) so that the page explains the
ranking the run actually gave.

Example
-------
>>> is_sgd({"optimizer": {"name": "sgd", "momentum": 0.9}}), is_sgd({"optimizer": "adam"})
(True, False)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._checks import fail
from ..evaluate import accuracy_interval, scores

__all__ = ["MACRO_SCORES", "run_scores", "repeat_metrics", "repeat_interval",
           "optimizer_summary", "is_sgd", "predicted_labels"]

#: The scores of :func:`run_scores` taken from :func:`course_utils.evaluate.scores`.
MACRO_SCORES = ("precision_macro", "recall_macro", "f1_macro")


def run_scores(run: Any) -> dict[str, float]:
    """Macro precision, recall and F1 on the test split, and the first epoch's val accuracy.

    Parameters
    ----------
    run : RunResult
        A classification run; its cached test probabilities are scored.

    Returns
    -------
    dict
        ``precision_macro``, ``recall_macro``, ``f1_macro`` (from
        :func:`course_utils.evaluate.scores`) and ``val_accuracy_epoch_1``.

    Example
    -------
    >>> from course_utils.data import load_dataset
    >>> from course_utils.models import mlp
    >>> from course_utils.train import fit
    >>> data = load_dataset("digits", limit=60)
    >>> run = fit(mlp(data.input_shape, 10, hidden=(8,)), data, epochs=1, progress=False)
    >>> sorted(run_scores(run))
    ['f1_macro', 'precision_macro', 'recall_macro', 'val_accuracy_epoch_1']
    """
    values = scores(run.data.y_test, run.probabilities("test"),
                    class_names=run.data.class_names)
    out = {name: values[name] for name in MACRO_SCORES}
    out["val_accuracy_epoch_1"] = float(run.history["val_accuracy"].iloc[0])
    return out


def _check_runs(runs: Sequence[Any], func: str) -> list[Any]:
    runs = list(runs)
    if not runs:
        raise fail("runs", func, "a non-empty list of runs", runs)
    return runs


def _accuracy(run: Any, split: str) -> float:
    """Test accuracy from the cached predictions (as the record has it); train and
    validation accuracy from fit's own evaluation, so no split is predicted twice."""
    if split == "test":
        return run.accuracy("test")
    return float(run.metrics[f"{split}_accuracy"])


def repeat_metrics(runs: Sequence[Any]) -> dict[str, float]:
    """The mean of :func:`run_scores` over repeats of one optimizer, and their spread.

    Parameters
    ----------
    runs : sequence of RunResult
        One optimizer's runs, one per seed.

    Returns
    -------
    dict
        The mean of each :func:`run_scores` value; with more than one run also
        ``val_accuracy_std`` and ``test_accuracy_std`` (standard deviation over
        the runs, ``ddof=1``).
    """
    runs = _check_runs(runs, "repeat_metrics")
    each = [run_scores(run) for run in runs]
    out = {name: float(np.mean([e[name] for e in each])) for name in each[0]}
    if len(runs) > 1:
        for split in ("val", "test"):
            out[f"{split}_accuracy_std"] = float(np.std([_accuracy(r, split) for r in runs],
                                                        ddof=1))
    return out


def repeat_interval(runs: Sequence[Any], *, n_boot: int = 2000, seed: int = 0
                  ) -> tuple[float, float]:
    """95% interval of one optimizer's test accuracy, averaged over its repeats.

    One run: the Wilson interval (:func:`course_utils.evaluate.accuracy_interval`).
    Several runs on the same test examples: a percentile bootstrap (``n_boot``
    resamples of the examples, seeded) of the mean over the examples of each
    one's share of correct repeats, so that the interval is centred on the mean
    accuracy and reflects the size of the test set.

    Parameters
    ----------
    runs : sequence of RunResult
        Repeats of one optimizer, scored on the same test split.
    n_boot, seed : int

    Returns
    -------
    (low, high) : tuple of float
    """
    runs = _check_runs(runs, "repeat_interval")
    y = runs[0].data.y_test
    hits = np.array([r.probabilities("test").argmax(axis=1) == y for r in runs], dtype=float)
    if len(runs) == 1:
        return accuracy_interval(y, runs[0].probabilities("test").argmax(axis=1))[1:]
    share = hits.mean(axis=0)
    draws = np.random.default_rng(seed).integers(0, len(share), size=(n_boot, len(share)))
    low, high = np.quantile(share[draws].mean(axis=1), [0.025, 0.975])
    return float(low), float(high)


def optimizer_summary(repeated: Sequence[Any]) -> pd.DataFrame:
    """One row per optimizer: accuracies, the test accuracy's interval, macro scores, seconds.

    Parameters
    ----------
    repeated : sequence of Comparison
        One :class:`course_utils.train.Comparison` per repeat (seed), all with the
        same variants and data.

    Returns
    -------
    pandas.DataFrame
        Indexed by variant: ``train_accuracy``, ``val_accuracy``,
        ``val_accuracy_epoch_1``, ``test_accuracy`` (means over the repeats),
        ``test_low``, ``test_high`` (95% interval of the test accuracy: Wilson's for one
        repeat; for several, a bootstrap over the test examples of each example's share
        of correct repeats, see :func:`repeat_interval`), ``precision_macro``,
        ``recall_macro``, ``f1_macro`` (means),
        ``epoch_seconds`` (mean seconds per epoch); with more than one repeat also
        ``val_accuracy_std`` and ``test_accuracy_std``.
    """
    repeated = _check_runs(repeated, "optimizer_summary")
    rows = {}
    for name in repeated[0].results:
        runs = [comparison[name] for comparison in repeated]
        low, high = repeat_interval(runs)
        row = {f"{split}_accuracy": float(np.mean([_accuracy(r, split) for r in runs]))
               for split in ("train", "val", "test")}
        row.update(test_low=low, test_high=high, **repeat_metrics(runs))
        row["epoch_seconds"] = float(np.mean([r.history["epoch_seconds"].mean() for r in runs]))
        rows[name] = row
    table = pd.DataFrame.from_dict(rows, orient="index").rename_axis("variant")
    lead = ["train_accuracy", "val_accuracy", "val_accuracy_epoch_1", "test_accuracy",
            "test_low", "test_high", *MACRO_SCORES]
    return table[lead + [c for c in table.columns if c not in lead]]


def is_sgd(variant: Mapping[str, Any]) -> bool:
    """Whether a :func:`course_utils.train.optimizer_variants` variant uses SGD (any momentum).

    >>> is_sgd({"optimizer": "sgd", "learning_rate": 0.01}), is_sgd({"optimizer": "rmsprop"})
    (True, False)
    """
    if not isinstance(variant, Mapping) or "optimizer" not in variant:
        raise fail("variant", "is_sgd", "a variant dict with an 'optimizer' key", variant)
    spec = variant["optimizer"]
    name = spec.get("name") if isinstance(spec, Mapping) else spec
    return str(name).lower() == "sgd"


def predicted_labels(comparison: Any) -> dict[str, np.ndarray]:
    """Each variant's predicted test classes (argmax of its cached probabilities).

    Parameters
    ----------
    comparison : Comparison

    Returns
    -------
    dict of str to numpy.ndarray of shape (n_test,)
    """
    return {name: run.probabilities("test").argmax(axis=1)
            for name, run in comparison.results.items()}
