"""Pieces every builder shares: input checks, the kernel penalty, the output layer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras
import numpy as np
from keras import layers

from .._checks import check_int, check_number, fail, is_int


def check_shape(value: Any, function: str, parameter: str = "input_shape") -> tuple:
    """``value`` as a tuple of Python ints (``None`` allowed for a free dimension).

    >>> check_shape((8, 8, 1), "mlp")
    (8, 8, 1)
    """
    expected = "a non-empty tuple of ints >= 1 (None for a free dimension)"
    if isinstance(value, str) or not isinstance(value, Sequence | np.ndarray) or not len(value):
        raise fail(parameter, function, expected, value)
    if any(not (d is None or (is_int(d) and d >= 1)) for d in value):
        raise fail(parameter, function, expected, value)
    return tuple(None if d is None else int(d) for d in value)


def check_units(value: Any, parameter: str, function: str, *, allow_empty: bool = True
                ) -> tuple[int, ...]:
    """``value`` as a tuple of ints >= 1 (layer widths, filters).

    >>> check_units([32, 16], "hidden", "mlp")
    (32, 16)
    """
    expected = "a sequence of ints >= 1" + ("" if allow_empty else " (at least one)")
    if isinstance(value, str) or not isinstance(value, Sequence | np.ndarray):
        raise fail(parameter, function, expected, value)
    if (not allow_empty and not len(value)) or any(not is_int(u) or u < 1 for u in value):
        raise fail(parameter, function, expected, value)
    return tuple(int(u) for u in value)


def check_penalties(function: str, **penalties: Any) -> dict[str, float]:
    """Each keyword as a float >= 0 (``l1``, ``l2``, ``activity_l2``)."""
    return {name: check_number(value, name, function, minimum=0)
            for name, value in penalties.items()}


def check_classes(value: Any, function: str, parameter: str = "num_classes") -> int:
    """Units of the output layer: an int >= 1."""
    return check_int(value, parameter, function, minimum=1)


def check_activation(value: Any, parameter: str, function: str) -> str | None:
    """An activation name or ``None``."""
    if value is not None and not isinstance(value, str):
        raise fail(parameter, function, "an activation name or None", value)
    return value


def regularizer(l1: float, l2: float) -> keras.regularizers.Regularizer | None:
    """The kernel penalty for ``l1`` and ``l2`` (``None`` when both are 0)."""
    if l1 and l2:
        return keras.regularizers.L1L2(l1=l1, l2=l2)
    if l1:
        return keras.regularizers.L1(l1)
    if l2:
        return keras.regularizers.L2(l2)
    return None


def output_layer(units: int, activation: str | None) -> layers.Dense:
    """The model's last layer, always named ``"output"``."""
    return layers.Dense(units, activation=activation, name="output")
