"""Callbacks: the shortcuts of :func:`~course_utils.train.fit` and the ones it always adds.

``fit(early_stopping=..., reduce_lr=..., checkpoint=...)`` build the same Keras
callbacks a notebook can build itself and pass in ``fit(callbacks=[...])``;
:class:`CallbackStack` puts them in the order fit runs them and finds the
EarlyStopping whose best epoch the run reports.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keras
from tqdm import tqdm  # plain text bars: no ipywidgets needed in notebooks

from .._checks import fail

__all__ = ["EARLY_STOPPING", "REDUCE_LR", "callback_options", "CallbackStack",
           "check_callbacks", "best_stopper"]

#: ``early_stopping=True`` of fit: these EarlyStopping options (a dict overrides some).
EARLY_STOPPING = {"monitor": "val_loss", "patience": 5, "min_delta": 0.0,
                  "restore_best_weights": True}
_EARLY_STOPPING_KEYS = {"monitor", "patience", "min_delta", "mode", "baseline",
                        "restore_best_weights", "start_from_epoch", "verbose"}
#: ``reduce_lr=True`` of fit: these ReduceLROnPlateau options (a dict overrides some).
REDUCE_LR = {"monitor": "val_loss", "factor": 0.1, "patience": 3}
_REDUCE_LR_KEYS = {"monitor", "factor", "patience", "min_delta", "cooldown", "min_lr",
                   "mode", "verbose"}
_SHORTCUTS = {"early_stopping": (EARLY_STOPPING, _EARLY_STOPPING_KEYS),
              "reduce_lr": (REDUCE_LR, _REDUCE_LR_KEYS)}


def callback_options(value: Any, parameter: str) -> dict | None:
    """The options of the ``early_stopping`` or ``reduce_lr`` shortcut (``None``: off).

    >>> callback_options({"patience": 2}, "early_stopping")["patience"]
    2
    """
    defaults, allowed = _SHORTCUTS[parameter]
    if value is False or value is None:
        return None
    if value is True:
        return dict(defaults)
    if isinstance(value, Mapping):
        unknown = set(value) - allowed
        if unknown:
            raise fail(parameter, "fit", f"True, False or a dict of some of {sorted(allowed)}",
                       dict(value), hint=f"It got unknown options {sorted(unknown)}.")
        return {**defaults, **value}
    raise fail(parameter, "fit", "True, False or a dict of options", value)


def check_callbacks(value: Any) -> list[keras.callbacks.Callback]:
    """``fit``'s ``callbacks``: ``None`` or a sequence of Keras callback objects."""
    expected = "None or a list of keras.callbacks.Callback objects"
    if value is None:
        return []
    if isinstance(value, keras.callbacks.Callback | str | Mapping) or not isinstance(
            value, Sequence):
        raise fail("callbacks", "fit", expected, value,
                   hint="Wrap a single callback in a list." if isinstance(
                       value, keras.callbacks.Callback) else "")
    bad = [c for c in value if not isinstance(c, keras.callbacks.Callback)]
    if bad:
        raise fail("callbacks", "fit", expected, value,
                   hint=f"{bad[0]!r} is not a keras.callbacks.Callback.")
    return list(value)


def best_stopper(callbacks: Sequence[keras.callbacks.Callback]
                 ) -> keras.callbacks.EarlyStopping | None:
    """The EarlyStopping whose best epoch a run reports.

    The last one that restores its best weights (it restores last, so the
    model ends with its weights), else the first one; ``None`` without any.
    """
    stoppers = [c for c in callbacks if isinstance(c, keras.callbacks.EarlyStopping)]
    restoring = [c for c in stoppers if c.restore_best_weights]
    if restoring:
        return restoring[-1]
    return stoppers[0] if stoppers else None


class _EpochLog(keras.callbacks.Callback):
    """Adds the epoch's learning rate (``lr``) and duration (``epoch_seconds``) to the logs."""

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()
        self._lr = float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate))

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["lr"] = self._lr
            logs["epoch_seconds"] = time.perf_counter() - self._start


class _ProgressBar(keras.callbacks.Callback):
    """One tqdm bar per run, one step per epoch, showing loss and val_accuracy."""

    def __init__(self, name: str, epochs: int):
        super().__init__()
        self._options = {"total": epochs, "desc": name, "unit": "epoch"}

    def on_train_begin(self, logs=None):
        self._bar = tqdm(**self._options)

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        shown = {k: f"{logs[k]:.4f}" for k in ("loss", "val_accuracy", "val_loss") if k in logs}
        if "val_accuracy" in shown:
            shown.pop("val_loss")
        self._bar.set_postfix(shown, refresh=False)
        self._bar.update(1)

    def on_train_end(self, logs=None):
        self._bar.close()


def _path_parent(path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class CallbackStack:
    """The callbacks of one run, in the order fit hands them to Keras.

    First the epoch log (learning rate, seconds), then the shortcuts'
    EarlyStopping, ReduceLROnPlateau and ModelCheckpoint, then the caller's
    own callbacks, then the CSV log, TensorBoard and the progress bar.

    Attributes
    ----------
    callbacks : list of keras.callbacks.Callback
    stopper : keras.callbacks.EarlyStopping or None
        The one whose best epoch is the run's (:func:`best_stopper`).
    """

    callbacks: list[keras.callbacks.Callback]
    stopper: keras.callbacks.EarlyStopping | None

    @classmethod
    def build(cls, *, name: str, epochs: int, early_stopping: dict | None,
              reduce_lr: dict | None, checkpoint: str | Path | None,
              extra: Sequence[keras.callbacks.Callback] = (),
              history_csv: str | Path | None = None, tensorboard: str | Path | None = None,
              progress: bool = True) -> CallbackStack:
        """Build the stack from fit's (already checked) options."""
        trained: list[keras.callbacks.Callback] = []
        if early_stopping:
            trained.append(keras.callbacks.EarlyStopping(**early_stopping))
        if reduce_lr:
            trained.append(keras.callbacks.ReduceLROnPlateau(**reduce_lr))
        if checkpoint is not None:
            trained.append(keras.callbacks.ModelCheckpoint(
                str(_path_parent(checkpoint)), monitor="val_loss", save_best_only=True))
        trained += list(extra)
        logs: list[keras.callbacks.Callback] = []
        if history_csv is not None:
            logs.append(keras.callbacks.CSVLogger(str(_path_parent(history_csv))))
        if tensorboard is not None:
            logs.append(keras.callbacks.TensorBoard(log_dir=str(tensorboard)))
        if progress:
            logs.append(_ProgressBar(name, epochs))
        return cls([_EpochLog(), *trained, *logs], best_stopper(trained))
