"""Serves notebooks 06_cnn_trials and 07_augmentation: the Fashion-MNIST course's set-up.

The original Fashion-MNIST course (course D) trained seven models, each adding one
thing to an earlier one: a baseline MLP, the same MLP on augmented images, a small
CNN, then batch normalization, dropout, and L2 or L1 on top of the dropout model
(those two are siblings). This module holds that family once, so that notebook 06
reproduces the seven and notebook 07 trains the baseline with and without the
augmentation from exactly the same definitions:

- :data:`COURSE_STEPS` and :func:`course_features`: each model as its parent plus
  one change, and the cumulative features that gives;
- :func:`course_model_variants`: the models as :func:`course_utils.train.run_variants`
  variants;
- :func:`course_augmentation`: cutout, horizontal flip and a 5-degree rotation;
- :func:`load_course_data`: the original's split of Fashion-MNIST (digits where
  ``"auto"`` means digits), and :func:`shrink` for the quick preset's subsets.

Example
-------
>>> course_features("d_l1") == {**course_features("d_dropout"), "l1": 1e-4}
True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from .._checks import check_fraction, check_int, fail
from ..augment import label_preserving
from ..data import AUTO, Dataset, image_dataset, load_dataset

__all__ = [
    "COURSE_START",
    "COURSE_STEPS",
    "COURSE_MODELS",
    "DIGITS_SIZE",
    "course_features",
    "course_model_variants",
    "course_augmentation",
    "image_size_for",
    "load_course_data",
    "shrink",
]

#: The features of the course's models; the baseline has none of them.
COURSE_START: dict[str, Any] = {"augment": False, "conv": False, "batch_norm": False,
                                "dropout": 0.0, "l2": 0.0, "l1": 0.0}
#: name -> (parent, the one change it makes to its parent), in the original's order.
#: ``d_l2`` and ``d_l1`` both build on ``d_dropout``: siblings, as in the original.
COURSE_STEPS: dict[str, tuple[str | None, dict[str, Any]]] = {
    "d_baseline": (None, {}),
    "d_mlp": ("d_baseline", {"augment": True}),
    "d_cnn": ("d_mlp", {"conv": True}),
    "d_batch_norm": ("d_cnn", {"batch_norm": True}),
    "d_dropout": ("d_batch_norm", {"dropout": 0.2}),
    "d_l2": ("d_dropout", {"l2": 1e-4}),
    "d_l1": ("d_dropout", {"l1": 1e-4}),
}
COURSE_MODELS: tuple[str, ...] = tuple(COURSE_STEPS)
#: Flatten-Dense128-Dense10, and Conv32-pool-Conv32-pool-Dense128-Dense84-Dense10.
_MLP = {"hidden": (128,)}
_CNN = {"blocks": (32, 32), "dense": (128, 84)}
#: The original's augmentation on 28x28 images: cutout of up to a 10x10 square with
#: probability 0.5, a horizontal flip, a rotation of up to 5 degrees (a share of a turn).
_CUTOUT, _SIDE, _ROTATION = 10, 28, 5 / 360
#: The embedded 8x8 digits are upsampled to this size (room for two or three 2x2 pools).
DIGITS_SIZE = (16, 16)


def course_features(name: str) -> dict[str, Any]:
    """The features of one of the course's models: its parent's plus its own change.

    Parameters
    ----------
    name : str
        One of :data:`COURSE_MODELS`.

    Returns
    -------
    dict
        ``augment``, ``conv``, ``batch_norm`` (bool), ``dropout``, ``l2``, ``l1``.

    Example
    -------
    >>> course_features("d_cnn")
    {'augment': True, 'conv': True, 'batch_norm': False, 'dropout': 0.0, 'l2': 0.0, 'l1': 0.0}
    """
    if name not in COURSE_STEPS:
        raise fail("name", "course_features", f"one of {list(COURSE_MODELS)}", name)
    parent, change = COURSE_STEPS[name]
    return {**(course_features(parent) if parent else COURSE_START), **change}


def _model_options(features: Mapping[str, Any], momentum: float) -> tuple[str, dict]:
    """The builder's name and keyword arguments for one set of features (logits out)."""
    options = dict(_CNN if features["conv"] else _MLP)
    options.update({k: features[k] for k in ("batch_norm", "dropout", "l2", "l1")
                    if features[k]})
    if features["batch_norm"]:
        options["batch_norm_momentum"] = momentum
    return ("cnn" if features["conv"] else "mlp"), {**options, "output_activation": None}


