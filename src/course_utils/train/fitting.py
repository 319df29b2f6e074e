"""One training run: :func:`fit` compiles, trains and scores a model on a dataset.

fit runs in steps, each a function here: check the options (:func:`_plan`),
build the model from the seed, compile, assemble the callbacks, train, tidy the
history, score every split.
"""

from __future__ import annotations

import importlib.util
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import keras
import numpy as np
import pandas as pd

from .._checks import check_bool, check_choice, check_int, check_number, fail
from .callbacks import CallbackStack, callback_options, check_callbacks
from .distribution import replica_count, undistributed, whole_batches
from .optimizers import get_optimizer, set_seed
from .result import SPLITS, RunResult

__all__ = ["fit"]


class _NoRetracingWarning(logging.Filter):
    """Drop TensorFlow's "triggered tf.function retracing" warning.

    Every variant of ``run_variants`` is a fresh model that traces its own
    train and predict functions, which TensorFlow reports as excessive
    retracing; here that is expected, and the warning would clutter notebooks.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "triggered tf.function retracing" not in record.getMessage()


logging.getLogger("tensorflow").addFilter(_NoRetracingWarning())

# loss name -> (class, takes from_logits, labels one-hot for classification)
_LOSSES: dict[str, tuple[type, bool, bool]] = {
    "sparse_categorical_crossentropy": (keras.losses.SparseCategoricalCrossentropy, True, False),
    "categorical_crossentropy": (keras.losses.CategoricalCrossentropy, True, True),
    "binary_crossentropy": (keras.losses.BinaryCrossentropy, True, True),
    "mse": (keras.losses.MeanSquaredError, False, True),
    "mae": (keras.losses.MeanAbsoluteError, False, True),
}


@dataclass(frozen=True)
class _Plan:
    """fit's options, checked: what to compile, how to train, which callbacks."""

    loss: str
    from_logits: bool
    one_hot: bool
    metrics: tuple
    epochs: int
    batch_size: int
    seed: int
    verbose: int
    progress: bool
    early_stopping: dict | None
    reduce_lr: dict | None
    callbacks: tuple

    def labels(self, y: np.ndarray, num_classes: int) -> np.ndarray:
        """``y`` as the loss wants it: class indices, or one-hot rows."""
        return np.eye(num_classes, dtype="float32")[y] if self.one_hot else y


def _check_files(checkpoint: Any, tensorboard: Any) -> None:
    if checkpoint is not None and not str(checkpoint).endswith(".keras"):
        raise fail("checkpoint", "fit", "a path ending in '.keras'", str(checkpoint),
                   hint=f"Use e.g. {Path(checkpoint).stem + '.keras'!r}.")
    if tensorboard is not None and importlib.util.find_spec("tensorboard") is None:
        raise fail("tensorboard", "fit", "None unless the tensorboard package is installed",
                   str(tensorboard), hint="Install tensorboard or pass tensorboard=None.")


def _check_weights(data: Any, augment: Any, sample_weight: Any) -> None:
    if augment is not None and not callable(augment):
        raise fail("augment", "fit", "None or a callable (e.g. make_augmenter(...))", augment)
    if augment is not None and sample_weight is not None:
        raise fail("sample_weight", "fit", "None when 'augment' is given",
                   type(sample_weight).__name__,
                   hint="It cannot be combined with 'augment' (the augmented pipeline yields "
                   "no weights); drop one of them.")
    if sample_weight is not None and len(sample_weight) != len(data.y_train):
        raise fail("sample_weight", "fit", f"an array with one weight per training example "
                   f"({len(data.y_train)})", f"{len(sample_weight)} weights")


