"""The convolutional network: conv blocks - Flatten - Dense layers - Dense(num_classes)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras
from keras import layers

from .._checks import check_bool, check_choice, check_fraction, check_int, fail
from ._common import (
    check_activation,
    check_classes,
    check_penalties,
    check_shape,
    check_units,
    output_layer,
    regularizer,
)

__all__ = ["cnn"]

_POOLING = {"max": layers.MaxPooling2D, "average": layers.AveragePooling2D, None: None}
_REGULARIZE = ("all", "conv", "first")


def _per_conv_padding(padding: str | Sequence[str], convs_per_block: int) -> list[str]:
    paddings = [padding] * convs_per_block if isinstance(padding, str) else list(padding)
    if len(paddings) != convs_per_block or any(p not in ("same", "valid") for p in paddings):
        raise fail("padding", "cnn", "'same', 'valid' or a sequence of those with one entry "
                   f"per conv of a block ({convs_per_block})", padding)
    return paddings


def _add_conv(model: keras.Sequential, filters: int, kernel_size: int, padding: str,
              penalty: Any, batch_norm: bool, momentum: float) -> None:
    """Conv2D (- BatchNorm - ReLU, else ReLU inside the conv)."""
    model.add(
        layers.Conv2D(
            filters,
            kernel_size,
            padding=padding,
            activation=None if batch_norm else "relu",
            kernel_regularizer=penalty,
        )
    )
    if batch_norm:
        model.add(layers.BatchNormalization(momentum=momentum))
        model.add(layers.Activation("relu"))


def _add_dense(model: keras.Sequential, units: int, penalty: Any, batch_norm: bool,
               momentum: float, dropout: float) -> None:
    """Dense (- BatchNorm - ReLU) (- Dropout)."""
    model.add(
        layers.Dense(
            units,
            activation=None if batch_norm else "relu",
            kernel_regularizer=penalty,
        )
    )
    if batch_norm:
        model.add(layers.BatchNormalization(momentum=momentum))
        model.add(layers.Activation("relu"))
    if dropout:
        model.add(layers.Dropout(dropout))


def cnn(
    input_shape: Sequence[int],
    num_classes: int,
    *,
    blocks: Sequence[int] = (32, 64),
    convs_per_block: int = 1,
    kernel_size: int = 3,
    padding: str | Sequence[str] = "same",
    pooling: str | None = "max",
    batch_norm: bool = False,
    batch_norm_momentum: float = 0.99,
    dropout: float = 0.0,
    block_dropout: float = 0.0,
    l1: float = 0.0,
    l2: float = 0.0,
    regularize: str = "all",
    dense: Sequence[int] = (128,),
    output_activation: str | None = "softmax",
    name: str | None = None,
) -> keras.Model:
    """Build conv blocks - Flatten - Dense layers - Dense(num_classes).

    A block is ``convs_per_block`` x [Conv2D(filters) (- BatchNorm) - ReLU], then
    a 2x2 pooling (unless ``pooling=None``), then Dropout(``block_dropout``).

    Parameters
    ----------
    input_shape : tuple of int
        ``(height, width, channels)``.
    num_classes : int
        Units of the output layer.
    blocks : tuple of int, default (32, 64)
        Filters of each block's convs.
    convs_per_block : int, default 1
        Convs stacked in each block before its pooling.
    kernel_size : int, default 3
        Square kernel size of every conv.
    padding : {"same", "valid"} or sequence of them, default "same"
        One value for every conv, or one per conv position in a block, e.g.
        ``("same", "valid")`` for the IP102 CNN.
    pooling : {"max", "average", None}, default "max"
        2x2 pooling closing each block; ``None`` stacks convs without pooling.
    batch_norm : bool, default False
        BatchNormalization after each conv (before ReLU) and each hidden Dense.
    batch_norm_momentum : float, default 0.99
        Momentum of the BatchNormalization running statistics (see
        :func:`~course_utils.models.mlp`).
    dropout : float, default 0.0
        Dropout after each hidden Dense layer.
    block_dropout : float, default 0.0
        Dropout closing each conv block.
    l1, l2 : float, default 0.0
        Kernel penalties.
    regularize : {"all", "conv", "first"}, default "all"
        Which kernels carry ``l1``/``l2``: every conv and hidden Dense, every
        conv, or only the first conv (the IP102 CNN).
    dense : tuple of int, default (128,)
        Units of the hidden Dense layers after Flatten.
    output_activation : str or None, default "softmax"
        ``None`` gives logits.
    name : str, optional
        Model name.

    Returns
    -------
    keras.Model
        Uncompiled model.

    Examples
    --------
    >>> cnn((32, 32, 3), 10, blocks=(16, 32, 64), dense=(128,)).count_params()
    156074
    """
    shape = check_shape(input_shape, "cnn")
    num_classes = check_classes(num_classes, "cnn")
    blocks = check_units(blocks, "blocks", "cnn")
    dense = check_units(dense, "dense", "cnn")
    convs_per_block = check_int(convs_per_block, "convs_per_block", "cnn", minimum=1)
    kernel_size = check_int(kernel_size, "kernel_size", "cnn", minimum=1)
    check_choice(pooling, "pooling", "cnn", list(_POOLING))
    check_choice(regularize, "regularize", "cnn", _REGULARIZE)
    paddings = _per_conv_padding(padding, convs_per_block)
    batch_norm = check_bool(batch_norm, "batch_norm", "cnn")
    momentum = check_fraction(batch_norm_momentum, "batch_norm_momentum", "cnn")
    dropout = check_fraction(dropout, "dropout", "cnn")
    block_dropout = check_fraction(block_dropout, "block_dropout", "cnn")
    penalties = check_penalties("cnn", l1=l1, l2=l2)
    output_activation = check_activation(output_activation, "output_activation", "cnn")

    penalty = regularizer(penalties["l1"], penalties["l2"])
    model = keras.Sequential(name=name or "cnn")
    model.add(keras.Input(shape))
    first = True
    for filters in blocks:
        for conv_padding in paddings:
            conv_penalty = penalty if (regularize != "first" or first) else None
            first = False
            _add_conv(model, filters, kernel_size, conv_padding, conv_penalty, batch_norm,
                      momentum)
        if pooling is not None:
            model.add(_POOLING[pooling](pool_size=2))
        if block_dropout:
            model.add(layers.Dropout(block_dropout))
    model.add(layers.Flatten())
    dense_penalty = penalty if regularize == "all" else None
    for units in dense:
        _add_dense(model, units, dense_penalty, batch_norm, momentum, dropout)
    model.add(output_layer(num_classes, output_activation))
    return model
