"""Model builders: MLP, CNN, recurrent nets, transfer heads, and parameter counts.

Every builder returns a plain, uncompiled Keras 3 model made with ``import keras``
only, so the same code runs on the TensorFlow, JAX or PyTorch backend;
:func:`course_utils.train.fit` compiles it. Inputs are images in [0, 1] (or
sine values), so no builder adds a ``Rescaling(1/255)`` layer.

The builders can express every model of the original courses, for example

- experiment E's Model S (156,074 parameters)::

      cnn((32, 32, 3), 10, blocks=(16, 32, 64), padding="same", dense=(128,))

- the IP102 CNN (17,452,678 parameters; the second conv of each block is
  ``"valid"``, and only the first conv carries the L1+L2 penalty)::

      cnn((100, 100, 3), 102, blocks=(32, 64), convs_per_block=2,
          padding=("same", "valid"), l1=1e-5, l2=1e-5, regularize="first",
          block_dropout=0.25, dense=(512,), dropout=0.5)

- the sine LSTM (7,457) and GRU (5,745 with Keras' default ``reset_after=True``;
  5,601 with ``reset_after=False``)::

      rnn((1, 1), kind="gru")

:func:`param_table` recomputes every layer's count from its formula, beside
the count Keras reports.

Example
-------
>>> model = cnn((8, 8, 1), 10, blocks=(8,), dense=(16,))
>>> int(param_table(model)["params_keras"].sum()) == model.count_params()
True
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import keras
import numpy as np
import pandas as pd
from keras import layers

from .errors import ParameterError

__all__ = [
    "mlp",
    "cnn",
    "rnn",
    "transfer",
    "set_trainable",
    "penultimate",
    "param_table",
    "dense_params",
    "conv2d_params",
    "lstm_params",
    "gru_params",
    "simple_rnn_params",
    "batchnorm_params",
    "ImagePreprocessing",
    "BACKBONES",
    "resolve_backbone_weights",
    "first_conv_input",
    "forecast",
]


def _check_choice(function: str, parameter: str, value: Any, choices: Sequence[str]) -> None:
    if value not in choices:
        raise ParameterError(
            f"The {parameter!r} parameter of {function} must be one of "
            f"{list(choices)}. Got {value!r} instead."
        )


def _regularizer(l1: float, l2: float) -> keras.regularizers.Regularizer | None:
    if l1 and l2:
        return keras.regularizers.L1L2(l1=l1, l2=l2)
    if l1:
        return keras.regularizers.L1(l1)
    if l2:
        return keras.regularizers.L2(l2)
    return None


def _output_layer(units: int, activation: str | None) -> layers.Dense:
    return layers.Dense(units, activation=activation, name="output")


# --------------------------------------------------------------------------- builders
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

    Example
    -------
    >>> mlp((8, 8, 1), 10, hidden=(32,)).count_params()
    2410
    """
    model = keras.Sequential(name=name or "mlp")
    model.add(keras.Input(tuple(input_shape)))
    model.add(layers.Flatten())
    regularizer = _regularizer(l1, l2)
    activity = keras.regularizers.L2(activity_l2) if activity_l2 else None
    for units in hidden:
        model.add(
            layers.Dense(
                units,
                activation=None if batch_norm else activation,
                kernel_regularizer=regularizer,
                activity_regularizer=activity,
            )
        )
        if batch_norm:
            model.add(layers.BatchNormalization(momentum=batch_norm_momentum))
            model.add(layers.Activation(activation))
        if dropout:
            model.add(layers.Dropout(dropout))
    model.add(_output_layer(num_classes, output_activation))
    return model


_POOLING = {"max": layers.MaxPooling2D, "average": layers.AveragePooling2D, None: None}
_REGULARIZE = ("all", "conv", "first")


