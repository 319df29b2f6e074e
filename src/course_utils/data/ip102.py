"""``"ip102"``: the IP102 insect pests, read from the dataset's own split files.

``train.txt`` / ``val.txt`` / ``test.txt`` hold lines ``<file> <class>``; images
live under ``classification/<split>/<class>/<file>`` (or ``images/<file>``).

Examples
--------
>>> from course_utils.data import load_dataset
>>> pests = load_dataset("ip102", "data/IP102", image_size=(100, 100))  # doctest: +SKIP
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..errors import DatasetError
from ._dataset import Dataset
from ._decode import BadFiles, cap_table, finish, relative
from ._splits import Request

__all__ = ["load_ip102"]


def _read_split_file(root: Path, split: str, bad: BadFiles) -> pd.DataFrame:
    listing = root / f"{split}.txt"
    if not listing.is_file():
        raise DatasetError(
            f"IP102 split file {listing} does not exist; expected train.txt, val.txt and "
            "test.txt with lines '<file> <class>'."
        )
    rows = []
    for number, line in enumerate(listing.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        pieces = line.rsplit(None, 1)
        if len(pieces) != 2 or not pieces[1].isdigit():
            raise DatasetError(
                f"Line {number} of {listing} reads {line!r}; expected '<file> <class index>'."
            )
        name, label = pieces[0].strip(), int(pieces[1])
        path = root / "classification" / split / str(label) / name
        if not path.is_file() and (root / "images" / name).is_file():
            path = root / "images" / name
        if not path.is_file():
            bad.add(path, f"listed on line {number} of {listing.name} with class {label} "
                    "but there is no such image")
            continue
        rows.append((path, label, relative(path, root)))
    return pd.DataFrame(rows, columns=["path", "label", "file"])


def _class_names(root: Path, count: int, class_names_file: str | None) -> tuple[str, ...]:
    path = root / (class_names_file or "classes.txt")
    if not path.is_file():
        if class_names_file is not None:
            raise DatasetError(f"IP102 class names file {path} does not exist.")
        return tuple(str(i) for i in range(count))
    lines = [ln.strip() for ln in path.read_text().splitlines() if ln.strip()]
    names = tuple(re.sub(r"^\d+\s+", "", ln) for ln in lines)
    if len(names) < count:
        raise DatasetError(f"IP102 class names file {path} names {len(names)} classes; the "
                           f"split files use {count}.")
    return names


def load_ip102(request: Request, *, class_names_file: str | None = None) -> Dataset:
    """IP102 insect pests from its split files; see :func:`course_utils.data.load_dataset`.

    Uses the dataset's own train/val/test lists (the fractions are unused);
    class names come from ``classes.txt`` (lines ``<number> <name>``) when
    present, else the class indices.
    """
    root = request.data_dir
    bad = BadFiles(request)
    parts = {s: _read_split_file(root, s, bad) for s in ("train", "val", "test")}
    count = max((int(t["label"].max()) + 1 for t in parts.values() if len(t)), default=0)
    parts = {s: cap_table(t, request) for s, t in parts.items()}
    return finish(
        request, parts, bad, class_names=_class_names(root, count, class_names_file),
        description=f"ip102: IP102 insect pest images from {root}, official split files",
    )
