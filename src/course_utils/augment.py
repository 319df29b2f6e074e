"""Seeded, batch-level image augmentation for tf.data pipelines.

Every operation here takes a whole float32 batch ``(n, height, width, channels)``
with values in [0, 1] and returns a batch of the same shape and dtype, using
only vectorized TensorFlow ops (no per-image Python loop), so it runs inside
``dataset.batch(b).map(f, num_parallel_calls=tf.data.AUTOTUNE)``.

How the randomness is made reproducible
---------------------------------------
Stateful random generators (``tf.random.Generator``, the ``SeedGenerator`` of
Keras layers, a counter variable) hand out numbers in the order the map calls
happen to run, which is not fixed when tf.data runs several calls in parallel.
So every draw here is *stateless*: its seed is built from the user's ``seed``
and a fingerprint of the batch's bytes. The same seed and the same batch give
the same result in any run and any thread order; another batch (for example
the next epoch's reshuffled batch) gets fresh draws. A consequence to know: an
unshuffled dataset gets the same augmentation every epoch, so shuffle training
data each epoch (``Dataset.tf_dataset`` does by default).

The Keras preprocessing layers (flip, rotation, zoom, translation, contrast)
are driven the same way in :func:`make_augmenter`: their random transformation
is drawn from a seed derived per batch, not from the layer's own state.

Names known to :func:`make_augmenter` (one table, ``AUGMENTATIONS``):

- ``crop``: :func:`random_crop_resize`, ``min_fraction=0.78``
- ``cutout``: :func:`cutout`, ``size=10, probability=0.5``
- ``noise``: :func:`gaussian_noise`, ``std=0.05``
- ``affine``: :func:`random_affine` (rotation, zoom, shift, flip in one
  resampling), ``rotation=0.05, zoom=0.0, translation=0.1, flip=False``
- ``flip``: ``keras.layers.RandomFlip``, ``mode="horizontal"``
- ``rotation``: ``keras.layers.RandomRotation``, ``factor=0.1`` (of a turn)
- ``zoom``: ``keras.layers.RandomZoom``, ``factor=0.1``
- ``translation``: ``keras.layers.RandomTranslation``, ``factor=0.1`` (both axes)
- ``contrast``: ``keras.layers.RandomContrast``, ``factor=0.2``

Not every augmentation keeps the label: see :func:`label_preserving`.

Example
-------
>>> augment = make_augmenter(["flip", {"name": "cutout", "size": 4}], seed=0)
>>> ds = ds.batch(32).map(augment, num_parallel_calls=tf.data.AUTOTUNE)  # doctest: +SKIP
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import keras
import tensorflow as tf

from .errors import ParameterError

__all__ = [
    "AUGMENTATIONS",
    "LABEL_PRESERVING",
    "Augmenter",
    "cutout",
    "gaussian_noise",
    "keras_layers",
    "label_preserving",
    "make_augmenter",
    "random_affine",
    "random_crop_resize",
]

Seed = int | tf.Tensor


# --------------------------------------------------------------------- seeds
def _batch_seed(images: tf.Tensor, seed: Seed) -> tf.Tensor:
    """A stateless seed, shape (2,) int32, from ``seed`` and the batch's bytes.

    An int ``seed`` is combined with a fingerprint of ``images``; a tensor of
    shape (2,) is taken as an already-derived stateless seed.
    """
    if isinstance(seed, bool) or not isinstance(seed, int | tf.Tensor):
        raise ParameterError(
            f"The 'seed' parameter must be an int or a stateless seed tensor of shape (2,). "
            f"Got {seed!r} instead."
        )
    if isinstance(seed, tf.Tensor):
        return tf.cast(seed, tf.int32)
    digest = tf.fingerprint(tf.reshape(images, [1, -1]))[0]
    content = tf.bitcast(digest, tf.int64)
    return tf.random.experimental.stateless_fold_in(
        tf.constant([seed & 0x7FFFFFFF, 0], tf.int64), content
    )


def _as_batch(images: Any, function: str) -> tf.Tensor:
    images = tf.convert_to_tensor(images)
    if images.shape.rank is not None and images.shape.rank != 4:
        raise ParameterError(
            f"The 'images' parameter of {function} must be a batch of shape "
            f"(n, height, width, channels). Got shape {tuple(images.shape)} instead."
        )
    if images.dtype != tf.float32:
        images = tf.cast(images, tf.float32)
    return images


def _check_range(function: str, name: str, value: Any, low: float, high: float, *,
                 low_open: bool = False) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    ok = ok and (low < value if low_open else low <= value) and value <= high
    if not ok:
        bracket = "(" if low_open else "["
        raise ParameterError(
            f"The '{name}' parameter of {function} must be a number in "
            f"{bracket}{low}, {high}]. Got {value!r} instead."
        )
    return float(value)


def _check_crop(min_fraction: Any) -> float:
    return _check_range("random_crop_resize", "min_fraction", min_fraction, 0.0, 1.0,
                        low_open=True)


def _check_cutout(size: Any, probability: Any) -> float:
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ParameterError(
            f"The 'size' parameter of cutout must be a positive int (pixels). Got {size!r} instead."
        )
    return _check_range("cutout", "probability", probability, 0.0, 1.0)


def _check_noise(std: Any) -> float:
    return _check_range("gaussian_noise", "std", std, 0.0, 1.0)


# ----------------------------------------------------------- hand-made ops
def random_crop_resize(images: Any, *, min_fraction: float = 0.78, seed: Seed) -> tf.Tensor:
    """Crop a random box from each image and resize it back to the full size.

    Each image gets its own box: a side fraction drawn uniformly from
    ``[min_fraction, 1]`` (the same for height and width, so the aspect ratio
    is kept) and a uniform position inside the image; the box is resized back
    bilinearly. With ``min_fraction=0.78`` a 32x32 image is cropped to at least
    25x25, as the Fashion-MNIST original did (at least 25x25 of 28x28 there:
    pass ``min_fraction=25 / 28``).

    Parameters
    ----------
    images : array-like, shape (n, height, width, channels), float32 in [0, 1]
    min_fraction : float, default 0.78
        Smallest crop side as a fraction of the image side, in (0, 1].
    seed : int or tensor of shape (2,)
        The same seed and batch give the same crops.

    Returns
    -------
    tf.Tensor, same shape, float32 in [0, 1].

    Example
    -------
    >>> out = random_crop_resize(tf.ones((8, 32, 32, 3)), seed=0)
    >>> out.shape
    TensorShape([8, 32, 32, 3])
    """
    min_fraction = _check_crop(min_fraction)
    images = _as_batch(images, "random_crop_resize")
    seeds = tf.random.experimental.stateless_split(_batch_seed(images, seed), 3)
    n = tf.shape(images)[0]
    side = tf.random.stateless_uniform([n], seeds[0], minval=min_fraction, maxval=1.0)
    top = tf.random.stateless_uniform([n], seeds[1]) * (1.0 - side)
    left = tf.random.stateless_uniform([n], seeds[2]) * (1.0 - side)
    boxes = tf.stack([top, left, top + side, left + side], axis=1)
    size = tf.shape(images)[1:3]
    out = tf.image.crop_and_resize(images, boxes, tf.range(n), size, method="bilinear")
    return tf.clip_by_value(tf.ensure_shape(out, images.shape), 0.0, 1.0)


def cutout(images: Any, *, size: int = 10, probability: float = 0.5, seed: Seed) -> tf.Tensor:
    """Zero a random ``size`` x ``size`` square in each image, with a probability.

    Each image is picked independently with ``probability``; in a picked image a
    square of exactly ``size`` x ``size`` pixels, placed uniformly so that it
    lies wholly inside the image, is set to 0 in every channel.

    Parameters
    ----------
    images : array-like, shape (n, height, width, channels), float32 in [0, 1]
    size : int, default 10
        Side of the square in pixels, at most the image's smaller side.
    probability : float, default 0.5
        Chance that an image gets a square, in [0, 1].
    seed : int or tensor of shape (2,)

    Returns
    -------
    tf.Tensor, same shape, float32.

    Example
    -------
    >>> out = cutout(tf.ones((4, 28, 28, 1)), size=10, probability=1.0, seed=0)
    >>> int(tf.reduce_sum(1 - out[0]))
    100
    """
    probability = _check_cutout(size, probability)
    images = _as_batch(images, "cutout")
    height, width = images.shape[1], images.shape[2]
    if height is not None and width is not None and size > min(height, width):
        raise ParameterError(
            f"The 'size' parameter of cutout must be at most the image side "
            f"{min(height, width)}. Got {size!r} instead."
        )
    shape = tf.shape(images)
    n, h, w = shape[0], shape[1], shape[2]
    seeds = tf.random.experimental.stateless_split(_batch_seed(images, seed), 3)
    applied = tf.random.stateless_uniform([n], seeds[0]) < probability
    top = tf.random.stateless_uniform([n], seeds[1], minval=0, maxval=h - size + 1, dtype=tf.int32)
    left = tf.random.stateless_uniform([n], seeds[2], minval=0, maxval=w - size + 1,
                                       dtype=tf.int32)
    rows = tf.range(h)[None, :]
    cols = tf.range(w)[None, :]
    in_rows = (rows >= top[:, None]) & (rows < top[:, None] + size)
    in_cols = (cols >= left[:, None]) & (cols < left[:, None] + size)
    square = in_rows[:, :, None] & in_cols[:, None, :] & applied[:, None, None]
    return tf.where(square[..., None], tf.zeros_like(images), images)


def gaussian_noise(images: Any, *, std: float = 0.05, seed: Seed) -> tf.Tensor:
    """Add Gaussian noise of standard deviation ``std``, then clip to [0, 1].

    ``std`` is the standard deviation itself (the Fashion-MNIST original scaled
    its noise by ``std ** 2``, i.e. used the variance by mistake).

    Parameters
    ----------
    images : array-like, shape (n, height, width, channels), float32 in [0, 1]
    std : float, default 0.05
        Standard deviation of the noise, in [0, 1].
    seed : int or tensor of shape (2,)

    Returns
    -------
    tf.Tensor, same shape, float32 in [0, 1].

    Example
    -------
    >>> out = gaussian_noise(tf.fill((2, 8, 8, 1), 0.5), std=0.1, seed=0)
    """
    std = _check_noise(std)
    images = _as_batch(images, "gaussian_noise")
    noise = tf.random.stateless_normal(tf.shape(images), _batch_seed(images, seed), stddev=std)
    return tf.clip_by_value(images + noise, 0.0, 1.0)


_FILL_MODES = ("constant", "nearest", "reflect", "wrap")
_INTERPOLATIONS = ("bilinear", "nearest")


def _check_affine(rotation: Any, zoom: Any, translation: Any, flip: Any, fill_mode: Any,
                  interpolation: Any) -> None:
    _check_range("random_affine", "rotation", rotation, 0.0, 0.5)
    _check_range("random_affine", "zoom", zoom, 0.0, 0.9)
    _check_range("random_affine", "translation", translation, 0.0, 1.0)
    if not isinstance(flip, bool):
        raise ParameterError(
            f"The 'flip' parameter of random_affine must be True or False. Got {flip!r} instead."
        )
    for name, value, allowed in (("fill_mode", fill_mode, _FILL_MODES),
                                 ("interpolation", interpolation, _INTERPOLATIONS)):
        if value not in allowed:
            raise ParameterError(
                f"The '{name}' parameter of random_affine must be one of {list(allowed)}. "
                f"Got {value!r} instead."
            )


def random_affine(images: Any, *, rotation: float = 0.05, zoom: float = 0.0,
                  translation: float = 0.1, flip: bool = False, fill_mode: str = "nearest",
                  interpolation: str = "bilinear", seed: Seed) -> tf.Tensor:
    """Random rotation, zoom, shift and horizontal flip in one resampling.

    The four transformations are composed into one affine map per image and
    applied with a single ``ImageProjectiveTransformV3`` call, as the legacy
    ``ImageDataGenerator`` did per image: faster than the Keras layers one
    after another and with a single interpolation (less blur).

    Parameters
    ----------
    images : array-like, shape (n, height, width, channels), float32 in [0, 1]
    rotation : float, default 0.05
        Largest rotation as a fraction of a full turn (0.05 = +-18 degrees), as
        in ``keras.layers.RandomRotation``.
    zoom : float, default 0.0
        Scale drawn from ``[1 - zoom, 1 + zoom]`` (above 1 shows more of the image).
    translation : float, default 0.1
        Largest shift as a fraction of each side, drawn per axis.
    flip : bool, default False
        Mirror left-right with probability 0.5 (not for digits: see
        :func:`label_preserving`).
    fill_mode : {"nearest", "constant", "reflect", "wrap"}, default "nearest"
        How points outside the image are filled ("constant" fills with 0).
    interpolation : {"bilinear", "nearest"}, default "bilinear"
    seed : int or tensor of shape (2,)

    Returns
    -------
    tf.Tensor, same shape, float32 in [0, 1].

    Example
    -------
    >>> out = random_affine(tf.ones((4, 32, 32, 3)), rotation=0.05, flip=True, seed=0)
    """
    _check_affine(rotation, zoom, translation, flip, fill_mode, interpolation)
    images = _as_batch(images, "random_affine")
    shape = tf.shape(images)
    n = shape[0]
    h, w = tf.cast(shape[1], tf.float32), tf.cast(shape[2], tf.float32)
    seeds = tf.random.experimental.stateless_split(_batch_seed(images, seed), 5)
    angle = tf.random.stateless_uniform([n], seeds[0], -rotation, rotation) * 2.0 * math.pi
    scale = tf.random.stateless_uniform([n], seeds[1], 1.0 - zoom, 1.0 + zoom)
    shift_x = tf.random.stateless_uniform([n], seeds[2], -translation, translation) * w
    shift_y = tf.random.stateless_uniform([n], seeds[3], -translation, translation) * h
    mirror = tf.random.stateless_uniform([n], seeds[4]) < 0.5 if flip else tf.zeros([n], tf.bool)
    sign = tf.where(mirror, -1.0, 1.0)
    cos, sin = tf.cos(angle) * scale, tf.sin(angle) * scale
    # output pixel p maps to input point M p + offset, M = rotation * scale * mirror.
    a0, a1, b0, b1 = cos * sign, -sin, sin * sign, cos
    cx, cy = (w - 1.0) / 2.0, (h - 1.0) / 2.0
    a2 = cx - a0 * cx - a1 * cy + shift_x
    b2 = cy - b0 * cx - b1 * cy + shift_y
    zeros = tf.zeros([n])
    transforms = tf.stack([a0, a1, a2, b0, b1, b2, zeros, zeros], axis=1)
    out = tf.raw_ops.ImageProjectiveTransformV3(
        images=images, transforms=transforms, output_shape=shape[1:3], fill_value=0.0,
        interpolation=interpolation.upper(), fill_mode=fill_mode.upper(),
    )
    return tf.clip_by_value(tf.ensure_shape(out, images.shape), 0.0, 1.0)


# ------------------------------------------------------------ keras layers
@dataclass(frozen=True)
class _KerasOp:
    layer: str  # class name in keras.layers
    strength: str  # the name of the strength option
    default: Any

    def kwargs(self, strength: Any) -> dict[str, Any]:
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
        cls = getattr(keras.layers, self.layer)
        try:
            return cls(**self.kwargs(strength), seed=seed, **options)
        except (TypeError, ValueError) as error:
            raise ParameterError(
                f"Could not build keras.layers.{self.layer} from {self.strength}={strength!r} "
                f"and options {options!r}: {error}"
            ) from error


_KERAS = {
    "flip": _KerasOp("RandomFlip", "mode", "horizontal"),
    "rotation": _KerasOp("RandomRotation", "factor", 0.1),
    "zoom": _KerasOp("RandomZoom", "factor", 0.1),
    "translation": _KerasOp("RandomTranslation", "factor", 0.1),
    "contrast": _KerasOp("RandomContrast", "factor", 0.2),
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
        a parallel tf.data map use :func:`make_augmenter` instead.

    Example
    -------
    >>> model_input_augment = keras_layers(["flip", "rotation"], seed=0, rotation=0.05)
    """
    unknown = sorted(set(strengths) - set(_KERAS))
    if unknown:
        raise ParameterError(
            f"Unknown strength {unknown[0]!r} for keras_layers; expected one of {sorted(_KERAS)}."
        )
    layers = []
    for index, name in enumerate(names):
        if name not in _KERAS:
            raise ParameterError(
                f"The 'names' parameter of keras_layers got unknown name {name!r}; "
                f"expected any of {sorted(_KERAS)}."
            )
        op = _KERAS[name]
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


