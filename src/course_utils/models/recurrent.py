"""Recurrent regressors for the sine lessons, and rolling a next-value model forward."""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
from keras import layers

from .._checks import check_bool, check_choice, check_int, fail
from ._common import check_activation, check_shape, check_units, output_layer

__all__ = ["rnn", "forecast"]

_RECURRENT = {"lstm": layers.LSTM, "gru": layers.GRU, "simple": layers.SimpleRNN, "mlp": None}


def rnn(
    input_shape: Sequence[int],
    *,
    kind: str = "lstm",
    units: Sequence[int] = (16, 32),
    outputs: int = 1,
    reset_after: bool = True,
    activation: str | None = None,
    name: str | None = None,
) -> keras.Model:
    """Build a stacked recurrent regressor (or its Dense baseline) for the sine fit.

    Parameters
    ----------
    input_shape : tuple of int
        ``(timesteps, features)`` for recurrent kinds, or ``(features,)``, read as
        one timestep (a Reshape layer, no parameters; the course's x -> sin x
        "sequences"); any shape for ``"mlp"`` (it is flattened).
    kind : {"lstm", "gru", "simple", "mlp"}, default "lstm"
        Layer type; ``"mlp"`` gives Dense(units[0]) - Dense(units[1]) - ... .
    units : tuple of int, default (16, 32)
        Units of each stacked layer; all but the last return sequences.
    outputs : int, default 1
        Units of the linear output layer.
    reset_after : bool, default True
        GRU only: Keras' default, with separate input and recurrent biases;
        ``rnn((1, 1), kind="gru")`` then has the course's 5,745 parameters
        (``False`` gives 5,601).
    activation : str, optional
        Activation of the stacked layers; default ``"tanh"`` for recurrent
        layers and ``"relu"`` for ``"mlp"``.
    name : str, optional
        Model name.

    Returns
    -------
    keras.Model
        Uncompiled model.

    Examples
    --------
    >>> rnn((1, 1), kind="lstm").count_params()
    7457
    """
    check_choice(kind, "kind", "rnn", list(_RECURRENT))
    shape = check_shape(input_shape, "rnn")
    units = check_units(units, "units", "rnn")
    outputs = check_int(outputs, "outputs", "rnn", minimum=1)
    reset_after = check_bool(reset_after, "reset_after", "rnn")
    activation = check_activation(activation, "activation", "rnn")

    model = keras.Sequential(name=name or kind)
    model.add(keras.Input(shape))
    if kind != "mlp" and len(shape) == 1:
        model.add(layers.Reshape((1, shape[0])))  # one timestep of those features
    if kind == "mlp":
        if len(shape) > 1:
            model.add(layers.Flatten())
        for size in units:
            model.add(layers.Dense(size, activation=activation or "relu"))
    else:
        extra = {"reset_after": reset_after} if kind == "gru" else {}
        for i, size in enumerate(units):
            model.add(
                _RECURRENT[kind](
                    size,
                    activation=activation or "tanh",
                    return_sequences=i < len(units) - 1,
                    **extra,
                )
            )
    model.add(output_layer(outputs, None))
    return model


def forecast(model: keras.Model, seed_window: np.ndarray, steps: int) -> np.ndarray:
    """Roll a next-value model forward: predict, append the prediction, slide, repeat.

    Parameters
    ----------
    model : keras.Model
        Maps windows ``(batch, timesteps, 1)`` to the next value ``(batch, 1)``
        (e.g. ``rnn((timesteps, 1), kind="lstm")`` trained on
        ``load_dataset("sine", timesteps=timesteps)``).
    seed_window : array-like of shape (timesteps,) or (timesteps, 1)
        The last known values, oldest first.
    steps : int
        How many future values to produce (each from the model's own outputs).

    Returns
    -------
    numpy.ndarray of shape (steps,)
        The autoregressive forecast, float32.

    Examples
    --------
    >>> forecast(rnn((5, 1), kind="mlp"), np.zeros(5), 3).shape
    (3,)
    """
    window = np.asarray(seed_window, dtype=np.float32).reshape(-1)
    if window.size < 1:
        raise fail("seed_window", "forecast", "an array holding at least one value",
                   np.shape(seed_window), hint="(the value shown is its shape)")
    steps = check_int(steps, "steps", "forecast", minimum=1)
    out = np.empty(steps, dtype=np.float32)
    for i in range(steps):
        value = model(window.reshape(1, -1, 1), training=False)
        out[i] = float(np.asarray(keras.ops.convert_to_numpy(value)).reshape(-1)[0])
        window = np.append(window[1:], out[i])
    return out