def course_model_variants(
    names: Sequence[str] = COURSE_MODELS,
    *,
    augment: Callable[[Any], Any] | None,
    batch_norm_momentum: float = 0.99,
) -> dict[str, dict[str, Any]]:
    """The course's models as :func:`~course_utils.train.run_variants` variants.

    Every model outputs logits and trains with ``from_logits=True``, as the
    original did; the models whose features include ``augment`` train on
    ``augment``-ed batches, the others on the plain images.

    Parameters
    ----------
    names : sequence of str, default all of :data:`COURSE_MODELS`
        The models, in the order to train them.
    augment : callable or None
        The batch augmentation (``make_augmenter(course_augmentation(...))``); it
        may be None only when no model of ``names`` uses augmentation.
    batch_norm_momentum : float, default 0.99
        Momentum of the batch-normalization running statistics (Keras' default).

    Returns
    -------
    dict of str to dict
        ``{name: {"build": "mlp" | "cnn", "model": builder kwargs,
        "from_logits": True, ["augment": augment]}}``.

    Example
    -------
    >>> specs = course_model_variants(["d_baseline", "d_cnn"], augment=abs)
    >>> specs["d_baseline"]["model"], specs["d_cnn"]["augment"] is abs
    ({'hidden': (128,), 'output_activation': None}, True)
    """
    where = "course_model_variants"
    momentum = check_fraction(batch_norm_momentum, "batch_norm_momentum", where)
    if isinstance(names, str) or not isinstance(names, Sequence):
        raise fail("names", where, f"a list of names among {list(COURSE_MODELS)}", names)
    unknown = [n for n in names if n not in COURSE_STEPS]
    if unknown:
        raise fail("names", where, f"a list of names among {list(COURSE_MODELS)}", names,
                   hint=f"Unknown: {unknown}.")
    specs = {}
    for name in names:
        features = course_features(name)
        build, options = _model_options(features, momentum)
        spec: dict[str, Any] = {"build": build, "model": options, "from_logits": True}
        if features["augment"]:
            if not callable(augment):
                raise fail("augment", where, f"a batch augmentation (callable), since "
                           f"{name!r} trains on augmented images", augment)
            spec["augment"] = augment
        specs[name] = spec
    return specs


def course_augmentation(input_shape: Sequence[int], dataset_name: str, *,
                        cutout_size: int | None = None) -> list[Any]:
    """The original's augmentation, as a :func:`~course_utils.augment.make_augmenter` spec.

    Cutout of a 10x10 square on 28x28 images (scaled to the image side
    elsewhere, unless ``cutout_size`` is given) with probability 0.5, a
    horizontal flip where it keeps this dataset's labels (not for digits), and
    a rotation of up to 5 degrees.

    Example
    -------
    >>> course_augmentation((28, 28, 1), "fashion_mnist")
    [{'name': 'cutout', 'size': 10}, 'flip', {'name': 'rotation', 'factor': 0.013888888888888888}]
    >>> course_augmentation((16, 16, 1), "digits")[0]
    {'name': 'cutout', 'size': 6}
    """
    side = min(int(s) for s in input_shape[:2])
    if cutout_size is None:
        cutout_size = max(1, round(_CUTOUT * side / _SIDE))
    size = check_int(cutout_size, "cutout_size", "course_augmentation", minimum=1,
                     maximum=side)
    steps: list[Any] = [{"name": "cutout", "size": size}]
    if label_preserving("flip", dataset_name):
        steps.append("flip")
    return [*steps, {"name": "rotation", "factor": _ROTATION}]