def _apply_keras_layer(layer: keras.layers.Layer, images: tf.Tensor, seed: tf.Tensor) -> tf.Tensor:
    layer.backend.set_backend("tensorflow")
    try:
        transform = layer.get_random_transformation(images, training=True, seed=_DerivedSeed(seed))
        out = layer.transform_images(images, transform, training=True)
    finally:
        layer.backend.reset()
    return tf.ensure_shape(tf.cast(out, tf.float32), images.shape)


# -------------------------------------------------------------- the table
@dataclass(frozen=True)
class Augmentation:
    """One entry of ``AUGMENTATIONS``: a name, its options and how to apply it."""

    name: str
    description: str
    defaults: dict[str, Any] = field(default_factory=dict)
    function: Callable[..., tf.Tensor] | None = None  # hand-made op
    check: Callable[..., Any] | None = None  # validates the hand-made op's options
    keras_op: _KerasOp | None = None


AUGMENTATIONS: dict[str, Augmentation] = {
    "crop": Augmentation("crop", "random crop (>= min_fraction of each side), resized back",
                         {"min_fraction": 0.78}, function=random_crop_resize,
                         check=lambda min_fraction: _check_crop(min_fraction)),
    "cutout": Augmentation("cutout", "zero a size x size square with a probability",
                           {"size": 10, "probability": 0.5}, function=cutout,
                           check=lambda size, probability: _check_cutout(size, probability)),
    "affine": Augmentation("affine", "rotation, zoom, shift, flip in one resampling",
                           {"rotation": 0.05, "zoom": 0.0, "translation": 0.1, "flip": False,
                            "fill_mode": "nearest", "interpolation": "bilinear"},
                           function=random_affine, check=_check_affine),
    "noise": Augmentation("noise", "add Gaussian noise of standard deviation std, clip",
                          {"std": 0.05}, function=gaussian_noise,
                          check=lambda std: _check_noise(std)),
    **{
        name: Augmentation(name, f"keras.layers.{op.layer}", {op.strength: op.default},
                           keras_op=op)
        for name, op in _KERAS.items()
    },
}


