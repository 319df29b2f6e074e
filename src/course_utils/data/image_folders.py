"""``"image_folder"``: images in one sub-folder per class (tf_flowers, CIFAR-10 as folders).

``data_dir/<class>/<image>`` is split (seeded, stratified) into train/val/test,
or several folders are combined with ``train_dirs=[...], val_dir=..., test_dir=...``.

Examples
--------
>>> from course_utils.data import load_dataset
>>> flowers = load_dataset("image_folder", "data/flowers")  # doctest: +SKIP
>>> cifar = load_dataset("image_folder", "data/cifar10_folders", train_dirs="train_*",
...                      val_dir="val", test_dir="test")  # doctest: +SKIP
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pandas as pd

from ..errors import DatasetError
from ._dataset import Dataset
from ._decode import (
    IMAGE_EXTENSIONS,
    BadFiles,
    cap_table,
    finish,
    image_files,
    relative,
    split_table,
)
from ._splits import Request

__all__ = ["load_image_folder"]


def _scan_class_folders(folder: Path) -> dict[str, list[Path]]:
    if not folder.is_dir():
        raise DatasetError(
            f"Image folder {folder} does not exist; expected a folder with one sub-folder "
            "per class."
        )
    classes = sorted(d for d in folder.iterdir() if d.is_dir() and not d.name.startswith("."))
    if not classes:
        raise DatasetError(
            f"Image folder {folder} has no class sub-folders; expected {folder}/<class>/<image>."
        )
    found = {}
    for d in classes:
        found[d.name] = image_files(d)
        if not found[d.name]:
            raise DatasetError(
                f"Class folder {d} holds no image files; expected files ending in "
                f"{', '.join(IMAGE_EXTENSIONS)}."
            )
    return found


def _folders(root: Path, names: list[str | os.PathLike] | str) -> list[Path]:
    names = [names] if isinstance(names, str | os.PathLike) else list(names)
    out: list[Path] = []
    for name in names:
        text = str(name)
        if any(ch in text for ch in "*?["):
            matches = sorted(p for p in root.glob(text) if p.is_dir())
            if not matches:
                raise DatasetError(f"No folder under {root} matches train_dirs pattern {text!r}.")
            out.extend(matches)
        else:
            out.append(Path(name) if Path(name).is_absolute() else root / name)
    return out


def _class_table(
    scan: dict[str, list[Path]], folder: Path, root: Path, class_names: tuple[str, ...]
) -> pd.DataFrame:
    unknown = sorted(set(scan) - set(class_names))
    if unknown:
        raise DatasetError(
            f"Folder {folder} has classes {unknown} that the training folders lack; "
            f"expected only {list(class_names)}."
        )
    rows = [(p, class_names.index(c), c, relative(p, root))
            for c, paths in scan.items() for p in paths]
    return pd.DataFrame(rows, columns=["path", "label", "class_name", "file"])


def load_image_folder(
    request: Request,
    *,
    train_dirs: list[str | os.PathLike] | str | None = None,
    val_dir: str | os.PathLike | None = None,
    test_dir: str | os.PathLike | None = None,
) -> Dataset:
    """Images in class sub-folders; see :func:`course_utils.data.load_dataset`.

    Without options, ``data_dir/<class>/*`` is split (seeded, stratified) into
    train/val/test. With ``train_dirs`` (names or glob patterns relative to
    ``data_dir``), their images are pooled for training; ``val_dir`` and
    ``test_dir`` give fixed validation and test folders, and a missing one is
    split off the pooled training images instead.
    """
    root = request.data_dir
    sources = _folders(root, train_dirs) if train_dirs is not None else [root]
    scans = [_scan_class_folders(folder) for folder in sources]
    class_names = tuple(sorted({c for scan in scans for c in scan}))
    train = pd.concat([_class_table(s, f, root, class_names)
                       for s, f in zip(scans, sources, strict=True)], ignore_index=True)
    fixed = {}
    for split, folder in (("val", val_dir), ("test", test_dir)):
        if folder is not None:
            path = Path(folder) if Path(folder).is_absolute() else root / folder
            table = _class_table(_scan_class_folders(path), path, root, class_names)
            fixed[split] = cap_table(table, request)
    sub = replace(request, val_fraction=0.0 if "val" in fixed else request.val_fraction,
                  test_fraction=0.0 if "test" in fixed else request.test_fraction)
    parts = split_table(train, sub)
    parts.update(fixed)
    folders = ", ".join(relative(f, root) or "." for f in sources)
    return finish(
        request, parts, BadFiles(request), class_names=class_names,
        description=(
            f"image_folder: {len(class_names)} class folders under {root} (train from "
            f"{folders}; val {val_dir or 'split off train'}; test {test_dir or 'split off train'})"
        ),
    )