def image_size_for(dataset_name: str, image_size: Sequence[int] | None = None
                   ) -> tuple[int, int] | None:
    """``image_size`` when given, else :data:`DIGITS_SIZE` for the digits, else None.

    >>> image_size_for("digits"), image_size_for("fashion_mnist"), image_size_for("x", [8, 8])
    ((16, 16), None, (8, 8))
    """
    if image_size is not None:
        return tuple(int(s) for s in image_size)
    return DIGITS_SIZE if dataset_name == "digits" else None


def load_course_data(dataset: str = AUTO, data_dir: Any = None, *,
                     image_size: Sequence[int] | None = None, seed: int = 0,
                     limit: int | None = None) -> Dataset:
    """The data of the course's models: Fashion-MNIST on the original's split.

    Fashion-MNIST (``"auto"`` where its files are installed) gets the original
    course's split: 50,000 training and 10,000 validation images from
    ``train_test_split(test_size=1/6, random_state=42)``, and the official
    10,000 test images. Any other dataset (the digits, where ``"auto"`` finds
    no Fashion-MNIST) is split with the same validation share; the digits are
    upsampled to :data:`DIGITS_SIZE`.

    Example
    -------
    >>> data = load_course_data("digits", limit=30)
    >>> data.name, data.input_shape
    ('digits', (16, 16, 1))
    """
    name = image_dataset(data_dir) if dataset == AUTO else dataset
    if str(name).lower().replace("-", "_") == "fashion_mnist":
        return load_dataset("fashion_mnist", data_dir, image_size=image_size, seed=seed,
                            limit=limit, val_fraction=1 / 6, val_split="course")
    return load_dataset(name, data_dir if name != "digits" else None,
                        image_size=image_size_for(name, image_size), seed=seed, limit=limit,
                        val_fraction=1 / 6)


def _balanced_rows(labels: np.ndarray, size: int, seed: int) -> np.ndarray:
    """``size`` row indices of ``labels``, seeded, taking the classes in turn; sorted."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(labels))
    shuffled = labels[order]
    rank = pd.Series(shuffled).groupby(shuffled).cumcount().to_numpy()
    return np.sort(order[np.lexsort((np.arange(len(order)), rank))][:size])


def shrink(data: Dataset, *, train_per_class: int | None = None, val_size: int | None = None,
           seed: int = 0) -> Dataset:
    """A smaller training and validation split of ``data``; the test split stays whole.

    Parameters
    ----------
    data : Dataset
        A classification dataset.
    train_per_class : int, optional
        Keep at most this many training examples of each class (seeded).
    val_size : int, optional
        Keep at most this many validation examples, the classes taken in turn
        (class-balanced, seeded).
    seed : int, default 0

    Returns
    -------
    Dataset

    Example
    -------
    >>> from course_utils.data import load_dataset
    >>> small = shrink(load_dataset("digits"), train_per_class=5, val_size=40)
    >>> len(small.y_train), len(small.y_val), np.bincount(small.y_val).tolist()
    (50, 40, [4, 4, 4, 4, 4, 4, 4, 4, 4, 4])
    """
    check_int(val_size, "val_size", "shrink", minimum=1, allow_none=True)
    seed = check_int(seed, "seed", "shrink", minimum=0)
    if train_per_class is not None:
        data = data.subset(per_class=train_per_class, seed=seed)
    if val_size is None or val_size >= len(data.y_val):
        return data
    rows = _balanced_rows(data.y_val, val_size, seed)
    attributes = dict(data.attributes)
    if "val" in attributes:
        attributes["val"] = attributes["val"].iloc[rows].reset_index(drop=True)
    return replace(data, x_val=data.x_val[rows], y_val=data.y_val[rows], attributes=attributes,
                   description=f"{data.description}; {val_size} validation examples")