def _per_conv_padding(padding: str | Sequence[str], convs_per_block: int) -> list[str]:
    paddings = [padding] * convs_per_block if isinstance(padding, str) else list(padding)
    if len(paddings) != convs_per_block or any(p not in ("same", "valid") for p in paddings):
        raise ParameterError(
            "The 'padding' parameter of cnn must be 'same', 'valid' or a sequence of those "
            f"with one entry per conv of a block ({convs_per_block}). Got {padding!r} instead."
        )
    return paddings


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
        Momentum of the BatchNormalization running statistics (see :func:`mlp`).
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

    Example
    -------
    >>> cnn((32, 32, 3), 10, blocks=(16, 32, 64), dense=(128,)).count_params()
    156074
    """
    _check_choice("cnn", "pooling", pooling, list(_POOLING))
    _check_choice("cnn", "regularize", regularize, _REGULARIZE)
    paddings = _per_conv_padding(padding, convs_per_block)
    regularizer = _regularizer(l1, l2)
    model = keras.Sequential(name=name or "cnn")
    model.add(keras.Input(tuple(input_shape)))
    first = True
    for filters in blocks:
        for conv_padding in paddings:
            penalty = regularizer if (regularize != "first" or first) else None
            first = False
            model.add(
                layers.Conv2D(
                    filters,
                    kernel_size,
                    padding=conv_padding,
                    activation=None if batch_norm else "relu",
                    kernel_regularizer=penalty,
                )
            )
            if batch_norm:
                model.add(layers.BatchNormalization(momentum=batch_norm_momentum))
                model.add(layers.Activation("relu"))
        if pooling is not None:
            model.add(_POOLING[pooling](pool_size=2))
        if block_dropout:
            model.add(layers.Dropout(block_dropout))
    model.add(layers.Flatten())
    dense_penalty = regularizer if regularize == "all" else None
    for units in dense:
        model.add(
            layers.Dense(
                units,
                activation=None if batch_norm else "relu",
                kernel_regularizer=dense_penalty,
            )
        )
        if batch_norm:
            model.add(layers.BatchNormalization(momentum=batch_norm_momentum))
            model.add(layers.Activation("relu"))
        if dropout:
            model.add(layers.Dropout(dropout))
    model.add(_output_layer(num_classes, output_activation))
    return model


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

    Example
    -------
    >>> rnn((1, 1), kind="lstm").count_params()
    7457
    """
    _check_choice("rnn", "kind", kind, list(_RECURRENT))
    model = keras.Sequential(name=name or kind)
    model.add(keras.Input(tuple(input_shape)))
    if kind != "mlp" and len(input_shape) == 1:
        model.add(layers.Reshape((1, int(input_shape[0]))))  # one timestep of those features
    if kind == "mlp":
        if len(input_shape) > 1:
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
    model.add(_output_layer(outputs, None))
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

    Example
    -------
    >>> forecast(rnn((5, 1), kind="mlp"), np.zeros(5), 3).shape
    (3,)
    """
    window = np.asarray(seed_window, dtype=np.float32).reshape(-1)
    if window.size < 1:
        raise ParameterError("The 'seed_window' parameter of forecast must hold at least one "
                             f"value. Got shape {np.shape(seed_window)} instead.")
    if not isinstance(steps, int | np.integer) or isinstance(steps, bool) or steps < 1:
        raise ParameterError(f"The 'steps' parameter of forecast must be an int >= 1. "
                             f"Got {steps!r} instead.")
    out = np.empty(int(steps), dtype=np.float32)
    for i in range(int(steps)):
        value = model(window.reshape(1, -1, 1), training=False)
        out[i] = float(np.asarray(keras.ops.convert_to_numpy(value)).reshape(-1)[0])
        window = np.append(window[1:], out[i])
    return out


# --------------------------------------------------------------------------- transfer
# name -> (constructor, preprocess_input): the one place backbone names resolve.
_apps = keras.applications
BACKBONES: dict[str, tuple[Any, Any]] = {
    "efficientnetb0": (_apps.EfficientNetB0, _apps.efficientnet.preprocess_input),
    "efficientnetb7": (_apps.EfficientNetB7, _apps.efficientnet.preprocess_input),
    "mobilenetv2": (_apps.MobileNetV2, _apps.mobilenet_v2.preprocess_input),
    "resnet50": (_apps.ResNet50, _apps.resnet50.preprocess_input),
    "vgg16": (_apps.VGG16, _apps.vgg16.preprocess_input),
    "densenet121": (_apps.DenseNet121, _apps.densenet.preprocess_input),
}


@keras.saving.register_keras_serializable(package="course_utils")
class ImagePreprocessing(layers.Layer):
    """Map images in [0, 1] to what a ``keras.applications`` backbone expects.

    Multiplies by 255, then applies that application's own ``preprocess_input``
    (EfficientNet: identity, it rescales inside; MobileNetV2: to [-1, 1];
    ResNet50/VGG16: caffe-style BGR minus the ImageNet mean; DenseNet: torch-style).

    Parameters
    ----------
    application : str
        A key of :data:`BACKBONES`.

    Example
    -------
    >>> layer = ImagePreprocessing("mobilenetv2")
    >>> float(keras.ops.convert_to_numpy(layer(np.ones((1, 2, 2, 3))))[0, 0, 0, 0])
    1.0
    """

    def __init__(self, application: str, **kwargs):
        super().__init__(**kwargs)
        _check_choice("ImagePreprocessing", "application", application, list(BACKBONES))
        self.application = application

    def call(self, inputs):
        scaled = keras.ops.multiply(keras.ops.cast(inputs, self.compute_dtype), 255.0)
        return BACKBONES[self.application][1](scaled)

    def get_config(self) -> dict:
        return {**super().get_config(), "application": self.application}


def _load_weights(target: keras.Model, weights: str | Path, parameter: str = "weights") -> None:
    path = Path(weights)
    if not path.is_file():
        raise ParameterError(
            f"The {parameter!r} parameter of transfer must be None, 'imagenet' or the path "
            f"of an existing weights file. Got {str(weights)!r}, which does not exist."
        )
    target.load_weights(str(path))


def transfer(
    input_shape: Sequence[int],
    num_classes: int,
    *,
    backbone: str | keras.Model,
    weights: str | Path | None = None,
    trainable: bool = False,
    head: Sequence[int] = (256,),
    dropout: float = 0.0,
    pooling: str = "avg",
    preprocess: bool | str = True,
    backbone_options: dict[str, Any] | None = None,
    output_activation: str | None = "softmax",
    name: str | None = None,
) -> keras.Model:
    """Put a classification head on a (pretrained) backbone.

    Parameters
    ----------
    input_shape : tuple of int
        ``(height, width, 3)``; inputs are images in [0, 1].
    num_classes : int
        Units of the output layer.
    backbone : str or keras.Model
        A :data:`BACKBONES` name (``"efficientnetb0"``, ``"mobilenetv2"``,
        ``"resnet50"``, ...), built without its top, or a Keras model used as a
        feature extractor (e.g. a trained small CNN cut with :func:`penultimate`).
    weights : None, "imagenet" or path, default None
        Backbone weights: random, ImageNet (needs the file in the Keras cache or
        the network), or a local weights file loaded with ``load_weights``.
    trainable : bool, default False
        Whether the backbone trains; see :func:`set_trainable` for fine-tuning
        only its top layers.
    head : tuple of int, default (256,)
        Hidden Dense layers of the head.
    dropout : float, default 0.0
        Dropout before each head layer.
    pooling : {"avg", "flatten"}, default "avg"
        How the backbone's feature map becomes a vector (the original used Flatten).
    preprocess : bool or str, default True
        For a named backbone, add :class:`ImagePreprocessing` so the backbone sees
        the range it was trained on. ``False`` feeds [0, 1] straight in: the
        original's mistake (EfficientNet then sees near-black images). A
        :data:`BACKBONES` name applies that application's preprocessing to any
        backbone, e.g. ``"efficientnetb0"`` (x 255) for a keras.Model that, like
        EfficientNet, expects raw [0, 255] pixels and rescales inside.
    backbone_options : dict, optional
        Extra arguments of the named application, e.g. ``{"alpha": 0.35}`` for
        MobileNetV2.
    output_activation : str or None, default "softmax"
        ``None`` gives logits.
    name : str, optional
        Model name.

    Returns
    -------
    keras.Model
        Functional model whose layer ``"backbone"`` is the backbone; the backbone
        runs in inference mode (``training=False``) so its BatchNorm statistics
        stay fixed even when unfrozen.

    Example
    -------
    >>> model = transfer((32, 32, 3), 5, backbone="mobilenetv2")  # doctest: +SKIP
    """
    _check_choice("transfer", "pooling", pooling, ["avg", "flatten"])
    if isinstance(preprocess, str):
        _check_choice("transfer", "preprocess", preprocess, list(BACKBONES))
    if isinstance(backbone, str):
        _check_choice("transfer", "backbone", backbone, list(BACKBONES))
        constructor = BACKBONES[backbone][0]
        base = constructor(
            include_top=False,
            weights="imagenet" if weights == "imagenet" else None,
            input_shape=tuple(input_shape),
            name="backbone",
            **(backbone_options or {}),
        )
    elif isinstance(backbone, keras.Model):
        if weights == "imagenet":
            raise ParameterError(
                "The 'weights' parameter of transfer can be 'imagenet' only for a named "
                "backbone. Got 'imagenet' with a keras.Model backbone; load its weights "
                "first or pass a weights file path."
            )
        base = backbone
    else:
        raise ParameterError(
            "The 'backbone' parameter of transfer must be a name in "
            f"{sorted(BACKBONES)} or a keras.Model. Got {backbone!r} instead."
        )
    if weights is not None and weights != "imagenet":
        _load_weights(base, weights)
    base.trainable = trainable

    inputs = keras.Input(tuple(input_shape))
    x = inputs
    if isinstance(preprocess, str):
        x = ImagePreprocessing(preprocess, name="preprocess")(x)
    elif preprocess and isinstance(backbone, str):
        x = ImagePreprocessing(backbone, name="preprocess")(x)
    x = base(x, training=False)
    if len(x.shape) > 2:
        x = layers.GlobalAveragePooling2D()(x) if pooling == "avg" else layers.Flatten()(x)
    for units in head:
        if dropout:
            x = layers.Dropout(dropout)(x)
        x = layers.Dense(units, activation="relu")(x)
    if dropout:
        x = layers.Dropout(dropout)(x)
    outputs = _output_layer(num_classes, output_activation)(x)
    label = backbone if isinstance(backbone, str) else base.name
    return keras.Model(inputs, outputs, name=name or f"transfer_{label}")


# application name -> file name pattern of its no-top ImageNet weights in the Keras cache
_IMAGENET_FILES = {
    "efficientnetb0": "efficientnetb0_notop.h5",
    "efficientnetb7": "efficientnetb7_notop.h5",
    "mobilenetv2": "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_*_no_top.h5",
    "resnet50": "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5",
    "vgg16": "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
    "densenet121": "densenet121_weights_tf_dim_ordering_tf_kernels_notop.h5",
}


def resolve_backbone_weights(backbone: str, weights: str | Path | None
                             ) -> tuple[str | None, str]:
    """Decide which weights a named backbone can get offline, and say why.

    Parameters
    ----------
    backbone : str
        A :data:`BACKBONES` name.
    weights : None, "imagenet" or path
        What was asked for. ``"imagenet"`` is granted only when its no-top file
        is already in the Keras cache (``$KERAS_HOME/models`` or
        ``~/.keras/models``), so nothing is ever downloaded.

    Returns
    -------
    (weights, note) : (None, "imagenet" or str path), str
        What to pass to :func:`transfer`'s ``weights`` (``None`` = random
        initialisation) and a plain sentence describing it.

    Example
    -------
    >>> resolve_backbone_weights("efficientnetb0", None)
    (None, 'efficientnetb0 with random initial weights (no pretrained weights were given)')
    """
    _check_choice("resolve_backbone_weights", "backbone", backbone, list(BACKBONES))
    if weights is None:
        return None, f"{backbone} with random initial weights (no pretrained weights were given)"
    if weights == "imagenet":
        from .data import keras_cache_path

        cache = keras_cache_path("cifar10")[0].parent.parent / "models"
        if any(cache.glob(_IMAGENET_FILES[backbone])):
            return "imagenet", f"{backbone} with ImageNet weights from the Keras cache"
        return None, (f"{backbone} with random initial weights: its ImageNet weights are not "
                      "in the Keras cache and nothing is downloaded")
    path = Path(weights)
    if not path.is_file():
        raise ParameterError(
            f"The 'weights' parameter of resolve_backbone_weights must be None, 'imagenet' or "
            f"the path of an existing weights file. Got {str(weights)!r}, which does not exist."
        )
    return str(path), f"{backbone} with weights loaded from the file {path.name}"


def first_conv_input(model: keras.Model, x: np.ndarray) -> np.ndarray:
    """Return what reaches the first Conv2D of ``model`` (looking inside nested models).

    The layers before that conv (input, preprocessing, a backbone's own
    Rescaling/Normalization, padding) must form a chain, as they do in
    :func:`transfer` models, the :func:`cnn` models and ``keras.applications``.

    Parameters
    ----------
    model : keras.Model
    x : array of shape (n, ...)
        Inputs as the model receives them.

    Returns
    -------
    numpy.ndarray
        The first conv's input for ``x``; e.g. its ``min()``/``max()`` show the
        range the backbone really sees.

    Example
    -------
    >>> net = cnn((8, 8, 1), 10, blocks=(4,))
    >>> float(first_conv_input(net, np.ones((1, 8, 8, 1))).max())
    1.0
    """

    def walk(net: keras.Model, value):
        for layer in net.layers:
            if isinstance(layer, layers.InputLayer):
                continue
            if isinstance(layer, layers.Conv2D):
                return value, True
            if isinstance(layer, keras.Model):
                value, found = walk(layer, value)
                if found:
                    return value, True
                continue
            value = layer(value, training=False)
        return value, False

    value, found = walk(model, keras.ops.convert_to_tensor(np.asarray(x, dtype="float32")))
    if not found:
        raise ParameterError(f"The 'model' parameter of first_conv_input has no Conv2D layer "
                             f"(model {model.name!r}).")
    return np.asarray(keras.ops.convert_to_numpy(value))


def _find_backbone(model: keras.Model) -> keras.Model:
    """The layer named "backbone", else the only nested model, else ``model``."""
    named = [layer for layer in model.layers if layer.name == "backbone"]
    nested = [layer for layer in model.layers if isinstance(layer, keras.Model)]
    if named:
        return named[0]
    return nested[0] if len(nested) == 1 else model


def set_trainable(model: keras.Model, *, top: int | None = None) -> keras.Model:
    """Unfreeze the top ``top`` layers of a backbone for fine-tuning.

    Parameters
    ----------
    model : keras.Model
        A :func:`transfer` model (its ``"backbone"`` layer is changed) or a backbone.
    top : int, optional
        How many of the backbone's last layers train; ``None`` unfreezes all,
        ``0`` freezes all. BatchNormalization layers always stay frozen.

    Returns
    -------
    keras.Model
        The backbone that was changed. Re-compile (``train.fit`` does) afterwards.

    Example
    -------
    >>> set_trainable(model, top=20)  # doctest: +SKIP
    """
    if top is not None and (not isinstance(top, int) or top < 0):
        raise ParameterError(
            f"The 'top' parameter of set_trainable must be None or an int >= 0. Got {top!r}."
        )
    backbone = _find_backbone(model)
    backbone.trainable = True
    count = len(backbone.layers) if top is None else top
    first_trainable = len(backbone.layers) - count
    for i, layer in enumerate(backbone.layers):
        frozen = i < first_trainable or isinstance(layer, layers.BatchNormalization)
        layer.trainable = not frozen
    return backbone


def penultimate(model: keras.Model) -> keras.Model:
    """Return a model mapping the inputs to what the output layer receives.

    Parameters
    ----------
    model : keras.Model
        A built model whose last layer is the classifier.

    Returns
    -------
    keras.Model
        Embedding model (for t-SNE, or as a :func:`transfer` backbone).

    Example
    -------
    >>> penultimate(mlp((8, 8, 1), 10, hidden=(32,))).output_shape
    (None, 32)
    """
    return keras.Model(model.inputs, model.layers[-1].input, name=f"{model.name}_embedding")


# --------------------------------------------------------------------------- parameter counts
def dense_params(inputs: int, units: int) -> int:
    """Parameters of Dense: ``(inputs + 1) * units`` (weights plus one bias per unit).

    Example
    -------
    >>> dense_params(1024, 128)
    131200
    """
    return (inputs + 1) * units


def conv2d_params(kernel: int | Sequence[int], in_ch: int, filters: int) -> int:
    """Parameters of Conv2D: ``(kh * kw * in_ch + 1) * filters``.

    Example
    -------
    >>> conv2d_params(3, 3, 16)
    448
    """
    kh, kw = (kernel, kernel) if isinstance(kernel, int) else tuple(kernel)
    return (kh * kw * in_ch + 1) * filters


def lstm_params(input_dim: int, units: int) -> int:
    """Parameters of LSTM: ``4 * ((input_dim + units) * units + units)``.

    Four gates (input, forget, cell, output), each with an input kernel, a
    recurrent kernel and one bias vector.

    Example
    -------
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

    Example
    -------
    >>> gru_params(1, 16) + gru_params(16, 32) + dense_params(32, 1)
    5745
    >>> gru_params(1, 16, False) + gru_params(16, 32, False) + dense_params(32, 1)
    5601
    """
    return 3 * ((input_dim + units) * units + (2 if reset_after else 1) * units)


def simple_rnn_params(input_dim: int, units: int) -> int:
    """Parameters of SimpleRNN: ``(input_dim + units) * units + units``.

    Example
    -------
    >>> simple_rnn_params(1, 16)
    288
    """
    return (input_dim + units) * units + units


def batchnorm_params(ch: int) -> int:
    """Parameters of BatchNormalization: ``4 * ch``.

    gamma and beta train; the moving mean and variance do not but count in
    ``count_params()``.

    Example
    -------
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

    Example
    -------
    >>> param_table(rnn((1, 1), kind="gru"))["formula"].tolist()
    ['3*((1+16)*16+2*16)', '3*((16+32)*32+2*32)', '(32+1)*1']
    """
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