def _plan(data: Any, options: Mapping[str, Any]) -> _Plan:
    """Check fit's options (everything but the model), before anything is built."""
    regression = data.task == "regression"
    loss = options["loss"] or ("mse" if regression else "sparse_categorical_crossentropy")
    check_choice(loss, "loss", "fit", sorted(_LOSSES))
    if options["learning_rate"] is not None and not isinstance(
            options["learning_rate"], keras.optimizers.schedules.LearningRateSchedule):
        check_number(options["learning_rate"], "learning_rate", "fit", minimum=0)
    _check_files(options["checkpoint"], options["tensorboard"])
    _check_weights(data, options["augment"], options["sample_weight"])
    metrics = options["metrics"]
    if metrics is None:
        metrics = ("mae",) if regression else ("accuracy",)
    elif isinstance(metrics, str) or not isinstance(metrics, Sequence):
        raise fail("metrics", "fit", "None or a list of metric names or Keras metrics", metrics)
    return _Plan(
        loss=loss,
        from_logits=check_bool(options["from_logits"], "from_logits", "fit"),
        one_hot=_LOSSES[loss][2] and not regression,
        metrics=tuple(metrics),
        epochs=check_int(options["epochs"], "epochs", "fit", minimum=1),
        batch_size=check_int(options["batch_size"], "batch_size", "fit", minimum=1),
        seed=check_int(options["seed"], "seed", "fit", minimum=0),
        verbose=check_int(options["verbose"], "verbose", "fit", minimum=0, maximum=2),
        progress=check_bool(options["progress"], "progress", "fit"),
        early_stopping=callback_options(options["early_stopping"], "early_stopping"),
        reduce_lr=callback_options(options["reduce_lr"], "reduce_lr"),
        callbacks=tuple(check_callbacks(options["callbacks"])),
    )


def _seeded_model(model: keras.Model | Callable[[], keras.Model], seed: int) -> keras.Model:
    """Seed, and build the model if given a builder (then seed again for training)."""
    if not isinstance(model, keras.Model) and not callable(model):
        raise fail("model", "fit", "a Keras model or a function that builds one",
                   type(model).__name__)
    set_seed(seed)
    if not isinstance(model, keras.Model):
        model = model()
        set_seed(seed)  # building drew from the generator; training starts from the seed
    return model


def _metric(name: Any, one_hot: bool) -> Any:
    if not isinstance(name, str):
        return name
    table = {
        "accuracy": (keras.metrics.CategoricalAccuracy if one_hot
                     else keras.metrics.SparseCategoricalAccuracy),
        "mae": keras.metrics.MeanAbsoluteError,
        "mse": keras.metrics.MeanSquaredError,
    }
    check_choice(name, "metrics", "fit", sorted(table))
    return table[name](name=name)


#: Batches Keras runs per call into the compiled step. On small models the
#: per-step overhead, not the arithmetic, dominates a CPU epoch; 32 steps per
#: call gives the same weights and metrics in about half the time
#: (``benchmarks/bench_train_step.py``). Epoch-level callbacks are unaffected.
#: Under a TensorFlow distribution strategy it is 1: Keras' multi-step loop
#: fails there on a ragged last batch.
STEPS_PER_EXECUTION = 32


def _steps_per_execution() -> int:
    if replica_count() > 1 and keras.backend.backend() == "tensorflow":
        return 1
    return STEPS_PER_EXECUTION


class _Validation(keras.callbacks.Callback):
    """Adds ``val_<metric>`` to each epoch's logs, with any JAX distribution lifted.

    Under a JAX distribution Keras' own validation would split the validation
    batches between the devices and fail on a ragged last batch; this callback
    runs first, so the early stopping, checkpoint and history that follow read
    the same values Keras' validation would give.
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, batch_size: int) -> None:
        super().__init__()
        self.x, self.y, self.batch_size = x, y, batch_size

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        with undistributed():
            scores = self.model.evaluate(self.x, self.y, batch_size=self.batch_size,
                                         verbose=0, return_dict=True)
        if logs is not None:
            logs.update({f"val_{k}": float(v) for k, v in scores.items()})


def _compile(model: keras.Model, plan: _Plan, optimizer: Any, learning_rate: Any) -> None:
    loss_class, takes_logits, _ = _LOSSES[plan.loss]
    model.compile(
        steps_per_execution=_steps_per_execution(),
        optimizer=get_optimizer(optimizer, learning_rate=learning_rate),
        loss=loss_class(from_logits=plan.from_logits) if takes_logits else loss_class(),
        metrics=[_metric(m, plan.one_hot) for m in plan.metrics],
    )


def _train(model: keras.Model, data: Any, plan: _Plan, callbacks: list,
           augment: Callable | None, sample_weight: np.ndarray | None) -> tuple[Any, float]:
    """Run ``model.fit``; return Keras' History and the seconds it took.

    The global batch is ``plan.batch_size`` per replica times the replicas.
    """
    validation = ((data.x_val, plan.labels(data.y_val, data.num_classes))
                  if len(data.y_val) else None)
    batch_size = plan.batch_size * replica_count()
    multiple = whole_batches()
    if multiple > 1:  # JAX splits each batch evenly between the devices
        keep = len(data.y_train) - len(data.y_train) % multiple
        data = replace(data, x_train=data.x_train[:keep], y_train=data.y_train[:keep])
        sample_weight = None if sample_weight is None else sample_weight[:keep]
        if validation is not None:
            callbacks = [_Validation(*validation, batch_size), *callbacks]
            validation = None
    start = time.perf_counter()
    if augment is not None:
        train = data.tf_dataset("train", batch_size=batch_size, seed=plan.seed,
                                augment=augment, one_hot=plan.one_hot)
        keras_history = model.fit(train, epochs=plan.epochs, validation_data=validation,
                                  shuffle=False, callbacks=callbacks, verbose=plan.verbose)
    else:
        keras_history = model.fit(
            data.x_train, plan.labels(data.y_train, data.num_classes),
            batch_size=batch_size, epochs=plan.epochs, validation_data=validation,
            sample_weight=sample_weight, shuffle=True, callbacks=callbacks,
            verbose=plan.verbose,
        )
    return keras_history, time.perf_counter() - start


def _history_frame(keras_history: Any) -> pd.DataFrame:
    """Keras' History as one row per epoch, ``epoch`` counted from 1."""
    history = pd.DataFrame(keras_history.history).drop(columns=["learning_rate"],
                                                       errors="ignore")
    history.insert(0, "epoch", np.arange(1, len(history) + 1))
    return history


