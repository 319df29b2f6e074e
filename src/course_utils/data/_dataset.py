"""The container every loader returns: :class:`Dataset`, frozen, with its splits.

Examples
--------
>>> from course_utils.data import load_dataset
>>> data = load_dataset("digits", limit=20)
>>> x, y = data.split("val")
>>> x.shape, y.dtype
((20, 8, 8, 1), dtype('int64'))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from .._checks import check_bool, check_choice, check_int, is_int
from ..errors import DatasetError

__all__ = ["SPLITS", "Dataset"]

#: The split names, in the order loaders fill them.
SPLITS = ("train", "val", "test")


@dataclass(frozen=True, eq=False)
class Dataset:
    """Train, validation and test splits of one dataset, with what describes them.

    Attributes
    ----------
    name : str
        Canonical dataset name (``"digits"``, ``"utkface"``, ...).
    x_train, x_val, x_test : np.ndarray
        float32 inputs. Images are ``(n, height, width, channels)`` in [0, 1];
        ``sine`` is ``(n, 1)`` or ``(n, timesteps, 1)``.
    y_train, y_val, y_test : np.ndarray
        int64 class indices (classification) or float32 targets (regression),
        shape ``(n,)``.
    class_names : tuple of str
        Name of each class index; ``()`` for regression.
    input_shape : tuple of int
        ``x_train.shape[1:]``.
    attributes : dict of str to pandas.DataFrame
        Split name to one row per example (for example ``age``, ``gender``,
        ``race``, ``file``; ``x`` for ``sine``); ``{}`` when there are none.
    description : str
        One line saying where the data came from ("synthetic" when it is).
    task : str
        ``"classification"`` or ``"regression"``.
    source : str
        Where the examples were read from: a folder or file for data on disk,
        ``"embedded"`` for data that ships with the code or is generated.

    Examples
    --------
    >>> from course_utils.data import load_dataset
    >>> data = load_dataset("digits", limit=10)
    >>> data.num_classes, data.input_shape, data.source
    (10, (8, 8, 1), 'embedded')
    """

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...]
    input_shape: tuple[int, ...]
    attributes: dict[str, pd.DataFrame] = field(default_factory=dict)
    description: str = ""
    task: str = "classification"
    source: str = ""

    @property
    def num_classes(self) -> int:
        """Number of classes (0 for regression)."""
        return len(self.class_names)

    def split(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(x, y)`` of the split ``"train"``, ``"val"`` or ``"test"``."""
        check_choice(name, "split", "Dataset.split", SPLITS, error=DatasetError)
        return getattr(self, f"x_{name}"), getattr(self, f"y_{name}")

    def tf_dataset(
        self,
        split: str,
        *,
        batch_size: int = 32,
        shuffle: bool | None = None,
        seed: int = 0,
        augment: Callable[[Any], Any] | None = None,
        one_hot: bool = False,
    ):
        """Return the split as a batched ``tf.data.Dataset`` of ``(x, y)``.

        The pipeline is: from_tensor_slices, cache, shuffle (seeded, reshuffled
        each epoch; on by default for ``"train"`` only), batch, ``augment``
        (a callable taking and returning a float image batch, run with
        ``num_parallel_calls=AUTOTUNE``), prefetch.

        Parameters
        ----------
        split : {"train", "val", "test"}
        batch_size : int, default 32
        shuffle : bool or None, default None
            None shuffles the train split only.
        seed : int, default 0
            Seed of the shuffle.
        augment : callable or None
            Batch-level augmentation, for example from
            ``course_utils.augment.make_augmenter``.
        one_hot : bool, default False
            Give ``y`` as one-hot float32 rows (classification only).

        Examples
        --------
        >>> from course_utils.data import load_dataset
        >>> ds = load_dataset("digits", limit=20).tf_dataset("val", batch_size=8)
        >>> [int(x.shape[0]) for x, _ in ds]
        [8, 8, 4]
        """
        import tensorflow as tf

        x, y = self.split(split)
        check_int(batch_size, "batch_size", "Dataset.tf_dataset", minimum=1, error=DatasetError)
        check_int(seed, "seed", "Dataset.tf_dataset", error=DatasetError)
        if shuffle is not None:
            check_bool(shuffle, "shuffle", "Dataset.tf_dataset", error=DatasetError)
        if check_bool(one_hot, "one_hot", "Dataset.tf_dataset", error=DatasetError):
            if self.task != "classification":
                raise DatasetError(
                    f"one_hot=True needs a classification dataset; {self.name!r} is a "
                    f"{self.task} dataset."
                )
            y = np.eye(self.num_classes, dtype=np.float32)[y]
        ds = tf.data.Dataset.from_tensor_slices((x, y)).cache()
        if (split == "train") if shuffle is None else shuffle:
            ds = ds.shuffle(max(len(x), 1), seed=seed, reshuffle_each_iteration=True)
        ds = ds.batch(batch_size)
        if augment is not None:
            ds = ds.map(
                lambda images, labels: (augment(images), labels),
                num_parallel_calls=tf.data.AUTOTUNE,
            )
        return ds.prefetch(tf.data.AUTOTUNE)

    def subset(
        self,
        *,
        classes: list[int | str] | None = None,
        per_class: int | None = None,
        seed: int = 0,
    ) -> Dataset:
        """Keep some classes (relabelled 0..k-1 in the order given) and cap train per class.

        Parameters
        ----------
        classes : list of int or str, optional
            Class indices or names to keep; None keeps all.
        per_class : int, optional
            Keep at most this many training examples per class (seeded choice);
            validation and test keep every example of the kept classes.
        seed : int, default 0

        Examples
        --------
        >>> from course_utils.data import load_dataset
        >>> digits = load_dataset("digits", limit=100)
        >>> few = digits.subset(classes=[5, 6, 7, 8, 9], per_class=3)
        >>> few.class_names, np.bincount(few.y_train).tolist()
        (('5', '6', '7', '8', '9'), [3, 3, 3, 3, 3])
        """
        self._need_classes("subset")
        check_int(per_class, "per_class", "Dataset.subset", minimum=1, allow_none=True,
                  error=DatasetError)
        check_int(seed, "seed", "Dataset.subset", error=DatasetError)
        keep = list(range(self.num_classes)) if classes is None else classes
        indices = [self._class_index(c) for c in keep]
        if len(set(indices)) != len(indices):
            raise DatasetError(f"The 'classes' parameter lists a class twice. Got {classes!r}.")
        lookup = np.full(self.num_classes, -1, dtype=np.int64)
        lookup[indices] = np.arange(len(indices))
        parts: dict[str, Any] = {}
        attributes = {}
        for name in SPLITS:
            x, y = self.split(name)
            rows = np.flatnonzero(lookup[y] >= 0)
            if name == "train" and per_class is not None:
                rows = _per_class_rows(rows, y, indices, per_class, seed)
            parts[f"x_{name}"] = x[rows]
            parts[f"y_{name}"] = lookup[y[rows]]
            if name in self.attributes:
                attributes[name] = self.attributes[name].iloc[rows].reset_index(drop=True)
        names = tuple(self.class_names[i] for i in indices)
        note = f"; subset of classes {list(names)}"
        if per_class is not None:
            note += f", at most {per_class} train examples per class"
        return replace(
            self, **parts, class_names=names, attributes=attributes,
            description=self.description + note,
        )

    def relabel(self, mapping: dict[int, int], class_names: tuple[str, ...] | list[str]) -> Dataset:
        """Regroup classes into new ones, for example Fashion-MNIST into top/bottom/accessory.

        Parameters
        ----------
        mapping : dict of int to int
            Old class index to new class index; every old class must appear.
        class_names : sequence of str
            Name of each new class index.

        Examples
        --------
        >>> from course_utils.data import load_dataset
        >>> digits = load_dataset("digits", limit=20)
        >>> parity = digits.relabel({i: i % 2 for i in range(10)}, ["even", "odd"])
        >>> parity.class_names, bool((parity.y_test == digits.y_test % 2).all())
        (('even', 'odd'), True)
        """
        self._need_classes("relabel")
        names = tuple(str(n) for n in class_names)
        missing = sorted(set(range(self.num_classes)) - set(mapping))
        if missing:
            raise DatasetError(
                f"The 'mapping' parameter must give a new class for every class; "
                f"classes {missing} ({[self.class_names[i] for i in missing]}) are missing."
            )
        bad = {k: v for k, v in mapping.items() if not (is_int(v) and 0 <= v < len(names))}
        if bad:
            raise DatasetError(
                f"The 'mapping' parameter must map to indices 0..{len(names) - 1} of "
                f"class_names {names}. Got {bad} instead."
            )
        unknown = sorted(set(mapping) - set(range(self.num_classes)))
        if unknown:
            raise DatasetError(
                f"The 'mapping' parameter names classes {unknown} that {self.name!r} does not "
                f"have (it has 0..{self.num_classes - 1})."
            )
        lookup = np.array([int(mapping[i]) for i in range(self.num_classes)], dtype=np.int64)
        ys = {f"y_{s}": lookup[self.split(s)[1]] for s in SPLITS}
        return replace(
            self, **ys, class_names=names,
            description=self.description + f"; regrouped into {list(names)}",
        )

    def _need_classes(self, method: str) -> None:
        if self.task != "classification":
            raise DatasetError(f"Dataset.{method} needs a classification dataset; "
                               f"{self.name!r} is a {self.task} dataset.")

    def _class_index(self, value: int | str) -> int:
        if isinstance(value, str):
            if value not in self.class_names:
                raise DatasetError(
                    f"Unknown class {value!r} for {self.name!r}; expected one of "
                    f"{self.class_names}."
                )
            return self.class_names.index(value)
        if not is_int(value) or not 0 <= value < self.num_classes:
            raise DatasetError(
                f"Unknown class {value!r} for {self.name!r}; expected 0..{self.num_classes - 1} "
                f"or a name in {self.class_names}."
            )
        return int(value)


def _per_class_rows(
    rows: np.ndarray, y: np.ndarray, classes: list[int], per_class: int, seed: int
) -> np.ndarray:
    """At most ``per_class`` of ``rows`` for each of ``classes``: a seeded choice, sorted."""
    rng = np.random.default_rng(seed)
    chosen = [rng.permutation(rows[y[rows] == c])[:per_class] for c in classes]
    return np.sort(np.concatenate(chosen)).astype(np.int64)
