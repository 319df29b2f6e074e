"""Seeds and optimizers: :func:`set_seed`, optimizers by name, optimizer comparisons."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import keras

from .._checks import check_bool, check_int, check_number, fail, is_number

__all__ = ["OPTIMIZERS", "set_seed", "get_optimizer", "optimizer_variants"]

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


def set_seed(seed: int, *, deterministic: bool = True) -> None:
    """Seed Python, NumPy and the backend; make TensorFlow ops deterministic.

    Parameters
    ----------
    seed : int
        The seed (a NumPy integer works too; a boolean does not).
    deterministic : bool, default True
        On the TensorFlow backend, also call
        ``tf.config.experimental.enable_op_determinism()`` (process-wide, and it
        cannot be switched off again; some GPU ops have no deterministic kernel
        and then raise, so a GPU run may pass ``False``).

    Examples
    --------
    >>> set_seed(0)
    >>> set_seed(True)
    Traceback (most recent call last):
    ...
    course_utils.errors.ParameterError: The 'seed' parameter of set_seed must be an int >= 0. \
Got True instead.
    """
    seed = check_int(seed, "seed", "set_seed", minimum=0)
    deterministic = check_bool(deterministic, "deterministic", "set_seed")
    keras.utils.set_random_seed(seed)
    if deterministic and keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()


def _resolve_spec(spec: Any) -> tuple[str, dict[str, Any]]:
    """(name, options) of an optimizer name or ``{"name": ..., **options}`` dict."""
    if isinstance(spec, str):
        name, kwargs = spec, {}
    elif isinstance(spec, Mapping) and "name" in spec:
        kwargs = {k: v for k, v in spec.items() if k != "name"}
        name = spec["name"]
    else:
        raise fail("optimizer", "get_optimizer", "a name, a dict with a 'name' key or a Keras "
                   "optimizer", spec)
    if name not in OPTIMIZERS:
        raise fail("optimizer", "get_optimizer", f"one of {sorted(OPTIMIZERS)}", name)
    if "lr" in kwargs:
        raise fail("optimizer", "get_optimizer", "a dict with 'learning_rate', not 'lr'",
                   dict(spec), hint="It uses 'lr'; Keras 3 calls it 'learning_rate'.")
    return name, kwargs


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
        Overrides the learning rate of any of these (a number >= 0, or a
        ``keras.optimizers.schedules.LearningRateSchedule``).

    Returns
    -------
    keras.optimizers.Optimizer

    Examples
    --------
    >>> float(get_optimizer({"name": "sgd", "momentum": 0.5}, learning_rate=0.01).momentum)
    0.5
    """
    schedule = isinstance(learning_rate, keras.optimizers.schedules.LearningRateSchedule)
    if learning_rate is not None and not schedule:
        check_number(learning_rate, "learning_rate", "get_optimizer", minimum=0)
    if isinstance(spec, keras.optimizers.Optimizer):
        if learning_rate is not None:
            spec.learning_rate = learning_rate
        return spec
    name, kwargs = _resolve_spec(spec)
    cls, defaults = OPTIMIZERS[name]
    options = {**defaults, **kwargs}
    if learning_rate is not None:
        options["learning_rate"] = learning_rate
    try:
        return cls(**options)
    except (TypeError, ValueError) as error:
        raise fail("optimizer", "get_optimizer", f"options that fit {cls.__name__}", kwargs,
                   hint=f"The options {kwargs!r} do not fit {cls.__name__}: {error}") from error


def _optimizer_label(spec: str | Mapping[str, Any]) -> str:
    if isinstance(spec, str):
        return spec
    options = {k: v for k, v in spec.items() if k not in ("name", "label")}
    if spec["name"] == "sgd" and set(options) == {"momentum"}:
        return f"momentum_{options['momentum']:g}"
    return "_".join([str(spec["name"]), *(f"{k}_{v:g}" if isinstance(v, float) else f"{k}_{v}"
                                          for k, v in sorted(options.items()))])


def _variant_rate(learning_rates: Any, label: str, name: str) -> float | None:
    if isinstance(learning_rates, Mapping):
        rate = learning_rates.get(label, learning_rates.get(name))
    else:
        rate = learning_rates
    if rate is None:
        return None
    if not is_number(rate) or rate <= 0:
        raise fail("learning_rates", "optimizer_variants", "a positive number or a dict of "
                   "them", rate, hint=f"That is the entry for {label!r}.")
    return float(rate)


def optimizer_variants(
    optimizers: Sequence[str | Mapping[str, Any]],
    *,
    learning_rates: float | Mapping[str, float] | None = None,
) -> dict[str, dict[str, Any]]:
    """Turn a list of optimizer specs into named :func:`~course_utils.train.run_variants` variants.

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

    Examples
    --------
    >>> sorted(optimizer_variants(["sgd", {"name": "sgd", "momentum": 0.9}],
    ...                           learning_rates={"sgd": 0.01}))
    ['momentum_0.9', 'sgd']
    """
    if isinstance(optimizers, str | Mapping) or not optimizers:
        raise fail("optimizers", "optimizer_variants", "a non-empty list of names or dicts",
                   optimizers)
    variants: dict[str, dict[str, Any]] = {}
    for spec in optimizers:
        if not (isinstance(spec, str) or (isinstance(spec, Mapping) and "name" in spec)):
            raise fail("optimizers", "optimizer_variants", "a list whose entries are names or "
                       "dicts with a 'name' key", spec, hint="(the value shown is one entry)")
        label = spec.get("label") if isinstance(spec, Mapping) else None
        label = str(label) if label is not None else _optimizer_label(spec)
        if label in variants:
            raise fail("optimizers", "optimizer_variants", "a list of distinct optimizers",
                       label, hint=f"It lists {label!r} twice; give one a 'label'.")
        clean = spec if isinstance(spec, str) else {k: v for k, v in spec.items()
                                                    if k != "label"}
        name = spec if isinstance(spec, str) else str(spec["name"])
        get_optimizer(clean)  # fail here, before any training, on a bad spec
        variant: dict[str, Any] = {"optimizer": clean}
        rate = _variant_rate(learning_rates, label, name)
        if rate is not None:
            variant["learning_rate"] = rate
        variants[label] = variant
    return variants
