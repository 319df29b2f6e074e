"""Serves notebook 05_evaluation: the Fashion-MNIST course's analysis of one classifier.

Notebook 05 trains the course's baseline MLP on the course's own split
(:func:`course_data`), scores every split and every class with a Wilson 95%
interval (:func:`split_accuracy_table`, :func:`class_accuracy_table`,
:func:`accuracy_table`), names the
classes it mixes up (:func:`confused_pairs`), and compares a model retrained on
super-classes with the baseline (:func:`compare_correct`, which works even when
the two answer different questions, as long as they are scored on the same
examples). :func:`metric_name` turns a class or group name into the name of its
metric in the record (``class_accuracy_t_shirt_top``).

Example
-------
>>> metric_name("T-shirt/top"), metric_name("Ankle boot")
('t_shirt_top', 'ankle_boot')
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._checks import Shown, check_int, fail
from ..data import AUTO, Dataset, image_dataset, load_dataset
from ..evaluate import PairedComparison, accuracy_interval, paired_comparison, per_class_accuracy

__all__ = [
    "COURSE_VAL_FRACTION",
    "course_data",
    "metric_name",
    "accuracy_table",
    "split_accuracy_table",
    "class_accuracy_table",
    "confused_pairs",
    "compare_correct",
]

#: The Fashion-MNIST course's validation share of the 60,000 training images (10,000).
COURSE_VAL_FRACTION = 1 / 6


def course_data(dataset: str, data_dir: str | os.PathLike | None = None, **options: Any
                ) -> Dataset:
    """Load ``dataset``; Fashion-MNIST on the course's split, anything else as asked.

    ``"auto"`` stands for Fashion-MNIST where its files are installed, else the
    embedded digits (:func:`course_utils.data.image_dataset`). Fashion-MNIST gets
    the original course's split, 50,000 train / 10,000 validation drawn with
    ``train_test_split(test_size=1/6, random_state=42)``, and the official 10,000
    test images; options given here override those.

    Parameters
    ----------
    dataset : str
        ``"auto"`` or a name :func:`course_utils.data.load_dataset` takes.
    data_dir : path, optional
    **options
        Passed on to :func:`~course_utils.data.load_dataset` (``seed``, ``limit``, ...).

    Returns
    -------
    Dataset

    Example
    -------
    >>> course_data("digits", limit=20).name
    'digits'
    """
    name = image_dataset(data_dir) if dataset == AUTO else dataset
    if str(name).strip().lower().replace("-", "_") in ("fashion_mnist", "fashionmnist"):
        options = {"val_fraction": COURSE_VAL_FRACTION, "val_split": "course", **options}
    return load_dataset(name, data_dir, **options)


def metric_name(name: str) -> str:
    """A class or group name as a metric suffix: lower case, spaces, slashes, dashes -> ``_``.

    >>> metric_name("Top"), metric_name("T-shirt/top")
    ('top', 't_shirt_top')
    """
    if not isinstance(name, str) or not name.strip():
        raise fail("name", "metric_name", "a non-empty string", name)
    return re.sub(r"[\s/\-]+", "_", name.strip().lower())


def accuracy_table(answers: Mapping[str, tuple[Any, Any]]) -> pd.DataFrame:
    """Accuracy of several sets of answers, each with its Wilson 95% interval.

    Parameters
    ----------
    answers : mapping of str to (y_true, y_pred)
        Row name -> true and predicted class indices (each row may have its own
        labels, for example ten classes against three super-classes).

    Returns
    -------
    pandas.DataFrame
        Indexed by the names: ``examples``, ``accuracy``, ``low``, ``high``.

    Example
    -------
    >>> accuracy_table({"a": ([0, 1, 1, 0], [0, 1, 1, 1])}).round(3).values.tolist()
    [[4.0, 0.75, 0.301, 0.954]]
    """
    if not isinstance(answers, Mapping) or not answers:
        raise fail("answers", "accuracy_table", "a non-empty dict of name -> (y_true, y_pred)",
                   answers)
    rows = {}
    for name, (truth, pred) in answers.items():
        acc, low, high = accuracy_interval(truth, pred)
        rows[name] = {"examples": len(truth), "accuracy": acc, "low": low, "high": high}
    return pd.DataFrame.from_dict(rows, orient="index")


def split_accuracy_table(run: Any) -> pd.DataFrame:
    """Accuracy of a trained run on each split, with its Wilson 95% interval.

    Parameters
    ----------
    run : RunResult
        From :func:`course_utils.train.fit`; its cached predictions are used.

    Returns
    -------
    pandas.DataFrame
        Columns ``split``, ``examples``, ``accuracy``, ``low``, ``high``; empty
        splits are left out.
    """
    answers = {}
    for split in ("train", "val", "test"):
        y = run.data.split(split)[1]
        if len(y):
            answers[split] = (y, run.probabilities(split).argmax(axis=1))
    return accuracy_table(answers).rename_axis("split").reset_index()


def class_accuracy_table(y_true, y_pred, *, class_names: Sequence[str],
                         prefix: str = "class_accuracy_") -> pd.DataFrame:
    """Accuracy within each true class with its Wilson 95% interval, and its metric name.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n,)
        True and predicted class indices.
    class_names : sequence of str
    prefix : str, default "class_accuracy_"
        Start of each metric name (``"group_accuracy_"`` for super-classes).

    Returns
    -------
    pandas.DataFrame
        Columns ``class``, ``support``, ``accuracy`` (as
        :func:`course_utils.evaluate.per_class_accuracy`), ``low``, ``high``
        (NaN for a class with no examples) and ``metric``
        (``<prefix><name>``, the name as :func:`metric_name` writes it).

    Example
    -------
    >>> table = class_accuracy_table([0, 0, 1, 1], [0, 1, 1, 1], class_names=["Shirt", "Bag"])
    >>> table[["class", "accuracy", "metric"]].values.tolist()
    [['Shirt', 0.5, 'class_accuracy_shirt'], ['Bag', 1.0, 'class_accuracy_bag']]
    """
    table = per_class_accuracy(y_true, y_pred, class_names=class_names)
    truth, pred = np.asarray(y_true), np.asarray(y_pred)
    bounds = []
    for index in range(len(table)):
        rows = truth == index
        bounds.append(accuracy_interval(truth[rows], pred[rows])[1:] if rows.any()
                      else (np.nan, np.nan))
    table["low"], table["high"] = [b[0] for b in bounds], [b[1] for b in bounds]
    table["metric"] = [f"{prefix}{metric_name(str(c))}" for c in table["class"]]
    return table


def confused_pairs(y_true, y_pred, *, class_names: Sequence[str], k: int = 3) -> pd.DataFrame:
    """The ``k`` pairs of classes mixed up most often, counting both directions.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n,)
    class_names : sequence of str
    k : int, default 3

    Returns
    -------
    pandas.DataFrame
        Columns ``first``, ``second`` (in class order), ``count`` (examples of
        either class predicted as the other), ``share`` (of the examples of the
        two classes), sorted by ``count`` descending; pairs never confused are
        left out.

    Example
    -------
    >>> pairs = confused_pairs([0, 0, 1, 2], [1, 0, 0, 2], class_names=["a", "b", "c"])
    >>> pairs.values.tolist()
    [['a', 'b', 2, 0.6666666666666666]]
    """
    k = check_int(k, "k", "confused_pairs", minimum=1)
    names = [str(c) for c in class_names]
    truth, pred = np.asarray(y_true), np.asarray(y_pred)
    counts = np.zeros((len(names), len(names)), dtype=np.int64)
    np.add.at(counts, (truth, pred), 1)
    support = counts.sum(axis=1)
    rows = [
        {"first": names[a], "second": names[b], "count": int(counts[a, b] + counts[b, a]),
         "share": float((counts[a, b] + counts[b, a]) / max(support[a] + support[b], 1))}
        for a in range(len(names)) for b in range(a + 1, len(names))
        if counts[a, b] + counts[b, a] > 0
    ]
    table = pd.DataFrame(rows, columns=["first", "second", "count", "share"])
    table = table.sort_values("count", ascending=False, kind="stable")
    return table.head(k).reset_index(drop=True)


def compare_correct(correct_a, correct_b, *, seed: int = 0) -> PairedComparison:
    """Paired comparison of two models from where each was right, on the same examples.

    The two models may answer different questions (ten classes against three
    super-classes): only which examples each got right matters. This is
    :func:`course_utils.evaluate.paired_comparison` with every example's "label"
    being "right".

    Parameters
    ----------
    correct_a, correct_b : array-like of bool, shape (n,)
        True where model a (the reference) and model b were right.
    seed : int, default 0
        Seeds the bootstrap.

    Returns
    -------
    PairedComparison
        ``diff`` is b's accuracy minus a's, with its bootstrap 95% interval.

    Example
    -------
    >>> cmp = compare_correct([True, False, True, False], [True, True, True, False])
    >>> cmp.acc_a, cmp.acc_b, cmp.n01
    (0.5, 0.75, 1)
    """
    a = np.asarray(correct_a)
    b = np.asarray(correct_b)
    for name, values in (("correct_a", a), ("correct_b", b)):
        if values.dtype != bool:
            raise fail(name, "compare_correct", "an array of booleans (True where right)",
                       Shown(f"an array of dtype {values.dtype}"))
    return paired_comparison(np.ones(len(a), dtype=np.int64), a.astype(np.int64),
                             b.astype(np.int64), seed=seed)
