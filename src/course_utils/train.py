"""Training: seeds, optimizers and callbacks by name, one run, a comparison of variants.

:func:`fit` compiles a model, trains it quietly under one progress bar, and
returns a :class:`RunResult` with a tidy per-epoch history (loss, metrics,
learning rate, seconds) and train/val/test metrics of the final (or, with early
stopping, the restored best) model. :func:`run_variants` repeats that for a
dict of variants, each from a fresh model and the same seed, and returns a
:class:`Comparison`.

Example
-------
>>> from course_utils.data import load_dataset
>>> from course_utils.models import mlp
>>> data = load_dataset("digits", limit=200)
>>> result = fit(mlp(data.input_shape, 10, hidden=(32,)), data, epochs=2, progress=False)
>>> sorted(result.metrics)[:2]
['test_accuracy', 'test_loss']
"""

from __future__ import annotations

import importlib.util
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import keras
import numpy as np
import pandas as pd
from tqdm import tqdm  # plain text bars: no ipywidgets needed in notebooks

from . import models as _models  # registers the custom layers for load_model
from .errors import ParameterError

__all__ = [
    "set_seed",
    "get_optimizer",
    "optimizer_variants",
    "fit",
    "RunResult",
    "run_variants",
    "Comparison",
    "load_model",
    "reload_checkpoint",
    "read_history_csv",
    "history_difference",
    "lr_cuts",
    "after_best_epoch",
    "cnn_trial_variants",
    "OPTIMIZERS",
]


