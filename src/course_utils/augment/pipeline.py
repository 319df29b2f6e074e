"""The table of named augmentations, :func:`make_augmenter`, and which ones keep the label.

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

The Keras layers are driven like the hand-made ops: their random transformation
is drawn from a seed derived per batch, not from the layer's own state. Not
every augmentation keeps the label: see :func:`label_preserving`.

Example
-------
>>> augment = make_augmenter(["flip", {"name": "cutout", "size": 4}], seed=0)
>>> augment
Augmenter([flip(mode='horizontal'), cutout(size=4, probability=0.5)], seed=0)
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import tensorflow as tf

from .._checks import Shown, check_choice, check_int, fail
from ._batch import as_batch, batch_seed
from .layers import KERAS_OPS, KerasOp, apply_keras_layer
from .ops import (
    check_affine,
    check_crop,
    check_cutout,
    check_noise,
    cutout,
    gaussian_noise,
    random_affine,
    random_crop_resize,
)

__all__ = [
    "AUGMENTATIONS",
    "LABEL_PRESERVING",
    "Augmentation",
    "Augmenter",
    "label_preserving",
    "make_augmenter",
]


@dataclass(frozen=True)
class Augmentation:
    """One entry of ``AUGMENTATIONS``: a name, its options and how to apply it."""

    name: str
    description: str
    defaults: dict[str, Any] = field(default_factory=dict)
    function: Callable[..., tf.Tensor] | None = None  # hand-made op
    check: Callable[..., Any] | None = None  # validates the hand-made op's options
    keras_op: KerasOp | None = None


AUGMENTATIONS: dict[str, Augmentation] = {
    "crop": Augmentation("crop", "random crop (>= min_fraction of each side), resized back",
                         {"min_fraction": 0.78}, function=random_crop_resize, check=check_crop),
    "cutout": Augmentation("cutout", "zero a size x size square with a probability",
                           {"size": 10, "probability": 0.5}, function=cutout,
                           check=check_cutout),
    "affine": Augmentation("affine", "rotation, zoom, shift, flip in one resampling",
                           {"rotation": 0.05, "zoom": 0.0, "translation": 0.1, "flip": False,
                            "fill_mode": "nearest", "interpolation": "bilinear"},
                           function=random_affine, check=check_affine),
    "noise": Augmentation("noise", "add Gaussian noise of standard deviation std, clip",
                          {"std": 0.05}, function=gaussian_noise, check=check_noise),
    **{
        name: Augmentation(name, f"keras.layers.{op.layer}", {op.strength: op.default},
                           keras_op=op)
        for name, op in KERAS_OPS.items()
    },
}


@dataclass(frozen=True)
class _Step:
    name: str
    options: dict[str, Any]
    apply: Callable[[tf.Tensor, tf.Tensor], tf.Tensor]


def _parse_entry(entry: Any) -> tuple[str, dict[str, Any]]:
    """The name and options of one entry of ``spec``: a name, or a dict with a 'name'."""
    if isinstance(entry, str):
        name, options = entry, {}
    elif isinstance(entry, Mapping) and "name" in entry:
        name, options = entry["name"], {k: v for k, v in entry.items() if k != "name"}
    else:
        raise fail("spec", "make_augmenter",
                   "a list of names or dicts with a 'name' key, such as "
                   "{'name': 'cutout', 'size': 4}", entry)
    if name not in AUGMENTATIONS:
        raise fail("spec", "make_augmenter",
                   f"a list of augmentation names from {sorted(AUGMENTATIONS)}", name)
    return name, options


def _hand_made_step(aug: Augmentation, options: dict[str, Any]) -> _Step:
    allowed = [p for p in inspect.signature(aug.function).parameters
               if p not in ("images", "seed")]
    extra = sorted(set(options) - set(allowed))
    if extra:
        raise fail("spec", "make_augmenter", f"options of {aug.name!r} from {allowed}",
                   Shown(f"option {extra[0]!r}"))
    options = {**aug.defaults, **options}
    aug.check(**options)  # bad values fail here, not later inside tf.data

    def apply(images, step_seed, function=aug.function, options=options):
        return function(images, seed=step_seed, **options)

    return _Step(aug.name, options, apply)


def _keras_step(aug: Augmentation, options: dict[str, Any], seed: int) -> _Step:
    op = aug.keras_op
    strength = options.pop(op.strength, op.default)
    layer = op.build(strength, seed, **options)

    def apply(images, step_seed, layer=layer):
        return apply_keras_layer(layer, images, step_seed)

    return _Step(aug.name, {op.strength: strength, **options}, apply)


def _make_step(entry: str | Mapping[str, Any], seed: int) -> _Step:
    name, options = _parse_entry(entry)
    aug = AUGMENTATIONS[name]
    if aug.function is not None:
        return _hand_made_step(aug, options)
    return _keras_step(aug, options, seed)


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
        images = as_batch(images, "Augmenter")
        base = batch_seed(images, self.seed, "Augmenter")
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
    >>> augment(tf.ones((2, 8, 8, 1))).shape
    TensorShape([2, 8, 8, 1])
    >>> ds = ds.batch(32).map(augment, num_parallel_calls=tf.data.AUTOTUNE)  # doctest: +SKIP
    """
    if isinstance(spec, str | Mapping):
        spec = [spec]
    seed = check_int(seed, "seed", "make_augmenter")
    return Augmenter([_make_step(entry, seed + i) for i, entry in enumerate(spec)], seed)


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
    check_choice(name, "name", "label_preserving", sorted(AUGMENTATIONS))
    if not isinstance(dataset_name, str):
        raise fail("dataset_name", "label_preserving", "a dataset name (str)", dataset_name)
    return LABEL_PRESERVING.get(name, {}).get(dataset_name.lower(), True)
