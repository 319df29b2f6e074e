"""Pretrained backbones by name: their input preprocessing, their weights, what they see.

:data:`BACKBONES` is the one place backbone names resolve. Weights come only
from disk: ``"imagenet"`` is granted when its no-top file is already in the
Keras cache, so nothing is ever downloaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import keras
import numpy as np
from keras import layers

from .._checks import check_choice, fail
from ..paths import keras_home

__all__ = ["BACKBONES", "ImagePreprocessing", "resolve_backbone_weights", "first_conv_input"]

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

    Examples
    --------
    >>> layer = ImagePreprocessing("mobilenetv2")
    >>> float(keras.ops.convert_to_numpy(layer(np.ones((1, 2, 2, 3))))[0, 0, 0, 0])
    1.0
    """

    def __init__(self, application: str, **kwargs):
        super().__init__(**kwargs)
        check_choice(application, "application", "ImagePreprocessing", list(BACKBONES))
        self.application = application

    def call(self, inputs):
        scaled = keras.ops.multiply(keras.ops.cast(inputs, self.compute_dtype), 255.0)
        return BACKBONES[self.application][1](scaled)

    def get_config(self) -> dict:
        return {**super().get_config(), "application": self.application}


# application name -> file name pattern of its no-top ImageNet weights in the Keras cache
_IMAGENET_FILES = {
    "efficientnetb0": "efficientnetb0_notop.h5",
    "efficientnetb7": "efficientnetb7_notop.h5",
    "mobilenetv2": "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_*_no_top.h5",
    "resnet50": "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5",
    "vgg16": "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
    "densenet121": "densenet121_weights_tf_dim_ordering_tf_kernels_notop.h5",
}


def _keras_models_dir() -> Path:
    """Where ``keras.utils.get_file`` keeps application weights: ``<Keras home>/models``.

    The Keras home is ``$KERAS_HOME``, else ``~/.keras`` (``/tmp/.keras`` when
    home, or that folder, is not writable), as Keras itself decides.
    """
    return keras_home() / "models"


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
        What to pass to :func:`~course_utils.models.transfer`'s ``weights``
        (``None`` = random initialisation) and a plain sentence describing it.

    Examples
    --------
    >>> resolve_backbone_weights("efficientnetb0", None)
    (None, 'efficientnetb0 with random initial weights (no pretrained weights were given)')
    """
    check_choice(backbone, "backbone", "resolve_backbone_weights", list(BACKBONES))
    if weights is None:
        return None, f"{backbone} with random initial weights (no pretrained weights were given)"
    if weights == "imagenet":
        if any(_keras_models_dir().glob(_IMAGENET_FILES[backbone])):
            return "imagenet", f"{backbone} with ImageNet weights from the Keras cache"
        return None, (f"{backbone} with random initial weights: its ImageNet weights are not "
                      "in the Keras cache and nothing is downloaded")
    path = Path(weights)
    if not path.is_file():
        raise fail("weights", "resolve_backbone_weights",
                   "None, 'imagenet' or the path of an existing weights file", str(weights),
                   hint="That file does not exist.")
    return str(path), f"{backbone} with weights loaded from the file {path.name}"


def first_conv_input(model: keras.Model, x: np.ndarray) -> np.ndarray:
    """Return what reaches the first Conv2D of ``model`` (looking inside nested models).

    The layers before that conv (input, preprocessing, a backbone's own
    Rescaling/Normalization, padding) must form a chain, as they do in
    :func:`~course_utils.models.transfer` models, the
    :func:`~course_utils.models.cnn` models and ``keras.applications``.

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

    Examples
    --------
    >>> from course_utils.models import cnn
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
        raise fail("model", "first_conv_input", "a model with a Conv2D layer",
                   model.name, hint="It has no Conv2D layer.")
    return np.asarray(keras.ops.convert_to_numpy(value))