class _NoRetracingWarning(logging.Filter):
    """Drop TensorFlow's "triggered tf.function retracing" warning.

    Every variant of :func:`run_variants` is a fresh model that traces its own
    train and predict functions, which TensorFlow reports as excessive
    retracing; here that is expected, and the warning would clutter notebooks.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "triggered tf.function retracing" not in record.getMessage()


logging.getLogger("tensorflow").addFilter(_NoRetracingWarning())

# name -> (class, default keyword arguments): the one place optimizer names resolve.
OPTIMIZERS: dict[str, tuple[type, dict[str, Any]]] = {
    "sgd": (keras.optimizers.SGD, {}),
    "momentum": (keras.optimizers.SGD, {"momentum": 0.9}),
    "nesterov": (keras.optimizers.SGD, {"momentum": 0.9, "nesterov": True}),
    "adam": (keras.optimizers.Adam, {}),
    "adamax": (keras.optimizers.Adamax, {}),
    "rmsprop": (keras.optimizers.RMSprop, {}),
    "adagrad": (keras.optimizers.Adagrad, {}),
    "nadam": (keras.optimizers.Nadam, {}),
}

# loss name -> (class, takes from_logits, labels one-hot for classification)
_LOSSES: dict[str, tuple[type, bool, bool]] = {
    "sparse_categorical_crossentropy": (keras.losses.SparseCategoricalCrossentropy, True, False),
    "categorical_crossentropy": (keras.losses.CategoricalCrossentropy, True, True),
    "binary_crossentropy": (keras.losses.BinaryCrossentropy, True, True),
    "mse": (keras.losses.MeanSquaredError, False, True),
    "mae": (keras.losses.MeanAbsoluteError, False, True),
}

_EARLY_STOPPING = {"monitor": "val_loss", "patience": 5, "min_delta": 0.0,
                   "restore_best_weights": True}
_EARLY_STOPPING_KEYS = {"monitor", "patience", "min_delta", "mode", "baseline",
                        "restore_best_weights", "start_from_epoch", "verbose"}
_REDUCE_LR = {"monitor": "val_loss", "factor": 0.1, "patience": 3}
_REDUCE_LR_KEYS = {"monitor", "factor", "patience", "min_delta", "cooldown", "min_lr",
                   "mode", "verbose"}
_SPLITS = ("train", "val", "test")


def set_seed(seed: int, *, deterministic: bool = True) -> None:
    """Seed Python, NumPy and the backend; make TensorFlow ops deterministic.

    Parameters
    ----------
    seed : int
        The seed.
    deterministic : bool, default True
        On the TensorFlow backend, also call
        ``tf.config.experimental.enable_op_determinism()`` (process-wide, and it
        cannot be switched off again; some GPU ops have no deterministic kernel
        and then raise, so a GPU run may pass ``False``).

    Example
    -------
    >>> set_seed(0)
    """
    if not isinstance(seed, int | np.integer) or isinstance(seed, bool):
        raise ParameterError(f"The 'seed' parameter must be an int. Got {seed!r} instead.")
    keras.utils.set_random_seed(int(seed))
    if deterministic and keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()


def get_optimizer(spec: str | Mapping[str, Any] | keras.optimizers.Optimizer = "adam", *,
                  learning_rate: float | None = None) -> keras.optimizers.Optimizer:
    """Resolve an optimizer name, dict or object.

    Parameters
    ----------
    spec : str, dict or keras.optimizers.Optimizer, default "adam"
        A name in :data:`OPTIMIZERS` (``"momentum"`` is SGD with momentum 0.9,
        ``"nesterov"`` adds Nesterov), a dict ``{"name": ..., **kwargs}`` such as
        ``{"name": "sgd", "learning_rate": 0.01, "momentum": 0.9}``, or an object.
    learning_rate : float, optional
        Overrides the learning rate of any of these.

    Returns
    -------
    keras.optimizers.Optimizer

    Example
    -------
    >>> float(get_optimizer({"name": "sgd", "momentum": 0.5}, learning_rate=0.01).momentum)
    0.5
    """
    if isinstance(spec, keras.optimizers.Optimizer):
        if learning_rate is not None:
            spec.learning_rate = learning_rate
        return spec
    if isinstance(spec, str):
        name, kwargs = spec, {}
    elif isinstance(spec, Mapping) and "name" in spec:
        kwargs = {k: v for k, v in spec.items() if k != "name"}
        name = spec["name"]
    else:
        raise ParameterError(
            "The 'optimizer' parameter must be a name, a dict with a 'name' key or a Keras "
            f"optimizer. Got {spec!r} instead."
        )
    if name not in OPTIMIZERS:
        raise ParameterError(
            f"The 'optimizer' parameter must be one of {sorted(OPTIMIZERS)}. Got {name!r} instead."
        )
    if "lr" in kwargs:
        raise ParameterError(
            f"The 'optimizer' dict {dict(spec)!r} uses 'lr'; Keras 3 calls it 'learning_rate'."
        )
    cls, defaults = OPTIMIZERS[name]
    options = {**defaults, **kwargs}
    if learning_rate is not None:
        options["learning_rate"] = learning_rate
    try:
        return cls(**options)
    except (TypeError, ValueError) as error:
        raise ParameterError(
            f"The 'optimizer' options {kwargs!r} do not fit {cls.__name__}: {error}"
        ) from error


def _optimizer_label(spec: str | Mapping[str, Any]) -> str:
    if isinstance(spec, str):
        return spec
    options = {k: v for k, v in spec.items() if k not in ("name", "label")}
    if spec["name"] == "sgd" and set(options) == {"momentum"}:
        return f"momentum_{options['momentum']:g}"
    return "_".join([str(spec["name"]), *(f"{k}_{v:g}" if isinstance(v, float) else f"{k}_{v}"
                                          for k, v in sorted(options.items()))])


def optimizer_variants(
    optimizers: Sequence[str | Mapping[str, Any]],
    *,
    learning_rates: float | Mapping[str, float] | None = None,
) -> dict[str, dict[str, Any]]:
    """Turn a list of optimizer specs into named :func:`run_variants` variants.

    Parameters
    ----------
    optimizers : sequence of str or dict
        Names (``"sgd"``, ``"adam"``, ...) or dicts ``{"name": ..., **options}``
        as :func:`get_optimizer` takes them; a dict may carry a ``"label"``.
        The variant is named by the label, else the name, except that
        ``{"name": "sgd", "momentum": m}`` is ``"momentum_<m>"`` and other
        options are appended (``"adam_beta_1_0.8"``).
    learning_rates : float or dict, optional
        One learning rate for all, or a dict keyed by variant name or optimizer
        name (the variant name wins); optimizers left out keep Keras' default.

    Returns
    -------
    dict of str to dict
        ``{variant: {"optimizer": spec, "learning_rate": lr}}`` (no
        ``learning_rate`` key where the default is kept).

    Example
    -------
    >>> sorted(optimizer_variants(["sgd", {"name": "sgd", "momentum": 0.9}],
    ...                           learning_rates={"sgd": 0.01}))
    ['momentum_0.9', 'sgd']
    """
    if isinstance(optimizers, str | Mapping) or not optimizers:
        raise ParameterError(
            "The 'optimizers' parameter must be a non-empty list of names or dicts. "
            f"Got {optimizers!r} instead."
        )
    variants: dict[str, dict[str, Any]] = {}
    for spec in optimizers:
        if not (isinstance(spec, str) or (isinstance(spec, Mapping) and "name" in spec)):
            raise ParameterError(
                "Each entry of the 'optimizers' parameter must be a name or a dict with a "
                f"'name' key. Got {spec!r} instead."
            )
        label = spec.get("label") if isinstance(spec, Mapping) else None
        label = str(label) if label is not None else _optimizer_label(spec)
        if label in variants:
            raise ParameterError(
                f"The 'optimizers' parameter lists {label!r} twice; give one a 'label'."
            )
        clean = spec if isinstance(spec, str) else {k: v for k, v in spec.items()
                                                    if k != "label"}
        name = spec if isinstance(spec, str) else str(spec["name"])
        get_optimizer(clean)  # fail here, before any training, on a bad spec
        variant: dict[str, Any] = {"optimizer": clean}
        if isinstance(learning_rates, Mapping):
            rate = learning_rates.get(label, learning_rates.get(name))
        else:
            rate = learning_rates
        if rate is not None:
            if isinstance(rate, bool) or not isinstance(rate, int | float) or rate <= 0:
                raise ParameterError(
                    f"The 'learning_rates' entry for {label!r} must be a positive number. "
                    f"Got {rate!r} instead."
                )
            variant["learning_rate"] = float(rate)
        variants[label] = variant
    return variants


def _callback_options(value: Any, parameter: str, defaults: dict, allowed: set) -> dict | None:
    if value is False or value is None:
        return None
    if value is True:
        return dict(defaults)
    if isinstance(value, Mapping):
        unknown = set(value) - allowed
        if unknown:
            raise ParameterError(
                f"The {parameter!r} parameter got unknown options {sorted(unknown)}; "
                f"expected some of {sorted(allowed)}."
            )
        return {**defaults, **value}
    raise ParameterError(
        f"The {parameter!r} parameter must be True, False or a dict of options. "
        f"Got {value!r} instead."
    )


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
class RunResult:
    """What one training run produced.

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
        Epoch (from 1) that early stopping judged best (its monitor and
        ``min_delta``; the weights it restored), else the epoch of lowest ``val_loss``.
    stopped_epoch : int
        Epochs actually run.
    wall_seconds : float
        Seconds spent in ``model.fit``.
    params : int
        ``model.count_params()``.
    metrics : dict of str to float
        ``train_accuracy``, ``val_accuracy``, ``test_accuracy``, ``test_loss`` ...
        (``<split>_loss`` and ``<split>_<metric>`` for every split and metric).
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

    @property
    def epochs_run(self) -> int:
        """Epochs actually run (same as ``stopped_epoch``)."""
        return self.stopped_epoch

    def predict(self, split: str | np.ndarray = "test") -> np.ndarray:
        """Predict a split (``"train"``, ``"val"``, ``"test"``) or an array of inputs.

        Returns
        -------
        numpy.ndarray
            Class probabilities ``(n, num_classes)`` (softmax applied when the
            model outputs logits), or values ``(n,)`` for a one-output regression.

        Example
        -------
        >>> result.predict("test").shape  # doctest: +SKIP
        (36, 10)
        """
        if isinstance(split, str):
            if split not in _SPLITS:
                raise ParameterError(
                    f"The 'split' parameter of predict must be one of {list(_SPLITS)} or an "
                    f"array. Got {split!r} instead."
                )
            x = self.data.split(split)[0]
        else:
            x = np.asarray(split)
        out = np.asarray(self.model.predict(x, batch_size=self.batch_size, verbose=0))
        if self.from_logits:
            out = np.asarray(keras.ops.convert_to_numpy(keras.ops.softmax(out, axis=-1)))
        if self.data is not None and self.data.task == "regression" and out.shape[-1] == 1:
            out = out.reshape(-1)
        return out


