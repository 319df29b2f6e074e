"""Seeded, batch-level image augmentation for tf.data pipelines.

Every operation takes a whole float32 batch ``(n, height, width, channels)``
with values in [0, 1] and returns a batch of the same shape and dtype, using
only vectorized TensorFlow ops, so it runs inside
``dataset.batch(b).map(f, num_parallel_calls=tf.data.AUTOTUNE)``.

Modules
-------
- :mod:`~course_utils.augment.ops`: the hand-made ops :func:`random_crop_resize`,
  :func:`cutout`, :func:`gaussian_noise`, :func:`random_affine`;
- :mod:`~course_utils.augment.layers`: Keras random layers by name, :func:`keras_layers`;
- :mod:`~course_utils.augment.pipeline`: the ``AUGMENTATIONS`` table,
  :func:`make_augmenter` and :func:`label_preserving`.

How the randomness is made reproducible
---------------------------------------
Every draw is *stateless*: its seed is built from the user's ``seed`` and a
fingerprint of the batch's bytes, so the same seed and the same batch give the
same result in any run and any thread order, and another batch (the next
epoch's reshuffled one) gets fresh draws. A consequence to know: an unshuffled
dataset gets the same augmentation every epoch, so shuffle training data each
epoch (``Dataset.tf_dataset`` does by default).

Example
-------
>>> from course_utils.augment import make_augmenter
>>> augment = make_augmenter(["flip", {"name": "cutout", "size": 4}], seed=0)
>>> ds = ds.batch(32).map(augment, num_parallel_calls=tf.data.AUTOTUNE)  # doctest: +SKIP
"""

from .layers import keras_layers
from .ops import cutout, gaussian_noise, random_affine, random_crop_resize
from .pipeline import (
    AUGMENTATIONS,
    LABEL_PRESERVING,
    Augmentation,
    Augmenter,
    label_preserving,
    make_augmenter,
)

__all__ = [
    "AUGMENTATIONS",
    "LABEL_PRESERVING",
    "Augmentation",
    "Augmenter",
    "cutout",
    "gaussian_noise",
    "keras_layers",
    "label_preserving",
    "make_augmenter",
    "random_affine",
    "random_crop_resize",
]