def _unknown_name(name: Any) -> ParameterError:
    return ParameterError(
        f"Unknown augmentation {name!r} in the 'spec' parameter of make_augmenter; "
        f"expected one of {sorted(AUGMENTATIONS)}."
    )


@dataclass(frozen=True)
class _Step:
    name: str
    options: dict[str, Any]
    apply: Callable[[tf.Tensor, tf.Tensor], tf.Tensor]


def _make_step(entry: str | Mapping[str, Any], seed: int) -> _Step:
    if isinstance(entry, str):
        name, options = entry, {}
    elif isinstance(entry, Mapping) and "name" in entry:
        name, options = entry["name"], {k: v for k, v in entry.items() if k != "name"}
    else:
        raise ParameterError(
            "Each entry of the 'spec' parameter of make_augmenter must be a name or a dict "
            f"with a 'name' key, such as {{'name': 'cutout', 'size': 4}}. Got {entry!r} instead."
        )
    if name not in AUGMENTATIONS:
        raise _unknown_name(name)
    aug = AUGMENTATIONS[name]
    if aug.function is not None:
        allowed = [p for p in inspect.signature(aug.function).parameters if p not in
                   ("images", "seed")]
        extra = sorted(set(options) - set(allowed))
        if extra:
            raise ParameterError(
                f"Unknown option {extra[0]!r} for augmentation {name!r}; expected any of {allowed}."
            )
        options = {**aug.defaults, **options}
        function = aug.function
        aug.check(**options)  # bad values fail here, not later inside tf.data

        def apply(images, step_seed, function=function, options=options):
            return function(images, seed=step_seed, **options)

        return _Step(name, options, apply)
    op = aug.keras_op
    strength = options.pop(op.strength, op.default)
    layer = op.build(strength, seed, **options)

    def apply(images, step_seed, layer=layer):
        return _apply_keras_layer(layer, images, step_seed)

    return _Step(name, {op.strength: strength, **options}, apply)


