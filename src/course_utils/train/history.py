"""After a run: checkpoints reloaded, histories read back and compared, what late epochs did."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import keras
import numpy as np
import pandas as pd

from .._checks import check_int, fail
from ..models import ImagePreprocessing  # noqa: F401  (registers the custom layer for loading)
from .result import SPLITS, RunResult

__all__ = ["load_model", "reload_checkpoint", "read_history_csv", "history_difference",
           "lr_cuts", "after_best_epoch"]


def load_model(path: str | Path) -> keras.Model:
    """Load a model saved by a checkpoint (a ``.keras`` file).

    Examples
    --------
    >>> model = load_model("results/best.keras")  # doctest: +SKIP
    """
    path = Path(path)
    if path.suffix != ".keras" or not path.is_file():
        raise fail("path", "load_model", "an existing '.keras' file", str(path))
    return keras.saving.load_model(str(path))


def reload_checkpoint(run: RunResult, path: str | Path, *,
                      name: str = "checkpoint_reloaded") -> RunResult:
    """Load a run's checkpoint file and score it on every split.

    Parameters
    ----------
    run : RunResult
        The run that wrote the checkpoint; its data, history and epochs are kept.
    path : path
        The ``.keras`` file.
    name : str, default "checkpoint_reloaded"
        Name of the new run.

    Returns
    -------
    RunResult
        The reloaded model, with ``metrics`` ``<split>_accuracy``
        (:meth:`RunResult.accuracy`: the argmax of its predicted probabilities;
        ``<split>_mae`` for regression) and ``wall_seconds`` the time spent
        loading and scoring.

    Examples
    --------
    >>> reloaded = reload_checkpoint(run, "results/best.keras")  # doctest: +SKIP
    """
    start = time.perf_counter()
    reloaded = replace(run, name=name, model=load_model(path), metrics={})
    metrics = {}
    for split in SPLITS:
        y = run.data.split(split)[1]
        if len(y):
            if run.data.task == "regression":
                out = reloaded.probabilities(split)
                metrics[f"{split}_mae"] = float(np.mean(np.abs(out - y)))
            else:
                metrics[f"{split}_accuracy"] = reloaded.accuracy(split)
    return replace(reloaded, metrics=metrics, wall_seconds=time.perf_counter() - start)


def read_history_csv(path: str | Path) -> pd.DataFrame:
    """Read a ``history_csv=`` file (Keras' CSVLogger) as a history, epochs from 1.

    Examples
    --------
    >>> read_history_csv("results/history.csv")["epoch"].iloc[0]  # doctest: +SKIP
    1
    """
    path = Path(path)
    if not path.is_file():
        raise fail("path", "read_history_csv", "an existing CSV file", path.name,
                   hint="It does not exist; train with history_csv= first.")
    frame = pd.read_csv(path)
    return frame.assign(epoch=frame["epoch"] + 1)


def history_difference(first: pd.DataFrame, second: pd.DataFrame, *,
                       columns: Sequence[str] = ("loss", "val_loss")) -> float:
    """Largest absolute difference between two histories over their common epochs.

    Parameters
    ----------
    first, second : pandas.DataFrame
        Histories (:attr:`RunResult.history` or :func:`read_history_csv`).
    columns : sequence of str, default ("loss", "val_loss")

    Returns
    -------
    float
        0.0 when the runs agree exactly, e.g. an early-stopped run and a longer
        run of the same seed, up to the stop.

    Examples
    --------
    >>> short = pd.DataFrame({"loss": [1.0, 0.5], "val_loss": [1.0, 0.9]})
    >>> longer = pd.DataFrame({"loss": [1.0, 0.5, 0.1], "val_loss": [1.0, 0.8, 2.0]})
    >>> round(history_difference(short, longer), 6)
    0.1
    """
    missing = [c for c in columns if c not in first or c not in second]
    if missing:
        raise fail("columns", "history_difference", "columns both histories have",
                   list(columns), hint=f"It names {missing}, which a history lacks (columns "
                   f"{list(first.columns)} and {list(second.columns)}).")
    n = min(len(first), len(second))
    a = first[list(columns)].to_numpy(dtype=float)[:n]
    b = second[list(columns)].to_numpy(dtype=float)[:n]
    return float(np.abs(a - b).max()) if n else float("nan")


def lr_cuts(history: pd.DataFrame) -> list[int]:
    """Epochs (from 1) that started with a lower learning rate than the epoch before.

    Examples
    --------
    >>> lr_cuts(pd.DataFrame({"epoch": [1, 2, 3], "lr": [0.1, 0.1, 0.01]}))
    [3]
    """
    if "lr" not in history:
        raise fail("history", "lr_cuts", "a history with an 'lr' column (fit records one)",
                   f"columns {list(history.columns)}")
    lr = history["lr"].to_numpy(dtype=float)
    epochs = history["epoch"].to_numpy()
    return [int(e) for e in epochs[1:][lr[1:] < lr[:-1]]]


def after_best_epoch(history: pd.DataFrame, *, best_epoch: int) -> dict[str, Any]:
    """What the epochs after the best one did: losses, accuracies and seconds at both ends.

    Parameters
    ----------
    history : pandas.DataFrame
        A classification run's history with ``loss``, ``val_loss``,
        ``accuracy``, ``val_accuracy`` and ``epoch_seconds``.
    best_epoch : int
        Epoch (from 1) of the best weights, e.g. :attr:`RunResult.best_epoch`.

    Returns
    -------
    dict
        ``best_epoch``, ``epochs``, ``best_val_loss``, ``end_val_loss``,
        ``best_train_loss``, ``end_train_loss``, ``end_gap`` (train minus
        validation accuracy at the last epoch), ``val_accuracy_gain`` (last minus
        best epoch), ``val_loss_rise`` (last minus best epoch's validation
        loss) and ``extra_seconds`` (training time after the best epoch), as
        plain numbers.

    Examples
    --------
    >>> history = pd.DataFrame({"loss": [1.0, 0.5, 0.2], "val_loss": [1.0, 0.6, 0.7],
    ...                         "accuracy": [0.5, 0.8, 0.9], "val_accuracy": [0.5, 0.7, 0.75],
    ...                         "epoch_seconds": [1.0, 2.0, 4.0]})
    >>> facts = after_best_epoch(history, best_epoch=2)
    >>> facts["extra_seconds"], round(facts["val_loss_rise"], 3)
    (4.0, 0.1)
    """
    best_epoch = check_int(best_epoch, "best_epoch", "after_best_epoch", minimum=1,
                           maximum=len(history))
    best, end = history.iloc[best_epoch - 1], history.iloc[-1]
    return {
        "best_epoch": best_epoch,
        "epochs": len(history),
        "best_val_loss": float(best["val_loss"]),
        "end_val_loss": float(end["val_loss"]),
        "best_train_loss": float(best["loss"]),
        "end_train_loss": float(end["loss"]),
        "end_gap": float(end["accuracy"] - end["val_accuracy"]),
        "val_accuracy_gain": float(end["val_accuracy"] - best["val_accuracy"]),
        "val_loss_rise": float(end["val_loss"] - best["val_loss"]),
        "extra_seconds": float(history["epoch_seconds"].iloc[best_epoch:].sum()),
    }
