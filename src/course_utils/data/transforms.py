"""Array helpers shared by the loaders, and regrouping classes into super-classes.

Examples
--------
>>> images = np.zeros((2, 4, 4, 3), dtype=np.float32)
>>> set_channels(images, grayscale=True, channels=None).shape
(2, 4, 4, 1)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._checks import fail, is_int
from ..errors import DatasetError
from ._dataset import Dataset

__all__ = ["DEFAULT_GROUPS", "class_groups", "resize_images", "set_channels", "check_channels"]


def resize_images(images: np.ndarray, size: tuple[int, int] | None) -> np.ndarray:
    """Resize a float image batch ``(n, h, w, c)`` to ``size=(height, width)``, bilinear.

    Returns ``images`` itself when ``size`` is None or already their size;
    otherwise float32 clipped to [0, 1].

    >>> resize_images(np.ones((1, 2, 2, 1), dtype=np.float32), (4, 4)).shape
    (1, 4, 4, 1)
    """
    if size is None or tuple(images.shape[1:3]) == tuple(size):
        return images
    import tensorflow as tf

    chunks = [
        tf.image.resize(images[i : i + 4096], size, method="bilinear").numpy()
        for i in range(0, max(len(images), 1), 4096)
    ]
    out = np.concatenate(chunks) if len(images) else np.zeros((0, *size, images.shape[-1]))
    return np.clip(out, 0.0, 1.0).astype(np.float32)


def set_channels(images: np.ndarray, *, grayscale: bool, channels: int | None) -> np.ndarray:
    """Convert RGB to one luminance channel (``grayscale``) or repeat gray to ``channels=3``.

    >>> gray = np.full((1, 2, 2, 1), 0.5, dtype=np.float32)
    >>> set_channels(gray, grayscale=False, channels=3).shape
    (1, 2, 2, 3)
    """
    if grayscale and channels == 3:
        raise DatasetError("grayscale=True and channels=3 contradict each other; pick one.")
    if (grayscale or channels == 1) and images.shape[-1] == 3:
        weights = np.array([0.299, 0.587, 0.114], dtype=np.float32)
        images = (images @ weights)[..., None].astype(np.float32)
    if channels == 3 and images.shape[-1] == 1:
        images = np.repeat(images, 3, axis=-1)
    return images


def check_channels(channels: Any, *, allow_none: bool = False) -> int | None:
    """The ``channels`` option of :func:`~course_utils.data.load_dataset`: 1 or 3 (or None)."""
    if channels is None and allow_none:
        return None
    if not is_int(channels) or channels not in (1, 3):
        expected = "None, 1 or 3" if allow_none else "1 or 3"
        raise fail("channels", "load_dataset", expected, channels, error=DatasetError)
    return int(channels)


#: Super-classes per dataset name, used by :func:`class_groups` when no ``groups`` are given.
#: Fashion-MNIST: the course's regrouping (its "Bottom" also holds the footwear). Digits: by
#: the shape of the written digit (closed loops, straight strokes, open curves).
DEFAULT_GROUPS: dict[str, dict[str, list[int]]] = {
    "fashion_mnist": {"Top": [0, 2, 3, 4, 6], "Bottom": [1, 5, 7, 9], "Accessories": [8]},
    "digits": {"round": [0, 6, 8, 9], "straight": [1, 4, 7], "curvy": [2, 3, 5]},
}


def class_groups(
    data: Dataset, groups: dict[str, list[int | str]] | None = None
) -> tuple[dict[int, int], tuple[str, ...]]:
    """Return the ``(mapping, names)`` that :meth:`Dataset.relabel` needs to regroup classes.

    Parameters
    ----------
    data : Dataset
        A classification dataset.
    groups : dict of str to list of int or str, optional
        Super-class name -> the classes (indices or names) it holds; every class
        in exactly one group. None takes :data:`DEFAULT_GROUPS` for
        ``data.name``, and for any other dataset splits the classes, in their
        order, into two halves (the first one larger when the count is odd),
        each named after its classes joined with ``+``.

    Returns
    -------
    mapping : dict of int to int
        Old class index -> super-class index.
    names : tuple of str
        Super-class names, in the order of ``groups``.

    Raises
    ------
    DatasetError
        A class that is unknown, in two groups or in none, or an empty group.

    Examples
    --------
    >>> from course_utils.data import load_dataset
    >>> digits = load_dataset("digits", limit=30)
    >>> mapping, names = class_groups(digits)
    >>> names, [mapping[d] for d in (0, 1, 2)]
    (('round', 'straight', 'curvy'), [0, 1, 2])
    >>> digits.relabel(mapping, names).num_classes
    3
    """
    data._need_classes("class_groups")
    if groups is None:
        groups = DEFAULT_GROUPS.get(data.name) or _halves(data.class_names)
    if not isinstance(groups, dict) or not groups:
        raise DatasetError(
            "The 'groups' parameter must be a non-empty dict of super-class name -> list of "
            f"classes. Got {groups!r} instead."
        )
    mapping: dict[int, int] = {}
    for new, (name, members) in enumerate(groups.items()):
        if isinstance(members, str | int) or not members:
            raise DatasetError(
                f"The 'groups' parameter must give each super-class a non-empty list of "
                f"classes. Got {members!r} for {name!r} instead."
            )
        for member in members:
            old = data._class_index(member)
            if old in mapping:
                raise DatasetError(
                    f"The 'groups' parameter puts class {data.class_names[old]!r} in two "
                    f"super-classes; give each class exactly one."
                )
            mapping[old] = new
    missing = [data.class_names[i] for i in range(data.num_classes) if i not in mapping]
    if missing:
        raise DatasetError(
            f"The 'groups' parameter leaves classes {missing} of {data.name!r} in no "
            "super-class; give each class exactly one."
        )
    return mapping, tuple(str(name) for name in groups)


def _halves(class_names: tuple[str, ...]) -> dict[str, list[str]]:
    half = (len(class_names) + 1) // 2
    parts = [class_names[:half], class_names[half:]]
    return {"+".join(part): list(part) for part in parts if part}