class Augmenter:
    """A seeded batch augmentation built by :func:`make_augmenter`.

    Call it on a batch ``(n, h, w, c)`` or on a dataset element
    ``(images, labels, ...)``; only the images change.
    """

    def __init__(self, steps: list[_Step], seed: int):
        self.steps = steps
        self.seed = seed

    def __repr__(self) -> str:
        inner = ", ".join(f"{s.name}({', '.join(f'{k}={v!r}' for k, v in s.options.items())})"
                          for s in self.steps)
        return f"Augmenter([{inner}], seed={self.seed})"

    def augment(self, images: Any) -> tf.Tensor:
        """Apply every step, in order, to a batch of images."""
        images = _as_batch(images, "Augmenter")
        base = _batch_seed(images, self.seed)
        for index, step in enumerate(self.steps):
            step_seed = tf.random.experimental.stateless_fold_in(base, index)
            images = step.apply(images, step_seed)
        return images

    @tf.autograph.experimental.do_not_convert
    def __call__(self, images: Any, *rest: Any):
        augmented = self.augment(images)
        return (augmented, *rest) if rest else augmented


def make_augmenter(spec: Sequence[str | Mapping[str, Any]], *, seed: int = 0) -> Augmenter:
    """Build a batch augmentation from a list of names or dicts.

    Parameters
    ----------
    spec : list of str or dict
        Steps applied in order, each a name from ``AUGMENTATIONS`` (``"crop"``,
        ``"cutout"``, ``"noise"``, ``"affine"``, ``"flip"``, ``"rotation"``, ``"zoom"``,
        ``"translation"``, ``"contrast"``) or a dict with a ``"name"`` and
        options, e.g. ``{"name": "cutout", "size": 4}`` or
        ``{"name": "rotation", "factor": 0.05, "fill_mode": "constant"}``
        (Keras steps take their strength and any keyword of the layer).
    seed : int, default 0
        Same seed and same batches give identical output in any run, also under
        ``num_parallel_calls=AUTOTUNE``.

    Returns
    -------
    Augmenter
        A callable ``batch -> batch`` (or ``(images, labels) -> (images, labels)``).

    Raises
    ------
    ParameterError
        For an unknown name or option, listing the valid ones.

    Example
    -------
    >>> augment = make_augmenter(["flip", {"name": "rotation", "factor": 0.05}], seed=0)
    >>> ds = ds.batch(32).map(augment, num_parallel_calls=tf.data.AUTOTUNE)  # doctest: +SKIP
    """
    if isinstance(spec, str | Mapping):
        spec = [spec]
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ParameterError(
            f"The 'seed' parameter of make_augmenter must be an int. Got {seed!r} instead."
        )
    return Augmenter([_make_step(entry, seed + i) for i, entry in enumerate(spec)], seed)


