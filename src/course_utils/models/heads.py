"""Transfer learning: a classification head on a backbone, fine-tuning, embeddings."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import keras
from keras import layers

from .._checks import check_bool, check_choice, check_fraction, check_int, fail
from ._common import check_activation, check_classes, check_shape, check_units, output_layer
from .backbones import BACKBONES, ImagePreprocessing

__all__ = ["transfer", "set_trainable", "penultimate"]


def _load_weights(target: keras.Model, weights: str | Path, parameter: str = "weights") -> None:
    path = Path(weights)
    if not path.is_file():
        raise fail(parameter, "transfer", "None, 'imagenet' or the path of an existing weights "
                   "file", str(weights), hint="That file does not exist.")
    target.load_weights(str(path))


def _backbone(backbone: str | keras.Model, input_shape: tuple, weights: str | Path | None,
              options: dict[str, Any] | None) -> keras.Model:
    """The named application without its top, or the given model; weights loaded."""
    if isinstance(backbone, str):
        check_choice(backbone, "backbone", "transfer", list(BACKBONES))
        base = BACKBONES[backbone][0](
            include_top=False,
            weights="imagenet" if weights == "imagenet" else None,
            input_shape=input_shape,
            name="backbone",
            **(options or {}),
        )
    elif isinstance(backbone, keras.Model):
        if weights == "imagenet":
            raise fail("weights", "transfer", "None or a weights file path for a keras.Model "
                       "backbone ('imagenet' only for a named backbone)", weights,
                       hint="Load its weights first or pass a weights file path.")
        base = backbone
    else:
        raise fail("backbone", "transfer", f"a name in {sorted(BACKBONES)} or a keras.Model",
                   backbone)
    if weights is not None and weights != "imagenet":
        _load_weights(base, weights)
    return base


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
        A :data:`~course_utils.models.BACKBONES` name (``"efficientnetb0"``,
        ``"mobilenetv2"``, ``"resnet50"``, ...), built without its top, or a
        Keras model used as a feature extractor (e.g. a trained small CNN cut
        with :func:`penultimate`).
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
        For a named backbone, add
        :class:`~course_utils.models.ImagePreprocessing` so the backbone sees
        the range it was trained on. ``False`` feeds [0, 1] straight in: the
        original's mistake (EfficientNet then sees near-black images). A
        ``BACKBONES`` name applies that application's preprocessing to any
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

    Examples
    --------
    >>> model = transfer((32, 32, 3), 5, backbone="mobilenetv2")  # doctest: +SKIP
    """
    shape = check_shape(input_shape, "transfer")
    num_classes = check_classes(num_classes, "transfer")
    head = check_units(head, "head", "transfer")
    dropout = check_fraction(dropout, "dropout", "transfer")
    trainable = check_bool(trainable, "trainable", "transfer")
    output_activation = check_activation(output_activation, "output_activation", "transfer")
    check_choice(pooling, "pooling", "transfer", ["avg", "flatten"])
    if isinstance(preprocess, str):
        check_choice(preprocess, "preprocess", "transfer", list(BACKBONES))
    base = _backbone(backbone, shape, weights, backbone_options)
    base.trainable = trainable

    inputs = keras.Input(shape)
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
    outputs = output_layer(num_classes, output_activation)(x)
    label = backbone if isinstance(backbone, str) else base.name
    return keras.Model(inputs, outputs, name=name or f"transfer_{label}")


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

    Examples
    --------
    >>> from course_utils.models import cnn
    >>> backbone = set_trainable(transfer((8, 8, 3), 2, backbone=penultimate(
    ...     cnn((8, 8, 3), 4, blocks=(4,), dense=(6,)))), top=1)
    >>> [layer.trainable for layer in backbone.layers][-2:]
    [False, True]
    """
    top = check_int(top, "top", "set_trainable", minimum=0, allow_none=True)
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

    Examples
    --------
    >>> from course_utils.models import mlp
    >>> penultimate(mlp((8, 8, 1), 10, hidden=(32,))).output_shape
    (None, 32)
    """
    return keras.Model(model.inputs, model.layers[-1].input, name=f"{model.name}_embedding")
