"""Parameter counts: each layer type's formula, and a table of a model's layers.

:func:`param_table` recomputes every layer's count from its formula, beside
the count Keras reports, so a lesson can show where the weights sit.

Examples
--------
>>> from course_utils.models import cnn
>>> model = cnn((8, 8, 1), 10, blocks=(8,), dense=(16,))
>>> int(param_table(model)["params_keras"].sum()) == model.count_params()
True
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
import pandas as pd
from keras import layers

from .._checks import check_bool
from .backbones import ImagePreprocessing

__all__ = [
    "dense_params",
    "conv2d_params",
    "lstm_params",
    "gru_params",
    "simple_rnn_params",
    "batchnorm_params",
    "param_table",
]

def dense_params(inputs: int, units: int) -> int:
    """Parameters of Dense: ``(inputs + 1) * units`` (weights plus one bias per unit).

    Examples
    --------
    >>> dense_params(1024, 128)
    131200
    """
    return (inputs + 1) * units


def conv2d_params(kernel: int | Sequence[int], in_ch: int, filters: int) -> int:
    """Parameters of Conv2D: ``(kh * kw * in_ch + 1) * filters``.

    Examples
    --------
    >>> conv2d_params(3, 3, 16)
    448
    """
    kh, kw = (kernel, kernel) if isinstance(kernel, int) else tuple(kernel)
    return (kh * kw * in_ch + 1) * filters


def lstm_params(input_dim: int, units: int) -> int:
    """Parameters of LSTM: ``4 * ((input_dim + units) * units + units)``.

    Four gates (input, forget, cell, output), each with an input kernel, a
    recurrent kernel and one bias vector.

    Examples
    --------
    >>> lstm_params(1, 16) + lstm_params(16, 32) + dense_params(32, 1)
    7457
    """
    return 4 * ((input_dim + units) * units + units)


def gru_params(input_dim: int, units: int, reset_after: bool = True) -> int:
    """Parameters of GRU: ``3 * ((input_dim + units) * units + b * units)``.

    Three gates (update, reset, candidate), each with an input kernel and a
    recurrent kernel. With ``reset_after=True`` (Keras' default since TF 2, and
    what the course used) the reset gate is applied after the recurrent matrix
    product, so input and recurrent products get separate biases: ``b = 2``.
    With ``reset_after=False`` there is one bias per gate: ``b = 1``. For the
    sine GRU(16)-GRU(32)-Dense(1) on one feature that is
    ``3*(17*16+2*16) + 3*(48*32+2*32) + 33 = 912 + 4800 + 33 = 5745`` versus
    ``864 + 4704 + 33 = 5601``: the 144 extra are one bias per unit and gate.

    Examples
    --------
    >>> gru_params(1, 16) + gru_params(16, 32) + dense_params(32, 1)
    5745
    >>> gru_params(1, 16, False) + gru_params(16, 32, False) + dense_params(32, 1)
    5601
    """
    return 3 * ((input_dim + units) * units + (2 if reset_after else 1) * units)


def simple_rnn_params(input_dim: int, units: int) -> int:
    """Parameters of SimpleRNN: ``(input_dim + units) * units + units``.

    Examples
    --------
    >>> simple_rnn_params(1, 16)
    288
    """
    return (input_dim + units) * units + units


def batchnorm_params(ch: int) -> int:
    """Parameters of BatchNormalization: ``4 * ch``.

    gamma and beta train; the moving mean and variance do not but count in
    ``count_params()``.

    Examples
    --------
    >>> batchnorm_params(64)
    256
    """
    return 4 * ch


_NO_WEIGHTS = (
    layers.InputLayer, layers.Flatten, layers.Dropout, layers.Activation, layers.Rescaling,
    layers.MaxPooling2D, layers.AveragePooling2D, layers.GlobalAveragePooling2D,
    layers.GlobalMaxPooling2D, layers.Reshape, ImagePreprocessing,
)


def _formula(layer: layers.Layer) -> tuple[str, int | None]:
    """Return the formula text and its value for one layer (``("", None)`` if unknown)."""
    if isinstance(layer, _NO_WEIGHTS):
        return "0", 0
    in_dim = int(layer.input.shape[-1])
    if isinstance(layer, layers.Dense):
        return f"({in_dim}+1)*{layer.units}", dense_params(in_dim, layer.units)
    if isinstance(layer, layers.Conv2D):
        kh, kw = layer.kernel_size
        return (f"({kh}*{kw}*{in_dim}+1)*{layer.filters}",
                conv2d_params((kh, kw), in_dim, layer.filters))
    if isinstance(layer, layers.LSTM):
        u = layer.units
        return f"4*(({in_dim}+{u})*{u}+{u})", lstm_params(in_dim, u)
    if isinstance(layer, layers.GRU):
        u, after = layer.units, layer.reset_after
        bias = f"2*{u}" if after else f"{u}"
        return f"3*(({in_dim}+{u})*{u}+{bias})", gru_params(in_dim, u, after)
    if isinstance(layer, layers.SimpleRNN):
        u = layer.units
        return f"({in_dim}+{u})*{u}+{u}", simple_rnn_params(in_dim, u)
    if isinstance(layer, layers.BatchNormalization):
        return f"4*{in_dim}", batchnorm_params(in_dim)
    return "", None


def param_table(model: keras.Model, *, total: bool = False) -> pd.DataFrame:
    """Tabulate each layer's parameters, by formula and as Keras counts them.

    Parameters
    ----------
    model : keras.Model
        A built model.
    total : bool, default False
        Append a ``"total"`` row.

    Returns
    -------
    pandas.DataFrame
        Columns ``layer``, ``kind`` (layer class), ``formula`` (text, e.g.
        ``"(3*3*3+1)*16"``; empty for layers without a known formula such as a
        nested backbone), ``params_formula`` (nullable int) and ``params_keras``.

    Examples
    --------
    >>> from course_utils.models import rnn
    >>> param_table(rnn((1, 1), kind="gru"))["formula"].tolist()
    ['3*((1+16)*16+2*16)', '3*((16+32)*32+2*32)', '(32+1)*1']
    """
    total = check_bool(total, "total", "param_table")
    rows = []
    for layer in model.layers:
        text, value = _formula(layer)
        rows.append({
            "layer": layer.name,
            "kind": type(layer).__name__,
            "formula": text,
            "params_formula": value,
            "params_keras": int(layer.count_params()),
        })
    table = pd.DataFrame(rows, columns=["layer", "kind", "formula", "params_formula",
                                        "params_keras"])
    table["params_formula"] = table["params_formula"].astype("Int64")
    if total:
        sums = {"layer": "total", "kind": "", "formula": "",
                "params_formula": table["params_formula"].sum(min_count=1)
                if table["params_formula"].notna().all() else pd.NA,
                "params_keras": int(np.sum(table["params_keras"]))}
        table = pd.concat([table, pd.DataFrame([sums])], ignore_index=True)
        table["params_formula"] = table["params_formula"].astype("Int64")
    return table
