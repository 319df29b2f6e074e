"""What one training run produced: :class:`RunResult`, with its predictions cached."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import keras
import numpy as np
import pandas as pd

from .._checks import check_choice, fail
from .distribution import undistributed

__all__ = ["SPLITS", "RunResult"]

#: The splits a run is scored on, in order.
SPLITS = ("train", "val", "test")


@dataclass
class RunResult:
    """What one training run produced.

    Predictions of a split are computed once, on first use, and kept:
    :meth:`probabilities` and :meth:`accuracy` (and :meth:`predict` given a
    split name) return the same array every time. Train the model further
    through :func:`~course_utils.train.fit`, which returns a new result.

    Attributes
    ----------
    name : str
        Run (variant) name.
    model : keras.Model
        The trained model (best weights restored when early stopping asked so).
    history : pandas.DataFrame
        One row per epoch: ``epoch`` (from 1), ``loss``, metrics, ``val_*``,
        ``lr``, ``epoch_seconds``.
    best_epoch : int
        Epoch (from 1) that early stopping judged best (its monitor, mode and
        ``min_delta``; the weights it restored), else the epoch of lowest ``val_loss``.
    stopped_epoch : int
        Epochs actually run.
    wall_seconds : float
        Seconds spent in ``model.fit``.
    params : int
        ``model.count_params()``.
    metrics : dict of str to float
        ``train_accuracy``, ``val_accuracy``, ``test_accuracy``, ``test_loss`` ...
        (``<split>_loss`` and ``<split>_<metric>`` for every split and metric,
        as Keras evaluated them).
    data : Dataset
        The data the run trained and was scored on.
    from_logits : bool
        The model outputs logits; predictions get a softmax.
    batch_size : int
        Batch size of the predictions.

    Examples
    --------
    >>> from course_utils.data import load_dataset
    >>> from course_utils.models import mlp
    >>> from course_utils.train import fit
    >>> data = load_dataset("digits", limit=60)
    >>> run = fit(mlp(data.input_shape, 10, hidden=(8,)), data, epochs=1, progress=False)
    >>> run.probabilities("test") is run.probabilities("test")
    True
    >>> 0.0 <= run.accuracy("test") <= 1.0
    True
    """

    name: str
    model: keras.Model = field(repr=False)
    history: pd.DataFrame = field(repr=False)
    best_epoch: int
    stopped_epoch: int
    wall_seconds: float
    params: int
    metrics: dict[str, float]
    data: Any = field(repr=False, default=None)
    from_logits: bool = False
    batch_size: int = 32
    _predictions: dict[str, np.ndarray] = field(default_factory=dict, init=False, repr=False,
                                                compare=False)

    @property
    def epochs_run(self) -> int:
        """Epochs actually run (same as ``stopped_epoch``)."""
        return self.stopped_epoch

    def _predict_inputs(self, x: np.ndarray) -> np.ndarray:
        """The model's outputs for ``x``: probabilities, or values for a regression."""
        with undistributed():  # JAX would split the batches between devices, ragged ones too
            out = np.asarray(self.model.predict(x, batch_size=self.batch_size, verbose=0))
        if self.from_logits:
            out = np.asarray(keras.ops.convert_to_numpy(keras.ops.softmax(out, axis=-1)))
        if self.data is not None and self.data.task == "regression" and out.shape[-1] == 1:
            out = out.reshape(-1)
        return out

    def probabilities(self, split: str = "test") -> np.ndarray:
        """Predictions of one split, computed once and cached (read-only).

        Parameters
        ----------
        split : {"train", "val", "test"}, default "test"

        Returns
        -------
        numpy.ndarray
            Class probabilities ``(n, num_classes)`` (softmax applied when the
            model outputs logits), or values ``(n,)`` for a one-output regression.
        """
        check_choice(split, "split", "probabilities", SPLITS)
        if split not in self._predictions:
            out = self._predict_inputs(self.data.split(split)[0])
            out.setflags(write=False)
            self._predictions[split] = out
        return self._predictions[split]

    def accuracy(self, split: str = "test") -> float:
        """Share of a split's examples whose most probable class is the true one.

        Computed from :meth:`probabilities` (so it agrees with the saved
        predictions); ``nan`` for an empty split.
        """
        check_choice(split, "split", "accuracy", SPLITS)
        if self.data.task == "regression":
            raise fail("split", "accuracy", "a split of a classification run", split,
                       hint=f"Run {self.name!r} is a regression; use its metrics' "
                       f"'{split}_mae' instead.")
        y = self.data.split(split)[1]
        if not len(y):
            return float("nan")
        return float(np.mean(self.probabilities(split).argmax(axis=1) == y))

    def predict(self, split: str | np.ndarray = "test") -> np.ndarray:
        """Predict a split (``"train"``, ``"val"``, ``"test"``) or an array of inputs.

        A split name returns :meth:`probabilities` of that split (cached); an
        array is predicted afresh.

        Returns
        -------
        numpy.ndarray
            Class probabilities ``(n, num_classes)`` (softmax applied when the
            model outputs logits), or values ``(n,)`` for a one-output regression.

        Examples
        --------
        >>> result.predict("test").shape  # doctest: +SKIP
        (36, 10)
        """
        if isinstance(split, str):
            if split not in SPLITS:
                raise fail("split", "predict", f"one of {list(SPLITS)} or an array", split)
            return self.probabilities(split)
        return self._predict_inputs(np.asarray(split))
