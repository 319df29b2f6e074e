"""Serves notebook 02_training_callbacks: what the callbacks did, read from the runs.

Notebook 02 trains the course's Model S with no callback, with early stopping,
with learning-rate reduction and with all of them plus a checkpoint. The page's
sentences are chosen by the numbers these helpers return: how the validation
loss and the train-validation gap moved after a given epoch
(:func:`drift_after`), whether two runs give the same predictions
(:func:`prediction_agreement`), each split's accuracy with its 95% interval
(:func:`accuracy_summary`), paired test comparisons (:func:`compare_runs`) and
the full test scores of a run (:func:`score_table`). :func:`image_size_for`
picks the input size per dataset.

Example
-------
>>> import pandas as pd
>>> history = pd.DataFrame({"epoch": [1, 2, 3], "loss": [1.0, 0.6, 0.4],
...                         "val_loss": [1.0, 0.8, 0.9], "accuracy": [0.5, 0.7, 0.8],
...                         "val_accuracy": [0.5, 0.6, 0.6]})
>>> {k: round(v, 3) for k, v in drift_after(history, epoch=2).items()}
{'epochs': 1, 'val_loss_change': 0.1, 'val_loss_above_best': 0.1, 'train_loss_change': -0.2, \
'gap_change': 0.1}
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._checks import check_choice, check_int, fail, require_columns
from ._run_tables import accuracy_summary, compare_runs, score_table

__all__ = [
    "DIGITS_IMAGE_SIZE",
    "image_size_for",
    "drift_after",
    "prediction_agreement",
    "accuracy_summary",
    "compare_runs",
    "score_table",
]

#: Digits are upsampled to the course's CIFAR-10 size, so that Model S's three
#: poolings leave a feature map (8x8 would shrink to 1x1).
DIGITS_IMAGE_SIZE = (32, 32)


def image_size_for(dataset_name: str, image_size: Sequence[int] | None = None
                   ) -> tuple[int, int] | None:
    """The input size to load: ``image_size`` when given, else 32x32 for digits, else None.

    ``None`` keeps the files' own size (Fashion-MNIST's 28x28).

    >>> image_size_for("digits"), image_size_for("fashion_mnist")
    ((32, 32), None)
    >>> image_size_for("image_folder", [32, 32])
    (32, 32)
    """
    if image_size is not None:
        return int(image_size[0]), int(image_size[1])
    return DIGITS_IMAGE_SIZE if dataset_name == "digits" else None


def drift_after(history: pd.DataFrame, *, epoch: int) -> dict[str, float]:
    """How a run's losses and train-validation gap moved from ``epoch`` to its last epoch.

    The gap is the training accuracy (as Keras averaged it during the epoch)
    minus the validation accuracy; a validation loss that rises while the
    training loss falls, and a widening gap, are the marks of overfitting.

    Parameters
    ----------
    history : pandas.DataFrame
        :attr:`RunResult.history` with ``epoch`` (from 1), ``loss``,
        ``val_loss``, ``accuracy`` and ``val_accuracy``.
    epoch : int
        The epoch (from 1) to measure from, e.g. the last one before the first
        learning-rate cut.

    Returns
    -------
    dict
        ``epochs`` (how many epochs followed ``epoch``), ``val_loss_change``,
        ``train_loss_change`` and ``gap_change`` (last epoch minus ``epoch``), and
        ``val_loss_above_best``: the last validation loss minus the lowest one up
        to ``epoch``, which one noisy epoch cannot sway as it sways a difference
        of two epochs.
    """
    require_columns(history, ["epoch", "loss", "val_loss", "accuracy", "val_accuracy"],
                    "history", "drift_after")
    epoch = check_int(epoch, "epoch", "drift_after", minimum=1, maximum=len(history))
    start, end = history.iloc[epoch - 1], history.iloc[-1]

    def gap(row: pd.Series) -> float:
        return float(row["accuracy"] - row["val_accuracy"])

    return {
        "epochs": len(history) - epoch,
        "val_loss_change": float(end["val_loss"] - start["val_loss"]),
        "val_loss_above_best": float(end["val_loss"] - history["val_loss"].iloc[:epoch].min()),
        "train_loss_change": float(end["loss"] - start["loss"]),
        "gap_change": gap(end) - gap(start),
    }


def prediction_agreement(first: Any, second: Any, *, split: str = "test") -> dict[str, Any]:
    """Whether two runs give the same answers on a split (e.g. a checkpoint and its source).

    Parameters
    ----------
    first, second : RunResult
        Runs scored on the same examples; their cached predictions are compared.
    split : {"train", "val", "test"}, default "test"

    Returns
    -------
    dict
        ``same_labels`` (bool: every predicted class equal), ``label_differences``
        (how many examples differ), ``max_difference`` (largest absolute
        difference of a predicted probability) and ``accuracy_difference``
        (``second`` minus ``first``).

    Example
    -------
    >>> from types import SimpleNamespace
    >>> y = np.array([0, 1])
    >>> make = lambda p: SimpleNamespace(data=SimpleNamespace(split=lambda s: (None, y)),
    ...                                  probabilities=lambda s: np.array(p))
    >>> agreement = prediction_agreement(make([[0.9, 0.1], [0.2, 0.8]]),
    ...                                  make([[0.8, 0.2], [0.2, 0.8]]))
    >>> agreement["same_labels"], round(agreement["max_difference"], 3)
    (True, 0.1)
    """
    check_choice(split, "split", "prediction_agreement", ("train", "val", "test"))
    a, b = np.asarray(first.probabilities(split)), np.asarray(second.probabilities(split))
    if a.shape != b.shape:
        raise fail("second", "prediction_agreement",
                   f"a run with predictions of the same shape as the first's {a.shape}",
                   f"shape {b.shape}")
    truth = first.data.split(split)[1]
    labels_a, labels_b = a.argmax(axis=1), b.argmax(axis=1)
    differences = int((labels_a != labels_b).sum())
    return {
        "same_labels": differences == 0,
        "label_differences": differences,
        "max_difference": float(np.abs(a - b).max()) if a.size else 0.0,
        "accuracy_difference": float(np.mean(labels_b == truth) - np.mean(labels_a == truth)),
    }