def _metric(name: Any, one_hot: bool) -> Any:
    if not isinstance(name, str):
        return name
    table = {
        "accuracy": (keras.metrics.CategoricalAccuracy if one_hot
                     else keras.metrics.SparseCategoricalAccuracy),
        "mae": keras.metrics.MeanAbsoluteError,
        "mse": keras.metrics.MeanSquaredError,
    }
    if name not in table:
        raise ParameterError(
            f"The 'metrics' parameter lists {name!r}; expected names among {sorted(table)} "
            "or Keras metric objects."
        )
    return table[name](name=name)


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
        See :func:`get_optimizer`.
    learning_rate : float, optional
        Overrides the optimizer's learning rate.
    loss : str, optional
        ``"sparse_categorical_crossentropy"`` (default for classification),
        ``"categorical_crossentropy"``, ``"binary_crossentropy"``, ``"mse"``
        (default for regression) or ``"mae"``. All but the first give the labels
        one-hot for classification.
    from_logits : bool, default False
        The model outputs logits (``output_activation=None``); passed to the loss,
        and :meth:`RunResult.predict` applies softmax.
    metrics : sequence, optional
        Default ``("accuracy",)`` for classification, ``("mae",)`` for regression.
    epochs, batch_size : int, default 10, 32
    seed : int, default 0
        :func:`set_seed` before training (shuffling, dropout).
    early_stopping : bool or dict, default False
        ``True`` is EarlyStopping(monitor="val_loss", patience=5,
        restore_best_weights=True); a dict overrides some of those options.
    reduce_lr : bool or dict, default False
        ``True`` is ReduceLROnPlateau(monitor="val_loss", factor=0.1, patience=3).
    checkpoint : path, optional
        Save the best-``val_loss`` model there; must end in ``.keras``.
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

    Returns
    -------
    RunResult

    Example
    -------
    >>> result = fit(model, data, optimizer="sgd", epochs=3)  # doctest: +SKIP
    >>> result.metrics["test_accuracy"]  # doctest: +SKIP
    """
    regression = data.task == "regression"
    loss = loss or ("mse" if regression else "sparse_categorical_crossentropy")
    if loss not in _LOSSES:
        raise ParameterError(
            f"The 'loss' parameter must be one of {sorted(_LOSSES)}. Got {loss!r} instead."
        )
    if not isinstance(epochs, int) or epochs < 1:
        raise ParameterError(f"The 'epochs' parameter must be an int >= 1. Got {epochs!r}.")
    if checkpoint is not None and not str(checkpoint).endswith(".keras"):
        raise ParameterError(
            f"The 'checkpoint' parameter must be a path ending in '.keras'. Got "
            f"{str(checkpoint)!r}; use e.g. {Path(checkpoint).stem + '.keras'!r}."
        )
    if augment is not None and sample_weight is not None:
        raise ParameterError(
            "The 'sample_weight' parameter cannot be combined with 'augment' (the augmented "
            "pipeline yields no weights). Got both; drop one of them."
        )
    if tensorboard is not None and importlib.util.find_spec("tensorboard") is None:
        raise ParameterError(
            f"The 'tensorboard' parameter ({str(tensorboard)!r}) needs the tensorboard "
            "package, which is not installed; install it or pass tensorboard=None."
        )
    if sample_weight is not None and len(sample_weight) != len(data.y_train):
        raise ParameterError(
            f"The 'sample_weight' parameter must have one weight per training example "
            f"({len(data.y_train)}). Got {len(sample_weight)}."
        )
    loss_class, takes_logits, one_hot = _LOSSES[loss]
    one_hot = one_hot and not regression
    metric_names = metrics if metrics is not None else (("mae",) if regression else ("accuracy",))

    set_seed(seed)
    if not isinstance(model, keras.Model):
        if not callable(model):
            raise ParameterError(
                "The 'model' parameter of fit must be a Keras model or a function that builds "
                f"one. Got {type(model).__name__} instead."
            )
        model = model()
        set_seed(seed)  # building drew from the generator; training starts from the seed
    model.compile(
        optimizer=get_optimizer(optimizer, learning_rate=learning_rate),
        loss=loss_class(from_logits=from_logits) if takes_logits else loss_class(),
        metrics=[_metric(m, one_hot) for m in metric_names],
    )

    es = _callback_options(early_stopping, "early_stopping", _EARLY_STOPPING,
                           _EARLY_STOPPING_KEYS)
    rl = _callback_options(reduce_lr, "reduce_lr", _REDUCE_LR, _REDUCE_LR_KEYS)
    callbacks: list[keras.callbacks.Callback] = [_EpochLog()]
    stopper = keras.callbacks.EarlyStopping(**es) if es else None
    if stopper is not None:
        callbacks.append(stopper)
    if rl:
        callbacks.append(keras.callbacks.ReduceLROnPlateau(**rl))
    if checkpoint is not None:
        callbacks.append(keras.callbacks.ModelCheckpoint(
            str(_path_parent(checkpoint)), monitor="val_loss", save_best_only=True))
    if history_csv is not None:
        callbacks.append(keras.callbacks.CSVLogger(str(_path_parent(history_csv))))
    if tensorboard is not None:
        callbacks.append(keras.callbacks.TensorBoard(log_dir=str(tensorboard)))
    if progress:
        callbacks.append(_ProgressBar(name, epochs))

    def labels(y: np.ndarray) -> np.ndarray:
        return np.eye(data.num_classes, dtype="float32")[y] if one_hot else y

    validation = (data.x_val, labels(data.y_val)) if len(data.y_val) else None
    start = time.perf_counter()
    if augment is not None:
        train = data.tf_dataset("train", batch_size=batch_size, seed=seed, augment=augment,
                                one_hot=one_hot)
        keras_history = model.fit(train, epochs=epochs, validation_data=validation,
                                  shuffle=False, callbacks=callbacks, verbose=verbose)
    else:
        keras_history = model.fit(
            data.x_train, labels(data.y_train), batch_size=batch_size, epochs=epochs,
            validation_data=validation, sample_weight=sample_weight, shuffle=True,
            callbacks=callbacks, verbose=verbose,
        )
    wall = time.perf_counter() - start

    history = pd.DataFrame(keras_history.history).drop(columns=["learning_rate"],
                                                       errors="ignore")
    history.insert(0, "epoch", np.arange(1, len(history) + 1))
    if stopper is not None:
        best = stopper.best_epoch  # the epoch EarlyStopping judged best (min_delta counts)
    else:
        monitor = "val_loss" if "val_loss" in history else "loss"
        best = np.argmin(history[monitor].to_numpy())

    scores: dict[str, float] = {}
    for split in _SPLITS:
        x, y = data.split(split)
        if len(y):
            out = model.evaluate(x, labels(y), batch_size=batch_size, verbose=0, return_dict=True)
            scores.update({f"{split}_{k}": float(v) for k, v in out.items()})
    return RunResult(
        name=name, model=model, history=history, best_epoch=int(best) + 1,
        stopped_epoch=len(history), wall_seconds=wall, params=int(model.count_params()),
        metrics=scores, data=data, from_logits=from_logits, batch_size=batch_size,
    )


@dataclass
class Comparison:
    """Results of :func:`run_variants`, one :class:`RunResult` per variant.

    Attributes
    ----------
    results : dict of str to RunResult
        In the order the variants were given.
    """

    results: dict[str, RunResult]

    @property
    def history(self) -> pd.DataFrame:
        """Tidy per-epoch history: ``variant``, ``epoch``, ``loss``, ..., ``epoch_seconds``."""
        frames = [r.history.assign(variant=name) for name, r in self.results.items()]
        table = pd.concat(frames, ignore_index=True)
        return table[["variant", *[c for c in table.columns if c != "variant"]]]

    @property
    def summary(self) -> pd.DataFrame:
        """One row per variant: params, split metrics, best/run epochs, seconds."""
        lead = ["train_accuracy", "val_accuracy", "test_accuracy", "test_loss"]
        rows = []
        for name, r in self.results.items():
            ordered = {k: r.metrics[k] for k in lead if k in r.metrics}
            ordered.update({k: v for k, v in r.metrics.items() if k not in ordered})
            rows.append({"variant": name, "params": r.params, **ordered,
                         "best_epoch": r.best_epoch, "epochs_run": r.stopped_epoch,
                         "epoch_seconds": float(r.history["epoch_seconds"].mean()),
                         "wall_seconds": r.wall_seconds})
        return pd.DataFrame(rows)

    def __getitem__(self, name: str) -> RunResult:
        return self.results[name]


_BUILDERS = {"mlp": _models.mlp, "cnn": _models.cnn, "transfer": _models.transfer}


def _resolve_build(build: Callable[..., keras.Model] | str, data: Any) -> Callable:
    if callable(build):
        return build
    if build == "rnn":
        return lambda **kw: _models.rnn(data.input_shape, **kw)
    if build in _BUILDERS:
        return lambda **kw: _BUILDERS[build](data.input_shape, data.num_classes, **kw)
    raise ParameterError(
        "The 'build' parameter of run_variants must be a callable or one of "
        f"{sorted([*_BUILDERS, 'rnn'])}. Got {build!r} instead."
    )


def run_variants(
    variants: Mapping[str, Mapping[str, Any]],
    data: Any,
    *,
    build: Callable[..., keras.Model] | str,
    epochs: int = 10,
    batch_size: int = 32,
    seed: int = 0,
    progress: bool = True,
    **fit_kwargs: Any,
) -> Comparison:
    """Train each variant from a fresh model and the same seed.

    Parameters
    ----------
    variants : dict of str to dict
        ``{name: {"model": {build kwargs}, **fit kwargs}}``, e.g.
        ``{"sgd": {"optimizer": "sgd"}, "wide": {"model": {"hidden": (256,)}}}``.
        A variant's fit kwargs (including ``epochs``) override the common ones,
        and a ``"build"`` key overrides ``build`` for that variant (e.g. one
        ``"mlp"`` among ``"cnn"`` variants).
    data : Dataset
    build : callable or {"mlp", "cnn", "rnn", "transfer"}
        ``build(**model_kwargs) -> keras.Model``; a name calls that builder of
        :mod:`course_utils.models` with ``data.input_shape`` (and ``data.num_classes``).
    epochs, batch_size, seed : int
        Common settings.
    progress : bool, default True
        A bar over the variants and one per run.
    **fit_kwargs
        Common :func:`fit` options.

    Returns
    -------
    Comparison

    Example
    -------
    >>> cmp = run_variants({"sgd": {"optimizer": "sgd"}, "adam": {}}, data,
    ...                    build="mlp", epochs=3)  # doctest: +SKIP
    >>> cmp.summary  # doctest: +SKIP
    """
    if not isinstance(variants, Mapping) or not variants:
        raise ParameterError(
            f"The 'variants' parameter must be a non-empty dict of name -> options. Got "
            f"{variants!r}."
        )
    for spec in [{"build": build}, *variants.values()]:
        if "build" in spec:
            _resolve_build(spec["build"], data)  # fail before any training
    results: dict[str, RunResult] = {}
    names = tqdm(list(variants), desc="variants", unit="variant", disable=not progress)
    for name in names:
        spec = dict(variants[name])
        model_kwargs = spec.pop("model", {})
        builder = _resolve_build(spec.pop("build", build), data)
        options = {"epochs": epochs, "batch_size": batch_size, "seed": seed, **fit_kwargs,
                   **spec}
        set_seed(options["seed"])
        model = builder(**model_kwargs)
        results[name] = fit(model, data, name=name, progress=progress, **options)
    return Comparison(results)


def load_model(path: str | Path) -> keras.Model:
    """Load a model saved by a ``checkpoint=`` (a ``.keras`` file).

    Example
    -------
    >>> model = load_model("results/best.keras")  # doctest: +SKIP
    """
    path = Path(path)
    if path.suffix != ".keras" or not path.is_file():
        raise ParameterError(
            f"The 'path' parameter of load_model must be an existing '.keras' file. Got "
            f"{str(path)!r}."
        )
    return keras.saving.load_model(str(path))


def reload_checkpoint(run: RunResult, path: str | Path, *,
                      name: str = "checkpoint_reloaded") -> RunResult:
    """Load a run's ``checkpoint=`` file and score it on every split.

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
        The reloaded model, with ``metrics`` ``<split>_accuracy`` (argmax of
        its predicted probabilities; ``<split>_mae`` for regression) and
        ``wall_seconds`` the time spent loading and scoring.

    Example
    -------
    >>> reloaded = reload_checkpoint(run, "results/best.keras")  # doctest: +SKIP
    """
    from dataclasses import replace

    start = time.perf_counter()
    reloaded = replace(run, name=name, model=load_model(path), metrics={})
    metrics = {}
    for split in _SPLITS:
        y = run.data.split(split)[1]
        if len(y):
            out = reloaded.predict(split)
            if run.data.task == "regression":
                metrics[f"{split}_mae"] = float(np.mean(np.abs(out - y)))
            else:
                metrics[f"{split}_accuracy"] = float(np.mean(out.argmax(axis=1) == y))
    return replace(reloaded, metrics=metrics, wall_seconds=time.perf_counter() - start)


def read_history_csv(path: str | Path) -> pd.DataFrame:
    """Read a ``history_csv=`` file (Keras' CSVLogger) as a history, epochs from 1.

    Example
    -------
    >>> read_history_csv("results/history.csv")["epoch"].iloc[0]  # doctest: +SKIP
    1
    """
    path = Path(path)
    if not path.is_file():
        raise ParameterError(
            f"The 'path' parameter of read_history_csv must be an existing CSV file. Got "
            f"{path.name!r}, which does not exist; train with history_csv= first."
        )
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

    Example
    -------
    >>> history_difference(early.history, long_run.history)  # doctest: +SKIP
    0.0
    """
    missing = [c for c in columns if c not in first or c not in second]
    if missing:
        raise ParameterError(
            f"The 'columns' parameter of history_difference names {missing}, which a history "
            f"lacks. Got columns {list(first.columns)} and {list(second.columns)}."
        )
    n = min(len(first), len(second))
    a = first[list(columns)].to_numpy(dtype=float)[:n]
    b = second[list(columns)].to_numpy(dtype=float)[:n]
    return float(np.abs(a - b).max()) if n else float("nan")


def lr_cuts(history: pd.DataFrame) -> list[int]:
    """Epochs (from 1) that started with a lower learning rate than the epoch before.

    Example
    -------
    >>> lr_cuts(pd.DataFrame({"epoch": [1, 2, 3], "lr": [0.1, 0.1, 0.01]}))
    [3]
    """
    if "lr" not in history:
        raise ParameterError(
            "The 'history' parameter of lr_cuts needs an 'lr' column (fit records one). Got "
            f"columns {list(history.columns)}."
        )
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
        best epoch), ``extra_seconds`` (training time after the best epoch) and
        ``val_loss_trend`` (``"rose"`` or ``"stayed level"``), as plain values.

    Example
    -------
    >>> after_best_epoch(run.history, best_epoch=run.best_epoch)["extra_seconds"]  # doctest: +SKIP
    """
    if not 1 <= best_epoch <= len(history):
        raise ParameterError(
            f"The 'best_epoch' parameter of after_best_epoch must be between 1 and "
            f"{len(history)} (the epochs run). Got {best_epoch!r} instead."
        )
    best, end = history.iloc[best_epoch - 1], history.iloc[-1]
    return {
        "best_epoch": int(best_epoch),
        "epochs": len(history),
        "best_val_loss": float(best["val_loss"]),
        "end_val_loss": float(end["val_loss"]),
        "best_train_loss": float(best["loss"]),
        "end_train_loss": float(end["loss"]),
        "end_gap": float(end["accuracy"] - end["val_accuracy"]),
        "val_accuracy_gain": float(end["val_accuracy"] - best["val_accuracy"]),
        "extra_seconds": float(history["epoch_seconds"].iloc[best_epoch:].sum()),
        "val_loss_trend": "rose" if end["val_loss"] > best["val_loss"] else "stayed level",
    }


_ONE_BLOCK = {"blocks": (64,), "dense": (128,)}
_SIX_CNN = {"blocks": (32, 32), "dense": (128, 84)}


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


def _six_models(momentum: float) -> dict[str, dict[str, Any]]:
    return {
        "d_mlp": {"build": "mlp", "model": {"hidden": (128,)}},
        "d_cnn": {"model": _SIX_CNN},
        "d_batch_norm": {"model": {**_SIX_CNN, "batch_norm": True,
                                   "batch_norm_momentum": momentum}},
        "d_dropout": {"model": {**_SIX_CNN, "dropout": 0.2}},
        "d_l2": {"model": {**_SIX_CNN, "l2": 1e-4}},
        "d_l1": {"model": {**_SIX_CNN, "l1": 1e-4}},
    }


def cnn_trial_variants(
    names: Sequence[str], *, batch_norm_momentum: float = 0.99
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """The CNN design trials and the six Fashion-MNIST models, as :func:`run_variants` variants.

    The trials differ from ``one_block`` (one 64-filter 3x3 conv, same
    padding, 2x2 max-pool, Dense(128)) in one knob each: ``mlp`` (Dense(256),
    no conv), ``three_blocks``, ``valid_padding``, ``kernel_5x5``, ``wider``
    (128 filters), ``stacked_no_pool`` (three convs in the block),
    ``bn_dropout_l2`` (batch norm, dropout 0.4, L2 1e-4); ``same_padding`` and
    ``kernel_3x3`` *are* ``one_block`` (a reproducibility check). The six
    models are ``d_cnn`` (Conv32-pool-Conv32-pool-Dense128-Dense84) alone or
    with one addition: ``d_mlp``, ``d_batch_norm``, ``d_dropout``, ``d_l2``
    (1e-4), ``d_l1`` (1e-4).

    Parameters
    ----------
    names : sequence of str
        The variants to run, from both lists. ``one_block`` is always among
        the trials, as their baseline.
    batch_norm_momentum : float, default 0.99
        Momentum of the batch-normalization layers' running statistics.

    Returns
    -------
    trials, six : dict of str to dict
        ``{name: {"model": cnn kwargs}}`` (``"build": "mlp"`` for the MLPs):
        the trials in the order above, the six in the order of ``names``.

    Example
    -------
    >>> trials, six = cnn_trial_variants(["mlp", "d_cnn"])
    >>> list(trials), list(six)
    (['mlp', 'one_block'], ['d_cnn'])
    """
    trials, six = _cnn_trials(batch_norm_momentum), _six_models(batch_norm_momentum)
    unknown = [n for n in names if n not in trials and n not in six]
    if isinstance(names, str) or unknown:
        raise ParameterError(
            f"The 'names' parameter of cnn_trial_variants must list names among "
            f"{[*trials, *six]}. Got {names!r}; unknown: {unknown}."
        )
    chosen = {n: v for n, v in trials.items() if n in names or n == "one_block"}
    return chosen, {n: six[n] for n in names if n in six}
