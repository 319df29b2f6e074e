"""Shared pieces of the loaders: the checked request, seeded splits, limits, assembly.

Private to :mod:`course_utils.data` and :mod:`course_utils._image_files`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import DatasetError
from .paths import resolve_path

BAD_FILE_CHOICES = ("raise", "skip")


@dataclass(frozen=True)
class Request:
    """The options every loader shares, already checked."""

    name: str
    data_dir: Path | None
    image_size: tuple[int, int] | None
    grayscale: bool
    val_fraction: float
    test_fraction: float
    seed: int
    limit: int | None
    on_bad_file: str

    @classmethod
    def make(
        cls, name: str, data_dir: str | os.PathLike | None, *, needs_dir: bool, **kw: Any
    ) -> Request:
        folder = None
        if needs_dir:
            if data_dir is None:
                raise DatasetError(
                    f"Dataset {name!r} is read from disk: pass data_dir=<folder holding it>."
                )
            folder = resolve_path(data_dir)
            if not folder.is_dir():
                raise DatasetError(
                    f"The 'data_dir' folder for {name!r} does not exist: {folder} "
                    f"(got data_dir={str(data_dir)!r}); expected a folder holding the dataset."
                )
        size = kw["image_size"]
        if size is not None:
            if (
                not isinstance(size, tuple | list)
                or len(size) != 2
                or not all(isinstance(v, int | np.integer) and v > 0 for v in size)
            ):
                raise DatasetError(
                    "The 'image_size' parameter must be (height, width) with positive ints. "
                    f"Got {size!r} instead."
                )
            size = (int(size[0]), int(size[1]))
        val, test = kw["val_fraction"], kw["test_fraction"]
        for label, value in (("val_fraction", val), ("test_fraction", test)):
            if not 0.0 <= float(value) < 1.0:
                raise DatasetError(
                    f"The '{label}' parameter must be in [0, 1). Got {value!r} instead."
                )
        limit = kw["limit"]
        if limit is not None and (not isinstance(limit, int | np.integer) or limit < 1):
            raise DatasetError(
                f"The 'limit' parameter must be None or a positive int. Got {limit!r} instead."
            )
        if kw["on_bad_file"] not in BAD_FILE_CHOICES:
            raise DatasetError(
                f"The 'on_bad_file' parameter must be one of {BAD_FILE_CHOICES}. "
                f"Got {kw['on_bad_file']!r} instead."
            )
        return cls(
            name=name, data_dir=folder, image_size=size, grayscale=bool(kw["grayscale"]),
            val_fraction=float(val), test_fraction=float(test), seed=int(kw["seed"]),
            limit=None if limit is None else int(limit), on_bad_file=kw["on_bad_file"],
        )


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


def cap_indices(rows: np.ndarray, labels: np.ndarray, limit: int | None, seed: int) -> np.ndarray:
    """At most ``limit`` of ``rows``: a seeded choice taking classes in turn (balanced)."""
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
):
    """Build the :class:`~course_utils.data.Dataset` from ``{split: (x, y)}``."""
    from .data import Dataset

    ydtype = np.int64 if task == "classification" else np.float32
    fields: dict[str, Any] = {}
    shape = arrays["train"][0].shape[1:]
    for split in ("train", "val", "test"):
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
    )
