"""Keras random preprocessing layers by name, and how to drive them from a batch seed.

Five augmentations are Keras layers: ``flip`` (``RandomFlip``), ``rotation``
(``RandomRotation``), ``zoom`` (``RandomZoom``), ``translation``
(``RandomTranslation``) and ``contrast`` (``RandomContrast``). :func:`keras_layers`
stacks them into a ``keras.Sequential`` for use inside a model;
:func:`apply_keras_layer` runs one on a batch with its random transformation
drawn from a stateless seed instead of the layer's own state, which is what
:func:`~course_utils.augment.make_augmenter` does so that parallel tf.data maps
stay reproducible.

Example
-------
>>> [type(layer).__name__ for layer in keras_layers(["flip", "zoom"]).layers]
['RandomFlip', 'RandomZoom']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import keras
import tensorflow as tf

from .._checks import Shown, check_int, fail

__all__ = ["KerasOp", "KERAS_OPS", "keras_layers", "apply_keras_layer"]


@dataclass(frozen=True)
class KerasOp:
    """A Keras random layer known by name: its class, its strength option and default."""

    layer: str  # class name in keras.layers
    strength: str  # the name of the strength option
    default: Any

    def kwargs(self, strength: Any) -> dict[str, Any]:
        """The layer's keyword arguments for one strength value."""
        if self.layer == "RandomFlip":
            return {"mode": strength}
        if self.layer == "RandomZoom":
            return {"height_factor": strength}
        if self.layer == "RandomTranslation":
            return {"height_factor": strength, "width_factor": strength}
        if self.layer == "RandomContrast":
            return {"factor": strength, "value_range": (0.0, 1.0)}
        return {"factor": strength}

    def build(self, strength: Any, seed: int, **options: Any) -> keras.layers.Layer:
        """A new layer with ``strength``, ``seed`` and any other keyword of the layer."""
        cls = getattr(keras.layers, self.layer)
        try:
            return cls(**self.kwargs(strength), seed=seed, **options)
        except (TypeError, ValueError) as error:
            raise fail("options", f"keras.layers.{self.layer}",
                       "keyword arguments that the layer accepts",
                       Shown(f"{self.strength}={strength!r} and {options!r}"),
                       hint=f"Keras said: {error}") from error


#: The Keras-layer augmentations by name.
KERAS_OPS = {
    "flip": KerasOp("RandomFlip", "mode", "horizontal"),
    "rotation": KerasOp("RandomRotation", "factor", 0.1),
    "zoom": KerasOp("RandomZoom", "factor", 0.1),
    "translation": KerasOp("RandomTranslation", "factor", 0.1),
    "contrast": KerasOp("RandomContrast", "factor", 0.2),
}


def keras_layers(names: Sequence[str], *, seed: int = 0, **strengths: Any) -> keras.Sequential:
    """A ``keras.Sequential`` of Keras random preprocessing layers, by name.

    Parameters
    ----------
    names : list of str
        Any of ``"flip"`` (``RandomFlip``), ``"rotation"`` (``RandomRotation``),
        ``"zoom"`` (``RandomZoom``), ``"translation"`` (``RandomTranslation``),
        ``"contrast"`` (``RandomContrast`` on values in [0, 1]), in order.
    seed : int, default 0
        Layer ``i`` gets ``seed + i``.
    **strengths
        Per-name strength overriding the default: ``flip="horizontal"`` (the
        ``mode``), ``rotation=0.1`` (fraction of a full turn, so +-36 degrees),
        ``zoom=0.1``, ``translation=0.1`` (fraction of each side),
        ``contrast=0.2``.

    Returns
    -------
    keras.Sequential
        Random only when called with ``training=True`` (as inside ``fit``).
        Its layers draw from their own seed state; for reproducible output in
        a parallel tf.data map use :func:`~course_utils.augment.make_augmenter` instead.

    Example
    -------
    >>> model_input_augment = keras_layers(["flip", "rotation"], seed=0, rotation=0.05)
    >>> model_input_augment.layers[1].factor
    (-0.05, 0.05)
    """
    seed = check_int(seed, "seed", "keras_layers")
    unknown = sorted(set(strengths) - set(KERAS_OPS))
    if unknown:
        raise fail(unknown[0], "keras_layers", f"the strength of one of {sorted(KERAS_OPS)}",
                   strengths[unknown[0]], hint="Pass strengths by augmentation name.")
    layers = []
    for index, name in enumerate(names):
        if name not in KERAS_OPS:
            raise fail("names", "keras_layers", f"a list of names from {sorted(KERAS_OPS)}",
                       name)
        op = KERAS_OPS[name]
        layers.append(op.build(strengths.get(name, op.default), seed + index))
    return keras.Sequential(layers, name="augmentation")


class _DerivedSeed(keras.random.SeedGenerator):
    """Hands a Keras layer seeds derived from one stateless seed tensor.

    Keras' random layers accept a ``SeedGenerator`` in
    ``get_random_transformation``; this one holds no variable: draw ``k`` gets
    ``fold_in(seed, k)``, so the layer's draws follow the batch seed.
    """

    def __init__(self, seed: tf.Tensor):  # no super().__init__: no state variable
        self._seed = seed
        self._count = 0

    def next(self, ordered: bool = True) -> tf.Tensor:
        self._count += 1
        return tf.random.experimental.stateless_fold_in(self._seed, self._count)


def apply_keras_layer(layer: keras.layers.Layer, images: tf.Tensor, seed: tf.Tensor) -> tf.Tensor:
    """Run a Keras random layer on a batch, its transformation drawn from ``seed``.

    Parameters
    ----------
    layer : keras.layers.Layer
        One of the layers that :class:`KerasOp` builds.
    images : tf.Tensor of shape (n, height, width, channels), float32
    seed : tf.Tensor of shape (2,)
        A stateless seed; the same seed and batch give the same output.

    Returns
    -------
    tf.Tensor, same shape, float32.
    """
    layer.backend.set_backend("tensorflow")
    try:
        transform = layer.get_random_transformation(images, training=True, seed=_DerivedSeed(seed))
        out = layer.transform_images(images, transform, training=True)
    finally:
        layer.backend.reset()
    return tf.ensure_shape(tf.cast(out, tf.float32), images.shape)