def _best_epoch(history: pd.DataFrame, stopper: keras.callbacks.EarlyStopping | None) -> int:
    """Epoch (from 1) the EarlyStopping judged best, else that of lowest val_loss (loss)."""
    if stopper is not None:
        return int(stopper.best_epoch) + 1  # its monitor, mode and min_delta count
    monitor = "val_loss" if "val_loss" in history else "loss"
    return int(np.argmin(history[monitor].to_numpy())) + 1


def _score(model: keras.Model, data: Any, plan: _Plan) -> dict[str, float]:
    """Keras' evaluation of every non-empty split: ``<split>_loss``, ``<split>_<metric>``."""
    scores: dict[str, float] = {}
    batch_size = plan.batch_size * replica_count()
    for split in SPLITS:
        x, y = data.split(split)
        if len(y):
            with undistributed():
                out = model.evaluate(x, plan.labels(y, data.num_classes),
                                     batch_size=batch_size, verbose=0, return_dict=True)
            scores.update({f"{split}_{k}": float(v) for k, v in out.items()})
    return scores


def fit(
    model: keras.Model | Callable[[], keras.Model],
    data: Any,
    *,
    name: str = "model",
    optimizer: str | Mapping[str, Any] | keras.optimizers.Optimizer = "adam",
    learning_rate: float | None = None,
    loss: str | None = None,
    from_logits: bool = False,
    metrics: Sequence[Any] | None = None,
    epochs: int = 10,
    batch_size: int = 32,
    seed: int = 0,
    early_stopping: bool | Mapping[str, Any] = False,
    reduce_lr: bool | Mapping[str, Any] = False,
    checkpoint: str | Path | None = None,
    history_csv: str | Path | None = None,
    tensorboard: str | Path | None = None,
    augment: Callable[[Any], Any] | None = None,
    sample_weight: np.ndarray | None = None,
    verbose: int = 0,
    progress: bool = True,
    callbacks: Sequence[keras.callbacks.Callback] | None = None,
) -> RunResult:
    """Compile and train ``model`` on ``data``, then score every split.

    Parameters
    ----------
    model : keras.Model or callable
        An uncompiled (or compiled: it is re-compiled) model, or a function of
        no arguments that builds one: it is called right after
        ``set_seed(seed)``, so every run of the same builder starts from the
        same initial weights.
    data : Dataset
        From :func:`course_utils.data.load_dataset`; trains on ``train``,
        validates on ``val``, scores ``train``/``val``/``test``.
    name : str, default "model"
        Run name (progress bar, results).
    optimizer : str, dict or keras.optimizers.Optimizer, default "adam"
        See :func:`~course_utils.train.get_optimizer`.
    learning_rate : float, optional
        Overrides the optimizer's learning rate.
    loss : str, optional
        ``"sparse_categorical_crossentropy"`` (default for classification),
        ``"categorical_crossentropy"``, ``"binary_crossentropy"``, ``"mse"``
        (default for regression) or ``"mae"``. All but the first give the labels
        one-hot for classification.
    from_logits : bool, default False
        The model outputs logits (``output_activation=None``); passed to the loss,
        and :meth:`RunResult.probabilities` applies softmax.
    metrics : sequence, optional
        Default ``("accuracy",)`` for classification, ``("mae",)`` for regression.
    epochs, batch_size : int, default 10, 32
        NumPy integers work too; booleans do not. ``batch_size`` is per device:
        under :func:`~course_utils.train.use_distribution` the global batch is
        ``batch_size`` times :func:`~course_utils.train.replica_count`.
    seed : int, default 0
        :func:`~course_utils.train.set_seed` before training (shuffling, dropout).
    early_stopping : bool or dict, default False
        Shortcut: ``True`` adds EarlyStopping(monitor="val_loss", patience=5,
        restore_best_weights=True); a dict overrides some of those options.
    reduce_lr : bool or dict, default False
        Shortcut: ``True`` adds ReduceLROnPlateau(monitor="val_loss", factor=0.1,
        patience=3); a dict overrides some of those options.
    checkpoint : path, optional
        Shortcut: ModelCheckpoint saving the best-``val_loss`` model there; must
        end in ``.keras``.
    history_csv : path, optional
        Write the per-epoch logs there (CSVLogger).
    tensorboard : path, optional
        TensorBoard log folder.
    augment : callable, optional
        Batch-level augmentation; training then reads ``data.tf_dataset("train")``.
    sample_weight : array of shape (n_train,), optional
        Per-example training weights (e.g. fairness reweighing). Not with ``augment``.
    verbose : int, default 0
        Keras' own output.
    progress : bool, default True
        One tqdm bar over the epochs.
    callbacks : list of keras.callbacks.Callback, optional
        Keras' own callbacks, e.g. ``[keras.callbacks.EarlyStopping(...),
        keras.callbacks.ReduceLROnPlateau(...),
        keras.callbacks.ModelCheckpoint(...)]``; they run after the shortcuts'
        ones. The run's ``best_epoch`` is that of its EarlyStopping (the last
        one restoring best weights, else the first), judged by its monitor,
        mode and ``min_delta``.

    Returns
    -------
    RunResult

    Examples
    --------
    >>> import keras
    >>> from course_utils.data import load_dataset
    >>> from course_utils.models import mlp
    >>> data = load_dataset("digits", limit=60)
    >>> early = keras.callbacks.EarlyStopping(monitor="val_loss", patience=1)
    >>> result = fit(mlp(data.input_shape, 10, hidden=(8,)), data, epochs=1,
    ...              callbacks=[early], progress=False)
    >>> result.best_epoch, sorted(result.metrics)[:2]
    (1, ['test_accuracy', 'test_loss'])
    """
    plan = _plan(data, {
        "loss": loss, "learning_rate": learning_rate, "checkpoint": checkpoint,
        "tensorboard": tensorboard, "augment": augment, "sample_weight": sample_weight,
        "metrics": metrics, "from_logits": from_logits, "epochs": epochs,
        "batch_size": batch_size, "seed": seed, "verbose": verbose, "progress": progress,
        "early_stopping": early_stopping, "reduce_lr": reduce_lr, "callbacks": callbacks,
    })
    model = _seeded_model(model, plan.seed)
    _compile(model, plan, optimizer, learning_rate)
    stack = CallbackStack.build(
        name=name, epochs=plan.epochs, early_stopping=plan.early_stopping,
        reduce_lr=plan.reduce_lr, checkpoint=checkpoint, extra=plan.callbacks,
        history_csv=history_csv, tensorboard=tensorboard, progress=plan.progress,
    )
    keras_history, wall = _train(model, data, plan, stack.callbacks, augment, sample_weight)
    history = _history_frame(keras_history)
    return RunResult(
        name=name, model=model, history=history, best_epoch=_best_epoch(history, stack.stopper),
        stopped_epoch=len(history), wall_seconds=wall, params=int(model.count_params()),
        metrics=_score(model, data, plan), data=data, from_logits=plan.from_logits,
        batch_size=plan.batch_size,
    )
