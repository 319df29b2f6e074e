"""Hand-made batch augmentations: random crop, cutout, Gaussian noise, one-pass affine.

Every operation takes a whole float32 batch ``(n, height, width, channels)``
with values in [0, 1] and returns a batch of the same shape and dtype, using
only vectorized TensorFlow ops (no per-image Python loop), so it runs inside
``dataset.batch(b).map(f, num_parallel_calls=tf.data.AUTOTUNE)``. Each draw is
stateless, seeded from ``seed`` and the batch's bytes (see
:mod:`course_utils.augment._batch`): the same seed and batch give the same
output in any run and any thread order.

Example
-------
>>> out = cutout(tf.ones((2, 8, 8, 1)), size=4, probability=1.0, seed=0)
>>> float(tf.reduce_sum(1 - out))
32.0
"""

from __future__ import annotations

import math
from typing import Any

import tensorflow as tf

from .._checks import check_bool, check_choice, check_int, fail
from ._batch import Seed, as_batch, batch_seed, check_range

__all__ = ["random_crop_resize", "cutout", "gaussian_noise", "random_affine"]

_FILL_MODES = ("constant", "nearest", "reflect", "wrap")
_INTERPOLATIONS = ("bilinear", "nearest")


def check_crop(min_fraction: Any) -> float:
    """``min_fraction`` of :func:`random_crop_resize`, checked: a number in (0, 1]."""
    return check_range("random_crop_resize", "min_fraction", min_fraction, 0.0, 1.0,
                        low_open=True)


def check_cutout(size: Any, probability: Any) -> tuple[int, float]:
    """``size`` (an int >= 1, pixels) and ``probability`` (in [0, 1]) of :func:`cutout`."""
    size = check_int(size, "size", "cutout", minimum=1)
    return size, check_range("cutout", "probability", probability, 0.0, 1.0)


def check_noise(std: Any) -> float:
    """``std`` of :func:`gaussian_noise`, checked: a number in [0, 1]."""
    return check_range("gaussian_noise", "std", std, 0.0, 1.0)


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
    min_fraction = check_crop(min_fraction)
    images = as_batch(images, "random_crop_resize")
    seeds = tf.random.experimental.stateless_split(
        batch_seed(images, seed, "random_crop_resize"), 3)
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
    size, probability = check_cutout(size, probability)
    images = as_batch(images, "cutout")
    height, width = images.shape[1], images.shape[2]
    if height is not None and width is not None and size > min(height, width):
        raise fail("size", "cutout", f"an int at most the image side {min(height, width)}", size)
    shape = tf.shape(images)
    n, h, w = shape[0], shape[1], shape[2]
    seeds = tf.random.experimental.stateless_split(batch_seed(images, seed, "cutout"), 3)
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
    std = check_noise(std)
    images = as_batch(images, "gaussian_noise")
    noise = tf.random.stateless_normal(tf.shape(images),
                                       batch_seed(images, seed, "gaussian_noise"), stddev=std)
    return tf.clip_by_value(images + noise, 0.0, 1.0)


def check_affine(rotation: Any, zoom: Any, translation: Any, flip: Any, fill_mode: Any,
                 interpolation: Any) -> None:
    """Check every option of :func:`random_affine`; raise naming the first bad one."""
    check_range("random_affine", "rotation", rotation, 0.0, 0.5)
    check_range("random_affine", "zoom", zoom, 0.0, 0.9)
    check_range("random_affine", "translation", translation, 0.0, 1.0)
    check_bool(flip, "flip", "random_affine")
    check_choice(fill_mode, "fill_mode", "random_affine", _FILL_MODES)
    check_choice(interpolation, "interpolation", "random_affine", _INTERPOLATIONS)


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
    check_affine(rotation, zoom, translation, flip, fill_mode, interpolation)
    images = as_batch(images, "random_affine")
    shape = tf.shape(images)
    n = shape[0]
    h, w = tf.cast(shape[1], tf.float32), tf.cast(shape[2], tf.float32)
    seeds = tf.random.experimental.stateless_split(
        batch_seed(images, seed, "random_affine"), 5)
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
