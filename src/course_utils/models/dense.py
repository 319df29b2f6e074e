"""The multilayer perceptron: Flatten - Dense x n - Dense(num_classes)."""

from __future__ import annotations

from collections.abc import Sequence

import keras
from keras import layers

from .._checks import check_bool, check_fraction
from ._common import (
    check_activation,
    check_classes,
    check_penalties,
    check_shape,
    check_units,
    output_layer,
    regularizer,
)

__all__ = ["mlp"]


def mlp(
    input_shape: Sequence[int],
    num_classes: int,
    *,
    hidden: Sequence[int] = (400, 400, 400, 400),
    activation: str = "relu",
    dropout: float = 0.0,
    l1: float = 0.0,
    l2: float = 0.0,
    activity_l2: float = 0.0,
    batch_norm: bool = False,
    batch_norm_momentum: float = 0.99,
    output_activation: str | None = "softmax",
    name: str | None = None,
) -> keras.Model:
    """Build Flatten - Dense x len(hidden) - Dense(num_classes).

    Parameters
    ----------
    input_shape : tuple of int
        Shape of one example, e.g. ``(100, 100, 1)``.
    num_classes : int
        Units of the output layer.
    hidden : tuple of int, default (400, 400, 400, 400)
        Units of each hidden Dense layer (experiment A's MLP).
    activation : str, default "relu"
        Activation of the hidden layers.
    dropout : float, default 0.0
        Dropout rate after each hidden layer (0 adds no layer).
    l1, l2 : float, default 0.0
        Kernel penalties of the hidden layers.
    activity_l2 : float, default 0.0
        L2 penalty on the hidden layers' outputs (experiment A's "activity regularizer").
    batch_norm : bool, default False
        BatchNormalization after each hidden Dense, before its activation.
    batch_norm_momentum : float, default 0.99
        Momentum of the BatchNormalization running mean and variance (Keras'
        default). A small training set gives few steps, and the running averages
        then lag the weights; 0.9 lets them catch up.
    output_activation : str or None, default "softmax"
        ``None`` gives logits (train with ``from_logits=True``).
    name : str, optional
        Model name.

    Returns
    -------
    keras.Model
        Uncompiled model; experiment A's is 4,483,605 parameters on (100, 100, 1).

    Examples
    --------
    >>> mlp((8, 8, 1), 10, hidden=(32,)).count_params()
    2410
    """
    shape = check_shape(input_shape, "mlp")
    num_classes = check_classes(num_classes, "mlp")
    hidden = check_units(hidden, "hidden", "mlp")
    activation = check_activation(activation, "activation", "mlp")
    output_activation = check_activation(output_activation, "output_activation", "mlp")
    dropout = check_fraction(dropout, "dropout", "mlp")
    penalties = check_penalties("mlp", l1=l1, l2=l2, activity_l2=activity_l2)
    batch_norm = check_bool(batch_norm, "batch_norm", "mlp")
    batch_norm_momentum = check_fraction(batch_norm_momentum, "batch_norm_momentum", "mlp")

    model = keras.Sequential(name=name or "mlp")
    model.add(keras.Input(shape))
    model.add(layers.Flatten())
    kernel_penalty = regularizer(penalties["l1"], penalties["l2"])
    activity = keras.regularizers.L2(penalties["activity_l2"]) if activity_l2 else None
    for units in hidden:
        model.add(
            layers.Dense(
                units,
                activation=None if batch_norm else activation,
                kernel_regularizer=kernel_penalty,
                activity_regularizer=activity,
            )
        )
        if batch_norm:
            model.add(layers.BatchNormalization(momentum=batch_norm_momentum))
            model.add(layers.Activation(activation))
        if dropout:
            model.add(layers.Dropout(dropout))
    model.add(output_layer(num_classes, output_activation))
    return model
