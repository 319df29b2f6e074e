"""What every augmentation step shares: the batch check and the per-batch stateless seed.

Stateful random generators (``tf.random.Generator``, the ``SeedGenerator`` of
Keras layers, a counter variable) hand out numbers in the order the map calls
happen to run, which is not fixed when tf.data runs several calls in parallel.
So every draw in this room is *stateless*: its seed is built from the user's
``seed`` and a fingerprint of the batch's bytes (:func:`batch_seed`). The same
seed and the same batch give the same result in any run and any thread order;
another batch (for example the next epoch's reshuffled batch) gets fresh draws.

Example
-------
>>> import tensorflow as tf
>>> batch_seed(tf.zeros((1, 2, 2, 1)), 0).shape
TensorShape([2])
"""

from __future__ import annotations

from typing import Any

import tensorflow as tf

from .._checks import Shown, fail, is_int, is_number

Seed = int | tf.Tensor



def batch_seed(images: tf.Tensor, seed: Seed, function: str | None = None) -> tf.Tensor:
    """A stateless seed, shape (2,) int32, from ``seed`` and the batch's bytes.

    An int ``seed`` is combined with a fingerprint of ``images``; a tensor of
    shape (2,) is taken as an already-derived stateless seed.
    """
    if isinstance(seed, tf.Tensor):
        return tf.cast(seed, tf.int32)
    if not is_int(seed):
        raise fail("seed", function, "an int or a stateless seed tensor of shape (2,)", seed)
    digest = tf.fingerprint(tf.reshape(images, [1, -1]))[0]
    content = tf.bitcast(digest, tf.int64)
    return tf.random.experimental.stateless_fold_in(
        tf.constant([int(seed) & 0x7FFFFFFF, 0], tf.int64), content
    )


def as_batch(images: Any, function: str) -> tf.Tensor:
    """``images`` as a float32 tensor of rank 4, ``(n, height, width, channels)``."""
    images = tf.convert_to_tensor(images)
    if images.shape.rank is not None and images.shape.rank != 4:
        raise fail("images", function, "a batch of shape (n, height, width, channels)",
                   Shown(f"shape {tuple(images.shape)}"))
    if images.dtype != tf.float32:
        images = tf.cast(images, tf.float32)
    return images


def check_range(function: str, name: str, value: Any, low: float, high: float, *,
                low_open: bool = False) -> float:
    """``value`` as a float if it is a number in ``[low, high]`` (``(low, high]``); else raise.

    >>> check_range("cutout", "probability", 1, 0.0, 1.0)
    1.0
    """
    ok = is_number(value) and (low < value if low_open else low <= value) and value <= high
    if not ok:
        bracket = "(" if low_open else "["
        raise fail(name, function, f"a number in {bracket}{low}, {high}]", value)
    return float(value)