# -------------------------------------------------------- label preserving
#: Augmentations that change what the image shows, per dataset name.
#: ``flip`` (horizontal): a mirrored 2, 3, 4, 5, 7 or 9 is not a digit, so it is
#: off for digit datasets; a mirrored shirt, car, flower, face or insect keeps its
#: label. Everything not listed keeps the label at its default strength.
LABEL_PRESERVING: dict[str, dict[str, bool]] = {
    "flip": {"digits": False, "mnist": False, "fashion_mnist": True, "cifar10": True,
             "flowers": True, "tf_flowers": True, "utkface": True, "fairface": True,
             "ip102": True},
}


def label_preserving(name: str, dataset_name: str) -> bool:
    """Whether augmentation ``name`` keeps the label of images from ``dataset_name``.

    Parameters
    ----------
    name : str
        A name from ``AUGMENTATIONS``.
    dataset_name : str
        A dataset name as in ``load_dataset`` (``"digits"``, ``"cifar10"``, ...).

    Returns
    -------
    bool
        False for horizontal flips of digits; True otherwise (see ``LABEL_PRESERVING``).

    Example
    -------
    >>> label_preserving("flip", "digits"), label_preserving("flip", "cifar10")
    (False, True)
    """
    if name not in AUGMENTATIONS:
        raise ParameterError(
            f"Unknown augmentation {name!r} for label_preserving; "
            f"expected one of {sorted(AUGMENTATIONS)}."
        )
    return LABEL_PRESERVING.get(name, {}).get(dataset_name.lower(), True)
