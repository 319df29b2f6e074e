"""Shared pieces of the loaders: the checked request, seeded splits, limits, assembly.

Private to :mod:`course_utils.data`.

Examples
--------
>>> request = Request.make("digits", None, needs_dir=False, limit=4)
>>> parts = split_indices(np.arange(40) % 2, request)
>>> {name: len(rows) for name, rows in parts.items()}
{'train': 4, 'val': 4, 'test': 4}
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._checks import check_bool, check_choice, check_fraction, check_int, fail, is_int
from ..errors import DatasetError
from ..paths import resolve_path
from ._dataset import SPLITS, Dataset

BAD_FILE_CHOICES = ("raise", "skip")
#: How the validation split of a dataset with an official test set is drawn.
VAL_SPLITS = ("stratified", "course")
#: The ``random_state`` the original course notebooks gave ``train_test_split``.
COURSE_SPLIT_SEED = 42
_WHERE = "load_dataset"


@dataclass(frozen=True)
class Request:
    """The options every loader shares, already checked."""

    name: str
    data_dir: Path | None
    image_size: tuple[int, int] | None = None
    grayscale: bool = False
    val_fraction: float = 0.2
    test_fraction: float = 0.2
    seed: int = 0
    limit: int | None = None
    on_bad_file: str = "raise"

    @classmethod
    def make(
        cls,
        name: str,
        data_dir: str | os.PathLike | None,
        *,
        needs_dir: bool,
        uses_dir: bool = False,
        image_size: Any = None,
        grayscale: Any = False,
        val_fraction: Any = 0.2,
        test_fraction: Any = 0.2,
        seed: Any = 0,
        limit: Any = None,
        on_bad_file: Any = "raise",
    ) -> Request:
        """Check the options of :func:`~course_utils.data.load_dataset` and hold them.

        ``needs_dir``: the dataset is read from ``data_dir`` only, so it must be
        given; ``uses_dir``: ``data_dir`` is optional, checked when given.
        """
        folder = None
        if needs_dir or uses_dir:
            folder = _check_dir(name, data_dir, needs_dir=needs_dir)
        return cls(
            name=name,
            data_dir=folder,
            image_size=_check_size(image_size),
            grayscale=check_bool(grayscale, "grayscale", _WHERE, error=DatasetError),
            val_fraction=check_fraction(val_fraction, "val_fraction", _WHERE, error=DatasetError),
            test_fraction=check_fraction(test_fraction, "test_fraction", _WHERE,
                                         error=DatasetError),
            seed=check_int(seed, "seed", _WHERE, minimum=0, error=DatasetError),
            limit=check_int(limit, "limit", _WHERE, minimum=1, allow_none=True,
                            error=DatasetError),
            on_bad_file=check_choice(on_bad_file, "on_bad_file", _WHERE, BAD_FILE_CHOICES,
                                     error=DatasetError),
        )


def _check_dir(name: str, data_dir: str | os.PathLike | None, *, needs_dir: bool) -> Path | None:
    if data_dir is None:
        if needs_dir:
            raise DatasetError(
                f"Dataset {name!r} is read from disk: pass data_dir=<folder holding it>."
            )
        return None
    folder = resolve_path(data_dir)
    if not folder.is_dir():
        raise DatasetError(
            f"The 'data_dir' folder for {name!r} does not exist: {folder} "
            f"(got data_dir={str(data_dir)!r}); expected a folder holding the dataset."
        )
    return folder


def _check_size(size: Any) -> tuple[int, int] | None:
    if size is None:
        return None
    if (
        not isinstance(size, tuple | list)
        or len(size) != 2
        or not all(is_int(v) and v > 0 for v in size)
    ):
        raise fail("image_size", _WHERE, "(height, width) with positive ints", size,
                   error=DatasetError)
    return int(size[0]), int(size[1])


def _take(rows: np.ndarray, labels: np.ndarray, fraction: float, seed: int, stratify: bool):
    """Split ``rows`` into (rest, taken) with ``fraction`` taken; stratified when possible."""
    from sklearn.model_selection import train_test_split

    count = int(round(fraction * len(rows)))
    if count == 0 or len(rows) < 2:
        return rows, rows[:0]
    count = min(count, len(rows) - 1)
    strata = labels[rows] if stratify else None
    try:
        rest, taken = train_test_split(rows, test_size=count, random_state=seed, stratify=strata)
    except ValueError:  # a class too small to stratify: fall back to a plain seeded split
        rest, taken = train_test_split(rows, test_size=count, random_state=seed)
    return np.asarray(rest), np.asarray(taken)


def split_indices(
    labels: np.ndarray, request: Request, *, stratify: bool = True
) -> dict[str, np.ndarray]:
    """Seeded train/val/test row indices: test from all, val from the rest, then ``limit``."""
    labels = np.asarray(labels)
    rows = np.arange(len(labels))
    rest, test = _take(rows, labels, request.test_fraction, request.seed, stratify)
    train, val = _take(rest, labels, request.val_fraction, request.seed + 1, stratify)
    parts = {"train": train, "val": val, "test": test}
    strata = labels if stratify else np.zeros(len(labels))
    return {
        name: cap_indices(idx, strata[idx], request.limit, request.seed)
        for name, idx in parts.items()
    }


def train_val_indices(
    labels: np.ndarray, request: Request, *, val_split: str = "stratified"
) -> dict[str, np.ndarray]:
    """Train/val row indices of an official training set (the test set is shipped apart).

    ``val_split="stratified"``: a seeded, stratified ``val_fraction`` (as
    :func:`split_indices` with no test split). ``"course"``: the original course's
    ``train_test_split(test_size=val_fraction, random_state=42)``, unstratified,
    whatever the seed. ``limit`` then caps each split (class-balanced, seeded).

    >>> request = Request.make("fashion_mnist", None, needs_dir=False, val_fraction=0.25)
    >>> parts = train_val_indices(np.arange(12) % 3, request, val_split="course")
    >>> parts["val"].tolist()
    [10, 9, 0]
    """
    from sklearn.model_selection import train_test_split

    check_choice(val_split, "val_split", _WHERE, VAL_SPLITS, error=DatasetError)
    labels = np.asarray(labels)
    if val_split == "stratified":
        parts = split_indices(labels, replace(request, test_fraction=0.0), stratify=True)
        return {"train": parts["train"], "val": parts["val"]}
    rows = np.arange(len(labels))
    train, val = rows, rows[:0]
    if request.val_fraction > 0:
        train, val = train_test_split(rows, test_size=request.val_fraction,
                                      random_state=COURSE_SPLIT_SEED)
    return {
        name: cap_indices(idx, labels[idx], request.limit, request.seed)
        for name, idx in (("train", np.asarray(train)), ("val", np.asarray(val)))
    }


def cap_indices(rows: np.ndarray, labels: np.ndarray, limit: int | None, seed: int) -> np.ndarray:
    """At most ``limit`` of ``rows``: a seeded choice taking classes in turn (balanced).

    >>> cap_indices(np.arange(10), np.arange(10) % 2, 4, seed=0).tolist()
    [3, 4, 6, 7]
    """
    rows = np.asarray(rows, dtype=np.int64)
    if limit is None or len(rows) <= limit:
        return rows
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(rows))
    shuffled = np.asarray(labels)[order]
    rank = pd.Series(shuffled).groupby(shuffled).cumcount().to_numpy()
    chosen = order[np.lexsort((np.arange(len(order)), rank))][:limit]
    return rows[np.sort(chosen)]


def assemble(
    name: str,
    arrays: dict[str, tuple[np.ndarray, np.ndarray]],
    *,
    class_names: tuple[str, ...],
    description: str,
    attributes: dict[str, pd.DataFrame] | None = None,
    task: str = "classification",
    source: str = "",
) -> Dataset:
    """Build the :class:`~course_utils.data.Dataset` from ``{split: (x, y)}``."""
    ydtype = np.int64 if task == "classification" else np.float32
    fields: dict[str, Any] = {}
    shape = arrays["train"][0].shape[1:]
    for split in SPLITS:
        x, y = arrays[split]
        if len(x) == 0:
            x = np.zeros((0, *shape), dtype=np.float32)
        fields[f"x_{split}"] = np.ascontiguousarray(x, dtype=np.float32)
        fields[f"y_{split}"] = np.asarray(y, dtype=ydtype).reshape(-1)
    return Dataset(
        name=name,
        **fields,
        class_names=tuple(class_names),
        input_shape=tuple(int(s) for s in shape),
        attributes={k: v.reset_index(drop=True) for k, v in (attributes or {}).items()},
        description=description,
        task=task,
        source=source,
    )
