"""Serves notebooks 02_training_callbacks and 04_regularization: tables of trained runs.

Both notebooks compare several runs of one model on the same splits. These
helpers read each run's cached predictions (:meth:`RunResult.probabilities`)
and put the numbers the pages show into tables: every split's accuracy with
its Wilson 95% interval (:func:`accuracy_summary`), a paired comparison of two
runs on the test split (:func:`compare_runs`) or of every run with one baseline
(:func:`compare_to_baseline`), and the scikit-learn scores of each run's test
predictions (:func:`score_table`).

Example
-------
>>> from types import SimpleNamespace
>>> import numpy as np
>>> data = SimpleNamespace(split=lambda split: (None, np.array([0, 1, 1, 0])))
>>> run = SimpleNamespace(name="a", data=data,
...                       probabilities=lambda split: np.eye(2)[[0, 1, 0, 0]])
>>> compare_runs(run, run).diff
0.0
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from .._checks import check_choice, fail
from .._stats import wilson_interval
from ..evaluate import PairedComparison, paired_comparison, scores

__all__ = ["accuracy_summary", "compare_runs", "compare_to_baseline", "score_table"]

_SPLITS = ("train", "val", "test")


def _labels(run: Any, split: str) -> tuple[Any, Any]:
    """True and predicted class indices of a run on one split, from its cached predictions."""
    return run.data.split(split)[1], run.probabilities(split).argmax(axis=1)


def _split_accuracy(run: Any, split: str) -> tuple[float, int]:
    """A run's accuracy on a split and the split's size.

    Test: :meth:`RunResult.accuracy` (the cached predictions the record keeps).
    Train and validation: the accuracy Keras measured after training
    (``metrics["<split>_accuracy"]``) where the run has it, which spares
    predicting those splits again; else :meth:`RunResult.accuracy`.
    """
    n = len(run.data.split(split)[1])
    metrics = getattr(run, "metrics", {}) or {}
    if split != "test" and f"{split}_accuracy" in metrics:
        return float(metrics[f"{split}_accuracy"]), n
    return float(run.accuracy(split)), n


def accuracy_summary(runs: Mapping[str, Any], *, splits: Sequence[str] = _SPLITS,
                     extra: Sequence[str] = ()) -> pd.DataFrame:
    """Each run's accuracy on each split, with its Wilson 95% interval.

    Parameters
    ----------
    runs : mapping of str to RunResult
        Name -> trained classification run.
    splits : sequence of {"train", "val", "test"}, default all three
    extra : sequence of str, default ()
        Attributes of each run to add as columns, e.g. ``("best_epoch", "epochs_run")``.

    Returns
    -------
    pandas.DataFrame
        Indexed by run name; for each split ``<split>_accuracy``, ``<split>_low``
        and ``<split>_high``, then the ``extra`` columns. The test accuracy comes
        from the run's cached test predictions, the train and validation
        accuracies from its metrics where it has them.

    Example
    -------
    >>> from types import SimpleNamespace
    >>> import numpy as np
    >>> data = SimpleNamespace(split=lambda s: (None, np.array([0, 1, 1, 0])))
    >>> run = SimpleNamespace(data=data, best_epoch=3, metrics={}, accuracy=lambda split: 0.75)
    >>> accuracy_summary({"a": run}, splits=["test"], extra=["best_epoch"]).round(3).values
    array([[0.75 , 0.301, 0.954, 3.   ]])
    """
    if not isinstance(runs, Mapping) or not runs:
        raise fail("runs", "accuracy_summary", "a non-empty dict of name -> run", runs)
    for split in splits:
        check_choice(split, "splits", "accuracy_summary", _SPLITS)
    rows = {}
    for name, run in runs.items():
        row: dict[str, float] = {}
        for split in splits:
            acc, n = _split_accuracy(run, split)
            low, high = (wilson_interval(round(acc * n), n, func="accuracy_summary") if n
                         else (float("nan"), float("nan")))
            row.update({f"{split}_accuracy": acc, f"{split}_low": low, f"{split}_high": high})
        row.update({column: getattr(run, column) for column in extra})
        rows[name] = row
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("run")


def compare_runs(first: Any, second: Any, *, split: str = "test", seed: int = 0
                 ) -> PairedComparison:
    """Paired comparison of two runs scored on the same examples (``second - first``).

    Parameters
    ----------
    first, second : RunResult
        Runs on the same data (same split, same example order).
    split : {"train", "val", "test"}, default "test"
    seed : int, default 0
        Seeds the bootstrap of :func:`course_utils.evaluate.paired_comparison`.

    Returns
    -------
    PairedComparison
        ``diff`` is the accuracy of ``second`` minus that of ``first``, with its
        paired-bootstrap 95% interval and McNemar's exact p-value.
    """
    check_choice(split, "split", "compare_runs", _SPLITS)
    truth, pred_a = _labels(first, split)
    other, pred_b = _labels(second, split)
    if len(truth) != len(other) or (truth != other).any():
        raise fail("second", "compare_runs", f"a run scored on the same {split} examples",
                   getattr(second, "name", second))
    return paired_comparison(truth, pred_a, pred_b, seed=seed)


def compare_to_baseline(runs: Mapping[str, Any], baseline: str, *, split: str = "test",
                        seed: int = 0) -> pd.DataFrame:
    """Paired comparison of every run with one baseline run (each minus the baseline).

    Parameters
    ----------
    runs : mapping of str to RunResult
        Runs scored on the same examples, the baseline among them.
    baseline : str
        The name of the run the others are compared with (it gets no row).
    split : {"train", "val", "test"}, default "test"
    seed : int, default 0
        Seeds each bootstrap.

    Returns
    -------
    pandas.DataFrame
        Indexed by run name: the fields of
        :class:`~course_utils.evaluate.PairedComparison` (``acc_a`` is the
        baseline's accuracy, ``diff`` the run's minus the baseline's, with
        ``ci_low``, ``ci_high``, ``mcnemar_p`` and ``within_noise``).

    Example
    -------
    >>> from types import SimpleNamespace
    >>> import numpy as np
    >>> y = np.array([0, 1] * 10)
    >>> make = lambda pred: SimpleNamespace(data=SimpleNamespace(split=lambda s: (None, y)),
    ...                                     probabilities=lambda s: np.eye(2)[pred])
    >>> table = compare_to_baseline({"plain": make(y * 0), "l2": make(y)}, "plain")
    >>> table.loc["l2", ["acc_a", "acc_b", "diff"]].tolist()
    [0.5, 1.0, 0.5]
    """
    if not isinstance(runs, Mapping) or baseline not in runs:
        raise fail("baseline", "compare_to_baseline",
                   f"one of the runs' names {list(runs) if isinstance(runs, Mapping) else ''}",
                   baseline)
    rows = {name: compare_runs(runs[baseline], run, split=split, seed=seed).as_dict()
            for name, run in runs.items() if name != baseline}
    columns = list(PairedComparison.__dataclass_fields__)
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns).rename_axis("run")


def score_table(runs: Mapping[str, Any]) -> pd.DataFrame:
    """scikit-learn's scores of each run's test probabilities, one row per run.

    Returns
    -------
    pandas.DataFrame
        Indexed by run name; the columns of :func:`course_utils.evaluate.scores`
        (accuracy, macro and weighted precision/recall/F1, ROC AUC, log loss).
    """
    if not isinstance(runs, Mapping) or not runs:
        raise fail("runs", "score_table", "a non-empty dict of name -> run", runs)
    rows = {name: scores(run.data.y_test, run.probabilities("test"),
                         class_names=run.data.class_names) for name, run in runs.items()}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("run")
